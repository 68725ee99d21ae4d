"""batchUpdate requests on rows and columns: sizes, insert, delete, append, groups."""
from __future__ import annotations

import copy

from .errors import invalid
from .masks import apply_update
from .ranges import echo_grid_range
from .sheets_lookup import sheet_of



def _dim(book, rng):
    sheet = sheet_of(book, rng.get("sheetId"))
    rows = rng.get("dimension") == "ROWS"
    limit = sheet.row_count if rows else sheet.col_count
    start, end = rng.get("startIndex", 0), rng.get("endIndex", limit)
    if end > limit or start > end:
        raise invalid(f"Invalid dimension range: {start}..{end} (limit {limit})")
    return sheet, rows, start, end


def update_dimension_properties(book, args):
    rng = args.get("range") or args.get("dataSourceSheetRange") or {}
    sheet, rows, start, end = _dim(book, rng)
    meta = sheet.row_meta if rows else sheet.col_meta
    for i in range(start, end):
        current = meta.setdefault(i, {})
        apply_update(current, args.get("properties") or {}, args.get("fields", ""))


def insert_dimension(book, args):
    sheet, rows, start, end = _dim(book, {**args.get("range", {}), "endIndex": args.get("range", {}).get("startIndex", 0)})
    count = args["range"]["endIndex"] - args["range"]["startIndex"]
    _shift(sheet, rows, start, count)
    sheet.grid["rowCount" if rows else "columnCount"] += count


def delete_dimension(book, args):
    sheet, rows, start, end = _dim(book, args.get("range") or {})
    count = end - start
    for key in list(sheet.cells):
        index = key[0] if rows else key[1]
        if start <= index < end:
            del sheet.cells[key]
    _shift(sheet, rows, end, -count)
    sheet.grid["rowCount" if rows else "columnCount"] -= count


def append_dimension(book, args):
    sheet = sheet_of(book, args.get("sheetId"))
    key = "rowCount" if args.get("dimension") == "ROWS" else "columnCount"
    sheet.grid[key] += args.get("length", 0)


def _shift(sheet, rows: bool, start: int, by: int) -> None:
    moved = {}
    for (r, c), cell in sheet.cells.items():
        if rows and r >= start:
            r += by
        elif not rows and c >= start:
            c += by
        moved[(r, c)] = cell
    sheet.cells = moved
    meta = sheet.row_meta if rows else sheet.col_meta
    shifted = {(i + by if i >= start else i): v for i, v in meta.items()}
    meta.clear()
    meta.update(shifted)


def auto_resize_dimensions(book, args):
    _dim(book, args.get("dimensions") or {})  # sizes depend on fonts: the fake keeps them as they are


def add_dimension_group(book, args):
    sheet, rows, start, end = _dim(book, args.get("range") or {})
    groups = sheet.row_groups if rows else sheet.column_groups
    groups.append({"range": echo_grid_range(args["range"]), "depth": 1})
    sheet.grid["rowGroupControlAfter" if rows else "columnGroupControlAfter"] = True
    return {"addDimensionGroup": {"dimensionGroups": copy.deepcopy(groups)}}


def delete_dimension_group(book, args):
    sheet, rows, start, end = _dim(book, args.get("range") or {})
    groups = sheet.row_groups if rows else sheet.column_groups
    groups[:] = [g for g in groups if (g["range"].get("startIndex", 0), g["range"].get("endIndex")) != (start, end)]
    return {"deleteDimensionGroup": {"dimensionGroups": copy.deepcopy(groups)}}
