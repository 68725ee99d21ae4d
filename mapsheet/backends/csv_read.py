"""A CSV file (what many teams export their MAP sheet as) read into the grid: one sheet, named after the
file, cells as text with whole numbers as numbers. Encodings Excel and Google Sheets write are accepted."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from ..errors import UnreadableWorkbook
from ..grid import Sheet, Workbook

_INT = re.compile(r"^-?\d{1,12}$")
_ENCODINGS = ("utf-8-sig", "cp1252")


def read_csv(path: str | os.PathLike) -> Workbook:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableWorkbook(path, f"the file could not be opened ({exc.strerror or exc})") from None
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes nearly anything; this is for the bytes it cannot
        raise UnreadableWorkbook(path, "the CSV file is neither UTF-8 nor Windows-1252 text")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[_cell(v) for v in row] for row in csv.reader(text.splitlines(), dialect)]
    return Workbook(str(path), [Sheet(path.stem, rows)])


def _cell(value: str) -> object:
    value = value.strip()
    if not value:
        return None
    return int(value) if _INT.match(value) else value
