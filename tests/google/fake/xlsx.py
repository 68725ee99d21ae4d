"""Drive's conversions: a native spreadsheet exported as .xlsx or .csv, an uploaded .xlsx converted to a Sheet."""
from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
from openpyxl.comments import Comment

from . import render
from .store import Spreadsheet, new_sheet

_EXCEL_FORMATS = {"yyyy-mm-dd": "yyyy-mm-dd", "M/d/yyyy": "m/d/yyyy"}


def export_xlsx(book: Spreadsheet) -> bytes:
    """Each sheet's values (dates as dates), notes as comments, fills as fills: what Drive's export keeps."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.title)
        if sheet.properties.get("hidden"):
            ws.sheet_state = "hidden"
        for (r, c), cell in sorted(sheet.cells.items()):
            target = ws.cell(row=r + 1, column=c + 1)
            value = render.effective(cell)
            fmt = render.number_format(cell) or {}
            if value is not None:
                if "numberValue" in value and fmt.get("type") in ("DATE", "DATE_TIME"):
                    target.value = render.from_serial(value["numberValue"])
                    pattern = fmt.get("pattern", "yyyy-mm-dd")
                    target.number_format = _EXCEL_FORMATS.get(pattern, pattern.replace("M", "m"))
                elif "numberValue" in value:
                    target.value = value["numberValue"]
                elif "boolValue" in value:
                    target.value = value["boolValue"]
                else:
                    target.value = value.get("stringValue")
            entered = cell.get("userEnteredValue") or {}
            if "formulaValue" in entered and value is None:
                target.value = entered["formulaValue"]
            if cell.get("note"):
                target.comment = Comment(cell["note"], "Google")
            fill = (cell.get("userEnteredFormat") or {}).get("backgroundColor")
            if fill:
                from openpyxl.styles import PatternFill

                rgb = "".join(f"{round(fill.get(k, 0) * 255):02X}" for k in ("red", "green", "blue"))
                target.fill = PatternFill("solid", fgColor="FF" + rgb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_csv(book: Spreadsheet) -> bytes:
    sheet = book.sheets[0]
    rows, cols = sheet.used_bounds()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for r in range(rows):
        writer.writerow([render.formatted(sheet.cells.get((r, c), {})) or "" for c in range(cols)])
    return out.getvalue().rstrip("\r\n").encode()


def import_xlsx(book: Spreadsheet, content: bytes) -> None:
    """Convert an uploaded workbook into the spreadsheet's sheets (values, number formats, comments)."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    book.sheets = []
    for index, ws in enumerate(wb.worksheets):
        sheet = new_sheet(index if index else 0, ws.title, index, max(ws.max_row, 1000), max(ws.max_column, 26))
        if index:
            sheet.properties["sheetId"] = book.new_sheet_id()
        for row in ws.iter_rows():
            for cell in row:
                data = {}
                value = cell.value
                if isinstance(value, dt.datetime):
                    data["userEnteredValue"] = {"numberValue": render.serial(value)}
                    data["userEnteredFormat"] = {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
                elif isinstance(value, dt.date):
                    data["userEnteredValue"] = {"numberValue": render.serial(dt.datetime.combine(value, dt.time()))}
                    data["userEnteredFormat"] = {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
                elif isinstance(value, bool):
                    data["userEnteredValue"] = {"boolValue": value}
                elif isinstance(value, (int, float)):
                    data["userEnteredValue"] = {"numberValue": value}
                elif isinstance(value, str) and value.startswith("="):
                    data["userEnteredValue"] = {"formulaValue": value}
                elif value is not None:
                    data["userEnteredValue"] = {"stringValue": str(value)}
                if cell.comment is not None:
                    data["note"] = cell.comment.text
                if data:
                    sheet.cells[(cell.row - 1, cell.column - 1)] = data
        book.sheets.append(sheet)
