"""Sheets v4 spreadsheets.batchUpdate: the requests apply in order, all or nothing."""
from __future__ import annotations

import copy

from . import cells as cellmod
from .call import Call
from .errors import ApiError, invalid
from .masks import apply_update
from . import styles
from .ranges import Area, echo_grid_range, from_grid_range, to_grid_range
from .store import Spreadsheet, new_sheet


def batch_update(call: Call, book: Spreadsheet) -> dict:
    body = call.json_body()
    requests = body.get("requests") or []
    if not requests:
        raise invalid("Must specify at least one request.")
    saved = {k: copy.deepcopy(v) for k, v in book.__dict__.items() if k != "next_object_id"}
    replies = []
    try:
        for i, request in enumerate(requests):
            if len(request) != 1:
                raise invalid(f"Invalid requests[{i}]: exactly one kind of request must be set.")
            kind, args = next(iter(request.items()))
            args = styles.twin_colours(styles.strip_empty_lists(styles.strip_nulls(args)))
            handler = HANDLERS.get(kind)
            if handler is None:
                raise invalid(f"Invalid requests[{i}]: the fake does not implement {kind}")
            try:
                reply = handler(book, args or {})
            except ApiError as err:
                message = err.body["error"]["message"]
                raise invalid(f"Invalid requests[{i}].{kind}: {message}") from err
            replies.append(reply or {})
    except ApiError:
        book.__dict__.update(saved)
        raise
    out = {"spreadsheetId": book.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        from .sheets_api import spreadsheet_json

        out["updatedSpreadsheet"] = spreadsheet_json(book, include_grid=bool(body.get("responseIncludeGridData")))
    return out


def _sheet(book: Spreadsheet, sheet_id: int):
    sheet = book.sheet_by_id(sheet_id or 0)
    if sheet is None:
        raise invalid(f"No grid with id: {sheet_id}")
    return sheet


# ---- sheets --------------------------------------------------------------------------------------------

def add_sheet(book, args):
    props = copy.deepcopy(args.get("properties") or {})
    title = props.get("title")
    if title is None:
        n = len(book.sheets) + 1
        while book.sheet_by_title(f"Sheet{n}"):
            n += 1
        title = f"Sheet{n}"
    if book.sheet_by_title(title):
        raise invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = book.new_sheet_id()
    elif book.sheet_by_id(sheet_id):
        raise invalid(f"A sheet with the id {sheet_id} already exists.")
    grid = props.get("gridProperties") or {}
    index = props.get("index", len(book.sheets))
    sheet = new_sheet(sheet_id, title, index, grid.get("rowCount", 1000), grid.get("columnCount", 26))
    for key, value in props.items():
        if key == "gridProperties":
            sheet.grid.update(value)
        elif key not in ("sheetId", "title", "index"):
            sheet.properties[key] = value
    for other in book.sheets:
        if other.properties["index"] >= index:
            other.properties["index"] += 1
    book.sheets.append(sheet)
    book.reindex()
    return {"addSheet": {"properties": copy.deepcopy(sheet.properties)}}


def delete_sheet(book, args):
    sheet = _sheet(book, args.get("sheetId"))
    if len(book.sheets) == 1:
        raise invalid("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.named_ranges = [n for n in book.named_ranges if n["range"].get("sheetId", 0) != sheet.sheet_id]
    book.reindex()


def duplicate_sheet(book, args):
    source = _sheet(book, args.get("sourceSheetId"))
    clone = copy.deepcopy(source)
    clone.properties["sheetId"] = args.get("newSheetId", book.new_sheet_id())
    clone.properties["title"] = args.get("newSheetName") or f"Copy of {source.title}"
    if book.sheet_by_title(clone.title):
        raise invalid(f'A sheet with the name "{clone.title}" already exists. Please enter another name.')
    index = args.get("insertSheetIndex", len(book.sheets))
    for other in book.sheets:
        if other.properties["index"] >= index:
            other.properties["index"] += 1
    clone.properties["index"] = index
    book.sheets.append(clone)
    book.reindex()
    return {"duplicateSheet": {"properties": copy.deepcopy(clone.properties)}}


def update_sheet_properties(book, args):
    props = args.get("properties") or {}
    sheet = _sheet(book, props.get("sheetId"))
    updated = copy.deepcopy(sheet.properties)
    apply_update(updated, props, args.get("fields", ""))
    updated["sheetId"] = sheet.sheet_id
    if updated.get("hidden") and all(s.properties.get("hidden") or s is sheet for s in book.sheets):
        raise invalid("You can't hide all the sheets in a document.")
    if updated.get("title") != sheet.title and book.sheet_by_title(updated.get("title", "")) not in (None, sheet):
        raise invalid(f'A sheet with the name "{updated["title"]}" already exists. Please enter another name.')
    if not updated.get("hidden"):
        updated.pop("hidden", None)
    styles.drop_zero_grid(updated)
    rows, cols = updated["gridProperties"].get("rowCount", 0), updated["gridProperties"].get("columnCount", 0)
    sheet.cells = {(r, c): cell for (r, c), cell in sheet.cells.items() if r < rows and c < cols}  # shrunk
    new_index = updated.get("index", sheet.properties["index"])
    old_index = sheet.properties["index"]
    sheet.properties = updated
    if new_index != old_index:
        others = [s for s in book.sheets if s is not sheet]
        others.sort(key=lambda s: s.properties["index"])
        position = new_index if new_index < old_index else new_index - 1
        others.insert(max(0, min(position, len(others))), sheet)
        for i, s in enumerate(others):
            s.properties["index"] = i
        book.sheets = others
    book.reindex()


def update_spreadsheet_properties(book, args):
    apply_update(book.properties, args.get("properties") or {}, args.get("fields", ""))


# ---- cells ---------------------------------------------------------------------------------------------

def update_cells(book, args):
    mask = args.get("fields", "")
    rows = args.get("rows") or []
    if "range" in args:
        area = from_grid_range(book, args["range"])
        for r, c in area.cells():
            i, j = r - area.r0, c - area.c0
            values = (rows[i].get("values") or []) if i < len(rows) else []
            source = values[j] if j < len(values) else {}
            _update_cell(area.sheet, r, c, source, mask)
        return
    start = args.get("start") or {}
    sheet = _sheet(book, start.get("sheetId"))
    r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
    height = len(rows)
    width = max((len(row.get("values") or []) for row in rows), default=0)
    if r0 + height > sheet.row_count or c0 + width > sheet.col_count:
        from_grid_range(book, {"sheetId": sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r0 + height,
                               "startColumnIndex": c0, "endColumnIndex": c0 + width})
    for i, row in enumerate(rows):
        for j, source in enumerate(row.get("values") or []):
            _update_cell(sheet, r0 + i, c0 + j, source, mask)


def _update_cell(sheet, row, col, source, mask):
    cell = sheet.cell(row, col)
    source = copy.deepcopy(source or {})
    if source.get("note") == "":
        source.pop("note")
    apply_update(cell, source, mask)
    if not cell:
        sheet.cells.pop((row, col), None)


def repeat_cell(book, args):
    area = from_grid_range(book, args.get("range") or {})
    for r, c in area.cells():
        _update_cell(area.sheet, r, c, args.get("cell") or {}, args.get("fields", ""))


def set_data_validation(book, args):
    area = from_grid_range(book, args.get("range") or {})
    rule = args.get("rule")
    for r, c in area.cells():
        cell = area.sheet.cell(r, c)
        if rule:
            cell["dataValidation"] = copy.deepcopy(rule)
        else:
            cell.pop("dataValidation", None)


def merge_cells(book, args):
    area = from_grid_range(book, args.get("range") or {})
    kind = args.get("mergeType", "MERGE_ALL")
    pieces = [area]
    if kind == "MERGE_ROWS":
        pieces = [Area(area.sheet, r, r + 1, area.c0, area.c1) for r in range(area.r0, area.r1)]
    elif kind == "MERGE_COLUMNS":
        pieces = [Area(area.sheet, area.r0, area.r1, c, c + 1) for c in range(area.c0, area.c1)]
    for piece in pieces:
        kept = []
        for merge in area.sheet.merges:
            m = from_grid_range(book, merge)
            inside = piece.r0 <= m.r0 and m.r1 <= piece.r1 and piece.c0 <= m.c0 and m.c1 <= piece.c1
            overlaps = m.r0 < piece.r1 and piece.r0 < m.r1 and m.c0 < piece.c1 and piece.c0 < m.c1
            if overlaps and not inside:
                raise invalid("You can't merge cells that partially overlap a merge.")
            if not inside:
                kept.append(merge)
        area.sheet.merges = kept + [_grid(piece)]
        for r, c in piece.cells():
            if (r, c) != (piece.r0, piece.c0):
                area.sheet.cells.get((r, c), {}).pop("userEnteredValue", None)


def unmerge_cells(book, args):
    area = from_grid_range(book, args.get("range") or {})
    kept = []
    for merge in area.sheet.merges:
        m = from_grid_range(book, merge)
        inside = area.r0 <= m.r0 and m.r1 <= area.r1 and area.c0 <= m.c0 and m.c1 <= area.c1
        if not inside:
            kept.append(merge)
    area.sheet.merges = kept


def _grid(area: Area) -> dict:
    return to_grid_range(area)


def sort_range(book, args):
    area = from_grid_range(book, args.get("range") or {})
    specs = args.get("sortSpecs") or []

    rows = []
    for r in range(area.r0, area.r1):
        rows.append({c: area.sheet.cells.pop((r, c)) for c in range(area.c0, area.c1) if (r, c) in area.sheet.cells})
    for index in reversed(range(len(specs))):
        descending = specs[index].get("sortOrder", "ASCENDING") == "DESCENDING"
        rows.sort(key=lambda rc: _sort_key(rc, specs[index], descending), reverse=False)
    for i, row in enumerate(rows):
        for c, cell in row.items():
            area.sheet.cells[(area.r0 + i, c)] = cell


def _sort_key(row_cells, spec, descending):
    cell = row_cells.get(spec.get("dimensionIndex", 0), {})
    value = cell.get("userEnteredValue") or {}
    if not value:
        return (2, 0, "")  # blanks last either way
    number = value.get("numberValue")
    if number is not None:
        return (0, -number if descending else number, "")
    text = str(value.get("stringValue", value.get("boolValue", value.get("formulaValue", "")))).lower()
    if descending:
        return (1, 0, tuple(-ord(ch) for ch in text))
    return (1, 0, tuple(ord(ch) for ch in text))


# ---- dimensions ----------------------------------------------------------------------------------------

def _dim(book, rng):
    sheet = _sheet(book, rng.get("sheetId"))
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
    sheet = _sheet(book, args.get("sheetId"))
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


# ---- rules, charts, protection, names, filters ----------------------------------------------------------

def add_conditional_format_rule(book, args):
    rule = copy.deepcopy(args.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise invalid("At least one range must be specified.")
    sheet = _sheet(book, ranges[0].get("sheetId"))
    for rng in ranges:
        from_grid_range(book, rng)
    if not ("booleanRule" in rule) ^ ("gradientRule" in rule):
        raise invalid("Exactly one of booleanRule or gradientRule must be set.")
    index = args.get("index", 0)
    if index > len(sheet.conditional_formats):
        raise invalid(f"Invalid index: {index}")
    sheet.conditional_formats.insert(index, rule)


def delete_conditional_format_rule(book, args):
    sheet = _sheet(book, args.get("sheetId"))
    index = args.get("index", 0)
    if index >= len(sheet.conditional_formats):
        raise invalid(f"No conditional format on sheet: {sheet.sheet_id} at index: {index}")
    return {"deleteConditionalFormatRule": {"rule": sheet.conditional_formats.pop(index)}}


def update_conditional_format_rule(book, args):
    sheet = _sheet(book, args.get("sheetId"))
    index = args.get("index", 0)
    if index >= len(sheet.conditional_formats):
        raise invalid(f"No conditional format on sheet: {sheet.sheet_id} at index: {index}")
    old = sheet.conditional_formats[index]
    if "rule" in args:
        sheet.conditional_formats[index] = copy.deepcopy(args["rule"])
    return {"updateConditionalFormatRule": {"oldRule": old, "oldIndex": index,
                                            "newRule": sheet.conditional_formats[index], "newIndex": index}}


def add_chart(book, args):
    chart = copy.deepcopy(args.get("chart") or {})
    chart.setdefault("chartId", next(book.next_object_id))
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell") or {}
    sheet = _sheet(book, anchor.get("sheetId", book.sheets[0].sheet_id)) if anchor else book.sheets[0]
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def delete_embedded_object(book, args):
    for sheet in book.sheets:
        before = len(sheet.charts)
        sheet.charts = [c for c in sheet.charts if c.get("chartId") != args.get("objectId")]
        if len(sheet.charts) != before:
            return
    raise invalid(f"No object with id: {args.get('objectId')}")


def add_protected_range(book, args):
    protected = copy.deepcopy(args.get("protectedRange") or {})
    protected.setdefault("protectedRangeId", next(book.next_object_id))
    sheet = _sheet(book, (protected.get("range") or {}).get("sheetId"))
    protected["range"] = echo_grid_range(protected.get("range") or {})
    protected["requestingUserCanEdit"] = True  # output only: the caller owns the sheet
    protected["editors"] = protected.get("editors") or {}
    if not protected.get("warningOnly"):
        protected.pop("warningOnly", None)
    sheet.protected_ranges.append(protected)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}


def delete_protected_range(book, args):
    for sheet in book.sheets:
        kept = [p for p in sheet.protected_ranges if p.get("protectedRangeId") != args.get("protectedRangeId")]
        if len(kept) != len(sheet.protected_ranges):
            sheet.protected_ranges = kept
            return
    raise invalid(f"No protected range with id: {args.get('protectedRangeId')}")


def add_named_range(book, args):
    named = copy.deepcopy(args.get("namedRange") or {})
    named.setdefault("namedRangeId", str(next(book.next_object_id)))
    from_grid_range(book, named.get("range") or {})
    named["range"] = echo_grid_range(named.get("range") or {})
    book.named_ranges.append(named)
    return {"addNamedRange": {"namedRange": copy.deepcopy(named)}}


def delete_named_range(book, args):
    before = len(book.named_ranges)
    book.named_ranges = [n for n in book.named_ranges if n.get("namedRangeId") != args.get("namedRangeId")]
    if len(book.named_ranges) == before:
        raise invalid(f"No named range with id: {args.get('namedRangeId')}")


def update_named_range(book, args):
    given = args.get("namedRange") or {}
    for named in book.named_ranges:
        if named.get("namedRangeId") == given.get("namedRangeId"):
            apply_update(named, given, args.get("fields", ""))
            named["namedRangeId"] = given.get("namedRangeId")
            named["range"] = echo_grid_range(named.get("range") or {})
            return
    raise invalid(f"No named range with id: {given.get('namedRangeId')}")


def set_basic_filter(book, args):
    flt = copy.deepcopy(args.get("filter") or {})
    sheet = _sheet(book, (flt.get("range") or {}).get("sheetId"))
    flt["range"] = to_grid_range(from_grid_range(book, flt.get("range") or {}))
    sheet.basic_filter = flt


def clear_basic_filter(book, args):
    _sheet(book, args.get("sheetId")).basic_filter = None


def update_borders(book, args):
    area = from_grid_range(book, args.get("range") or {})
    for r, c in area.cells():
        borders = area.sheet.cell(r, c).setdefault("userEnteredFormat", {}).setdefault("borders", {})
        for side, key in (("top", r == area.r0), ("bottom", r == area.r1 - 1), ("left", c == area.c0),
                          ("right", c == area.c1 - 1)):
            if key and side in args:
                borders[side] = copy.deepcopy(args[side])


def copy_paste(book, args, *, cut: bool = False):
    source = from_grid_range(book, args.get("source") or {})
    if cut:
        dest_cell = args.get("destination") or {}
        dest_sheet = _sheet(book, dest_cell.get("sheetId"))
        r0, c0 = dest_cell.get("rowIndex", 0), dest_cell.get("columnIndex", 0)
    else:
        dest = from_grid_range(book, args.get("destination") or {})
        dest_sheet, r0, c0 = dest.sheet, dest.r0, dest.c0
    kind = args.get("pasteType", "PASTE_NORMAL")
    grabbed = {(r - source.r0, c - source.c0): copy.deepcopy(source.sheet.cells.get((r, c), {})) for r, c in source.cells()}
    if cut:
        for r, c in source.cells():
            source.sheet.cells.pop((r, c), None)
    for (i, j), cell in grabbed.items():
        target = dest_sheet.cell(r0 + i, c0 + j)
        if kind == "PASTE_VALUES":
            if "userEnteredValue" in cell:
                target["userEnteredValue"] = cell["userEnteredValue"]
            else:
                target.pop("userEnteredValue", None)
        elif kind == "PASTE_FORMAT":
            target.pop("userEnteredFormat", None)
            if "userEnteredFormat" in cell:
                target["userEnteredFormat"] = cell["userEnteredFormat"]
        else:
            target.clear()
            target.update(cell)


HANDLERS = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "setDataValidation": set_data_validation,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "sortRange": sort_range,
    "updateDimensionProperties": update_dimension_properties,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "appendDimension": append_dimension,
    "autoResizeDimensions": auto_resize_dimensions,
    "addDimensionGroup": add_dimension_group,
    "deleteDimensionGroup": delete_dimension_group,
    "addConditionalFormatRule": add_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "addChart": add_chart,
    "deleteEmbeddedObject": delete_embedded_object,
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addNamedRange": add_named_range,
    "deleteNamedRange": delete_named_range,
    "updateNamedRange": update_named_range,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "updateBorders": update_borders,
    "copyPaste": copy_paste,
    "cutPaste": lambda book, args: copy_paste(book, args, cut=True),
}
