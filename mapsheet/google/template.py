"""A plan workbook made by ``mapsheet new`` (from the template description, template/spec.py and
template/build.py) as the requests that build the same plan in a new Google Sheet.

One translation covers everything the template builder writes, so the Google plan follows the spec
wherever the Excel one does: tabs in order with their tab colours, values and formulas, number formats
(dates as "31 Mar 2026"), fonts, fills, borders, wrapping, column widths and row heights, frozen header
rows, filters, dropdowns and other validations, the conditional formats (overdue rows red, done rows
grey, the Timeline's Gantt bars) and the template version (a named range, as in the file).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.workbook.workbook import Workbook

from .formats import color_style, extended_value

POINTS_TO_PIXELS = 4 / 3
DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters
VALIDATION_ERROR_STYLES = {"stop": True}


def build_requests(wb: Workbook, *, replace_sheet: int | None = 0) -> list[dict]:
    """batchUpdate requests that lay ``wb`` out in a new spreadsheet; ``replace_sheet`` (the blank tab
    a new spreadsheet starts with) is deleted once the plan's tabs exist."""
    requests: list[dict] = []
    ids = {ws.title: i + 1 for i, ws in enumerate(wb.worksheets)}
    for index, ws in enumerate(wb.worksheets):
        requests += _sheet(ws, ids[ws.title], index)
    for name, defined in wb.defined_names.items():
        for title, ref in defined.destinations:
            c0, r0, c1, r1 = range_boundaries(ref.replace("$", ""))
            requests.append({"addNamedRange": {"namedRange": {"name": name, "range": {
                "sheetId": ids[title], "startRowIndex": r0 - 1, "endRowIndex": r1,
                "startColumnIndex": c0 - 1, "endColumnIndex": c1}}}})
    if replace_sheet is not None:
        requests.append({"deleteSheet": {"sheetId": replace_sheet}})
    return requests


