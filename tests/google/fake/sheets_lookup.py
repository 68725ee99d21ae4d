"""The sheet a request names by id."""
from __future__ import annotations

from .errors import invalid
from .store import Spreadsheet


def sheet_of(book: Spreadsheet, sheet_id: int | None):
    sheet = book.sheet_by_id(sheet_id or 0)
    if sheet is None:
        raise invalid(f"No grid with id: {sheet_id}")
    return sheet
