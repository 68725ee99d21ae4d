"""An in-memory backend: a plan's content laid out exactly as the template lays it out, as a grid.

Tests use it to build plans in microseconds (no file, no zip), and it shows how small a backend is.
The layout is not copied here: it is read once from the template workbook itself, and values are
placed with the same header matching the reader uses, so a cell address in memory is the address the
same value has in a real file made by ``mapsheet new``.
"""

from __future__ import annotations

import copy
import datetime as dt
from functools import lru_cache
from typing import Any

from ..fill import PlanDraft, default_template_path
from ..grid import Sheet, Workbook
from ..parse import find_header_row
from ..template.spec import SPEC, TemplateSpec, header_index, normalize_header
from .xlsx_read import read_workbook


@lru_cache(maxsize=1)
def _template_grid() -> Workbook:
    return read_workbook(default_template_path())


def draft_workbook(draft: PlanDraft, source: str = "<memory>", spec: TemplateSpec = SPEC) -> Workbook:
    """The grid a workbook made from the template and filled with ``draft`` would read as."""
    wb = Workbook(source, [Sheet(s.name, [list(r) for r in s.rows]) for s in _template_grid().sheets])
    overview = wb.sheet(spec.overview.sheet)
    labels = header_index(spec.overview.fields)
    positions = {labels[normalize_header(v)]: (r, c) for r in range(overview.height)
                 for c, v in overview.iter_row(r) if isinstance(v, str) and normalize_header(v) in labels}
    for key, value in draft.overview.items():
        r, c = positions[key]
        _put(overview, r, c + 1, value)
    for table in spec.tables:
        rows = draft.tables.get(table.key) or []
        sheet = wb.sheet(table.sheet)
        header, _ = find_header_row(sheet, table)
        index = header_index(table.fields)
        columns = {index[normalize_header(v)]: c for c, v in sheet.iter_row(header)}
        for i, row in enumerate(rows):
            for key, value in row.items():
                _put(sheet, header + 1 + i, columns[key], value)
    return wb


def _put(sheet: Sheet, r: int, c: int, value: Any) -> None:
    while len(sheet.rows) <= r:
        sheet.rows.append([])
    row = sheet.rows[r]
    while len(row) <= c:
        row.append("")
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    if isinstance(value, dt.datetime):
        value = value.date()
    row[c] = "" if value is None else copy.copy(value)
