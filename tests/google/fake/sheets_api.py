"""Sheets v4: spreadsheets.get / create and the values collection."""
from __future__ import annotations

import copy

from . import cells, fields, render
from .call import Call
from .errors import invalid, sheets_error
from .ranges import Area, resolve
from .store import Spreadsheet


def spreadsheet_json(book: Spreadsheet, *, grid_ranges: list[Area] | None = None, include_grid: bool = False,
                     only_sheets: set[int] | None = None, owner: str = "") -> dict:
    sheets = []
    for sheet in book.sheets:
        if only_sheets is not None and sheet.sheet_id not in only_sheets:
            continue
        out = {"properties": copy.deepcopy(sheet.properties)}
        for key, value in (("merges", sheet.merges), ("conditionalFormats", sheet.conditional_formats),
                           ("protectedRanges", sheet.protected_ranges), ("charts", sheet.charts),
                           ("rowGroups", sheet.row_groups), ("columnGroups", sheet.column_groups)):
            if value:
                out[key] = copy.deepcopy(value)
        for protected in out.get("protectedRanges", []):
            editors = protected.setdefault("editors", {})
            if not editors.get("users") and not editors.get("groups") and not editors.get("domainUsersCanEdit"):
                editors["users"] = [owner]  # Google lists the owner as the editor of an unrestricted range
        if sheet.basic_filter:
            out["basicFilter"] = copy.deepcopy(sheet.basic_filter)
        if include_grid:
            areas = [a for a in (grid_ranges or []) if a.sheet is sheet] if grid_ranges else [
                Area(sheet, 0, sheet.row_count, 0, sheet.col_count)]
            out["data"] = [cells.grid_data(book, area) for area in areas]
        sheets.append(out)
    body = {"spreadsheetId": book.spreadsheet_id, "properties": copy.deepcopy(book.properties), "sheets": sheets}
    if book.named_ranges:
        body["namedRanges"] = copy.deepcopy(book.named_ranges)
    body["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
    return body


def get(call: Call, book: Spreadsheet) -> dict:
    texts = call.params_all("ranges")
    areas = [resolve(book, text) for text in texts]
    include = call.flag("includeGridData")
    mask = call.param("fields")
    if mask and _mask_wants_grid(mask):
        include = True  # Google returns grid data when the fields mask asks for it
    only = {a.sheet.sheet_id for a in areas} if areas else None
    owner = call.state.files[book.spreadsheet_id].owner
    return spreadsheet_json(book, grid_ranges=areas or None, include_grid=include, only_sheets=only, owner=owner)


def _mask_wants_grid(mask: str) -> bool:
    tree = fields.parse(mask)
    sheets = tree.get("sheets", {}) if "sheets" in tree else {}
    return sheets is None or "data" in (sheets or {})


def create(call: Call) -> dict:
    from .drive_api import refuse_service_account

    refuse_service_account(call, None)  # the new file lands in the caller's own Drive
    body = call.json_body()
    title = (body.get("properties") or {}).get("title") or "Untitled spreadsheet"
    book = call.state.create_spreadsheet(title, owner=call.user)
    props = body.get("properties") or {}
    book.properties.update({k: v for k, v in props.items() if k != "title"})
    if body.get("sheets"):
        from .store import new_sheet

        book.sheets = []
        for i, given in enumerate(body["sheets"]):
            p = given.get("properties", {})
            grid = p.get("gridProperties", {})
            sheet = new_sheet(p.get("sheetId", 0 if i == 0 else book.new_sheet_id()), p.get("title", f"Sheet{i + 1}"), i,
                              grid.get("rowCount", 1000), grid.get("columnCount", 26))
            sheet.properties.update({k: v for k, v in p.items() if k != "gridProperties"})
            sheet.grid.update(grid)
            book.sheets.append(sheet)
    return spreadsheet_json(book)


# ---- values -------------------------------------------------------------------------------------------

def _value_range(area: Area, call: Call, *, major: str | None = None) -> dict:
    value_render = call.param("valueRenderOption", "FORMATTED_VALUE")
    date_render = call.param("dateTimeRenderOption", "SERIAL_NUMBER")
    major = major or call.param("majorDimension", "ROWS")
    found: dict[int, dict[int, object]] = {}  # sparse: only stored cells are visited
    for (r, c), cell in area.sheet.cells.items():
        if area.r0 <= r < area.r1 and area.c0 <= c < area.c1:
            value = render.rendered(cell, value_render, date_render)
            if value is not None and value != "":
                found.setdefault(r - area.r0, {})[c - area.c0] = value
    grid = []
    for r in range(max(found) + 1 if found else 0):
        row = found.get(r, {})
        grid.append([row.get(c, "") for c in range(max(row) + 1)] if row else [])
    if major == "COLUMNS":
        width = max((len(r) for r in grid), default=0)
        grid = [[row[c] if c < len(row) else "" for row in grid] for c in range(width)]
        for col in grid:
            while col and col[-1] == "":
                col.pop()
    while grid and not grid[-1]:
        grid.pop()
    out = {"range": area.a1(), "majorDimension": major}
    if grid:
        out["values"] = grid
    return out


def values_get(call: Call, book: Spreadsheet) -> dict:
    return _value_range(resolve(book, call.path_args["range"]), call)


def values_batch_get(call: Call, book: Spreadsheet) -> dict:
    return {"spreadsheetId": book.spreadsheet_id,
            "valueRanges": [_value_range(resolve(book, text), call) for text in call.params_all("ranges")]}


def _write(book: Spreadsheet, text: str, data: dict, input_option: str | None, *, for_append: Area | None = None) -> dict:
    if input_option not in ("RAW", "USER_ENTERED"):
        if input_option is None:
            raise invalid("'valueInputOption' is required but not specified")
        raise invalid(f"Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4."
                      f"ValueInputOption), \"{input_option}\"", "value_input_option")
    values = data.get("values")
    if values is not None and not (isinstance(values, list) and all(isinstance(r, list) for r in values)):
        shown = values if not isinstance(values, list) else next(r for r in values if not isinstance(r, list))
        raise invalid(f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"{shown}\"",
                      "data.values")
    values = values or []
    if data.get("majorDimension") == "COLUMNS":
        width = max((len(c) for c in values), default=0)
        values = [[col[r] if r < len(col) else None for col in values] for r in range(width)]
    area = for_append or resolve(book, text, clip=False)
    sheet = area.sheet
    height = len(values)
    width = max((len(r) for r in values), default=0)
    if for_append is None:
        anchor = area.r1 - area.r0 == 1 and area.c1 - area.c0 == 1  # one cell: the data grows from it
        if not anchor and (height > area.r1 - area.r0 or width > area.c1 - area.c0):
            raise invalid(f"Requested writing within range [{text}], but tried writing to "
                          + (f"row [{area.r0 + height}]" if height > area.r1 - area.r0 else
                             f"column [{_col(area.c0 + width - 1)}]"))
        if area.r0 + height > sheet.row_count or area.c0 + width > sheet.col_count:
            raise invalid(f"Range ({area.a1()}) exceeds grid limits. Max rows: {sheet.row_count}, max columns: "
                          f"{sheet.col_count}")
    user_entered = input_option == "USER_ENTERED"
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            cells.write_value(sheet, area.r0 + i, area.c0 + j, value, user_entered)
    written = Area(sheet, area.r0, area.r0 + max(height, 1), area.c0, area.c0 + max(width, 1))
    out = {"spreadsheetId": book.spreadsheet_id, "updatedRange": written.a1() if height else area.a1()}
    if height and width:
        given = [(i, j) for i, r in enumerate(values) for j, v in enumerate(r) if v is not None]  # nulls are skipped
        out.update(updatedRows=len({i for i, _ in given}), updatedColumns=len({j for _, j in given}),
                   updatedCells=len(given))
    return out


def _col(index: int) -> str:
    from .a1 import col_letters

    return col_letters(index)


def values_update(call: Call, book: Spreadsheet) -> dict:
    data = call.json_body()
    out = _write(book, call.path_args["range"], data, call.param("valueInputOption"))
    return _with_values(call, book, out)


def _with_values(call: Call, book: Spreadsheet, out: dict) -> dict:
    if call.flag("includeValuesInResponse"):
        render_call = Call(call.state, call.user, "GET", {}, {
            "valueRenderOption": [call.param("responseValueRenderOption", "FORMATTED_VALUE")],
            "dateTimeRenderOption": [call.param("responseDateTimeRenderOption", "SERIAL_NUMBER")]})
        out["updatedData"] = _value_range(resolve(book, out["updatedRange"]), render_call)
    return out


def values_batch_update(call: Call, book: Spreadsheet) -> dict:
    body = call.json_body()
    option = body.get("valueInputOption")
    responses = [_write(book, d.get("range", ""), d, option) for d in body.get("data", [])]
    out = {"spreadsheetId": book.spreadsheet_id}
    if responses:
        counted = [r for r in responses if "updatedCells" in r]
        columns = set()
        for r in counted:
            area = resolve(book, r["updatedRange"])
            columns.update((area.sheet.sheet_id, c) for c in range(area.c0, area.c1))
        out.update(totalUpdatedRows=sum(r["updatedRows"] for r in counted),
                   totalUpdatedColumns=len(columns),
                   totalUpdatedCells=sum(r["updatedCells"] for r in counted),
                   totalUpdatedSheets=len({r["updatedRange"].rsplit("!", 1)[0] for r in counted}),
                   responses=responses)
    return out


def values_clear(call: Call, book: Spreadsheet) -> dict:
    area = resolve(book, call.path_args["range"])
    cells.clear_values(area)
    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": area.a1()}


def values_batch_clear(call: Call, book: Spreadsheet) -> dict:
    cleared = []
    for text in call.json_body().get("ranges", []):
        area = resolve(book, text)
        cells.clear_values(area)
        cleared.append(area.a1())
    return {"spreadsheetId": book.spreadsheet_id, "clearedRanges": cleared}


def values_append(call: Call, book: Spreadsheet) -> dict:
    """Find the table in the range (the last block of touching non-empty cells), write below it from its
    first column; with no table, write at the range's first cell. The grid grows as needed."""
    data = call.json_body()
    area = resolve(book, call.path_args["range"])
    sheet = area.sheet
    table = _last_table(area)
    values = data.get("values") or []
    height = len(values)
    width = max((len(r) for r in values), default=0)
    start, c0 = (table.r1, table.c0) if table else (area.r0, area.c0)
    if call.param("insertDataOption") == "INSERT_ROWS" and table:
        _shift_rows_down(sheet, start, height)
        sheet.grid["rowCount"] = sheet.row_count + height
    if start + height > sheet.row_count:
        sheet.grid["rowCount"] = start + height
    if c0 + width > sheet.col_count:
        sheet.grid["columnCount"] = c0 + width
    target = Area(sheet, start, start + max(height, 1), c0, c0 + max(width, 1))
    updates = _write(book, "", data, call.param("valueInputOption"), for_append=target)
    out = {"spreadsheetId": book.spreadsheet_id}
    if table:
        out["tableRange"] = table.a1()
    out["updates"] = _with_values(call, book, updates)
    return out


def _last_table(area: Area) -> Area | None:
    filled = {(r, c) for (r, c), cell in area.sheet.cells.items()
              if "userEnteredValue" in cell and area.r0 <= r < area.r1 and area.c0 <= c < area.c1}
    tables = []
    while filled:
        todo = [filled.pop()]
        block = set(todo)
        while todo:
            r, c = todo.pop()
            for near in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if near in filled:
                    filled.discard(near)
                    block.add(near)
                    todo.append(near)
        rows = [r for r, _ in block]
        cols = [c for _, c in block]
        tables.append(Area(area.sheet, min(rows), max(rows) + 1, min(cols), max(cols) + 1))
    if not tables:
        return None
    return max(tables, key=lambda t: (t.r1, t.c0))


def _shift_rows_down(sheet, start: int, count: int) -> None:
    moved = {}
    for (r, c), cell in sheet.cells.items():
        moved[(r + count if r >= start else r, c)] = cell
    sheet.cells = moved


def not_a_spreadsheet() -> None:
    raise sheets_error(400, "This operation is not supported for this document")
