"""What both .xlsx writers of the roll-up share: Excel's limits, the roll-up's colours and number formats,
which plan files may be linked, and the choice of writer. No spreadsheet library is imported here.

Two writers lay the same ``Rollup`` out as a workbook, behind one function, ``write_rollup(rollup, path)``:
``xlsx`` (XlsxWriter) and ``xlsx_rust`` (rustpy-xlsxwriter, Rust). The default is chosen in
benchmarks/README.md; ``MAPSHEET_ROLLUP_WRITER=xlsxwriter|rust`` (or ``sync(..., writer=...)``) picks one.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import replace
from itertools import repeat
from operator import add, floordiv, itemgetter
from pathlib import Path
from typing import Any

from ..errors import MapsheetError
from ..levels import Band
from ..safetext import xml_safe
from ..styles import LINE_HEIGHT, PROSE_CHARS, text_lines
from .tables import Dashboard, Kind, Link, Rollup, Table, split
from .writers import DEFAULT_WRITER, ENV, WRITERS, writer_name  # noqa: F401  (re-exported: chosen there)

EXCEL_MAX_ROWS = 1_048_576
HEADER_ROWS = 2  # the caption, then the column headers
MAX_URL = 255  # Excel refuses longer hyperlinks (counted as XlsxWriter's "external:" + the path)
MAX_LINKS = 65_530  # hyperlinks a worksheet may hold; past that a plan keeps its name, without the link

BAND_FILL = {Band.ON_TRACK.value: ("#C8E6C9", "#1B5E20"), Band.AT_RISK.value: ("#FFE082", "#7A4F01"),
             Band.OFF_TRACK.value: ("#FFCDD2", "#B71C1C"), Band.NOT_CHECKABLE.value: ("#D9D9D9", "#3F3F3F")}
SERIES_COLOUR = {Band.ON_TRACK.value: "#43A047", Band.AT_RISK.value: "#F9A825", Band.OFF_TRACK.value: "#E53935",
                 Band.NOT_CHECKABLE.value: "#9E9E9E", "Plans": "#1E88E5",
                 "1-6 days late": "#F9A825", "7+ days late": "#E53935"}
LATE_COLOUR = "#B71C1C"
LOUD_FILL = "#C62828"
HEADER_FILL = "#ECEFF1"
CAPTION_COLOUR = "#455A64"
NUM_FORMAT = {Kind.DATE: "d mmm yyyy", Kind.MONEY: "#,##0", Kind.PERCENT: "0%", Kind.INT: "0",
              Kind.DAYS_LATE: "0", Kind.DAYS_LEFT: "0;[Red]-0"}

#: Small numbers (a score, days, counts, a share) are centred, so they never run into the text beside them.
CENTRED = (Kind.INT, Kind.DAYS_LATE, Kind.DAYS_LEFT, Kind.PERCENT)

# The print layout of every roll-up sheet: A4 landscape, one page wide (the table's printed columns, widths
# chosen in ``tables`` so that Calibri 11 prints at about 8 points or more), the caption and header rows on
# every page, long text wrapped (rows grow), the sheet's name and page number in the footer.
PAPER_A4 = 9
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6, "header": 0.2, "footer": 0.25}  # inches
FOOTER = "&L&8&A, page &P of &N"  # "Deals, page 2 of 41"
FIGURE_WIDTH, NUMBER_WIDTH = 32, 9  # the Dashboard's label and number columns
HEADER_HEIGHT = 32  # points: two lines of a wrapped header


def row_heights(table: Table, first_row: int = HEADER_ROWS) -> dict[int, float]:
    """{sheet row (0-based): points} for the rows whose wrapped text needs more than one line. Neither Excel
    nor LibreOffice grows a row written without a height, so the height is set here, from an estimate."""
    columns = [_column_lines([v if type(v) is str else getattr(v, "text", None) if v is not None else None
                              for v in map(itemgetter(i), table.rows)], width)
               for i, width in wrapped_columns(table.columns)]
    if not columns:
        return {}
    tallest = map(max, *columns) if len(columns) > 1 else columns[0]  # a row's lines: its tallest value's
    return {first_row + r: LINE_HEIGHT * n for r, n in enumerate(tallest) if n > 1}


def _column_lines(texts: list, width: float) -> list[int]:
    """``value_lines`` of each text of a wrapped column (None: no text); for a column of text without line feeds
    (most), each text's length in lines rounded up, found by functions written in C."""
    chars = max(int(width), 1)
    if None in texts or "\n" in "".join(texts):
        return [text_lines(t, width) if t and len(t) > width else 1 for t in texts]
    return list(map(floordiv, map(add, map(len, texts), repeat(chars - 1)), repeat(chars)))


