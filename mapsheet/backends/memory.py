"""An in-memory backend: a plan's content laid out exactly as the template lays it out, as a grid.

Tests use it to build plans in microseconds (no file, no zip), and it shows how small a backend is:
``MemoryBook`` takes edit lists through the same contract (backends/base.py) as a file, Excel or Google.
The layout is not copied here: it is read once from the template workbook itself, and values are
placed with the same header matching the reader uses, so a cell address in memory is the address the
same value has in a real file made by ``mapsheet new``.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from ..fill import PlanDraft, default_template_path
from ..edits import STATE_HEADER, STATE_SHEET, Edit, ReplaceSheet
from ..grid import Location, Sheet, Workbook
from ..styles import FORMATS
from ..parse import find_header_row
from ..template.spec import SPEC, TemplateSpec, header_index, normalize_header
from .base import FillState, MarkingWriter, StateRows, apply_all, own_note_text
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


# ---------------------------------------------------------------------------------------------- editing

@dataclass
class MemorySheet:
    """A sheet as a backend sees it: values, notes, fills (RRGGBB), and what mapsheet's own sheets carry."""

    name: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    styles: dict[tuple[int, int], str] = field(default_factory=dict)
    links: dict[tuple[int, int], Location] = field(default_factory=dict)
    hidden: bool = False
    tab_color: str | None = None
    merges: tuple[tuple[int, int, int, int], ...] = ()
    freeze_rows: int = 0


@dataclass
class MemoryBook:
    """A workbook held in memory that edit lists apply to, as they do to a file, Excel or a Google Sheet."""

    name: str = "<memory>"
    sheets: list[MemorySheet] = field(default_factory=list)
    active: str = ""

    @classmethod
    def from_workbook(cls, wb: Workbook) -> "MemoryBook":
        sheets = [MemorySheet(s.name, {(r, c): v for r, row in enumerate(s.rows) for c, v in enumerate(row)
                                       if v is not None and v != ""}) for s in wb.sheets]
        return cls(wb.source, sheets, sheets[0].name if sheets else "")

    def sheet(self, name: str) -> MemorySheet:
        return next(s for s in self.sheets if s.name == name)

    def to_workbook(self) -> Workbook:
        sheets = []
        for s in self.sheets:
            height = max((r for r, _ in s.values), default=-1) + 1
            width = max((c for _, c in s.values), default=-1) + 1
            sheets.append(Sheet(s.name, [[s.values.get((r, c)) for c in range(width)] for r in range(height)]))
        return Workbook(self.name, sheets)


def apply_edits(book: MemoryBook, edits: Iterable[Edit]) -> bool:
    """Apply ``edits`` to ``book``; True when anything changed."""
    return apply_all(_Writer(book), edits).changed


class _Writer(MarkingWriter):
    def __init__(self, book: MemoryBook):
        super().__init__()
        self.book = book

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def read_state(self) -> StateRows:
        state = self.book.sheet(STATE_SHEET)
        height = max((r for r, _ in state.values), default=0)
        rows = [tuple(state.values.get((r, c), "") for c in range(3)) for r in range(1, height + 1)]
        return {(sheet, ref): (fill,) for sheet, ref, fill in rows if sheet and ref}

    def write_state(self, rows: StateRows) -> None:
        state = MemorySheet(STATE_SHEET, hidden=True)
        for r, row in enumerate([STATE_HEADER, *((s, ref, fill[0]) for (s, ref), fill in sorted(rows.items()))]):
            state.values.update({(r, c): v for c, v in enumerate(row) if v})
        self.book.sheets.append(state)

    def delete_sheet(self, name: str) -> None:
        self.book.sheets.remove(self.book.sheet(name))

    def marked_notes(self):
        for s in self.book.sheets:
            for (r, c), text in sorted(s.notes.items()):
                if own_note_text(text):
                    yield s.name, r, c, text

    def note(self, sheet: str, row: int, col: int) -> str | None:
        return self.book.sheet(sheet).notes.get((row, col))

    def put_note(self, sheet: str, row: int, col: int, text: str | None) -> None:
        notes = self.book.sheet(sheet).notes
        if text:
            notes[(row, col)] = text
        else:
            notes.pop((row, col), None)

    def fill_state(self, sheet: str, row: int, col: int) -> FillState:
        return (self.book.sheet(sheet).fills.get((row, col), ""),)

    def put_fill(self, sheet: str, row: int, col: int, color: str) -> None:
        self.book.sheet(sheet).fills[(row, col)] = color

    def restore_fill(self, sheet: str, row: int, col: int, state: FillState) -> None:
        fills = self.book.sheet(sheet).fills
        if state[0]:
            fills[(row, col)] = state[0]
        else:
            fills.pop((row, col), None)

    def write_sheet(self, edit: ReplaceSheet) -> None:
        sheet = MemorySheet(edit.name, tab_color=edit.tab_color, merges=edit.merges, freeze_rows=edit.freeze_rows)
        for r, row in enumerate(edit.rows):
            for c, cell in enumerate(row):
                if cell.value is not None:
                    sheet.values[(r, c)] = cell.value
                if cell.style:
                    sheet.styles[(r, c)] = cell.style
                    if FORMATS[cell.style].fill:
                        sheet.fills[(r, c)] = FORMATS[cell.style].fill
                if cell.link is not None:
                    sheet.links[(r, c)] = cell.link
        self.book.sheets.insert(min(edit.position, len(self.book.sheets)), sheet)

    def show(self, name: str) -> None:
        self.book.active = name
