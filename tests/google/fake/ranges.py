"""Resolve A1 ranges and GridRanges of a request against a spreadsheet's sheets, as Google does."""
from __future__ import annotations

from dataclasses import dataclass

from . import a1
from .errors import invalid
from .store import Sheet, Spreadsheet


@dataclass
class Area:
    sheet: Sheet
    r0: int
    r1: int
    c0: int
    c1: int

    def a1(self) -> str:
        return a1.format_range(self.sheet.title, self.r0, max(self.r1, self.r0 + 1), self.c0, max(self.c1, self.c0 + 1))

    def cells(self):
        for r in range(self.r0, self.r1):
            for c in range(self.c0, self.c1):
                yield r, c


def resolve(book: Spreadsheet, text: str, *, clip: bool = True) -> Area:
    """'Sheet1!A1:B2', 'Sheet1', 'A1:B2' (first sheet) or a named range -> Area (end-exclusive)."""
    sheet_name, cells = a1.split_sheet(text)
    if sheet_name is None:
        named = next((n for n in book.named_ranges if n["name"] == text), None)
        if named is not None:
            return from_grid_range(book, named["range"])
        sheet = book.sheet_by_title(text) if "!" not in text else None
        if sheet is not None and a1.parse_cells(text) is None:
            return whole(sheet)
        if a1.parse_cells(cells) is None:
            raise invalid(f"Unable to parse range: {text}")
        sheet = book.sheets[0]
    else:
        sheet = book.sheet_by_title(sheet_name)
        if sheet is None:
            raise invalid(f"Unable to parse range: {text}")
    if not cells:
        return whole(sheet)
    bounds = a1.parse_cells(cells)
    if bounds is None:
        named = next((n for n in book.named_ranges if n["name"] == cells), None)
        if named is not None:
            return from_grid_range(book, named["range"])
        raise invalid(f"Unable to parse range: {text}")
    r0, r1, c0, c1 = bounds
    r0 = 0 if r0 is None else r0
    c0 = 0 if c0 is None else c0
    r1 = sheet.row_count if r1 is None else r1
    c1 = sheet.col_count if c1 is None else c1
    if clip:
        r1, c1 = min(r1, sheet.row_count), min(c1, sheet.col_count)
    return Area(sheet, r0, r1, c0, c1)


def whole(sheet: Sheet) -> Area:
    return Area(sheet, 0, sheet.row_count, 0, sheet.col_count)


def from_grid_range(book: Spreadsheet, grid: dict, *, where: str = "range") -> Area:
    sheet = book.sheet_by_id(grid.get("sheetId", 0))
    if sheet is None:
        raise invalid(f"Invalid {where}: No grid with id: {grid.get('sheetId', 0)}")
    r0 = grid.get("startRowIndex", 0)
    c0 = grid.get("startColumnIndex", 0)
    r1 = grid.get("endRowIndex", sheet.row_count)
    c1 = grid.get("endColumnIndex", sheet.col_count)
    if r1 > sheet.row_count or c1 > sheet.col_count:
        raise invalid(f"Invalid {where}: Range ({a1.quote_sheet(sheet.title)}!{a1.col_letters(c0)}{r0 + 1}:"
                      f"{a1.col_letters(max(c1 - 1, 0))}{r1}) exceeds grid limits. Max rows: {sheet.row_count}, "
                      f"max columns: {sheet.col_count}")
    return Area(sheet, r0, r1, c0, c1)


def to_grid_range(area: Area) -> dict:
    """A GridRange with explicit bounds as Google answers it: sheetId 0 is left out, zero indexes are kept."""
    out = {"sheetId": area.sheet.sheet_id, "startRowIndex": area.r0, "endRowIndex": area.r1,
           "startColumnIndex": area.c0, "endColumnIndex": area.c1}
    if not out["sheetId"]:
        del out["sheetId"]
    return out


def echo_grid_range(grid: dict) -> dict:
    """A GridRange given by a request, as Google stores it (sheetId 0 left out)."""
    out = dict(grid)
    if not out.get("sheetId"):
        out.pop("sheetId", None)
    return out
