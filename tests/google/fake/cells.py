"""CellData and GridData as spreadsheets.get answers them, and values written into cells."""
from __future__ import annotations

import copy

from . import render
from .ranges import Area
from .store import Sheet, Spreadsheet

STORED = ("userEnteredValue", "userEnteredFormat", "note", "hyperlink", "dataValidation", "textFormatRuns",
          "pivotTable", "dataSourceTable")


def deep_merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def cell_json(book: Spreadsheet, cell: dict) -> dict:
    out = {k: copy.deepcopy(cell[k]) for k in STORED if k in cell and cell[k] not in (None, {}, "")}
    eff = render.effective(cell)
    if eff is not None:
        out["effectiveValue"] = eff
        out["formattedValue"] = render.formatted(cell)
    if "userEnteredValue" in out or "userEnteredFormat" in out:
        out["effectiveFormat"] = deep_merge(book.properties.get("defaultFormat", {}), cell.get("userEnteredFormat", {}))
    link = render.link(cell)
    if link:
        out["hyperlink"] = link
    return out


def grid_data(book: Spreadsheet, area: Area) -> dict:
    """GridData of an area: rowData up to the last row holding anything, each row's values up to its last
    non-empty cell, empty cells as {} (sparse: only stored cells are visited)."""
    sheet = area.sheet
    by_row: dict[int, dict[int, dict]] = {}
    for (r, c), cell in sheet.cells.items():
        if area.r0 <= r < area.r1 and area.c0 <= c < area.c1:
            data = cell_json(book, cell)
            if data:
                by_row.setdefault(r - area.r0, {})[c - area.c0] = data
    out: dict = {}
    if area.r0:
        out["startRow"] = area.r0
    if area.c0:
        out["startColumn"] = area.c0
    if by_row:
        rows = []
        for r in range(max(by_row) + 1):
            row = by_row.get(r)
            rows.append({"values": [row.get(c, {}) for c in range(max(row) + 1)]} if row else {})
        out["rowData"] = rows
    out["rowMetadata"] = [dimension_json(sheet.row_meta.get(r), 21) for r in range(area.r0, area.r1)]
    out["columnMetadata"] = [dimension_json(sheet.col_meta.get(c), 100) for c in range(area.c0, area.c1)]
    return out


def dimension_json(meta: dict | None, default_size: int) -> dict:
    out = {"pixelSize": default_size}
    out.update(copy.deepcopy(meta or {}))
    return {k: v for k, v in out.items() if v not in (False, None)}


def write_value(sheet: Sheet, row: int, col: int, value, user_entered: bool) -> None:
    """One value of a values-API write: None leaves the cell alone, "" clears its value."""
    if value is None:
        return
    entered, fmt = render.parse_entered(value, user_entered)
    cell = sheet.cell(row, col)
    if entered:
        cell["userEnteredValue"] = entered
    else:
        cell.pop("userEnteredValue", None)
    if fmt is not None:
        current = cell.setdefault("userEnteredFormat", {})
        current.setdefault("numberFormat", fmt)


def clear_values(area: Area) -> None:
    for key in list(area.sheet.cells):
        r, c = key
        if area.r0 <= r < area.r1 and area.c0 <= c < area.c1:
            area.sheet.cells[key].pop("userEnteredValue", None)
