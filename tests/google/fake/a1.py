"""A1 notation as the Sheets API reads it: 'Sheet 1'!A1:B2, A:A, 2:3, a bare sheet name, or a named range."""
from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


def col_index(letters: str) -> int:
    """'A' -> 0, 'AA' -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def col_letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def quote_sheet(title: str) -> str:
    """Google quotes a sheet name in a range only when it is not a plain word."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not _looks_like_cell(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _looks_like_cell(text: str) -> bool:
    m = re.fullmatch(r"([A-Za-z]{1,3})(\d+)", text)
    return bool(m)


@dataclass
class Span:
    """Zero-based, end-exclusive bounds; None for an open end (A:A has no row bounds)."""

    sheet: str | None
    start_row: int | None
    end_row: int | None
    start_col: int | None
    end_col: int | None


def split_sheet(text: str) -> tuple[str | None, str]:
    """"'My sheet'!A1:B2" -> ("My sheet", "A1:B2"); "Sheet1" -> ("Sheet1", "")."""
    if text.startswith("'"):
        i, name = 1, ""
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    name += "'"
                    i += 2
                    continue
                break
            name += text[i]
            i += 1
        rest = text[i + 1 :]
        return name, rest[1:] if rest.startswith("!") else rest
    if "!" in text:
        sheet, cells = text.rsplit("!", 1)
        return sheet, cells
    return None, text


def parse_cells(cells: str) -> tuple[int | None, int | None, int | None, int | None] | None:
    """'A1:B2' -> (0, 2, 0, 2) as (start_row, end_row, start_col, end_col); None if not A1 notation."""
    parts = cells.split(":")
    if len(parts) > 2 or not cells:
        return None
    parsed = []
    for part in parts:
        m = _CELL.match(part.strip())
        if not m or not (m.group(1) or m.group(2)):
            return None
        col = col_index(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) - 1 if m.group(2) else None
        if row is not None and row < 0:
            return None
        parsed.append((row, col))
    (r1, c1) = parsed[0]
    (r2, c2) = parsed[-1]
    if len(parts) == 1:
        if r1 is None or c1 is None:
            return None
        return r1, r1 + 1, c1, c1 + 1
    rows = sorted(x for x in (r1, r2) if x is not None)
    cols = sorted(x for x in (c1, c2) if x is not None)
    start_row = rows[0] if (r1 is not None and r2 is not None) else r1
    end_row = rows[-1] + 1 if (r1 is not None and r2 is not None) else None
    start_col = cols[0] if (c1 is not None and c2 is not None) else c1
    end_col = cols[-1] + 1 if (c1 is not None and c2 is not None) else None
    if r1 is not None and r2 is None:  # A5:B -> rows from 5 down
        start_row, end_row = r1, None
    if r1 is None and r2 is not None:
        start_row, end_row = None, None
    return start_row, end_row, start_col, end_col


def format_range(title: str, start_row, end_row, start_col, end_col) -> str:
    """Google's canonical form of a range: Sheet1!A1:B2, Sheet1!A1 for one cell."""
    first = col_letters(start_col) + str(start_row + 1)
    last = col_letters(end_col - 1) + str(end_row)
    cells = first if (end_row - start_row == 1 and end_col - start_col == 1) else f"{first}:{last}"
    return f"{quote_sheet(title)}!{cells}"