def wrapped_columns(columns: list) -> list[tuple[int, float]]:
    """(column index, characters a line holds) of the columns whose long text wraps."""
    return [(i, c.width * PROSE_CHARS) for i, c in enumerate(columns) if c.wrap]


def value_lines(value: Any, width: float) -> int:
    """How many lines a value (text, or a Link's text) takes in a column whose text wraps, ``width``
    characters wide."""
    text = value if type(value) is str else getattr(value, "text", None) if value is not None else None
    return text_lines(text, width) if text and len(text) > width else 1


def print_area(table: Table) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column), 0-based: the caption, the header, every row, and the
    table's printed columns."""
    return 0, 0, HEADER_ROWS - 1 + max(1, len(table.rows)), table.print_columns - 1


def parts(table: Table) -> list[Table]:
    """The sheets ``table`` takes in Excel: one, or more past Excel's row limit (never a row dropped), with
    every value one Excel can hold (``cell_value``; a plan file's path is made safe by the writer, once it
    has decided whether it can be a link)."""
    columns = list(zip(*table.rows))
    odd = [i for i, (column, c) in enumerate(zip(columns, table.columns))
           if c.kind is not Kind.FILE and not _unchanged(column)]
    for i in odd:
        columns[i] = _cell_values(columns[i], table.columns[i].kind)
    rows = list(zip(*columns)) if odd else list(map(tuple, table.rows))  # most tables: every value as it was
    return split(replace(table, rows=rows, caption=safe_text(table.caption)), EXCEL_MAX_ROWS - HEADER_ROWS)


WEB = "https://"  # how a plan in Google Drive's address starts (a file's path never does: relpath collapses "//")


def is_web(target: str) -> bool:
    """A plan in Google Drive is linked by its web address."""
    return target.startswith(WEB)


def linkable(target: str) -> bool:
    """Whether Excel can link to the plan file ``target``: a '#' would be read as a place inside it, and a
    control character or a byte that is not UTF-8 cannot be written into a link at all."""
    return len("external:" + target) <= MAX_URL and "#" not in target and safe_text(target) == target


def all_linkable(paths: tuple) -> bool:
    """Whether every one of ``paths`` is text ``linkable`` takes, found at once: none empty, none too long, no '#' in
    them, and all printable (``linkable`` also takes some text that is not, which this leaves to it)."""
    if not paths or set(map(type, paths)) != {str} or "" in paths:
        return False
    joined = "".join(paths)
    return "#" not in joined and max(map(len, paths)) <= MAX_URL - len("external:") and _printable(joined)


# -- values Excel can hold -------------------------------------------------------------------------------------

MAX_TEXT = 32_767  # characters in one cell
MAX_NUMBER = 9.99e307
_EXACT = 2 ** 53  # whole numbers past this are not exact as Excel's numbers
EXCEL_FIRST_DATE, EXCEL_LAST_DATE = dt.date(1900, 3, 1), dt.date(9999, 12, 31)


