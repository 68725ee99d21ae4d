"""The roll-up's tables as CSV or Parquet files, for BI tools (one file per sheet, written atomically).

Values are exported as they are (a BI tool needs the data, not a spreadsheet's protections): a CSV is for
loading into a tool, the roll-up workbook is for people. A deal's link is exported as its name, and the
Deals table carries the plan's file in its own column.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MapsheetError
from ..safeio import atomic_write

if TYPE_CHECKING:
    from .tables import Rollup, Table

FORMATS = ("csv", "parquet")


def require(fmt: str) -> None:
    """Fail before a sync starts when the format cannot be written."""
    if fmt == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise MapsheetError("--parquet needs pyarrow, which is not installed: "
                            "pip install 'mapsheet[parquet]' (or pip install pyarrow)")


def file_name(table: Table, fmt: str) -> str:
    return f"{table.sheet.lower().replace(' ', '-')}.{fmt}"


def export(rollup: Rollup, folder: Path, fmt: str) -> list[Path]:
    require(fmt)
    import pandas as pd

    from .tables import Kind

    written = []
    for table in rollup.tables:
        links = [i for i, c in enumerate(table.columns) if c.kind is Kind.LINK]
        rows = [tuple(v.text if i in links and v is not None else v for i, v in enumerate(row)) for row in table.rows]
        frame = pd.DataFrame.from_records(rows, columns=[c.header for c in table.columns])
        target = folder / file_name(table, fmt)
        if fmt == "csv":
            atomic_write(target, lambda tmp: frame.to_csv(tmp, index=False, date_format="%Y-%m-%d"))
        else:
            atomic_write(target, lambda tmp: frame.to_parquet(tmp, index=False))
        written.append(target)
    return written
