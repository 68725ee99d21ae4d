"""The fake's state: Drive files, spreadsheets, sheets and cells, and the clock that stamps every change.

Cells are kept as Sheets v4 `CellData` dicts (userEnteredValue, userEnteredFormat, note, dataValidation,
hyperlink) keyed by zero-based (row, column); what Google derives (effectiveValue, formattedValue,
effectiveFormat) is computed when a cell is read (render.py).
"""
from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Google's default properties of a new spreadsheet (locale, time zone, default format, theme), as recorded
# in gspread's cassettes (WorksheetTest.test_update_acell, 2023-07): ../shared/google/gspread-cassettes.
DEFAULTS = json.loads((Path(__file__).with_name("defaults.json")).read_text())


class FakeClock:
    """Time under the test's control: sleep() advances it, nothing waits."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)):
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        return self._now

    def monotonic(self) -> float:
        return self._now.timestamp()

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)


class RealClock:
    """Wall time: latency really waits, so concurrent requests overlap as they would against Google."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def advance(self, seconds: float) -> None:
        raise TypeError("a RealClock cannot be advanced; use FakeClock")


class ThreadClock:
    """Virtual time for concurrent clients: each thread has its own timeline and sleep() advances only the
    calling thread, so N workers each waiting 150 ms take 150 ms, not N x 150 ms, and nothing really waits.
    A worker thread starts at the main thread's time; the main thread (the one waiting for the workers)
    reads the furthest any thread has got. For benchmarks of concurrent reads (issue #12)."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)):
        self._start = start
        self._local = threading.local()
        self._lock = threading.Lock()
        self._furthest = 0.0
        self._main = 0.0

    def _offset(self) -> float:
        if threading.current_thread() is threading.main_thread():
            with self._lock:
                self._main = max(self._main, self._furthest)
                return self._main
        if not hasattr(self._local, "offset"):
            self._local.offset = self._main
        return self._local.offset

    def _move(self, seconds: float) -> None:
        offset = self._offset() + seconds
        with self._lock:
            self._furthest = max(self._furthest, offset)
            if threading.current_thread() is threading.main_thread():
                self._main = offset
            else:
                self._local.offset = offset

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=self._offset())

    def monotonic(self) -> float:
        return self._start.timestamp() + self._offset()

    def sleep(self, seconds: float) -> None:
        self._move(seconds)

    def advance(self, seconds: float) -> None:
        self._move(seconds)

    def elapsed(self) -> float:
        """Seconds from the start to the furthest point any thread reached (the wall time of a run)."""
        return self._furthest


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def new_file_id() -> str:
    """Drive ids look like 44 url-safe characters starting with 1."""
    return "1" + secrets.token_urlsafe(33)[:43]


@dataclass
class Sheet:
    properties: dict
    cells: dict = field(default_factory=dict)  # (row, col) -> CellData
    merges: list = field(default_factory=list)
    conditional_formats: list = field(default_factory=list)
    protected_ranges: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    basic_filter: dict | None = None
    row_meta: dict = field(default_factory=dict)  # row -> DimensionProperties
    col_meta: dict = field(default_factory=dict)
    row_groups: list = field(default_factory=list)
    column_groups: list = field(default_factory=list)

    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def grid(self) -> dict:
        return self.properties.setdefault("gridProperties", {})

    @property
    def row_count(self) -> int:
        return self.grid.get("rowCount", 0)

    @property
    def col_count(self) -> int:
        return self.grid.get("columnCount", 0)

    def cell(self, row: int, col: int) -> dict:
        return self.cells.setdefault((row, col), {})

    def used_bounds(self) -> tuple[int, int]:
        """(rows, cols) up to the last cell holding a value."""
        rows = cols = 0
        for (r, c), data in self.cells.items():
            if "userEnteredValue" in data:
                rows, cols = max(rows, r + 1), max(cols, c + 1)
        return rows, cols


def new_sheet(sheet_id: int, title: str, index: int, rows: int = 1000, cols: int = 26) -> Sheet:
    return Sheet(
        properties={
            "sheetId": sheet_id,
            "title": title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": rows, "columnCount": cols},
        }
    )


_OBJECT_IDS = itertools.count(1_000_000_007, 7_919)  # ids unique across every fake of a test session


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    properties: dict
    sheets: list[Sheet] = field(default_factory=list)
    named_ranges: list = field(default_factory=list)
    next_object_id: itertools.count = field(default_factory=lambda: _OBJECT_IDS)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None) or next(
            (s for s in self.sheets if s.title.lower() == title.lower()), None
        )

    def reindex(self) -> None:
        self.sheets.sort(key=lambda s: s.properties["index"])
        for i, sheet in enumerate(self.sheets):
            sheet.properties["index"] = i

    def new_sheet_id(self) -> int:
        used = {s.sheet_id for s in self.sheets}
        candidate = next(self.next_object_id) % 2_147_483_647
        while candidate in used:
            candidate = next(self.next_object_id) % 2_147_483_647
        return candidate


def new_spreadsheet(spreadsheet_id: str, title: str) -> Spreadsheet:
    props = copy.deepcopy(DEFAULTS["properties"])
    props["title"] = title
    book = Spreadsheet(spreadsheet_id, props)
    book.sheets.append(new_sheet(0, "Sheet1", 0))
    return book


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    owner: str
    parents: list[str] = field(default_factory=list)
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
    version: int = 1
    trashed: bool = False
    content: bytes | None = None  # uploaded (non-native) files
    permissions: list[dict] = field(default_factory=list)  # {"id", "type", "role", "emailAddress"}
    drive_id: str | None = None
    app_properties: dict = field(default_factory=dict)
    description: str | None = None

    def readers(self) -> set[str]:
        return {p.get("emailAddress", "") for p in self.permissions} | {self.owner}

    def anyone_can_read(self) -> bool:
        return any(p.get("type") == "anyone" for p in self.permissions)

    def role_of(self, email: str) -> str | None:
        if email == self.owner:
            return "owner"
        for p in self.permissions:
            if p.get("emailAddress") == email or p.get("type") == "anyone":
                return p.get("role")
        return None
