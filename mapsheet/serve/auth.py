"""Who is calling: a Google ID token from the Apps Script (``ScriptApp.getIdentityToken()``), verified by
``mapsheet.google.id_token`` (google-auth), then held to ``email_verified`` and the allow-list; or a
shared key. Both answer a ``Caller`` or raise ``Refused`` with a message the script shows to the seller
as it is (the token itself is never echoed)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import requests

from ..google.id_token import IdTokenVerifier, TokenRefused
from .errors import Refused
from .settings import ServeSettings

#: Header the shared-secret mode reads (the ID token travels as ``Authorization: Bearer``).
SECRET_HEADER = "x-mapsheet-key"
#: In shared-secret mode the script says who clicked; unverified, used only to share out the rate limit.
USER_HEADER = "x-mapsheet-user"

_SIGN_IN_AGAIN = "reload the sheet and try again; if it keeps happening, tell your RevOps admin"
_TOKEN_REFUSALS = {
    "expired": (401, "token-expired", f"the Google sign-in token has expired; {_SIGN_IN_AGAIN}"),
    "not-yet-valid": (401, "token-not-yet-valid", "the Google sign-in token is not valid yet: this server's clock "
                      "or Google's is off; tell your RevOps admin"),
    "wrong-audience": (401, "wrong-audience", "the Google sign-in token was made for another application: this "
                       "server's --audience does not list this script's client ID (see mapsheet > Set up)"),
    "wrong-issuer": (401, "wrong-issuer", f"the sign-in token was not issued by Google; {_SIGN_IN_AGAIN}"),
    "certificates-unavailable": (503, "certificates-unavailable", "the server could not fetch Google's sign-in "
                                 "certificates just now; try again in a minute"),
    "invalid": (401, "invalid-token", f"the Google sign-in token could not be verified; {_SIGN_IN_AGAIN}"),
}


@dataclass(frozen=True)
class Caller:
    email: str
    verified: bool


class Authenticator:
    def __init__(self, settings: ServeSettings, session: requests.Session | None = None):
        self.settings = settings
        self._verifier = (IdTokenVerifier(settings.audiences, settings.certs_url, session)
                          if settings.uses_id_tokens else None)

    def caller(self, headers) -> Caller:
        """The verified caller of a request with these (case-insensitive) headers."""
        secret = headers.get(SECRET_HEADER)
        if secret is not None and self.settings.shared_secret:
            return self._by_secret(secret, headers.get(USER_HEADER))
        if self._verifier is None:
            raise Refused(401, "missing-key", "this mapsheet server expects its shared key: the admin sets it in "
                          "the script editor's Script properties as mapsheet.key")
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(401, "missing-token", "the request carried no Google sign-in (an Authorization: Bearer "
                          "ID token); the script sends one, so run Check plan from the sheet's mapsheet menu")
        return self._by_token(token.strip())

    def _by_secret(self, secret: str, claimed_user: str | None) -> Caller:
        if not hmac.compare_digest(secret.encode(), self.settings.shared_secret.encode()):
            raise Refused(401, "wrong-key", "this mapsheet server did not accept the shared key set in the "
                          "script's properties; ask your RevOps admin for the current one")
        return Caller((claimed_user or "shared-key").strip().lower()[:254], verified=False)

    def _by_token(self, token: str) -> Caller:
        try:
            info = self._verifier.claims(token)
        except TokenRefused as refused:
            raise Refused(*_TOKEN_REFUSALS[refused.kind]) from None
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
