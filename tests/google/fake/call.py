"""One request as a handler sees it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import invalid


@dataclass
class Call:
    state: Any  # the FakeGoogle
    user: str
    method: str
    path_args: dict
    params: dict  # name -> list of strings
    body: Any = None  # parsed JSON, or bytes for uploads
    raw: bytes = b""
    headers: dict = field(default_factory=dict)

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.params.get(name)
        return values[-1] if values else default

    def params_all(self, name: str) -> list[str]:
        return list(self.params.get(name, []))

    def flag(self, name: str) -> bool:
        return (self.param(name, "false") or "false").lower() == "true"

    def json_body(self) -> dict:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise invalid("Invalid JSON payload received. Expected an object.")
        return self.body
