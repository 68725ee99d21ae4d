"""The public Python API. The CLI, the Excel button, the HTTP service and sync all call these."""

from __future__ import annotations

import os
from pathlib import Path

from .backends.xlsx_read import read_workbook
from .model import Plan
from .parse import parse_plan


def read_plan(path: str | os.PathLike) -> Plan:
    """Read a plan workbook (.xlsx/.xlsm). Raises ``UnreadableWorkbook`` for a file that is no workbook;
    anything inside the workbook that cannot be understood is in ``plan.problems``."""
    return parse_plan(read_workbook(Path(path)))
