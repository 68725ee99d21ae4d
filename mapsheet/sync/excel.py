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
from pathlib import Path
from typing import Any

from ..errors import MapsheetError
from ..safetext import xml_safe
from .tables import Dashboard, Kind, Link, Rollup, Table, split

EXCEL_MAX_ROWS = 1_048_576
HEADER_ROWS = 2  # the caption, then the column headers
MAX_URL = 255  # Excel refuses longer hyperlinks (counted as XlsxWriter's "external:" + the path)
MAX_LINKS = 65_530  # hyperlinks a worksheet may hold; past that a plan keeps its name, without the link

BAND_FILL = {"On track": ("#C8E6C9", "#1B5E20"), "At risk": ("#FFE082", "#7A4F01"), "Off track": ("#FFCDD2", "#B71C1C")}
SERIES_COLOUR = {"On track": "#43A047", "At risk": "#F9A825", "Off track": "#E53935", "Plans": "#1E88E5",
                 "1-6 days late": "#F9A825", "7+ days late": "#E53935"}
LATE_COLOUR = "#B71C1C"
LOUD_FILL = "#C62828"
HEADER_FILL = "#ECEFF1"
CAPTION_COLOUR = "#455A64"
NUM_FORMAT = {Kind.DATE: "d mmm yyyy", Kind.MONEY: "#,##0", Kind.PERCENT: "0%", Kind.INT: "0",
              Kind.DAYS_LATE: "0", Kind.DAYS_LEFT: "0;[Red]-0"}

WRITERS = ("rust", "xlsxwriter")
DEFAULT_WRITER = "rust"
ENV = "MAPSHEET_ROLLUP_WRITER"


def parts(table: Table) -> list[Table]:
    """The sheets ``table`` takes in Excel: one, or more past Excel's row limit (never a row dropped), with
    every value one Excel can hold (``cell_value``; a plan file's path is made safe by the writer, once it
    has decided whether it can be a link)."""
    kinds = [c.kind for c in table.columns]
    rows = [tuple(v if k is Kind.FILE else cell_value(v, k) for v, k in zip(row, kinds)) for row in table.rows]
    return split(replace(table, rows=rows, caption=safe_text(table.caption)), EXCEL_MAX_ROWS - HEADER_ROWS)


def linkable(target: str) -> bool:
    """Whether Excel can link to the plan file ``target``: a '#' would be read as a place inside it, and a
    control character or a byte that is not UTF-8 cannot be written into a link at all."""
    return len("external:" + target) <= MAX_URL and "#" not in target and safe_text(target) == target


# -- values Excel can hold -------------------------------------------------------------------------------------

MAX_TEXT = 32_767  # characters in one cell
MAX_NUMBER = 9.99e307
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
        return value if abs(value) <= 2 ** 53 else (float(value) if abs(value) < MAX_NUMBER else str(value))
    if isinstance(value, float):
        return value if math.isfinite(value) and abs(value) <= MAX_NUMBER else str(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if EXCEL_FIRST_DATE <= value <= EXCEL_LAST_DATE else value.isoformat()
    return safe_text(str(value))


def safe_dashboard(board: Dashboard) -> Dashboard:
    """The dashboard with its title, alert and figures made safe (a pipeline total can be infinite)."""
    figures = [(safe_text(label), v if isinstance(v := cell_value(value, kind), (int, float)) else 0, kind)
               for label, value, kind in board.figures]
    charts = [replace(c, title=safe_text(c.title), categories=[safe_text(x) for x in c.categories])
              for c in board.charts]
    return replace(board, title=safe_text(board.title), alert=safe_text(board.alert), figures=figures, charts=charts)


def writer_name(writer: str | None = None) -> str:
    name = (writer or os.environ.get(ENV) or DEFAULT_WRITER).strip().lower()
    if name not in WRITERS:
        raise MapsheetError(f"unknown roll-up writer {name!r} (from {'sync(writer=...)' if writer else ENV}); "
                            f"choose {' or '.join(WRITERS)}")
    return name


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
