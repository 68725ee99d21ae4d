"""A Google Sheet read in ONE request, turned into mapsheet's grid (pure: no gspread, no HTTP).

The read is ``spreadsheets.get`` with ``includeGridData=true`` and the fields mask ``READ_FIELDS``: the
values as Google computed them, each cell's number-format type (to tell a date from a number), note and
background, each tab's id, title and visibility, and the spreadsheet's title, locale and time zone. The
CLI sends it through gspread; the Apps Script button sends the same request and posts the answer as is.

What the answer looks like, and what this module does about it:
- dates are serial numbers (day 0 = 1899-12-30, as in Excel) with a DATE/DATE_TIME number format: they
  become ``datetime.date`` (or ``datetime`` when there is a time of day), as the file reader gives them;
- a row's trailing empty cells and a sheet's trailing empty rows are left out, an empty cell is ``{}``,
  an empty sheet has no ``rowData`` (and a range read may have no ``data`` at all);
- a range read starts at ``startRow``/``startColumn`` (left out when 0): addresses stay absolute (A1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from ..grid import EXCEL_EPOCH, Sheet, Workbook

#: The fields mask of the one read (values, number-format types, notes, fills; tab ids and names).
READ_FIELDS = ("spreadsheetId,spreadsheetUrl,properties(title,locale,timeZone),"
               "sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),"
               "data(startRow,startColumn,rowData(values(effectiveValue,formattedValue,note,"
               "effectiveFormat(numberFormat(type)),userEnteredFormat(backgroundColorStyle)))))")

DATE_TYPES = {"DATE", "DATE_TIME"}


def workbook_from_response(response: dict, *, source: str) -> Workbook:
    """Every tab's values with absolute addresses, in tab order, from a ``spreadsheets.get`` answer."""
    sheets = []
    for sheet in sorted(response.get("sheets", []), key=lambda s: s.get("properties", {}).get("index", 0)):
        rows: list[list[Any]] = []
        for r, c, cell in cells(sheet):
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            while len(row) <= c:
                row.append("")
            row[c] = cell_value(cell)
        sheets.append(Sheet(sheet["properties"]["title"], rows))
    return Workbook(source, sheets)


def cells(sheet: dict) -> Iterator[tuple[int, int, dict]]:
    """(row, col, cell) of every cell the answer holds for ``sheet``, 0-based and absolute."""
    for block in sheet.get("data") or []:
        top, left = block.get("startRow", 0), block.get("startColumn", 0)
        for r, row in enumerate(block.get("rowData") or []):
            for c, cell in enumerate(row.get("values") or []):
                if cell:
                    yield top + r, left + c, cell


def cell_value(cell: dict) -> Any:
    """A cell's value as the file reader would give it: text, float, bool, date, or "" when empty."""
    value = cell.get("effectiveValue") or {}
    if "numberValue" in value:
        number = value["numberValue"]
        kind = ((cell.get("effectiveFormat") or {}).get("numberFormat") or {}).get("type")
        return serial_to_date(number) if kind in DATE_TYPES else float(number)
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "errorValue" in value:
        return cell.get("formattedValue") or "#ERROR!"
    return ""


def serial_to_date(serial: float) -> dt.date | dt.datetime:
    moment = dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(days=serial)
    moment = moment.replace(microsecond=0)
    return moment.date() if moment.time() == dt.time() else moment


def date_to_serial(day: dt.date) -> float:
    if isinstance(day, dt.datetime):
        return (day - dt.datetime.combine(EXCEL_EPOCH, dt.time())).total_seconds() / 86400
    return float((day - EXCEL_EPOCH).days)


def sheet_today(response: dict, now: dt.datetime | None = None) -> dt.date:
    """Today in the spreadsheet's own time zone (what 'overdue' means to the people using it)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = (response.get("properties") or {}).get("timeZone")
    now = now or dt.datetime.now(dt.timezone.utc)
    try:
        return now.astimezone(ZoneInfo(name)).date() if name else now.astimezone().date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone().date()


def title(response: dict) -> str:
    return (response.get("properties") or {}).get("title") or response.get("spreadsheetId", "")


def sheet_ids(response: dict) -> dict[str, int]:
    """Tab title -> sheetId (what links and every request name a tab by)."""
    return {s["properties"]["title"]: s["properties"].get("sheetId", 0) for s in response.get("sheets", [])}
