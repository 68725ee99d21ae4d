"""Write a plan's content into a copy of the template: what ``mapsheet new`` and the sample plans use.

The content is a ``PlanDraft``: plain values keyed by the template's field keys. Cells are found the
way the reader finds them (header matching by meaning), so a customised template with reordered or
extra columns is filled correctly too.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from .errors import MapsheetError
from .grid import Sheet
from .parse import HEADER_SCAN_ROWS, find_header_row
from .safeio import atomic_save_workbook
from .styles import LINE_HEIGHT, text_lines
from .template.spec import SPEC, Kind, TemplateSpec, header_index, normalize_header

TEMPLATE_NAME = "mutual-action-plan.xlsx"


@dataclass
class PlanDraft:
    """A plan's content: Overview values and table rows, keyed by template field keys."""

    overview: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.tables.setdefault(table, [])


def default_template_path() -> Path:
    """The packaged template (wheel installs) or the repository's ``templates/`` copy (source checkouts)."""
    packaged = resources.files("mapsheet").joinpath("_data").joinpath(TEMPLATE_NAME)
    if packaged.is_file():
        return Path(str(packaged))
    repo = Path(__file__).resolve().parent.parent / "templates" / TEMPLATE_NAME
    if repo.is_file():
        return repo
    raise MapsheetError(f"the plan template {TEMPLATE_NAME} is missing from this installation; "
                        "reinstall mapsheet or pass --template PATH")


def load_template(template: str | Path | None = None) -> openpyxl.Workbook:
    path = Path(template) if template else default_template_path()
    if not path.is_file():
        raise MapsheetError(f"{path}: no such template file")
    return openpyxl.load_workbook(path)


def fill_workbook(wb: openpyxl.Workbook, draft: PlanDraft, spec: TemplateSpec = SPEC) -> None:
    """Write ``draft`` into the template workbook ``wb`` (in memory)."""
    _fill_overview(wb, draft.overview, spec)
    for table in spec.tables:
        rows = draft.tables.get(table.key) or []
        if not rows:
            continue
        ws = _sheet(wb, table.sheet)
        header_row, columns = _table_columns(ws, table)
        first = header_row + 1
        for i, record in enumerate(rows):
            r = first + i
            for key, value in record.items():
                if key not in columns:
                    raise MapsheetError(f"{ws.title}: the template has no '{table.field(key).header}' column")
                cell = ws.cell(r, columns[key])
                if i and not cell.has_style:
                    cell._style = copy.copy(ws.cell(first, columns[key])._style)
                _set(cell, _cell_value(value, table.field(key).kind))
            _fit_row_height(ws, r)
        if ws.auto_filter.ref:
            last_col = ws.auto_filter.ref.split(":")[1].rstrip("0123456789")
            ws.auto_filter.ref = f"A{header_row}:{last_col}{max(first + len(rows) - 1, header_row + 1)}"


def write_plan(draft: PlanDraft, out: str | Path, template: str | Path | None = None,
               spec: TemplateSpec = SPEC) -> Path:
    wb = load_template(template)
    fill_workbook(wb, draft, spec)
    return atomic_save_workbook(wb, out)


def _fit_row_height(ws: Worksheet, row: int) -> None:
    """Make wrapped text visible: Excel grows rows on edit, but not for files written by a program."""
    lines = max((text_lines(cell.value, ws.column_dimensions[cell.column_letter].width or 10)
                 for cell in ws[row] if isinstance(cell.value, str) and cell.value), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * lines


def _sheet(wb: openpyxl.Workbook, name: str) -> Worksheet:
    if name not in wb.sheetnames:
        raise MapsheetError(f"the template has no '{name}' tab")
    return wb[name]


def _grid(ws: Worksheet, rows: int = HEADER_SCAN_ROWS) -> Sheet:
    return Sheet(ws.title, [list(r) for r in ws.iter_rows(min_row=1, max_row=rows, values_only=True)])


def _table_columns(ws: Worksheet, table) -> tuple[int, dict[str, int]]:
    """1-based header row and field key -> 1-based column, found by header meaning."""
    grid = _grid(ws)
    row, _ = find_header_row(grid, table)
    if row is None:
        raise MapsheetError(f"{ws.title}: no header row found in the template")
    index = header_index(table.fields)
    columns = {}
    for col, text in grid.iter_row(row):
        key = index.get(normalize_header(text))
        if key and key not in columns:
            columns[key] = col + 1
    return row + 1, columns


def _fill_overview(wb: openpyxl.Workbook, values: dict[str, Any], spec: TemplateSpec) -> None:
    if not values:
        return
    ws = _sheet(wb, spec.overview.sheet)
    index = header_index(spec.overview.fields)
    labels: dict[str, tuple[int, int]] = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                key = index.get(normalize_header(cell.value))
                if key and key not in labels:
                    labels[key] = (cell.row, cell.column)
    for key, value in values.items():
        if key not in labels:
            raise MapsheetError(f"{ws.title}: the template has no '{spec.overview.field(key).header}' field")
        r, c = labels[key]
        _set(ws.cell(r, c + 1), _cell_value(value, spec.overview.field(key).kind))


def _set(cell, value: Any) -> None:
    """Write a value; text stays text (openpyxl would store "=..." as a live formula)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _cell_value(value: Any, kind: Kind) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if kind is Kind.DATE and isinstance(value, dt.datetime):
        return value.date()
    return value