def _sheet(ws, sheet_id: int, index: int) -> list[dict]:
    frozen = ws.freeze_panes
    frozen_rows, frozen_cols = 0, 0
    if frozen:
        c, r = range_boundaries(frozen)[:2]
        frozen_rows, frozen_cols = r - 1, c - 1
    grid = {"rowCount": max(ws.max_row, 1000), "columnCount": max(ws.max_column, 26),
            "frozenRowCount": frozen_rows, "frozenColumnCount": frozen_cols,
            "hideGridlines": not ws.sheet_view.showGridLines}
    properties: dict[str, Any] = {"sheetId": sheet_id, "title": ws.title, "index": index, "gridProperties": grid}
    tab = ws.sheet_properties.tabColor
    if tab is not None and tab.rgb and isinstance(tab.rgb, str):
        properties["tabColorStyle"] = color_style(tab.rgb)
    out: list[dict] = [{"addSheet": {"properties": properties}}]
    rows = [{"values": [_cell(c) for c in row]} for row in ws.iter_rows()]
    if rows:
        out.append({"updateCells": {"rows": rows, "fields": "userEnteredValue,userEnteredFormat",
                                    "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}}})
    out += _dimensions(ws, sheet_id)
    out += _validations(ws, sheet_id)
    out += _conditional_formats(ws, sheet_id)
    for merged in ws.merged_cells.ranges:
        out.append({"mergeCells": {"mergeType": "MERGE_ALL", "range": _grid_range(str(merged), sheet_id)}})
    if ws.auto_filter.ref:
        out.append({"setBasicFilter": {"filter": {"range": _grid_range(ws.auto_filter.ref, sheet_id)}}})
    return out


def _cell(c) -> dict:
    data: dict[str, Any] = {}
    value = c.value
    if isinstance(value, str) and value.startswith("=") and c.data_type == "f":
        data["userEnteredValue"] = {"formulaValue": value}
    elif value is not None:
        data["userEnteredValue"] = extended_value(value.date() if isinstance(value, dt.datetime)
                                                  and value.time() == dt.time() else value)
    fmt = _format(c)
    if fmt:
        data["userEnteredFormat"] = fmt
    return data


def _format(c) -> dict:
    fmt: dict[str, Any] = {}
    if c.number_format and c.number_format != "General":
        kind = "DATE" if any(ch in c.number_format for ch in "dmy") and "#" not in c.number_format else \
            "PERCENT" if "%" in c.number_format else "NUMBER"
        fmt["numberFormat"] = {"type": kind, "pattern": c.number_format}
    fill = c.fill
    if fill is not None and fill.fill_type == "solid" and _rgb(fill.fgColor):
        fmt["backgroundColorStyle"] = color_style(_rgb(fill.fgColor))
    font = c.font
    text: dict[str, Any] = {}
    if font is not None:
        if font.name:
            text["fontFamily"] = font.name
        if font.sz:
            text["fontSize"] = float(font.sz)
        if font.b:
            text["bold"] = True
        if font.i:
            text["italic"] = True
        if _rgb(font.color):
            text["foregroundColorStyle"] = color_style(_rgb(font.color))
    if text:
        fmt["textFormat"] = text
    align = c.alignment
    if align is not None:
        if align.wrap_text:
            fmt["wrapStrategy"] = "WRAP"
        if align.vertical in ("top", "center", "bottom"):
            fmt["verticalAlignment"] = {"center": "MIDDLE"}.get(align.vertical, align.vertical.upper())
        if align.horizontal in ("left", "center", "right"):
            fmt["horizontalAlignment"] = align.horizontal.upper()
        if align.text_rotation:
            fmt["textRotation"] = {"angle": int(align.text_rotation)}
    borders = {}
    for side in ("top", "bottom", "left", "right"):
        edge = getattr(c.border, side, None)
        if edge is not None and edge.style:
            borders[side] = {"style": "SOLID" if edge.style != "hair" else "DOTTED",
                             **({"colorStyle": color_style(_rgb(edge.color))} if _rgb(edge.color) else {})}
    if borders:
        fmt["borders"] = borders
    return fmt


def _rgb(color) -> str:
    if color is None or color.type != "rgb" or not isinstance(color.rgb, str):
        return ""
    return color.rgb[-6:]


def _dimensions(ws, sheet_id: int) -> list[dict]:
    out = []
    for letter, dim in ws.column_dimensions.items():
        if dim.width:
            out.append(_size(sheet_id, "COLUMNS", column_index_from_string(letter) - 1, round(dim.width * 7 + 5)))
    for row, dim in ws.row_dimensions.items():
        if dim.height:
            out.append(_size(sheet_id, "ROWS", row - 1, round(dim.height * POINTS_TO_PIXELS)))
    return out


def _size(sheet_id: int, dimension: str, index: int, pixels: int) -> dict:
    return {"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": dimension, "startIndex": index, "endIndex": index + 1},
        "properties": {"pixelSize": pixels}, "fields": "pixelSize"}}


def _grid_range(ref: str, sheet_id: int) -> dict:
    c0, r0, c1, r1 = range_boundaries(ref)
    return {"sheetId": sheet_id, "startRowIndex": r0 - 1, "endRowIndex": r1,
            "startColumnIndex": c0 - 1, "endColumnIndex": c1}


def _validations(ws, sheet_id: int) -> list[dict]:
    out = []
    for dv in ws.data_validations.dataValidation:
        condition = _condition(dv)
        if condition is None:
            continue
        rule: dict[str, Any] = {"condition": condition, "strict": dv.errorStyle in VALIDATION_ERROR_STYLES,
                                "showCustomUi": dv.type == "list"}
        if dv.prompt:
            rule["inputMessage"] = dv.prompt
        for cells in dv.sqref.ranges:
            out.append({"setDataValidation": {"range": _grid_range(str(cells), sheet_id), "rule": rule}})
    return out


def _condition(dv) -> dict | None:
    if dv.type == "list" and dv.formula1 and dv.formula1.startswith('"'):
        return {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v}
                                                  for v in dv.formula1.strip('"').split(",")]}
    if dv.type == "date":
        return {"type": "DATE_IS_VALID"}
    if dv.type == "decimal":
        return {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": dv.formula1 or "0"}]}
    if dv.prompt:  # a help text with no rule: Sheets needs a condition, one that always holds
        return {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=TRUE"}]}
    return None


def _conditional_formats(ws, sheet_id: int) -> list[dict]:
    out = []
    rules = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            rules.append((rule.priority or 0, str(cf.sqref), rule))
    for index, (_, sqref, rule) in enumerate(sorted(rules, key=lambda r: r[0])):
        if rule.type != "expression" or not rule.formula:
            continue
        fmt: dict[str, Any] = {}
        dxf = rule.dxf
        if dxf is not None and dxf.fill is not None:
            rgb = _rgb(dxf.fill.fgColor) or _rgb(dxf.fill.bgColor)
            if rgb:
                fmt["backgroundColorStyle"] = color_style(rgb)
        if dxf is not None and dxf.font is not None and _rgb(dxf.font.color):
            fmt["textFormat"] = {"foregroundColorStyle": color_style(_rgb(dxf.font.color))}
        ranges = [_grid_range(part, sheet_id) for part in sqref.split()]
        out.append({"addConditionalFormatRule": {"index": index, "rule": {"ranges": ranges, "booleanRule": {
            "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=" + rule.formula[0]}]},
            "format": fmt}}}})
    return out
