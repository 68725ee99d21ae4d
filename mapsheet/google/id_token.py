"""Google ID tokens, as the Apps Script button sends them (``ScriptApp.getIdentityToken()``), verified with
google-auth: signature against Google's certificates, audience, issuer, expiry and issue time.

This is google-auth's ``verify_oauth2_token`` spelled out (``verify_token`` plus the issuer check) so
that the certificate address can point at a local server in tests. The certificates are fetched through
a CacheControl session: google-auth fetches them on every call otherwise, and Google sends them with a
``Cache-Control: max-age`` of hours, which CacheControl honours. Who may call is ``mapsheet.serve``'s
business; this module only says whether a token is Google's and for whom.
"""

from __future__ import annotations

from typing import Any, Mapping

import requests
from cachecontrol import CacheControl
from google.auth import exceptions as google_exceptions
from google.auth.transport import requests as google_requests
from google.oauth2 import id_token

#: Where Google publishes the certificates that sign its ID tokens (PEM by key id).
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
#: The issuers Google's ID tokens carry.
GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")
#: Clocks differ between Google and this server; a token this many seconds early or late still counts.
CLOCK_SKEW_SECONDS = 10
CERTS_TIMEOUT_SECONDS = 5


class TokenRefused(Exception):
    """Why a token is not accepted: ``kind`` is one of expired, not-yet-valid, wrong-audience,
    wrong-issuer, invalid, certificates-unavailable; the message is google-auth's own reason."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind


class _CertsRequest(google_requests.Request):
    """google-auth's requests transport with a time limit: it waits forever by default."""

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        return super().__call__(url, method, body, headers, timeout or CERTS_TIMEOUT_SECONDS, **kwargs)


class IdTokenVerifier:
    def __init__(self, audiences: tuple[str, ...], certs_url: str = GOOGLE_CERTS_URL,
                 session: requests.Session | None = None):
        if not audiences:  # google-auth skips the audience check when given none
            raise ValueError("an ID token verifier needs at least one audience")
        self.audiences = list(audiences)
        self.certs_url = certs_url
        self._request = _CertsRequest(CacheControl(session or requests.Session()))

    def claims(self, token: str) -> Mapping[str, Any]:
        """The token's claims once it is shown to be Google's, for one of the audiences, and current."""
        try:
            info = id_token.verify_token(token, self._request, audience=self.audiences, certs_url=self.certs_url,
                                         clock_skew_in_seconds=CLOCK_SKEW_SECONDS)
        except google_exceptions.TransportError as exc:
            raise TokenRefused("certificates-unavailable", str(exc)) from None
        except (ValueError, google_exceptions.GoogleAuthError) as exc:
            raise TokenRefused(_kind(str(exc)), str(exc)) from None
        if info.get("iss") not in GOOGLE_ISSUERS:
            raise TokenRefused("wrong-issuer", f"issuer {info.get('iss')!r} is not Google")
        return info


def _kind(reason: str) -> str:
    lowered = reason.lower()
    if "expired" in lowered:
        return "expired"
    if "too early" in lowered:
        return "not-yet-valid"
    if "audience" in lowered:
        return "wrong-audience"
    return "invalid"
