"""The live-Excel backend: read a workbook open in Excel into a grid, and apply an edit list to it.

It speaks only xlwings' documented object model (Book.sheets, Sheet.range/notes/visible/delete,
Range.value/color/font/note/add_note/number_format/column_width/merge/add_hyperlink) and works the same
on Windows and macOS. It leaves a plan exactly as the file backend does, so a plan annotated in Excel
can be cleaned by ``mapsheet clean`` and the other way round:

- mapsheet's note text sits below ``NOTE_MARKER``; a user's note text above it is kept;
- the fill a cell had before mapsheet coloured it is remembered in the hidden ``STATE_SHEET``, one row
  per cell under the header ``sheet | cell | fill`` (fill as RRGGBB, "" for none);
- the "Plan check" sheet is mapsheet's and is replaced whole.

Two things a file can carry have no xlwings API outside PRO and are left out here: frozen rows and the
tab colour of the Plan check sheet.
"""

from __future__ import annotations

from typing import Any, Iterable

from .. import grid
from ..edits import (CHECK_SHEET, NOTE_MARKER, STATE_HEADER, STATE_SHEET, Edit, EditWriter, ReplaceSheet,
                     SetFill, SetNote, merge_note, strip_own_note)
from .styles import FORMATS, apply_format



# ---------------------------------------------------------------------------------------------- reading

def read_workbook(book: Any) -> grid.Workbook:
    """Every sheet's values addressed from A1, whatever cell the used range starts at."""
    return grid.Workbook(book.name, [grid.Sheet(sheet.name, _values_from_a1(sheet)) for sheet in book.sheets])


def _values_from_a1(sheet: Any) -> list[list[Any]]:
    last = sheet.used_range.last_cell
    # Reading from A1 (not from the used range's first cell) keeps grid coordinates absolute; error
    # cells come back as "#N/A" and the like, as the file reader gives them, instead of None.
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
    return [list(row) for row in values]


# ---------------------------------------------------------------------------------------------- writing

def apply_edits(book: Any, edits: Iterable[Edit]) -> None:
    """Apply ``edits`` in order, with screen updating off (restored whatever happens)."""
    app = book.app
    was_updating = app.screen_updating
    app.screen_updating = False
    try:
        writer = _Writer(book)
        for edit in edits:
            writer.apply(edit)
        writer.finish()
    finally:
        app.screen_updating = was_updating


