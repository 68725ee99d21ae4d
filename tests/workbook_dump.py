"""A full, comparable dump of an .xlsx/.xlsm workbook: cells (values and styles), notes, validations,
conditional formats, names, sizes, panes, print setup and macros.

Two workbooks whose dumps are equal look and behave the same to a user. Tests use it to hold the
committed template to its generator and to prove that mapsheet only ever changes its own marks.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import openpyxl


def _rgb(color) -> str | None:
    return getattr(color, "rgb", None) if color is not None else None


def _style(cell) -> tuple:
    f, fill, b, a = cell.font, cell.fill, cell.border, cell.alignment
    return (
        cell.number_format,
        (f.name, f.sz, f.b, f.i, f.u, _rgb(f.color)),
        (fill.fill_type, _rgb(getattr(fill, "fgColor", None))),
        tuple((s.style, _rgb(s.color)) if s is not None else None for s in (b.left, b.right, b.top, b.bottom)),
        # wrapText="false" and no wrapText are one thing to Excel (the default): LibreOffice writes the first,
        # openpyxl the second
        (a.horizontal, a.vertical, bool(a.wrap_text), a.text_rotation),
        cell.protection.locked,
    )


def dump_sheet(ws) -> dict[str, Any]:
    cells = {}
    # The cells that exist, in order: iter_rows would make every empty cell of the used range (a million
    # rows for one stray fill at I1048576) to skip it.
    for c in sorted(ws._cells.values(), key=lambda c: (c.row, c.column)):
        if c.value is None and not c.has_style and c.comment is None and c.hyperlink is None:
            continue
        cells[c.coordinate] = (
            c.value if not hasattr(c.value, "isoformat") else c.value.isoformat(),
            _style(c),
            (c.comment.text, c.comment.author) if c.comment else None,
            c.hyperlink.location or c.hyperlink.target if c.hyperlink else None,
        )
    validations = sorted(
        (str(dv.sqref), dv.type, dv.formula1, dv.operator, dv.allow_blank, dv.error, dv.prompt)
        for dv in ws.data_validations.dataValidation)
    conditional = sorted(
        (str(rng.sqref), r.type, tuple(r.formula or ()), r.priority, r.stopIfTrue,
         r.dxf.fill.fgColor.rgb if r.dxf and r.dxf.fill is not None and r.dxf.fill.fgColor is not None else None)
        for rng in ws.conditional_formatting for r in rng.rules)
    return {
        "state": ws.sheet_state,
        "cells": cells,
        "validations": validations,
        "conditional": conditional,
        "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        "widths": {k: v.width for k, v in ws.column_dimensions.items() if v.width},
        "heights": {k: v.height for k, v in ws.row_dimensions.items() if v.height},
        "freeze": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        "print": (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight,
                  ws.print_title_rows, ws.oddHeader.left.text, ws.oddFooter.right.text),
        "tab_color": ws.sheet_properties.tabColor.rgb if ws.sheet_properties.tabColor else None,
        "gridlines": ws.sheet_view.showGridLines,
    }


def dump_workbook(path: str | Path, *, skip_sheets: tuple[str, ...] = ()) -> dict[str, Any]:
    path = Path(path)
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    out: dict[str, Any] = {
        "sheets": [ws.title for ws in wb.worksheets if ws.title not in skip_sheets],
        "names": sorted((n, dn.attr_text) for n, dn in wb.defined_names.items()),
        "custom_props": sorted((p.name, str(p.value)) for p in wb.custom_doc_props.props),
        "active": wb.active.title if wb.worksheets else None,
    }
    for ws in wb.worksheets:
        if ws.title not in skip_sheets:
            out[ws.title] = dump_sheet(ws)
    with zipfile.ZipFile(path) as zf:
        if "xl/vbaProject.bin" in zf.namelist():
            out["vba"] = hashlib.sha256(zf.read("xl/vbaProject.bin")).hexdigest()
    return out


def diff_dumps(a: dict, b: dict, prefix: str = "") -> list[str]:
    """Human-readable differences between two dumps (empty when equal)."""
    diffs = []
    for key in sorted(set(a) | set(b), key=str):
        va, vb = a.get(key, "<missing>"), b.get(key, "<missing>")
        if isinstance(va, dict) and isinstance(vb, dict):
            diffs += diff_dumps(va, vb, f"{prefix}{key}/")
        elif va != vb:
            diffs.append(f"{prefix}{key}: {va!r} != {vb!r}")
    return diffs
