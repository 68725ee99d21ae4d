"""Annotation as data: the small, engine-neutral list of edits that every backend applies.

The core decides *what* to mark (``annotate.plan_edits``); a backend decides *how* (openpyxl for files,
xlwings for live Excel, the Sheets API or Apps Script for Google Sheets). The vocabulary is kept
deliberately small so that each backend stays thin:

- ``ClearOwnMarks``: remove every note, fill and sheet mapsheet wrote before, restoring the user's own
  fills and notes exactly. Always first, which is what makes annotating idempotent.
- ``SetNote``: put mapsheet's note on a cell. A user's note already there is kept; mapsheet's text is
  added below ``NOTE_MARKER`` and removed again by ``ClearOwnMarks``.
- ``SetFill``: colour a cell by severity. The backend remembers the user's fill (in the hidden
  ``STATE_SHEET``) so that ``ClearOwnMarks`` can put it back.
- ``ReplaceSheet``: write a sheet mapsheet owns (the "Plan check" sheet) from scratch at a position.

Rows and columns are 0-based, as everywhere in mapsheet's core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from .grid import Location
from .template.spec import CHECK_SHEET, STATE_SHEET

__all__ = ["CHECK_SHEET", "NOTE_AUTHOR", "NOTE_MARKER", "STATE_HEADER", "STATE_SHEET", "STYLES", "Cell", "ClearOwnMarks",
           "Edit", "EditWriter", "ReplaceSheet", "SetFill", "SetNote", "merge_note", "own_note_part", "strip_own_note"]

#: Separates a user's own note text from what mapsheet added (and marks a note as mapsheet's).
NOTE_MARKER = "— mapsheet —"
#: Author name on notes mapsheet writes (Excel shows it).
NOTE_AUTHOR = "mapsheet"

#: Header row of STATE_SHEET, shared by every backend: one row per cell mapsheet coloured, with the
#: fill it had before (RRGGBB, "" for none). A backend may add columns after these.
STATE_HEADER = ("sheet", "cell", "fill")

#: Named styles a ReplaceSheet cell may ask for; every backend maps each name to its own formatting
#: (``styles.FORMATS``, tested to name the same styles).
STYLES = frozenset({
    "title", "subtitle", "muted", "note", "label", "header", "section",
    "score", "grade", "band-on-track", "band-at-risk", "band-off-track", "band-not-checkable",
    "error", "warning", "info", "bar", "bar-empty", "link", "number", "percent", "date", "wrap",
})


@dataclass(frozen=True)
class Cell:
    """One cell of a sheet mapsheet writes: a value, an optional named style, an optional link."""

    value: Any = None
    style: str | None = None
    link: Location | None = None  # an in-workbook hyperlink target


@dataclass(frozen=True)
class ClearOwnMarks:
    pass


@dataclass(frozen=True)
class SetNote:
    sheet: str
    row: int
    col: int
    text: str


@dataclass(frozen=True)
class SetFill:
    sheet: str
    row: int
    col: int
    color: str  # RGB hex, no '#'


@dataclass(frozen=True)
class ReplaceSheet:
    name: str
    position: int  # 0 = first tab
    rows: tuple[tuple[Cell, ...], ...]
    column_widths: tuple[float, ...] = ()
    freeze_rows: int = 0  # rows kept visible at the top
    tab_color: str | None = None
    merges: tuple[tuple[int, int, int, int], ...] = field(default=())  # (row, col, last_row, last_col)
    repeat_rows: tuple[int, int] | None = None  # (first, last) 0-based rows printed atop every page


Edit = Union[ClearOwnMarks, SetNote, SetFill, ReplaceSheet]


class EditWriter:
    """What every backend's writer shares: each edit goes to the method that applies it."""

    def apply(self, edit: Edit) -> None:
        if isinstance(edit, ClearOwnMarks):
            self.clear_own_marks()
        elif isinstance(edit, SetNote):
            self.set_note(edit)
        elif isinstance(edit, SetFill):
            self.set_fill(edit)
        elif isinstance(edit, ReplaceSheet):
            self.replace_sheet(edit)
        else:
            raise TypeError(f"not an edit: {edit!r}")

    def clear_own_marks(self) -> None:
        raise NotImplementedError

    def set_note(self, edit: SetNote) -> None:
        raise NotImplementedError

    def set_fill(self, edit: SetFill) -> None:
        raise NotImplementedError

    def replace_sheet(self, edit: ReplaceSheet) -> None:
        raise NotImplementedError


def strip_own_note(text: str | None) -> str | None:
    """The user's part of a note (None when the whole note is mapsheet's)."""
    if not text:
        return None
    idx = text.find(NOTE_MARKER)
    if idx < 0:
        return text
    user = text[:idx].rstrip()
    return user or None


def own_note_part(text: str | None) -> str | None:
    """mapsheet's part of a note, from its marker on (None when the note holds none)."""
    idx = text.find(NOTE_MARKER) if text else -1
    return text[idx:] if idx >= 0 else None


def merge_note(user_text: str | None, own_text: str) -> str:
    """A note holding the user's text first, then mapsheet's below its marker."""
    user = strip_own_note(user_text)
    own = f"{NOTE_MARKER}\n{own_text}"
    return f"{user}\n\n{own}" if user else own
