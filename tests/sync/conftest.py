"""Shared set-up for the sync tests: plans copied into a folder a test may change, and the roll-up read
back with openpyxl the way a manager's Excel would see it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from mapsheet.sync import sync

TODAY = dt.date(2026, 11, 27)  # the suite's reference date (tests/conftest.py)
HEADER_ROW = 2  # row 1 is the sheet's caption


@pytest.fixture
def plans_dir(sample_plans, tmp_path) -> Path:
    """A private copy of the 25 demo plans (seed 7), so a test may edit, add and delete plans."""
    folder = tmp_path / "plans"
    folder.mkdir()
    for _, path in sample_plans:
        shutil.copy2(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def synced(sample_plans, tmp_path_factory):
    """The 25 demo plans synced once: (report, roll-up path, RollupBook)."""
    out = tmp_path_factory.mktemp("rollup") / "rollup.xlsx"
    report = sync([sample_plans[0][1].parent], out, today=TODAY, jobs=2)
    return report, out, RollupBook(out)


class RollupBook:
    """A roll-up workbook as openpyxl reads it: sheets as header -> column dicts."""

    def __init__(self, path: Path):
        self.book = openpyxl.load_workbook(path)

    def sheet(self, name: str):
        return self.book[name]

    def caption(self, name: str) -> str:
        return self.book[name].cell(1, 1).value or ""

    def headers(self, name: str) -> list[str]:
        return [c.value for c in self.book[name][HEADER_ROW]]

    def rows(self, name: str) -> list[dict]:
        ws = self.book[name]
        headers = self.headers(name)
        return [dict(zip(headers, (c.value for c in row))) for row in ws.iter_rows(min_row=HEADER_ROW + 1)
                if any(c.value is not None for c in row)]

    def cells(self):
        for ws in self.book.worksheets:
            for row in ws.iter_rows():
                yield from row
