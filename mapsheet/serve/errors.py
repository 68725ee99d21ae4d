"""The one exception the service answers with: an HTTP status, a stable code and a sentence the
Apps Script shows to the seller unchanged."""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def as_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}
