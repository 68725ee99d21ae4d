"""The requests transport adapter: serves every request to the Google hosts in process."""
from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from . import routes
from .errors import ApiError, drive_error, sheets_error

HOSTS = ("https://sheets.googleapis.com/", "https://www.googleapis.com/")


@dataclass
class Served:
    """One request the fake served (or refused), for counting and inspection."""

    method: str
    url: str
    path: str
    params: dict  # name -> value (or list of values when repeated)
    json: Any
    status: int = 0
    api: str = ""
    kind: str = ""  # "read" | "write" | ""
    operation: str = ""  # the discovery method id, e.g. "sheets.spreadsheets.get"
    user: str = ""
    at: float = 0.0  # the fake clock's time when served
    fault: str | None = None
    headers: dict = field(default_factory=dict)


def _params(query: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(query, keep_blank_values=True)


def _flat(params: dict[str, list[str]]) -> dict:
    return {k: (v[0] if len(v) == 1 else v) for k, v in params.items()}


class FakeAdapter(BaseAdapter):
    def __init__(self, google, user: str):
        super().__init__()
        self.google = google
        self.user = user

    def close(self) -> None:
        pass

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        return self.google._serve(request, self.user, timeout)


def respond(request, status: int, body: Any, headers: dict | None = None, content_type: str | None = None):
    response = requests.Response()
    response.status_code = status
    response.reason = {200: "OK", 204: "No Content"}.get(status, "Error")
    response.url = request.url
    response.request = request
    if body is None:
        raw, ctype = b"", "text/html"
    elif isinstance(body, bytes):
        raw, ctype = body, content_type or "application/octet-stream"
    else:
        raw, ctype = json.dumps(body, indent=2).encode(), "application/json; charset=UTF-8"
    response._content = raw
    response.encoding = "utf-8" if ctype.startswith(("application/json", "text/")) else None
    response.headers = CaseInsensitiveDict({"Content-Type": ctype, "Server": "ESF (mapsheet fake)", **(headers or {})})
    return response


def error_response(request, err: ApiError):
    return respond(request, err.code, err.body, err.headers)


def unknown_route(api: str, method: str, path: str) -> ApiError:
    if api == "sheets":
        return sheets_error(404, f"The fake has no {method} {path} (unknown method)")
    return drive_error(404, f"The fake has no {method} {path} (unknown method)", "notFound")


def decode_body(request) -> tuple[Any, bytes]:
    raw = request.body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    ctype = (request.headers.get("Content-Type") or "").lower()
    if raw and ctype.startswith("application/json"):
        return json.loads(raw), raw
    if raw and not ctype:
        try:
            return json.loads(raw), raw
        except ValueError:
            return raw, raw
    return (None if not raw else raw), raw

