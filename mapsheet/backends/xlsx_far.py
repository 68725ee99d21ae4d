"""Read a sheet's far cells without the empty rows above them: used ranges trimmed to real content.

python-calamine reads a sheet as one dense range from A1 to its last value: a single stray value at
A1048576 costs a million rows of empty cells (seconds and gigabytes), one at XFD1048576 17 billion (the
process aborts). When ``xlsx_guard`` finds such a sheet (``FarRows``: content, then values past
``FAR_GAP`` empty rows), the package calamine is given holds the sheet with each far cell moved just below
the content, one to a row in column A (its type and style kept, so a date is still a date); ``place`` then
puts each value back at its own address in a ragged grid, where the rows between hold no cells at all.
The file itself is never changed; what a plan's check says about a far cell names its real address.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any, Callable

from ..grid import column_index
from .xlsx_guard import FarRows, Package

_ROW = re.compile(rb'<row\b([^>]*?)(?:/>|>(.*?)</row>)', re.S)
_ROW_NUMBER = re.compile(rb'\br="([0-9]+)"')
_VALUE_CELL = re.compile(rb"<c\b[^>]*?(?<!/)>.*?</c>", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")


class TrimmedBook:
    """A calamine workbook over the trimmed package: each sheet's ``to_python`` gives the rows with the far
    values back at their own addresses (what the reader would have read, without the empty range)."""

    def __init__(self, path: Path, package: Package, open_bytes: Callable[[bytes], Any]):
        self.far = {name: far for name, far in package.far.items()}
        self.cells: dict[str, list[tuple[int, int]]] = {}
        parts = {far.part: name for name, far in self.far.items()}
        out = io.BytesIO()
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                name = parts.get(info.filename)
                if name is not None:
                    self.cells[name], data = _trimmed(data, self.far[name])
                zout.writestr(info.filename, data)
        self.book = open_bytes(out.getvalue())
        self.sheet_names = self.book.sheet_names

    def get_sheet_by_name(self, name: str):
        sheet = self.book.get_sheet_by_name(name)
        if name not in self.far:
            return sheet
        return _PlacedSheet(sheet, self.cells[name], self.far[name])


class _PlacedSheet:
    def __init__(self, sheet, cells: list[tuple[int, int]], far: FarRows):
        self.sheet, self.cells, self.far = sheet, cells, far

    def to_python(self, **options) -> list[list[Any]]:
        return place(self.sheet.to_python(**options), self.cells, self.far)


def _far(xml: bytes, far: FarRows):
    for row in _ROW.finditer(xml):
        number = _ROW_NUMBER.search(row.group(1))
        if number is None or int(number.group(1)) <= far.height:
            continue
        for cell in _VALUE_CELL.finditer(row.group(2) or b""):
            ref = _CELL_REF.search(cell.group(0))
            if ref is not None:
                yield int(ref.group(2)) - 1, column_index(ref.group(1).decode()), cell.group(0)


def _trimmed(xml: bytes, far: FarRows) -> tuple[list[tuple[int, int]], bytes]:
    """(the far cells' addresses in the order they were moved, the sheet's XML with them moved)."""
    found = list(_far(xml, far))
    moved = [cell for _, _, cell in found]

    def content_only(row: re.Match) -> bytes:
        number = _ROW_NUMBER.search(row.group(1))
        return row.group(0) if number is None or int(number.group(1)) <= far.height else b""

    xml = _DIMENSION.sub(b"", _ROW.sub(content_only, xml), count=1)
    rows = b"".join(b'<row r="%d">%s</row>' % (far.height + 1 + i,
                                                _CELL_REF.sub(b'r="A%d"' % (far.height + 1 + i), cell, count=1))
                    for i, cell in enumerate(moved))
    if b"<sheetData/>" in xml:
        xml = xml.replace(b"<sheetData/>", b"<sheetData>" + rows + b"</sheetData>", 1)
    else:
        xml = xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)
    return [(r, c) for r, c, _ in found], xml


def place(rows: list[list[Any]], cells: list[tuple[int, int]], far: FarRows) -> list[list[Any]]:
    """The rows calamine read from a trimmed sheet, with each moved value back at its own address."""
    grid = rows[:far.height]
    grid += [[] for _ in range(far.height - len(grid))]
    moved = rows[far.height:]
    grid += [[] for _ in range(far.last + 1 - len(grid))]
    for i, (r, c) in enumerate(cells):
        value = moved[i][0] if i < len(moved) and moved[i] else ""
        row = grid[r]
        if len(row) <= c:
            row.extend([""] * (c + 1 - len(row)))
        row[c] = value
    return grid
