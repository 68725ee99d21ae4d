"""Plans in Google Drive: folders listed (subfolders, Shared Drives, past 1,000 files) and plans read
(native Google Sheets and uploaded .xlsx alike). Talks to Google only through ``client.GoogleClient``.

Listing builds its own query, ``'<folder>' in parents and trashed=false``, with explicit fields (gspread's
listing does not leave out the trash), one request per 1,000 files of a folder. Reading a native Sheet
has two ways, measured in benchmarks/README.md: Drive's export to .xlsx, read by the same calamine reader
as a file ("export", the default: Drive allows 12,000 requests a minute, so reads run side by side), or
the Sheets API's one read ("sheets": 60 a minute, so 1,000 plans take 17 minutes at best).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..sources import GOOGLE, PlanRef, _candidate_name
from . import DEFAULT_STRATEGY
from .ids import spreadsheet_id

if TYPE_CHECKING:
    from ..grid import Workbook
    from .client import GoogleClient

FOLDER_MIME = "application/vnd.google-apps.folder"
SHEET_MIME = "application/vnd.google-apps.spreadsheet"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM_MIME = "application/vnd.ms-excel.sheet.macroEnabled.12"
FILE_FIELDS = "id,name,mimeType,modifiedTime,version,webViewLink,parents,trashed"
LIST_FIELDS = f"nextPageToken,incompleteSearch,files({FILE_FIELDS})"

_FOLDER_URL = re.compile(r"^https?://drive\.google\.com/(?:drive/(?:u/\d+/)?(?:folders|shared-drives)/|"
                         r"open\?id=)([A-Za-z0-9_-]{10,})")


def drive_id(text: str) -> str | None:
    """The Drive id in a folder URL, a Sheet URL or a bare id; None for a path."""
    match = _FOLDER_URL.match(str(text).strip())
    return match.group(1) if match else spreadsheet_id(text)


@dataclass(frozen=True)
class DriveFile:
    id: str
    name: str
    mime: str
    version: int
    modified: str  # RFC 3339, as Drive gives it
    link: str
    folder: str = ""  # the folder it was found in (as given or a subfolder)

    @property
    def ref(self) -> PlanRef:
        """Keyed by file id: a renamed or moved plan keeps its history."""
        return PlanRef(f"google:{self.id}", self.name, self.link, GOOGLE, str(self.version))

    @property
    def modified_ns(self) -> int:
        moment = dt.datetime.fromisoformat(self.modified.replace("Z", "+00:00"))
        return int(moment.timestamp() * 1_000_000) * 1000

    @property
    def native(self) -> bool:
        return self.mime == SHEET_MIME


def _file(item: dict, folder: str = "") -> DriveFile:
    return DriveFile(item["id"], item.get("name", ""), item.get("mimeType", ""), int(item.get("version") or 0),
                     item.get("modifiedTime", ""), item.get("webViewLink", ""), folder)


def is_plan(item: dict) -> bool:
    """A native Sheet, or an uploaded workbook (not an Office lock file)."""
    mime, name = item.get("mimeType"), item.get("name", "")
    return mime == SHEET_MIME or (mime in (XLSX_MIME, XLSM_MIME) or _candidate_name(name)) and \
        not name.startswith(("~$", ".~lock", "."))


def list_plans(client: "GoogleClient", ids: list[str], *, exclude: frozenset[str] = frozenset()) -> list[DriveFile]:
    """The plans under the Drive folders (or single files) ``ids``, subfolders included, each once, in
    listing order; ``exclude``: ids never taken for plans (the roll-up itself)."""
    found: dict[str, DriveFile] = {}
    todo, seen = [], set()
    for given in ids:
        item = client.file(given, fields=FILE_FIELDS)
        if item.get("mimeType") == FOLDER_MIME:
            todo.append(given)
        elif not item.get("trashed") and given not in exclude:
            found.setdefault(given, _file(item))
    while todo:
        folder = todo.pop(0)
        if folder in seen:
            continue
        seen.add(folder)
        for item in _children(client, folder):
            if item.get("mimeType") == FOLDER_MIME:
                todo.append(item["id"])
            elif is_plan(item) and item["id"] not in exclude:
                found.setdefault(item["id"], _file(item, folder))
    return list(found.values())


def _children(client: "GoogleClient", folder: str):
    token = None
    while True:
        page = client.list_files(f"'{folder}' in parents and trashed=false", fields=LIST_FIELDS, page_token=token)
        yield from page.get("files") or []
        token = page.get("nextPageToken")
        if not token:
            return


def read_plan(client: "GoogleClient", f: DriveFile, strategy: str = DEFAULT_STRATEGY) -> "Workbook":
    """The plan's cells as a grid: a native Sheet by ``strategy``; an uploaded workbook downloaded."""
    from ..errors import MapsheetError
    from .client import GoogleError

    source = f"{f.name} ({f.link})"
    try:
        if f.native and strategy == "sheets":
            from .grid import READ_FIELDS, workbook_from_response  # the reader: imported when a plan is read

            return workbook_from_response(client.get(f.id, fields=READ_FIELDS), source=source)
        content = client.export(f.id, XLSX_MIME) if f.native else client.download(f.id)
    except GoogleError as exc:
        if exc.status == 404:
            raise MapsheetError(f"{source}: gone from Drive since the folder was listed (deleted, or no longer "
                                "shared with you); it leaves the roll-up at the next sync") from None
        raise MapsheetError(str(exc)) from None
    return read_bytes(content, source, ".xlsm" if f.mime == XLSM_MIME else ".xlsx")


def read_bytes(content: bytes, source: str, suffix: str = ".xlsx") -> "Workbook":
    """An .xlsx held in memory, read by the file reader (calamine); messages name ``source``."""
    from ..backends.xlsx_read import read_workbook
    from ..errors import MapsheetError

    import tempfile  # here: syncing files (not Drive) never loads it

    with tempfile.TemporaryDirectory(prefix="mapsheet-drive-") as folder:
        path = Path(folder) / f"plan{suffix}"
        path.write_bytes(content)
        try:
            book = read_workbook(path)
        except MapsheetError as exc:
            raise MapsheetError(f"{source}: {getattr(exc, 'reason', None) or exc}") from None
    return replace(book, source=source)
