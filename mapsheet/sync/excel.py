"""What both .xlsx writers of the roll-up share: Excel's limits, the roll-up's colours and number formats,
which plan files may be linked, and the choice of writer. No spreadsheet library is imported here.

Two writers lay the same ``Rollup`` out as a workbook, behind one function, ``write_rollup(rollup, path)``:
``xlsx`` (XlsxWriter) and ``xlsx_rust`` (rustpy-xlsxwriter, Rust). The default is chosen in
benchmarks/README.md; ``MAPSHEET_ROLLUP_WRITER=xlsxwriter|rust`` (or ``sync(..., writer=...)``) picks one.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import MapsheetError
from .tables import Kind, Rollup, Table, split

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
    """The sheets ``table`` takes in Excel: one, or more past Excel's row limit (never a row dropped)."""
    return split(table, EXCEL_MAX_ROWS - HEADER_ROWS)


def is_web(target: str) -> bool:
    """A plan in Google Drive is linked by its web address (a file's path never starts so: relpath
    collapses the double slash)."""
    return target.startswith("https://")


def linkable(target: str) -> bool:
    """Whether Excel can link to the plan file ``target``: a '#' would be read as a place inside it."""
    return len("external:" + target) <= MAX_URL and "#" not in target


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
