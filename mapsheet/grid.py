"""Cell values with absolute addresses: what every backend reads a workbook into.

A grid row/column index is 0-based and absolute (row 0, column 0 is A1), whatever the reading library
does with leading empty rows. Only ``Location.a1`` speaks Excel's 1-based language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterator


#: Serial day 0 of Excel's 1900 date system (and of Google Sheets' serial dates).
EXCEL_EPOCH = dt.date(1899, 12, 30)


def column_letter(col: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    if col < 0:
        raise ValueError(f"column index must be >= 0, got {col}")
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters -> 0-based column index (A -> 0)."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column name: {letters!r}")
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> 'B3'."""
    return f"{column_letter(col)}{row + 1}"


def parse_a1(ref: str) -> tuple[int, int]:
    """'B3' -> (2, 1), 0-based."""
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = ref[len(letters):]
    if not letters or not digits.isdigit():
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(digits) - 1, column_index(letters)


@dataclass(frozen=True, order=True)
class Location:
    """A cell (or a whole sheet when row is None) of a plan."""

    sheet: str
    row: int | None = None  # 0-based
    col: int | None = None  # 0-based

    @property
    def a1(self) -> str:
        if self.row is None:
            return ""
        if self.col is None:
            return str(self.row + 1)
        return a1(self.row, self.col)

    def __str__(self) -> str:
        ref = self.a1
        return f"{self.sheet}!{ref}" if ref else self.sheet


@dataclass
class Sheet:
    """One sheet's values; rows may be ragged, missing cells read as None."""

    name: str
    rows: list[list[Any]] = field(default_factory=list)

    def value(self, row: int, col: int) -> Any:
        if 0 <= row < len(self.rows):
            r = self.rows[row]
            if 0 <= col < len(r):
                v = r[col]
                return None if v == "" else v
        return None

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def iter_row(self, row: int) -> Iterator[tuple[int, Any]]:
        if 0 <= row < len(self.rows):
            for c, v in enumerate(self.rows[row]):
                if v is not None and v != "":
                    yield c, v


@dataclass
class Workbook:
    """A workbook's sheets in tab order, and where it came from (for messages)."""

    source: str
    sheets: list[Sheet] = field(default_factory=list)

    def sheet(self, name: str) -> Sheet | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]
