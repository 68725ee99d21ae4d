"""The one edit contract every backend keeps (file, live Excel, memory, Google Sheets).

``MarkingWriter`` owns what must be the same everywhere, so a plan annotated by one backend reads and
cleans the same in another:

- a note mapsheet writes sits below ``NOTE_MARKER``; the user's text above it is kept, and two notes for
  one cell in one edit list are both shown;
- the fill a cell had before mapsheet coloured it is remembered once (the first time it is coloured) in
  the hidden ``STATE_SHEET``, one row per cell under ``STATE_HEADER`` (sheet | cell | fill as RRGGBB),
  plus columns a backend adds for the exact fill it can restore;
- ``ClearOwnMarks`` puts those fills back, strips mapsheet's part of every note and removes the Plan
  check and state sheets;
- ``finish`` writes the state sheet (hidden) whenever the edit list left marks, and shows the Plan check.

A backend supplies only the cell and sheet primitives below, in its own library's terms.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from ..edits import CHECK_SHEET, NOTE_MARKER, STATE_SHEET, EditWriter, ReplaceSheet, SetFill, SetNote, merge_note, \
    strip_own_note
from ..grid import a1, parse_a1

#: What a backend remembers of a cell's fill: (RRGGBB or "", then any backend-specific exact form).
FillState = tuple[str, ...]
#: (sheet, A1 cell) -> the fill it had before mapsheet coloured it.
StateRows = dict[tuple[str, str], FillState]


class MarkingWriter(EditWriter):
    def __init__(self) -> None:
        self.fills: StateRows | None = None  # loaded on first need; {} once cleared
        self.own_notes: dict[tuple[str, int, int], str] = {}
        self.changed = False  # anything written at all (a clean of a clean plan writes nothing)
        self.marked = False  # this edit list leaves marks: the state sheet is written

    # -- the primitives a backend supplies ---------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        raise NotImplementedError

    def read_state(self) -> StateRows:
        """The remembered fills of the state sheet (which exists: the base checks)."""
        raise NotImplementedError

    def write_state(self, rows: StateRows) -> None:
        """Create (or replace) the hidden state sheet with ``rows`` under ``STATE_HEADER``."""
        raise NotImplementedError

    def delete_sheet(self, name: str) -> None:
        raise NotImplementedError

    def marked_notes(self) -> Iterator[tuple[str, int, int, str]]:
        """(sheet, row, col, text) of every note holding ``NOTE_MARKER``."""
        raise NotImplementedError

    def note(self, sheet: str, row: int, col: int) -> str | None:
        raise NotImplementedError

    def put_note(self, sheet: str, row: int, col: int, text: str | None) -> None:
        """Set a cell's note; None removes it."""
        raise NotImplementedError

    def fill_state(self, sheet: str, row: int, col: int) -> FillState:
        raise NotImplementedError

    def put_fill(self, sheet: str, row: int, col: int, color: str) -> None:
        raise NotImplementedError

    def restore_fill(self, sheet: str, row: int, col: int, state: FillState) -> None:
        raise NotImplementedError

    def write_sheet(self, edit: ReplaceSheet) -> None:
        """Write mapsheet's own sheet at its position (an older one of that name is already gone)."""
        raise NotImplementedError

    def show(self, name: str) -> None:
        """Make ``name`` the tab the user sees (optional: some backends cannot)."""

    # -- the contract ---------------------------------------------------------------------------------------
    def remembered(self) -> StateRows:
        if self.fills is None:
            self.fills = self.read_state() if STATE_SHEET in self.sheet_names() else {}
        return self.fills

    def clear_own_marks(self) -> None:
        names = set(self.sheet_names())
        for (sheet, ref), state in sorted(self.remembered().items()):
            if sheet in names:
                self.restore_fill(sheet, *parse_a1(ref), state)
                self.changed = True
        self.changed = self.clear_notes() or self.changed
        for name in (CHECK_SHEET, STATE_SHEET):
            if name in names:
                self.delete_sheet(name)
                self.changed = True
        self.fills, self.own_notes = {}, {}

    def clear_notes(self) -> bool:
        """Strip mapsheet's part of every note (a note that was all mapsheet's goes); True if any."""
        found = False
        for sheet, row, col, text in list(self.marked_notes()):
            self.put_note(sheet, row, col, strip_own_note(text))
            found = True
        return found

    def set_note(self, edit: SetNote) -> None:
        key = (edit.sheet, edit.row, edit.col)
        own = f"{self.own_notes[key]}\n{edit.text}" if key in self.own_notes else edit.text
        self.own_notes[key] = own
        self.put_note(edit.sheet, edit.row, edit.col, merge_note(self.note(*key), own))
        self.changed = self.marked = True

    def set_fill(self, edit: SetFill) -> None:
        fills = self.remembered()
        key = (edit.sheet, a1(edit.row, edit.col))
        if key not in fills:
            fills[key] = self.fill_state(edit.sheet, edit.row, edit.col)
        self.put_fill(edit.sheet, edit.row, edit.col, edit.color)
        self.changed = self.marked = True

    def replace_sheet(self, edit: ReplaceSheet) -> None:
        if edit.name in self.sheet_names():
            self.delete_sheet(edit.name)
        self.write_sheet(edit)
        self.changed = self.marked = True

    def finish(self) -> None:
        if not self.marked:
            return
        if STATE_SHEET in self.sheet_names():
            self.delete_sheet(STATE_SHEET)
        self.write_state(self.remembered())
        if CHECK_SHEET in self.sheet_names():
            self.show(CHECK_SHEET)


def apply_all(writer: MarkingWriter, edits: Iterable) -> MarkingWriter:
    """Apply ``edits`` in order and finish: what every backend's ``apply_edits`` does."""
    for edit in edits:
        writer.apply(edit)
    writer.finish()
    return writer


def own_note_text(text: str | None) -> bool:
    return bool(text) and NOTE_MARKER in text
