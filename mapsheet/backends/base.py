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
from ..errors import MapsheetError
from ..grid import a1, parse_a1
from ..levels import SEVERITY_FILLS

#: The colours mapsheet paints cells with (RRGGBB): a remembered fill goes back only where one still shows.
OWN_FILLS = frozenset(c.upper() for c in SEVERITY_FILLS.values())


class ReservedTab(MapsheetError):
    """The plan has a tab of its own under a name mapsheet keeps for its results."""

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
        self.warnings: list[str] = []  # what could not be done as asked, for the user (never silent)

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

    def where_now(self, sheet: str, ref: str, state: FillState) -> str | None:
        """Where the cell mapsheet coloured at ``ref`` is now (rows may have been inserted since), None when
        that cannot be told: a backend that remembers more of the cell than its fill can follow it; by
        default it is where it was."""
        return ref

    def state_is_ours(self) -> bool:
        """Whether the sheet named ``STATE_SHEET`` is mapsheet's (its header row is ``STATE_HEADER``), not a
        user's tab that happens to have the name. A backend that cannot tell trusts the name."""
        return True

    # -- the contract ---------------------------------------------------------------------------------------
    def own_sheets(self) -> set[str]:
        """The tabs named ``CHECK_SHEET`` and ``STATE_SHEET`` that mapsheet wrote: both are its own when the
        state sheet is (a check always writes both); a user's tab of either name never is."""
        names = set(self.sheet_names())
        if STATE_SHEET in names and self.state_is_ours():
            return {CHECK_SHEET, STATE_SHEET} & names
        return set()

    def remembered(self) -> StateRows:
        if self.fills is None:
            rows = self.read_state() if STATE_SHEET in self.own_sheets() else {}
            self.fills = {}
            for (sheet, ref), state in rows.items():  # the state sheet can be edited by hand: keep what makes sense
                if _is_cell(ref):
                    self.fills[(sheet, ref)] = state
                else:
                    self.warnings.append(f"the hidden {STATE_SHEET} tab names '{ref}' on '{sheet}', which is not a "
                                         "cell: that line was ignored")
        return self.fills

    def clear_own_marks(self) -> None:
        names, own = set(self.sheet_names()), self.own_sheets()
        marked = set()
        for (sheet, ref), state in sorted(self.remembered().items()):
            if sheet not in names:
                continue
            at = self.where_now(sheet, ref, state)
            if at is not None:
                marked.add((sheet, *parse_a1(at)))
            if at is None or self.fill_state(sheet, *parse_a1(at))[0] not in OWN_FILLS:
                # Not mapsheet's colour any more: rows moved where they cannot be followed, or the user coloured
                # the cell since. Putting the remembered fill back there would paint over the user's work.
                self.warnings.append(f"{sheet}!{ref} no longer shows mapsheet's colour (rows moved, or it was "
                                     "recoloured): its remembered fill was not put back")
                continue
            self.restore_fill(sheet, *parse_a1(at), state)
            self.changed = True
        self.changed = self.clear_notes(marked) or self.changed
        for name in (CHECK_SHEET, STATE_SHEET):
            if name in own:
                self.delete_sheet(name)
                self.changed = True
        self.fills, self.own_notes = {}, {}

    def clear_notes(self, marked: set[tuple[str, int, int]] | None = None) -> bool:
        """Strip mapsheet's part of the notes it wrote: on the cells it ``marked`` (where the state sheet's
        cells are now; by default where they were), and notes that are wholly its own (they start with the
        marker) wherever rows moved them. A user's note that merely quotes the marker elsewhere is left alone.
        True if any note changed."""
        if marked is None:
            marked = {(sheet, *parse_a1(ref)) for sheet, ref in self.remembered()}
        found = False
        for sheet, row, col, text in list(self.marked_notes()):
            if (sheet, row, col) in marked or text.lstrip().startswith(NOTE_MARKER):
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
        self.refuse_users_tab(edit.name)
        if edit.name in self.sheet_names():
            self.delete_sheet(edit.name)
        self.write_sheet(edit)
        self.changed = self.marked = True

    def refuse_users_tab(self, name: str) -> None:
        """Raise before writing ``name`` over a user's tab of that name."""
        for reserved in (name, STATE_SHEET):
            if reserved in self.sheet_names() and reserved not in self.own_sheets():
                raise ReservedTab(f"the plan has its own tab named '{reserved}', a name mapsheet keeps for its "
                                  "results; rename that tab, then check again")

    def finish(self) -> None:
        if not self.marked:
            return
        self.refuse_users_tab(STATE_SHEET)
        if STATE_SHEET in self.sheet_names():
            self.delete_sheet(STATE_SHEET)
        self.write_state(self.remembered())
        if CHECK_SHEET in self.sheet_names():
            self.show(CHECK_SHEET)


def _is_cell(ref: str) -> bool:
    try:
        row, col = parse_a1(ref)
    except ValueError:
        return False
    return 0 <= row < 1_048_576 and 0 <= col < 16_384


def apply_all(writer: MarkingWriter, edits: Iterable) -> MarkingWriter:
    """Apply ``edits`` in order and finish: what every backend's ``apply_edits`` does."""
    for edit in edits:
        writer.apply(edit)
    writer.finish()
    return writer


def own_note_text(text: str | None) -> bool:
    return bool(text) and NOTE_MARKER in text
