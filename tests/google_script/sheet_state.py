"""What a person sees of mapsheet's marks, from a Google Sheet (the fake's spreadsheets.get answer) or an
.xlsx (openpyxl), in one shape so the two can be compared: the tabs in order with their visibility, each
cell's note and fill colour, and the Plan check tab's text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from mapsheet.edits import CHECK_SHEET

STATE_FIELDS = ("sheets(properties(title,index,hidden),data(startRow,startColumn,rowData(values("
                "formattedValue,effectiveValue,note,userEnteredFormat(backgroundColor,backgroundColorStyle)))))")
#: The Plan check row whose text carries the moment of the check (differs between any two runs).
CHECKED_LABEL = "Checked"


def _hex(color: dict | None) -> str | None:
    if not color:
        return None
    rgb = color.get("rgbColor", color)
    parts = [round(rgb.get(k, 0) * 255) for k in ("red", "green", "blue")]
    return None if parts == [255, 255, 255] else "".join(f"{p:02X}" for p in parts)


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = round(value, 3)
    return "" if value is None else str(value)


def google_state(answer: dict) -> dict:
    tabs, marks, check = [], {}, []
    for sheet in sorted(answer["sheets"], key=lambda s: s["properties"]["index"]):
        title = sheet["properties"]["title"]
        tabs.append((title, bool(sheet["properties"].get("hidden"))))
        for block in sheet.get("data", []):
            for r, row in enumerate(block.get("rowData", []), start=block.get("startRow", 0)):
                texts = []
                for c, cell in enumerate(row.get("values", []), start=block.get("startColumn", 0)):
                    fmt = cell.get("userEnteredFormat", {})
                    fill = _hex(fmt.get("backgroundColorStyle") or fmt.get("backgroundColor"))
                    if cell.get("note") or fill:
                        marks[(title, r, c)] = (cell.get("note"), fill)
                    value = cell.get("effectiveValue", {})
                    texts.append(_text(next(iter(value.values()), None)))
                if title == CHECK_SHEET:
                    check.append(texts)
    return {"tabs": tabs, "marks": marks, "check": _check_text(check)}


def xlsx_state(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    tabs, marks, check = [], {}, []
    for ws in book.worksheets:
        tabs.append((ws.title, ws.sheet_state != "visible"))
        for row in ws.iter_rows():
            texts = []
            for cell in row:
                fill = cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None
                note = cell.comment.text if cell.comment else None
                if note or fill:
                    marks[(ws.title, cell.row - 1, cell.column - 1)] = (note, fill)
                value = cell.value
                texts.append(_text(value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value))
            if ws.title == CHECK_SHEET:
                check.append(texts)
    return {"tabs": tabs, "marks": marks, "check": _check_text(check)}


def _check_text(rows: list[list[str]]) -> list[list[str]]:
    """The Plan check's text, without trailing blanks and without the moment it was checked."""
    out = []
    for row in rows:
        while row and row[-1] == "":
            row = row[:-1]
        out.append(row[:1] if row[:1] == [CHECKED_LABEL] else row)
    while out and not out[-1]:
        out.pop()
    return out
