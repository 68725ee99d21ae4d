"""Shared set-up for the sync tests: plans copied into a folder a test may change, and the roll-up read
back with openpyxl the way a manager's Excel would see it, written by each of the two .xlsx writers
(``WRITERS``: rust, the default, and XlsxWriter)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from mapsheet.sync import sync
from mapsheet.sync.excel import WRITERS

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


@pytest.fixture(scope="module", params=WRITERS)
def synced(request, sample_plans, tmp_path_factory):
    """The 25 demo plans synced once by each writer: (report, roll-up path, RollupBook)."""
    out = tmp_path_factory.mktemp(f"rollup-{request.param}") / "rollup.xlsx"
    report = sync([sample_plans[0][1].parent], out, today=TODAY, jobs=2, writer=request.param)
    return report, out, RollupBook(out)


@pytest.fixture(params=WRITERS)
def writer(request) -> str:
    return request.param


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

    def links(self, name: str, row: int) -> list[str]:
        """The link targets of a sheet row (one per plan: on its name, or on its Plan file with rust)."""
        return [c.hyperlink.target for c in self.book[name][row] if c.hyperlink is not None]

    def fill(self, cell) -> str | None:
        """A cell's fill colour as Excel shows it: its own, or that of the conditional format matching it
        (the rust writer colours bands that way). Only the rules the roll-up uses: text begins with, > n."""
        if cell.fill.fill_type == "solid":
            return cell.fill.fgColor.rgb
        for cf in self.book[cell.parent.title].conditional_formatting:
            if cell.coordinate not in cf.sqref:
                continue
            for rule in cf.rules:
                if rule.type == "beginsWith" and str(cell.value or "").lower().startswith(rule.text.lower()):
                    fill = rule.dxf.fill
                    return (fill.bgColor.rgb if fill.bgColor is not None and fill.bgColor.rgb != "00000000"
                            else fill.fgColor.rgb)
        return None