class _Writer(EditWriter):
    def __init__(self, book: Any):
        self.book = book
        self.original_fills: dict[tuple[str, str], str] | None = None  # loaded at the first SetFill
        self.fills_changed = False
        self.own_notes: dict[tuple[str, int, int], str] = {}
        self.check_sheet: Any = None
        self._by_name: dict[str, Any] | None = None

    def sheet(self, name: str) -> Any | None:
        # Cached: every sheet name read is one call into Excel (an Apple event on macOS).
        if self._by_name is None:
            self._by_name = {sheet.name: sheet for sheet in self.book.sheets}
        return self._by_name.get(name)

    def sheets_changed(self) -> None:
        self._by_name = None

    # ClearOwnMarks -----------------------------------------------------------------------------------
    def clear_own_marks(self) -> None:
        state = self.sheet(STATE_SHEET)
        if state is not None:
            for sheet_name, ref, fill in read_state(state):
                target = self.sheet(sheet_name)
                if target is not None:
                    target.range(ref).color = _xl_color(fill)
        for own in (self.sheet(CHECK_SHEET), state):
            if own is not None:
                own.delete()
        self.sheets_changed()
        for sheet in self.book.sheets:
            for note in list(sheet.notes):
                text = note.text or ""
                if NOTE_MARKER not in text:
                    continue
                user_text = strip_own_note(text)
                if user_text:
                    note.text = user_text
                else:
                    note.delete()
        self.original_fills, self.fills_changed, self.own_notes = {}, False, {}

    # SetNote -----------------------------------------------------------------------------------------
    def set_note(self, edit: SetNote) -> None:
        key = (edit.sheet, edit.row, edit.col)
        # Two notes for one cell in one batch are both kept: merge_note alone would keep only the last.
        own = f"{self.own_notes[key]}\n{edit.text}" if key in self.own_notes else edit.text
        self.own_notes[key] = own
        cell = self._cell(edit.sheet, edit.row, edit.col)
        note = cell.note
        if note is None:
            cell.add_note(merge_note(None, own))
        else:
            note.text = merge_note(note.text, own)

    # SetFill -----------------------------------------------------------------------------------------
    def set_fill(self, edit: SetFill) -> None:
        if self.original_fills is None:  # an edit list without ClearOwnMarks: keep what is remembered
            state = self.sheet(STATE_SHEET)
            rows = read_state(state) if state is not None else []
            self.original_fills = {(sheet, ref): fill for sheet, ref, fill in rows}
        cell = self._cell(edit.sheet, edit.row, edit.col)
        key = (edit.sheet, grid.a1(edit.row, edit.col))
        if key not in self.original_fills:
            self.original_fills[key] = _hex(cell.color)
            self.fills_changed = True
        cell.color = _xl_color(edit.color)

    # ReplaceSheet ------------------------------------------------------------------------------------
    def replace_sheet(self, edit: ReplaceSheet) -> None:
        old = self.sheet(edit.name)
        if old is not None:
            old.delete()
        self.sheets_changed()
        sheets = self.book.sheets
        if edit.position < len(sheets):
            sheet = sheets.add(edit.name, before=sheets[edit.position])
        else:
            sheet = sheets.add(edit.name, after=sheets[len(sheets) - 1])
        self.sheets_changed()
        width = max((len(row) for row in edit.rows), default=0)
        if width:
            sheet.range((1, 1)).value = [[_as_written(c.value) for c in row] + [None] * (width - len(row))
                                         for row in edit.rows]
        for r, row in enumerate(edit.rows):
            for c0, c1, style in _style_runs(row):
                apply_format(sheet.range((r + 1, c0 + 1), (r + 1, c1 + 1)), FORMATS.get(style))
            for c, cell in enumerate(row):
                if cell.link is not None:
                    target = cell.link
                    address = f"#'{target.sheet.replace(chr(39), chr(39) * 2)}'!{target.a1 or 'A1'}"
                    text = "" if cell.value is None else str(cell.value)
                    sheet.range((r + 1, c + 1)).add_hyperlink(address, text_to_display=text or target.sheet)
        for c, w in enumerate(edit.column_widths):
            sheet.range((1, c + 1)).column_width = w
        for r0, c0, r1, c1 in edit.merges:
            sheet.range((r0 + 1, c0 + 1), (r1 + 1, c1 + 1)).merge()
        if edit.name == CHECK_SHEET:
            self.check_sheet = sheet

    # -------------------------------------------------------------------------------------------------
    def finish(self) -> None:
        if self.fills_changed and self.original_fills:
            state = self.sheet(STATE_SHEET)
            if state is None:
                sheets = self.book.sheets
                state = sheets.add(STATE_SHEET, after=sheets[len(sheets) - 1])
                self.sheets_changed()
            else:
                state.clear_contents()
            rows = [STATE_HEADER, *((s, ref, fill) for (s, ref), fill in self.original_fills.items())]
            state.range((1, 1)).value = [[_as_written(v) for v in row] for row in rows]
            state.visible = False
        if self.check_sheet is not None:
            self.check_sheet.activate()  # the user pressed "Check plan": show the result

    def _cell(self, sheet_name: str, row: int, col: int) -> Any:
        sheet = self.sheet(sheet_name)
        if sheet is None:
            raise KeyError(f"no sheet named {sheet_name!r} in {self.book.name}")
        return sheet.range((row + 1, col + 1))


def read_state(state_sheet: Any) -> list[tuple[str, str, str]]:
    """(sheet, cell, fill) rows of the state sheet, header skipped, fills as RRGGBB or ""."""
    last = state_sheet.used_range.last_cell
    values = state_sheet.range((1, 1), (last.row, max(last.column, 3))).options(ndim=2).value
    rows = []
    for sheet, ref, fill, *_ in values:
        if not sheet or not ref or (sheet, ref) == STATE_HEADER[:2]:
            continue
        rows.append((str(sheet), str(ref), _normal_hex(fill)))
    return rows


def _style_runs(row: tuple) -> list[tuple[int, int, str]]:
    """(first col, last col, style) for each run of neighbouring cells with one style: one Excel call
    per run instead of per cell, which matters on macOS where each call is an Apple event."""
    runs: list[tuple[int, int, str]] = []
    for c, cell in enumerate(row):
        if cell.style is None:
            continue
        if runs and runs[-1][1] == c - 1 and runs[-1][2] == cell.style:
            runs[-1] = (runs[-1][0], c, cell.style)
        else:
            runs.append((c, c, cell.style))
    return runs


def _as_written(value: Any) -> Any:
    """A value as mapsheet writes it: text stays text. Excel would otherwise turn "3/4" into a date,
    "000000" into 0 and "=..." into a formula; a leading apostrophe makes it store the rest verbatim."""
    if isinstance(value, str):
        return "'" + value if value else None
    return value


def _hex(rgb: tuple[int, int, int] | None) -> str:
    return "" if rgb is None else "{:02X}{:02X}{:02X}".format(*rgb)


def _normal_hex(fill: Any) -> str:
    """RRGGBB from what the file backend or an earlier run wrote ("#ffc7ce", "FFFFC7CE", "" or None)."""
    text = "" if fill is None else str(fill).strip().lstrip("#").upper()
    return text[-6:] if len(text) in (6, 8) else ""


def _xl_color(fill: str) -> str | None:
    return f"#{fill}" if fill else None
