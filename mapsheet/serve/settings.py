"""What `mapsheet serve` is told: who may call it, how much it accepts, and where it listens.

Every setting comes from a CLI option or its environment variable (see the README). The settings refuse
to describe an open server: ID-token mode needs at least one audience (google-auth skips the audience
check when given none) and an allow-list; shared-secret mode needs a long secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MapsheetError
from ..google.id_token import GOOGLE_CERTS_URL

#: A shared secret shorter than this is refused at start-up.
MIN_SECRET_LENGTH = 24

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^@?([a-z0-9-]+\.)+[a-z]{2,}$")


@dataclass(frozen=True)
class ServeSettings:
    audiences: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    shared_secret: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    certs_url: str = GOOGLE_CERTS_URL
    max_body_bytes: int = 8 * 1024 * 1024
    rate_per_minute: int = 20
    timeout_seconds: float = 20.0
    config: Path | None = None
    allowed_emails: frozenset[str] = field(init=False)
    allowed_domains: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        audiences = tuple(a.strip() for a in self.audiences if a.strip())
        allowed = tuple(a.strip().lower() for a in self.allowed if a.strip())
        object.__setattr__(self, "audiences", audiences)
        object.__setattr__(self, "allowed", allowed)
        object.__setattr__(self, "allowed_emails", frozenset(a for a in allowed if "@" in a[1:]))
        object.__setattr__(self, "allowed_domains", frozenset(a.lstrip("@") for a in allowed if "@" not in a[1:]))
        self._validate()

    @property
    def uses_id_tokens(self) -> bool:
        return bool(self.audiences)

    def _validate(self) -> None:
        if not self.audiences and not self.shared_secret:
            raise MapsheetError(
                "mapsheet serve needs to know who may call it: give --audience CLIENT_ID (the OAuth client ID "
                "in the Apps Script's ID tokens, shown by mapsheet > Set up in the sheet) with --allow "
                "DOMAIN_OR_EMAIL, or set MAPSHEET_SHARED_SECRET; it will not start open to everyone")
        if self.audiences and not self.allowed:
            raise MapsheetError("--audience needs --allow: the e-mail addresses or domains (e.g. acme.com) whose "
                                "users may check plans on this server")
        for entry in self.allowed:
            if not (_EMAIL.match(entry) or _DOMAIN.match(entry)):
                raise MapsheetError(f"--allow {entry!r} is neither an e-mail address nor a domain like acme.com")
        if self.shared_secret is not None and len(self.shared_secret) < MIN_SECRET_LENGTH:
            raise MapsheetError(f"the shared secret must be at least {MIN_SECRET_LENGTH} characters long "
                                "(try: python -c \"import secrets; print(secrets.token_urlsafe(32))\")")
        for name, value in (("--max-body-mb", self.max_body_bytes), ("--rate-limit", self.rate_per_minute),
                            ("--timeout", self.timeout_seconds)):
            if value <= 0:
                raise MapsheetError(f"{name} must be more than 0")
        if not self.certs_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise MapsheetError(f"--certs-url {self.certs_url!r} must be an https:// address")

    def allows(self, email: str) -> bool:
        email = email.lower()
        return email in self.allowed_emails or email.rsplit("@", 1)[-1] in self.allowed_domains
