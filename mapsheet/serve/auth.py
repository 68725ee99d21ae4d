"""Who is calling: a Google ID token from the Apps Script (``ScriptApp.getIdentityToken()``), verified
with google-auth, or a shared secret. Both answer a ``Caller`` or raise ``Refused`` with a message the
script shows to the seller as it is.

The ID token check is google-auth's ``verify_oauth2_token`` spelled out (``verify_token`` plus the issuer
check) so that the certificate address can point at a local server in tests. Google's certificates are
fetched through a CacheControl session: google-auth fetches them on every call otherwise, and Google
sends them with a ``Cache-Control: max-age`` of hours, which CacheControl honours.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import requests
from cachecontrol import CacheControl
from google.auth import exceptions as google_exceptions
from google.auth.transport import requests as google_requests
from google.oauth2 import id_token

from .errors import Refused
from .settings import CLOCK_SKEW_SECONDS, GOOGLE_ISSUERS, ServeSettings

#: Header the shared-secret mode reads (the ID token travels as ``Authorization: Bearer``).
SECRET_HEADER = "x-mapsheet-key"
#: In shared-secret mode the script says who clicked; unverified, used only to share out the rate limit.
USER_HEADER = "x-mapsheet-user"
CERTS_TIMEOUT_SECONDS = 5

_SIGN_IN_AGAIN = "reload the sheet and try again; if it keeps happening, tell your RevOps admin"


@dataclass(frozen=True)
class Caller:
    email: str
    verified: bool


class _CertsRequest(google_requests.Request):
    """google-auth's requests transport with a time limit: it waits forever by default."""

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        return super().__call__(url, method, body, headers, timeout or CERTS_TIMEOUT_SECONDS, **kwargs)


class Authenticator:
    def __init__(self, settings: ServeSettings, session: requests.Session | None = None):
        self.settings = settings
        self._request = _CertsRequest(CacheControl(session or requests.Session()))

    def caller(self, headers) -> Caller:
        """The verified caller of a request with these (case-insensitive) headers."""
        secret = headers.get(SECRET_HEADER)
        if secret is not None and self.settings.shared_secret:
            return self._by_secret(secret, headers.get(USER_HEADER))
        authorization = headers.get("authorization") or ""
        if not self.settings.uses_id_tokens:
            raise Refused(401, "missing-key", "this mapsheet server expects its shared key; set it with "
                          "mapsheet > Set up")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(401, "missing-token", "the request carried no Google sign-in (an Authorization: Bearer "
                          "ID token); the script sends one, so run Check plan from the sheet's mapsheet menu")
        return self._by_token(token.strip())

    def _by_secret(self, secret: str, claimed_user: str | None) -> Caller:
        if not hmac.compare_digest(secret.encode(), self.settings.shared_secret.encode()):
            raise Refused(401, "wrong-key", "this mapsheet server did not accept the shared key set in mapsheet > "
                          "Set up; ask your RevOps admin for the current one")
        return Caller((claimed_user or "shared-key").strip().lower()[:254], verified=False)

    def _by_token(self, token: str) -> Caller:
        try:
            info = id_token.verify_token(token, self._request, audience=list(self.settings.audiences),
                                         certs_url=self.settings.certs_url,
                                         clock_skew_in_seconds=CLOCK_SKEW_SECONDS)
        except google_exceptions.TransportError:
            raise Refused(503, "certificates-unavailable", "the server could not fetch Google's sign-in "
                          "certificates just now; try again in a minute") from None
        except (ValueError, google_exceptions.GoogleAuthError) as exc:
            raise _token_refusal(str(exc)) from None
        if info.get("iss") not in GOOGLE_ISSUERS:
            raise Refused(401, "wrong-issuer", f"the sign-in token was not issued by Google; {_SIGN_IN_AGAIN}")
        email = info.get("email")
        if not email:
            raise Refused(401, "no-email", "the sign-in token carries no e-mail address: the script needs the "
                          "userinfo.email scope (see appsscript.json)")
        if info.get("email_verified") not in (True, "true"):
            raise Refused(403, "email-not-verified", f"Google has not verified the address {email}, so this "
                          "server cannot trust it")
        if not self.settings.allows(email):
            raise Refused(403, "not-allowed", f"{email} may not use this mapsheet server; ask your RevOps admin "
                          "to add you or your domain to its --allow list")
        return Caller(email.lower(), verified=True)


def _token_refusal(reason: str) -> Refused:
    """google-auth's reason for refusing a token, as a sentence for the seller (its own words are kept in
    the code so the admin can tell the cases apart; the token itself is never echoed)."""
    lowered = reason.lower()
    if "expired" in lowered:
        return Refused(401, "token-expired", f"the Google sign-in token has expired; {_SIGN_IN_AGAIN}")
    if "too early" in lowered:
        return Refused(401, "token-not-yet-valid", "the Google sign-in token is not valid yet: this server's "
                       "clock or Google's is off; tell your RevOps admin")
    if "audience" in lowered:
        return Refused(401, "wrong-audience", "the Google sign-in token was made for another application: this "
                       "server's --audience does not list this script's client ID (see mapsheet > Set up)")
    return Refused(401, "invalid-token", f"the Google sign-in token could not be verified; {_SIGN_IN_AGAIN}")