def safe_text(text: str) -> str:
    """``text`` as a cell of any .xlsx writer can hold it: control characters as their pictures (␛), bytes of a
    file name that are not UTF-8 as \\xff escapes, at most 32,767 characters."""
    text = xml_safe(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def cell_value(value: Any, kind: Kind) -> Any:
    """A roll-up value as a writer can store it: text made safe, numbers Excel cannot hold (NaN, infinities,
    10**400) and dates outside Excel's calendar (year 1) written as the text they were."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, Link):
        return Link(safe_text(str(value.text)), value.target)  # the target stays a path: see ``linkable``
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if abs(value) <= _EXACT else (float(value) if abs(value) < MAX_NUMBER else str(value))
    if isinstance(value, float):
        return value if math.isfinite(value) and abs(value) <= MAX_NUMBER else str(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if EXCEL_FIRST_DATE <= value <= EXCEL_LAST_DATE else value.isoformat()
    return safe_text(str(value))


def _cell_values(column: tuple, kind: Kind) -> list:
    """``cell_value`` of every value of a column; those it gives back as they are (plain text, whole numbers,
    finite numbers and dates Excel holds: most of them) found without calling it."""
    if _unchanged(column):
        return list(column)
    out = []
    for v in column:
        t = type(v)
        if v is None or (t is str and v.isprintable() and len(v) <= MAX_TEXT) \
                or (t is int and -_EXACT <= v <= _EXACT) or (t is dt.date and EXCEL_FIRST_DATE <= v <= EXCEL_LAST_DATE) \
                or (t is float and -MAX_NUMBER <= v <= MAX_NUMBER):
            out.append(v)
        else:
            out.append(cell_value(v, kind))
    return out


def _unchanged(column) -> bool:
    """Whether ``cell_value`` gives back every value of ``column`` as it is (``_cell_values``' test of each value),
    found a type at a time by functions written in C: text joined is printable when each text is, the smallest
    and largest number or date are within Excel's range, a sum of floats is finite when none is NaN or infinite."""
    try:
        joined = "".join(column)  # a column of text only (about half of them), without a pass over its types
    except TypeError:
        pass
    else:
        return _printable(joined) and (len(joined) <= MAX_TEXT or max(map(len, column)) <= MAX_TEXT)
    types = set(map(type, column))
    mixed = len(types) > 1
    types.discard(type(None))
    for t in types:
        values = [v for v in column if type(v) is t] if mixed else column
        if t is str:
            joined = "".join(values)
            if not _printable(joined) or (len(joined) > MAX_TEXT and max(map(len, values)) > MAX_TEXT):
                return False
        elif t is int:
            if min(values) < -_EXACT or max(values) > _EXACT:
                return False
        elif t is float:
            if not math.isfinite(sum(values)) or min(values) < -MAX_NUMBER or max(values) > MAX_NUMBER:
                return False
        elif t is dt.date:
            if min(values) < EXCEL_FIRST_DATE or max(values) > EXCEL_LAST_DATE:
                return False
        elif t is Link:  # a deal's name: the same Link again when its text is
            texts = [v.text for v in values]
            if not (set(map(type, texts)) <= {str} and _unchanged(texts)):
                return False
        else:
            return False
    return True


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def _printable(text: str) -> bool:
    """``text.isprintable()``, for ASCII text by deleting its printable bytes (about three times faster)."""
    return not text.encode("ascii").translate(None, _PRINTABLE_ASCII) if text.isascii() else text.isprintable()


def safe_dashboard(board: Dashboard) -> Dashboard:
    """The dashboard with its title, alert and figures made safe (a pipeline total can be infinite)."""
    figures = [(safe_text(label), v if isinstance(v := cell_value(value, kind), (int, float)) else 0, kind)
               for label, value, kind in board.figures]
    charts = [replace(c, title=safe_text(c.title), categories=[safe_text(x) for x in c.categories])
              for c in board.charts]
    return replace(board, title=safe_text(board.title), alert=safe_text(board.alert), figures=figures, charts=charts)


def write_rollup(rollup: Rollup, path: Path, writer: str | None = None) -> Path:
    """Write the roll-up workbook to ``path`` atomically with the chosen writer. The Rust writer falls back to
    XlsxWriter when its package cannot be imported (a platform without its wheel), never the other way."""
    name = writer_name(writer)
    if name == "rust":
        try:
            from . import xlsx_rust
        except ImportError:
            if writer or os.environ.get(ENV):
                raise MapsheetError("the rust roll-up writer needs rustpy-xlsxwriter: pip install rustpy-xlsxwriter")
        else:
            return xlsx_rust.write_rollup(rollup, path)
    from . import xlsx

    return xlsx.write_rollup(rollup, path)
