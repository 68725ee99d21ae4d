"""A small in-memory stand-in for the part of xlwings' documented object model the Excel backend uses.

It follows xlwings' public API (App.screen_updating/alert, Book.name/app/sheets, Sheets indexing and
add(name, before, after), Sheet.name/index/range/used_range/notes/visible/delete/activate,
Range.value/options/color/font/note/add_note/number_format/column_width/merge/add_hyperlink/last_cell,
Note.text/delete) and a few of Excel's own behaviours a user would notice:

- writing a string converts it like typing does ("3/4" becomes a date, "000000" the number 0,
  "=..." a formula) unless it starts with an apostrophe, which Excel drops and keeps the rest as text;
- used_range starts at the first used cell, not at A1;
- a hidden sheet or the last visible sheet behaves as in Excel (the last visible one cannot go).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from mapsheet.grid import a1, parse_a1


class Formula(str):
    """A cell Excel would calculate: what a string starting with '=' becomes."""


def _typed(value: Any) -> Any:
    """What Excel stores when a value is written to a cell with the General format."""
    if not isinstance(value, str):
        return value
    if value.startswith("'"):
        return value[1:]
    if value == "":
        return None
    if value.startswith("="):
        return Formula(value)
    if re.fullmatch(r"\d{1,2}/\d{1,2}", value):
        month, day = map(int, value.split("/"))
        return dt.datetime(dt.date.today().year, month, day)
    try:
        return float(value)
    except ValueError:
        return value


class App:
    def __init__(self):
        self.screen_updating = True
        self.alerts: list[dict[str, Any]] = []
        self.screen_updating_seen: list[bool] = []

    def __setattr__(self, name, value):
        if name == "screen_updating" and hasattr(self, "screen_updating_seen"):
            self.screen_updating_seen.append(value)
        super().__setattr__(name, value)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class Book:
    def __init__(self, name: str = "plan.xlsx", app: App | None = None):
        self.name = name
        self.fullname = name  # what Excel reports for a book never saved; tests set a path or a URL
        self.app = app or App()
        self._sheets: list[Sheet] = []
        self.active_sheet: Sheet | None = None

    @property
    def sheets(self) -> "Sheets":
        return Sheets(self)


class Sheets:
    def __init__(self, book: Book):
        self.book = book

    def __iter__(self):
        return iter(list(self.book._sheets))

    def __len__(self):
        return len(self.book._sheets)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.book._sheets[key]
        for sheet in self.book._sheets:
            if sheet.name.lower() == key.lower():  # Excel's sheet names ignore case
                return sheet
        raise KeyError(key)

    @property
    def active(self):
        return self.book.active_sheet

    def add(self, name=None, before=None, after=None):
        if name is not None and name.lower() in (s.name.lower() for s in self):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = Sheet(self.book, name or f"Sheet{len(self) + 1}")
        sheets = self.book._sheets
        if before is not None:
            sheets.insert(sheets.index(before), sheet)
        elif after is not None:
            sheets.insert(sheets.index(after) + 1, sheet)
        else:
            sheets.insert(sheets.index(self.book.active_sheet) if self.book.active_sheet else 0, sheet)
        sheet.activate()  # xlwings: "Creates a new Sheet and makes it the active sheet"
        return sheet


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book = book
        self.name = name
        self.visible = True
        self.values: dict[tuple[int, int], Any] = {}  # 1-based (row, col)
        self.fills: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.fonts: dict[tuple[int, int], dict[str, Any]] = {}
        self.number_formats: dict[tuple[int, int], str] = {}
        self.wrapped: set[tuple[int, int]] = set()
        self.note_impls: dict[tuple[int, int], "_NoteImpl"] = {}
        self.hyperlinks: dict[tuple[int, int], tuple[str, str]] = {}
        self.column_widths: dict[int, float] = {}
        self.merged: list[str] = []

    def __repr__(self):
        return f"<Sheet [{self.book.name}]{self.name}>"

    @property
    def index(self) -> int:  # 1-based, as in xlwings
        return self.book._sheets.index(self) + 1

    def activate(self):
        if not self.visible:
            raise RuntimeError("a hidden sheet cannot be activated")
        self.book.active_sheet = self

    def delete(self):
        visible = [s for s in self.book._sheets if s.visible]
        if visible == [self]:
            raise RuntimeError("Excel cannot delete the last visible sheet")
        self.book._sheets.remove(self)
        if self.book.active_sheet is self:
            self.book.active_sheet = next(s for s in self.book._sheets if s.visible)

    def __setattr__(self, name, value):
        if name == "visible" and value is False and getattr(self, "book", None) is not None \
                and self.book.active_sheet is self:
            others = [s for s in self.book._sheets if s.visible and s is not self]
            if not others:
                raise RuntimeError("Excel cannot hide the last visible sheet")
            self.book.active_sheet = others[0]
        super().__setattr__(name, value)

    def range(self, cell1, cell2=None) -> "Range":
        r1, c1, r2, c2 = _bounds(cell1)
        if cell2 is not None:
            _, _, r2, c2 = _bounds(cell2)
        return Range(self, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))

    def __getitem__(self, address):
        return self.range(address)

    @property
    def used_range(self) -> "Range":
        used = set(k for k, v in self.values.items() if v is not None) | set(self.fills) | set(self.note_impls)
        if not used:
            return Range(self, 1, 1, 1, 1)
        rows, cols = [r for r, _ in used], [c for _, c in used]
        return Range(self, min(rows), min(cols), max(rows), max(cols))

    @property
    def notes(self) -> list["Note"]:
        return [Note(impl) for _, impl in sorted(self.note_impls.items())]

    def clear_contents(self):
        self.values.clear()


def _bounds(cell) -> tuple[int, int, int, int]:
    if isinstance(cell, Range):
        return cell.r1, cell.c1, cell.r2, cell.c2
    if isinstance(cell, tuple):
        return cell[0], cell[1], cell[0], cell[1]
    first, _, last = cell.replace("$", "").partition(":")
    r1, c1 = parse_a1(first)
    r2, c2 = parse_a1(last) if last else (r1, c1)
    return r1 + 1, c1 + 1, r2 + 1, c2 + 1


class _NoteImpl:
    def __init__(self, sheet: Sheet, key: tuple[int, int], text: str):
        self.sheet, self.key, self.text = sheet, key, text


class Note:
    def __init__(self, impl: _NoteImpl):
        self.impl = impl

    @property
    def text(self) -> str:
        return self.impl.text

    @text.setter
    def text(self, value: str):
        self.impl.text = value

    def delete(self):
        del self.impl.sheet.note_impls[self.impl.key]


class Font:
    def __init__(self, rng: "Range"):
        object.__setattr__(self, "rng", rng)

    def __getattr__(self, name):
        return self.rng.sheet.fonts.get(self.rng._first, {}).get(name)

    def __setattr__(self, name, value):
        if name not in ("bold", "italic", "size", "color", "name"):
            raise AttributeError(name)
        for key in self.rng._keys:
            self.rng.sheet.fonts.setdefault(key, {})[name] = value


class Range:
    def __init__(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int, ndim: int | None = None):
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self._ndim = ndim

    def __repr__(self):
        return f"<Range [{self.sheet.book.name}]{self.sheet.name}!{self.address}>"

    @property
    def _keys(self):
        return [(r, c) for r in range(self.r1, self.r2 + 1) for c in range(self.c1, self.c2 + 1)]

    @property
    def _first(self):
        return self.r1, self.c1

    @property
    def row(self):
        return self.r1

    @property
    def column(self):
        return self.c1

    @property
    def shape(self):
        return self.r2 - self.r1 + 1, self.c2 - self.c1 + 1

    @property
    def address(self):
        first, last = a1(self.r1 - 1, self.c1 - 1), a1(self.r2 - 1, self.c2 - 1)
        return first if first == last else f"{first}:{last}"

    @property
    def last_cell(self):
        return Range(self.sheet, self.r2, self.c2, self.r2, self.c2)

    def options(self, ndim=None, **_other):  # err_to_str and the like: the double holds no error cells
        return Range(self.sheet, self.r1, self.c1, self.r2, self.c2, ndim=ndim)

    @property
    def value(self):
        rows = [[self.sheet.values.get((r, c)) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]
        if self._ndim == 2:
            return rows
        if self.shape == (1, 1):
            return rows[0][0]
        if self.shape[0] == 1:
            return rows[0]
        if self.shape[1] == 1:
            return [row[0] for row in rows]
        return rows

    @value.setter
    def value(self, data):
        if isinstance(data, (list, tuple)):  # like xlwings: a list fills from the top-left cell
            rows = data if data and isinstance(data[0], (list, tuple)) else [data]
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    self.sheet.values[(self.r1 + i, self.c1 + j)] = _typed(v)
        else:
            for key in self._keys:
                self.sheet.values[key] = _typed(data)

    def clear_contents(self):
        for key in self._keys:
            self.sheet.values.pop(key, None)

    @property
    def color(self):
        return self.sheet.fills.get(self._first)

    @color.setter
    def color(self, value):
        if isinstance(value, str):
            value = tuple(int(value.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
        for key in self._keys:
            if value is None:
                self.sheet.fills.pop(key, None)
            else:
                self.sheet.fills[key] = tuple(value)

    @property
    def font(self):
        return Font(self)

    @property
    def number_format(self):
        return self.sheet.number_formats.get(self._first, "General")

    @number_format.setter
    def number_format(self, value):
        for key in self._keys:
            self.sheet.number_formats[key] = value

    @property
    def wrap_text(self):
        return self._first in self.sheet.wrapped

    @wrap_text.setter
    def wrap_text(self, value):
        for key in self._keys:
            (self.sheet.wrapped.add if value else self.sheet.wrapped.discard)(key)

    @property
    def column_width(self):
        return self.sheet.column_widths.get(self.c1)

    @column_width.setter
    def column_width(self, value):
        for c in range(self.c1, self.c2 + 1):
            self.sheet.column_widths[c] = value

    def merge(self, across=False):
        self.sheet.merged.append(self.address)

    def add_hyperlink(self, address, text_to_display=None, screen_tip=None):
        text = address if text_to_display is None else text_to_display
        self.sheet.hyperlinks[self._first] = (address, text)
        self.sheet.values[self._first] = text

    @property
    def note(self):
        impl = self.sheet.note_impls.get(self._first)
        return Note(impl) if impl else None

    def add_note(self, text):
        # The same checks as xlwings' Range.add_note.
        if not isinstance(text, str):
            raise TypeError("Note text must be a string")
        if not text:
            raise ValueError("Note text must not be empty")
        if self.shape != (1, 1):
            raise ValueError("A note can only be added to a single cell")
        if self.note is not None:
            raise ValueError("This cell already has a note")
        self.sheet.note_impls[self._first] = _NoteImpl(self.sheet, self._first, text)
        return self.note


def book_with(sheets: dict[str, dict[str, Any]], name: str = "plan.xlsx") -> Book:
    """A book from {sheet: {"B3": value}}; the first sheet is active."""
    book = Book(name)
    for sheet_name, cells in sheets.items():
        sheet = Sheet(book, sheet_name)
        book._sheets.append(sheet)
        for ref, value in cells.items():
            sheet.range(ref).value = value
    book.active_sheet = book._sheets[0]
    return book


def snapshot(book: Book) -> dict[str, Any]:
    """Everything a user could see in the book, comparable with ==."""
    return {
        "order": [(s.name, s.visible) for s in book._sheets],
        "active": book.active_sheet.name if book.active_sheet else None,
        "sheets": {
            s.name: {
                "values": {k: v for k, v in s.values.items() if v is not None},
                "fills": dict(s.fills), "fonts": dict(s.fonts), "formats": dict(s.number_formats),
                "wrapped": set(s.wrapped), "notes": {k: n.text for k, n in s.note_impls.items()},
                "links": dict(s.hyperlinks), "widths": dict(s.column_widths), "merged": list(s.merged),
            } for s in book._sheets
        },
    }
