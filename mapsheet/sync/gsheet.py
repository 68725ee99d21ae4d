"""Write a ``Rollup`` into a Google Sheet, replaced in place: the same sheets, formats, conditional formats,
charts and plan links as the .xlsx roll-up (the same tables from ``tables``; the Dashboard laid out as
the XlsxWriter writer lays it out), through ``google.client`` (no gspread here).

Write then swap, so a reader never sees an empty roll-up: the new sheets are built hidden under staging
names (``Deals ~mapsheet``), filled in batches of at most ``CELLS_PER_REQUEST`` cells (a body stays well
under Google's 2 MB), then ONE atomic ``batchUpdate`` shows them, deletes the old ones and gives them
their names. Requests: 1 read of the sheet list, ceil(cells / 20,000) + 1 writes (8 for the 1,000 plans
of benchmarks/drive_bench.py), 1 Drive read of the version after writing (remembered, so mapsheet's own write
never looks like someone's edit). Staging sheets a killed write left are deleted by the next write.
Google holds 10 million cells a spreadsheet: a roll-up (with the old one while swapping) that would
pass that is refused with what to do instead.

Safety: text is always sent as ``stringValue``, which Google keeps as text: a plan value starting with
``=``, ``+``, ``-`` or ``@`` never becomes a formula, as in the .xlsx roll-up.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import MapsheetError
from ..google.formats import PIXELS_PER_WIDTH, color_style, extended_value
from ..google.ids import sheet_url
from . import excel
from .excel import BAND_FILL, HEADER_ROWS, NUM_FORMAT, SERIES_COLOUR
from .tables import BANDS, Chart, Dashboard, Kind, Link, Rollup, Table

if TYPE_CHECKING:
    from ..google.client import GoogleClient

CELL_LIMIT = 10_000_000
CELLS_PER_REQUEST = 20_000
STAGING = " ~mapsheet"
UNSURE_WRITES = 3
_NUMBER_TYPE = {Kind.DATE: "DATE", Kind.PERCENT: "PERCENT"}
_CHART_TYPE = {"pie": "PIE", "bar": "BAR", "column": "COLUMN"}


@dataclass
class GoogleWrite:
    requests: int = 0  # batchUpdate requests sent
    cells: int = 0  # cells of the new roll-up
    stat: tuple[int, int] = (0, 0)  # the Sheet's Drive (version, modifiedTime ns) after the write


class GoogleRollup:
    """A Google Sheet that holds the roll-up, by id."""

    def __init__(self, client: "GoogleClient", spreadsheet: str):
        self.client, self.spreadsheet = client, spreadsheet

    @classmethod
    def create(cls, client: "GoogleClient", title: str, folder: str | None = None) -> "GoogleRollup":
        return cls(client, client.create_spreadsheet(title=title, folder=folder))

    @property
    def link(self) -> str:
        return sheet_url(self.spreadsheet)

    def __str__(self) -> str:
        return self.link

    def stat(self) -> tuple[int, int]:
        """(Drive version, modifiedTime in ns): any write moves both."""
        meta = self.client.file(self.spreadsheet, fields="version,modifiedTime")
        moment = dt.datetime.fromisoformat(meta["modifiedTime"].replace("Z", "+00:00"))
        return int(meta["version"]), int(moment.timestamp() * 1_000_000) * 1000

    def write(self, rollup: Rollup) -> GoogleWrite:
        from ..google.client import GoogleError

        sheets = layout(rollup)
        report = GoogleWrite(cells=sum(s.rows * s.cols for s in sheets))
        for attempt in range(UNSURE_WRITES):
            try:
                self._write(sheets, report)
                return report
            except GoogleError as exc:
                # A timeout or 5xx: the write may have landed; write again from the start (staging sheets
                # left over are deleted first, and the result is the same roll-up).
                if not exc.unsure or attempt == UNSURE_WRITES - 1:
                    raise
        return report

    def _write(self, sheets: list["_Sheet"], report: GoogleWrite) -> None:
        meta = self.client.get(self.spreadsheet, grid=False,
                               fields="sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)))")
        old = [s["properties"] for s in meta.get("sheets", [])]
        stale = [p["sheetId"] for p in old if STAGING in p["title"]]
        kept = [p for p in old if p["sheetId"] not in stale]
        old_cells = sum(p.get("gridProperties", {}).get("rowCount", 0) * p.get("gridProperties", {}).get("columnCount", 0)
                        for p in kept)
        if report.cells > CELL_LIMIT or report.cells + old_cells > CELL_LIMIT:
            raise MapsheetError(
                f"{self.link}: the roll-up needs {report.cells:,} cells (and {old_cells:,} for the one it replaces while "
                f"swapping); Google Sheets holds {CELL_LIMIT:,} a spreadsheet. Sync into an .xlsx (--out rollup.xlsx) "
                "or CSV/Parquet files (--csv/--parquet), or split the plans over several roll-ups")
        taken = {p["sheetId"] for p in old}
        for s in sheets:
            s.sheet_id = _new_id(taken)
        bodies = _batches([{"deleteSheet": {"sheetId": i}} for i in stale] + [r for s in sheets for r in s.requests()])
        for body in bodies:
            self.client.batch_update(self.spreadsheet, {"requests": body})
            report.requests += 1
        swap = [{"updateSheetProperties": {"properties": {"sheetId": s.sheet_id, "hidden": False},
                                           "fields": "hidden"}} for s in sheets]
        swap += [{"deleteSheet": {"sheetId": p["sheetId"]}} for p in kept]
        swap += [{"updateSheetProperties": {"properties": {"sheetId": s.sheet_id, "title": s.title, "index": i},
                                            "fields": "title,index"}} for i, s in enumerate(sheets)]
        self.client.batch_update(self.spreadsheet, {"requests": swap})
        report.requests += 1
        report.stat = self.stat()


def _new_id(taken: set[int]) -> int:
    while True:
        candidate = secrets.randbelow(2_000_000_000) + 1
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _batches(requests: list[dict]) -> list[list[dict]]:
    """Requests grouped into bodies of at most CELLS_PER_REQUEST cells each, in order."""
    bodies, current, weight = [], [], 0
    for r in requests:
        cells = sum(len(row.get("values", [])) for row in r.get("updateCells", {}).get("rows", []))
        if current and weight + cells > CELLS_PER_REQUEST:
            bodies.append(current)
            current, weight = [], 0
        current.append(r)
        weight += cells
    if current:
        bodies.append(current)
    return bodies


# -- one sheet: its cells and requests ----------------------------------------------------------------------

@dataclass
class _Sheet:
    title: str
    cells: dict[tuple[int, int], dict] = field(default_factory=dict)
    rows: int = 1
    cols: int = 1
    widths: list[int] = field(default_factory=list)
    heights: dict[int, int] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (exclusive ends)
    frozen: tuple[int, int] = (0, 0)
    column_formats: list[tuple[int, dict]] = field(default_factory=list)  # (column, numberFormat) of data rows
    rules: list[tuple[int, dict]] = field(default_factory=list)  # (column, booleanRule) on the data rows
    charts: list[tuple[Chart, int, int, list[int], int, int]] = field(default_factory=list)
    tab: str = ""
    filter_row: int | None = None
    sheet_id: int = 0

    def put(self, r: int, c: int, cell: dict) -> None:
        self.cells[(r, c)] = cell
        self.rows, self.cols = max(self.rows, r + 1), max(self.cols, c + 1)

    def grid(self, r0: int, c0: int, r1: int, c1: int) -> dict:
        return {"sheetId": self.sheet_id, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0,
                "endColumnIndex": c1}

    def requests(self) -> list[dict]:
        props: dict[str, Any] = {"sheetId": self.sheet_id, "title": self.title + STAGING, "hidden": True,
                                 "gridProperties": {"rowCount": self.rows, "columnCount": self.cols,
                                                    "frozenRowCount": self.frozen[0],
                                                    "frozenColumnCount": self.frozen[1]}}
        if self.tab:
            props["tabColorStyle"] = color_style(self.tab)
        out: list[dict] = [{"addSheet": {"properties": props}}]
        for c, width in enumerate(self.widths):
            out.append({"updateDimensionProperties": {
                "range": {"sheetId": self.sheet_id, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
                "properties": {"pixelSize": width * PIXELS_PER_WIDTH + 5}, "fields": "pixelSize"}})
        for r, height in self.heights.items():
            out.append({"updateDimensionProperties": {
                "range": {"sheetId": self.sheet_id, "dimension": "ROWS", "startIndex": r, "endIndex": r + 1},
                "properties": {"pixelSize": height * 4 // 3}, "fields": "pixelSize"}})
        out += [{"mergeCells": {"range": self.grid(*m), "mergeType": "MERGE_ALL"}} for m in self.merges]
        out += self._cell_requests()
        for c, number in self.column_formats:  # after the cells, whose formats updateCells replaces
            out.append({"repeatCell": {"range": self.grid(HEADER_ROWS, c, self.rows, c + 1),
                                       "cell": {"userEnteredFormat": {"numberFormat": number}},
                                       "fields": "userEnteredFormat.numberFormat"}})
        out += [{"addConditionalFormatRule": {"index": i, "rule": {
            "ranges": [self.grid(HEADER_ROWS, c, self.rows, c + 1)], "booleanRule": rule}}}
            for i, (c, rule) in enumerate(self.rules)]
        if self.filter_row is not None:
            out.append({"setBasicFilter": {"filter": {"range": self.grid(self.filter_row, 0, self.rows, self.cols)}}})
        out += [self._chart(*chart) for chart in self.charts]
        return out

    def _cell_requests(self) -> list[dict]:
        """updateCells by blocks of rows, each at most CELLS_PER_REQUEST cells."""
        per_block = max(1, CELLS_PER_REQUEST // max(1, self.cols))
        out = []
        for top in range(0, self.rows, per_block):
            bottom = min(self.rows, top + per_block)
            rows = [{"values": [self.cells.get((r, c), {}) for c in range(self.cols)]} for r in range(top, bottom)]
            out.append({"updateCells": {"rows": rows, "fields": "userEnteredValue,userEnteredFormat",
                                        "start": {"sheetId": self.sheet_id, "rowIndex": top, "columnIndex": 0}}})
        return out

    def _chart(self, spec: Chart, first: int, last: int, columns: list[int], row: int, col: int) -> dict:
        def source(c: int) -> dict:
            return {"sourceRange": {"sources": [self.grid(first, c, last + 1, c + 1)]}}

        series = []
        for (name, _), c in zip(spec.series, columns):
            item: dict[str, Any] = {"series": source(c), "targetAxis": "BOTTOM_AXIS" if spec.kind == "bar"
                                    else "LEFT_AXIS", "colorStyle": color_style(SERIES_COLOUR.get(name, "#1E88E5"))}
            if len(spec.series) == 1 and spec.categories == BANDS:
                item["styleOverrides"] = [{"index": i, "colorStyle": color_style(SERIES_COLOUR[b])}
                                          for i, b in enumerate(BANDS)]
                item["dataLabel"] = {"type": "DATA", "placement": "OUTSIDE_END"}
            series.append(item)
        basic = {"chartType": _CHART_TYPE[spec.kind], "legendPosition": "NO_LEGEND" if len(spec.series) == 1
                 else "BOTTOM_LEGEND", "headerCount": 0, "domains": [{"domain": source(0)}], "series": series,
                 "axis": [{"position": "BOTTOM_AXIS"}, {"position": "LEFT_AXIS"}]}
        if spec.stacked:
            basic["stackedType"] = "STACKED"
        return {"addChart": {"chart": {"spec": {"title": spec.title, "basicChart": basic}, "position": {
            "overlayPosition": {"anchorCell": {"sheetId": self.sheet_id, "rowIndex": row, "columnIndex": col},
                                "widthPixels": 540, "heightPixels": _chart_height(spec)}}}}}


def _chart_height(spec: Chart) -> int:
    from .xlsx import chart_height  # the .xlsx roll-up's sizes

    return chart_height(spec)


# -- the roll-up laid out ---------------------------------------------------------------------------------------

def _text_format(*, bold=False, italic=False, colour: str | None = None, size: int | None = None,
                 link: str | None = None) -> dict:
    out: dict[str, Any] = {}
    if bold:
        out["bold"] = True
    if italic:
        out["italic"] = True
    if colour:
        out["foregroundColorStyle"] = color_style(colour)
    if size:
        out["fontSize"] = size
    if link:
        out["link"] = {"uri": link}
    return out


CAPTION = {"textFormat": _text_format(italic=True, colour=excel.CAPTION_COLOUR)}
LOUD = {"backgroundColorStyle": color_style(excel.LOUD_FILL), "wrapStrategy": "WRAP", "verticalAlignment": "MIDDLE",
        "textFormat": _text_format(bold=True, colour="#FFFFFF", size=12)}
HEADER = {"backgroundColorStyle": color_style(excel.HEADER_FILL), "wrapStrategy": "WRAP", "verticalAlignment": "TOP",
          "textFormat": _text_format(bold=True)}
TITLE = {"textFormat": _text_format(bold=True, size=15)}


def _cell(value: Any, fmt: dict | None = None) -> dict:
    out: dict[str, Any] = {}
    ev = extended_value(value)
    if ev is not None:
        out["userEnteredValue"] = ev
    if fmt:
        out["userEnteredFormat"] = fmt
    return out


def _is_url(target: str) -> bool:
    return target.startswith(("https://", "http://"))


def _value(kind: Kind, value: Any) -> dict:
    if value is None or value == "":
        return {}
    if kind is Kind.LINK:
        link = value.target if isinstance(value, Link) and _is_url(value.target) else None
        return _cell(str(value.text if isinstance(value, Link) else value),
                     {"textFormat": _text_format(link=link, colour="#1565C0")} if link else None)
    if kind is Kind.FILE:
        return _cell(str(value), {"textFormat": _text_format(link=value)} if _is_url(str(value)) else None)
    if kind in (Kind.TEXT, Kind.BAND):
        return _cell(str(value))
    if kind is Kind.DATE:
        return _cell(value if isinstance(value, dt.date) else str(value))
    return _cell(value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value))


def _number_format(kind: Kind) -> dict | None:
    code = NUM_FORMAT.get(kind)
    return {"type": _NUMBER_TYPE.get(kind, "NUMBER"), "pattern": code} if code else None


def table_sheet(table: Table) -> _Sheet:
    s = _Sheet(table.sheet, widths=[c.width for c in table.columns], tab=excel.LOUD_FILL if table.loud else "")
    s.cols = len(table.columns)
    s.put(0, 0, _cell(table.caption, LOUD if table.loud else CAPTION))
    if table.loud:
        s.merges.append((0, 0, 1, max(2, len(table.columns))))
        s.heights[0] = 36
    s.heights[1] = 32
    for c, column in enumerate(table.columns):
        s.put(1, c, _cell(column.header, HEADER))
        number = _number_format(column.kind)
        if number:
            s.column_formats.append((c, number))
    kinds = [c.kind for c in table.columns]
    for r, row in enumerate(table.rows, start=HEADER_ROWS):
        for c, value in enumerate(row):
            cell = _value(kinds[c], value)
            if cell:
                s.put(r, c, cell)
    s.rows = max(s.rows, HEADER_ROWS + len(table.rows), HEADER_ROWS + 1)
    s.frozen = (HEADER_ROWS, 1 if kinds[0] is Kind.LINK else 0)
    s.filter_row = 1
    for c, kind in enumerate(kinds):  # as the Rust writer does: a late count bold red, a band in its colours
        if kind is Kind.DAYS_LATE:
            s.rules.append((c, {"condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "0"}]},
                                "format": {"textFormat": _text_format(bold=True, colour=excel.LATE_COLOUR)}}))
        elif kind is Kind.BAND:
            s.rules += [(c, {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": band}]},
                             "format": {"backgroundColorStyle": color_style(bg),
                                        "textFormat": _text_format(bold=True, colour=fg)}})
                        for band, (bg, fg) in BAND_FILL.items()]
    return s


def dashboard_sheet(board: Dashboard) -> _Sheet:
    """The Dashboard as the XlsxWriter roll-up lays it out: title, alert, figures, the numbers behind each
    chart, and the charts to the right."""
    s = _Sheet("Dashboard", widths=[38, 13, 13, 13, 13, 13])
    s.put(0, 0, _cell(board.title, TITLE))
    if board.alert:
        s.heights[1] = 48
        s.put(1, 0, _cell(board.alert + " See the Problems sheet.", LOUD))
        s.merges.append((1, 0, 2, 5))
    row = 3
    for label, value, kind in board.figures:
        s.put(row, 0, _cell(label))
        fmt: dict[str, Any] = {"numberFormat": _number_format(Kind.MONEY if kind is Kind.MONEY else Kind.INT)}
        if kind is Kind.DAYS_LATE and value:
            fmt["textFormat"] = _text_format(bold=True, colour=excel.LATE_COLOUR)
        s.put(row, 1, _cell(value, fmt))
        row += 1
    row += 2
    s.put(row, 0, _cell("The numbers behind the charts", TITLE))
    row += 2
    placed = {0: 3, 1: 3}  # chart column -> next free row (20 px each)
    for i, chart in enumerate(board.charts):
        first = row
        s.put(row, 0, _cell(chart.title, HEADER))
        for c, (name, _) in enumerate(chart.series, start=1):
            s.put(row, c, _cell(name, HEADER))
        for k, category in enumerate(chart.categories, start=1):
            s.put(row + k, 0, _cell(category))
            for c, (_, values) in enumerate(chart.series, start=1):
                s.put(row + k, c, _cell(values[k - 1]))
        row += len(chart.categories) + 2
        side = i % 2
        s.charts.append((chart, first + 1, first + max(1, len(chart.categories)),
                         list(range(1, len(chart.series) + 1)), placed[side], 6 + side * 9))
        placed[side] += -(-(_chart_height(chart) + 20) // 20)
    s.cols = max(s.cols, 6 + 9 + 9)  # room for the two columns of charts
    s.rows = max(s.rows, max(placed.values()) + 1)
    return s


def layout(rollup: Rollup) -> list[_Sheet]:
    """Every sheet of the roll-up, in order: the Dashboard, then the tables (whole: Google has no row
    limit of its own, only the spreadsheet's cell limit)."""
    return [dashboard_sheet(rollup.dashboard)] + [table_sheet(t) for t in rollup.tables]
