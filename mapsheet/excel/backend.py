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
from ..backends.base import FillState, MarkingWriter, StateRows, apply_all, own_note_text
from ..edits import STATE_HEADER, STATE_SHEET, Edit, ReplaceSheet, strip_own_note
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
        apply_all(_Writer(book), edits)
    finally:
        app.screen_updating = was_updating


class _Writer(MarkingWriter):
    """The edit contract (backends/base.py) in xlwings' terms."""

    def __init__(self, book: Any):
        super().__init__()
        self.book = book
        self._by_name: dict[str, Any] | None = None

    def _sheets(self) -> dict[str, Any]:
        # Cached: every sheet name read is one call into Excel (an Apple event on macOS).
        if self._by_name is None:
            self._by_name = {sheet.name: sheet for sheet in self.book.sheets}
        return self._by_name

    def sheet(self, name: str) -> Any | None:
        return self._sheets().get(name)

    def _cell(self, sheet_name: str, row: int, col: int) -> Any:
        sheet = self.sheet(sheet_name)
        if sheet is None:
            raise KeyError(f"no sheet named {sheet_name!r} in {self.book.name}")
        return sheet.range((row + 1, col + 1))

    # -- primitives -------------------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return list(self._sheets())

    def read_state(self) -> StateRows:
        return {(sheet, ref): (fill,) for sheet, ref, fill in read_state(self.sheet(STATE_SHEET))}

    def write_state(self, rows: StateRows) -> None:
        sheets = self.book.sheets
        state = sheets.add(STATE_SHEET, after=sheets[len(sheets) - 1])
        self._by_name = None
        values = [STATE_HEADER, *((s, ref, fill[0]) for (s, ref), fill in sorted(rows.items()))]
        state.range((1, 1)).value = [[_as_written(v) for v in row] for row in values]
        state.visible = False

    def delete_sheet(self, name: str) -> None:
        self.sheet(name).delete()
        self._by_name = None

    def clear_notes(self, marked=None) -> bool:
        # Through the note objects: older xlwings cannot say which cell a note is on (every marked note goes).
        found = False
        for sheet in self.book.sheets:
            for note in list(sheet.notes):
                if own_note_text(note.text):
                    user_text = strip_own_note(note.text)
                    if user_text:
                        note.text = user_text
                    else:
                        note.delete()
                    found = True
        return found

    def note(self, sheet: str, row: int, col: int) -> str | None:
        note = self._cell(sheet, row, col).note
        return note.text if note is not None else None

    def put_note(self, sheet: str, row: int, col: int, text: str | None) -> None:
        cell = self._cell(sheet, row, col)
        note = cell.note
        if text is None:
            if note is not None:
                note.delete()
        elif note is None:
            cell.add_note(text)
        else:
            note.text = text

    def fill_state(self, sheet: str, row: int, col: int) -> FillState:
        return (_hex(self._cell(sheet, row, col).color),)

    def put_fill(self, sheet: str, row: int, col: int, color: str) -> None:
        self._cell(sheet, row, col).color = _xl_color(color)

    def restore_fill(self, sheet: str, row: int, col: int, state: FillState) -> None:
        self._cell(sheet, row, col).color = _xl_color(state[0])

    def show(self, name: str) -> None:
        self.sheet(name).activate()  # the user pressed "Check plan": show the result

    def write_sheet(self, edit: ReplaceSheet) -> None:
        sheets = self.book.sheets
        if edit.position < len(sheets):
            sheet = sheets.add(edit.name, before=sheets[edit.position])
        else:
            sheet = sheets.add(edit.name, after=sheets[len(sheets) - 1])
        self._by_name = None
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
