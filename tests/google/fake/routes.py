"""Which handler serves which URL, and whether it counts as a read or a write (Sheets quota, version bumps)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from . import batch, drive_api, sheets_api

SHEETS = "https://sheets.googleapis.com"
GOOGLEAPIS = "https://www.googleapis.com"


@dataclass
class Route:
    api: str  # "sheets" | "drive"
    method: str
    pattern: re.Pattern
    handler: Callable
    kind: str  # "read" | "write"
    discovery_id: str  # the discovery document's method id
    book: bool = False  # the handler takes the spreadsheet named by the path


def _r(api, method, pattern, handler, kind, discovery_id, book=False):
    return Route(api, method, re.compile("^" + pattern + "$"), handler, kind, discovery_id, book)


_ID = r"(?P<spreadsheetId>[^/:]+)"
_FILE = r"(?P<fileId>[^/:]+)"

ROUTES = [
    _r("sheets", "POST", r"/v4/spreadsheets", sheets_api.create, "write", "sheets.spreadsheets.create"),
    _r("sheets", "GET", rf"/v4/spreadsheets/{_ID}", sheets_api.get, "read", "sheets.spreadsheets.get", True),
    _r("sheets", "POST", rf"/v4/spreadsheets/{_ID}:batchUpdate", batch.batch_update, "write",
       "sheets.spreadsheets.batchUpdate", True),
    _r("sheets", "GET", rf"/v4/spreadsheets/{_ID}/values:batchGet", sheets_api.values_batch_get, "read",
       "sheets.spreadsheets.values.batchGet", True),
    _r("sheets", "POST", rf"/v4/spreadsheets/{_ID}/values:batchUpdate", sheets_api.values_batch_update, "write",
       "sheets.spreadsheets.values.batchUpdate", True),
    _r("sheets", "POST", rf"/v4/spreadsheets/{_ID}/values:batchClear", sheets_api.values_batch_clear, "write",
       "sheets.spreadsheets.values.batchClear", True),
    _r("sheets", "POST", rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+):append", sheets_api.values_append, "write",
       "sheets.spreadsheets.values.append", True),
    _r("sheets", "POST", rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+):clear", sheets_api.values_clear, "write",
       "sheets.spreadsheets.values.clear", True),
    _r("sheets", "GET", rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+)", sheets_api.values_get, "read",
       "sheets.spreadsheets.values.get", True),
    _r("sheets", "PUT", rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+)", sheets_api.values_update, "write",
       "sheets.spreadsheets.values.update", True),
    _r("drive", "GET", r"/drive/v3/files", drive_api.files_list, "read", "drive.files.list"),
    _r("drive", "POST", r"/drive/v3/files", drive_api.files_create, "write", "drive.files.create"),
    _r("drive", "GET", rf"/drive/v3/files/{_FILE}", drive_api.files_get, "read", "drive.files.get"),
    _r("drive", "PATCH", rf"/drive/v3/files/{_FILE}", drive_api.files_update, "write", "drive.files.update"),
    _r("drive", "DELETE", rf"/drive/v3/files/{_FILE}", drive_api.files_delete, "write", "drive.files.delete"),
    _r("drive", "POST", rf"/drive/v3/files/{_FILE}/copy", drive_api.files_copy, "write", "drive.files.copy"),
    _r("drive", "GET", rf"/drive/v3/files/{_FILE}/export", drive_api.files_export, "read", "drive.files.export"),
    _r("drive", "GET", rf"/drive/v3/files/{_FILE}/permissions", drive_api.permissions_list, "read",
       "drive.permissions.list"),
    _r("drive", "POST", rf"/drive/v3/files/{_FILE}/permissions", drive_api.permissions_create, "write",
       "drive.permissions.create"),
    _r("drive", "DELETE", rf"/drive/v3/files/{_FILE}/permissions/(?P<permissionId>[^/]+)", drive_api.permissions_delete,
       "write", "drive.permissions.delete"),
    _r("drive", "GET", rf"/drive/v3/files/{_FILE}/comments", drive_api.comments_list, "read", "drive.comments.list"),
    _r("drive", "POST", r"/upload/drive/v3/files", drive_api.upload, "write", "drive.files.create"),
    _r("drive", "PATCH", rf"/upload/drive/v3/files/{_FILE}", drive_api.upload, "write", "drive.files.update"),
]


def match(host: str, method: str, path: str):
    base = SHEETS if host == "sheets.googleapis.com" else GOOGLEAPIS
    for route in ROUTES:
        if route.method != method or (route.api == "sheets") != (base == SHEETS):
            continue
        m = route.pattern.match(path)
        if m:
            return route, m.groupdict()
    return None, None
