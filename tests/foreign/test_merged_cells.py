"""Annotating a sheet with merged cells (phase headings, banners): a mark that falls inside a merge goes on
the merge's top-left cell, the only one Excel shows, and clean takes it away again."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from mapsheet.backends.xlsx_write import edit_file
from mapsheet.edits import ClearOwnMarks, SetFill, SetNote


def _merged_plan(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "MAP"
    ws.append(["Step", "Owner", "Due", "Status"])
    ws.append(["Phase 1: Discovery"])
    ws.merge_cells("A2:D2")
    ws.append(["Confirm the buying committee", "Priya Shah", "11/4/2026", "In progress"])
    wb.save(path)
    return path


def test_a_note_and_a_fill_inside_a_merge_land_on_its_top_left_cell(tmp_path):
    plan = _merged_plan(tmp_path / "merged.xlsx")
    edit_file(plan, [SetNote("MAP", 1, 2, "mapsheet says: the heading row is not a step"),
                     SetFill("MAP", 1, 2, "FFC7CE")])
    ws = openpyxl.load_workbook(plan)["MAP"]
    assert "the heading row is not a step" in ws["A2"].comment.text
    assert ws["A2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "A2:D2" in {str(r) for r in ws.merged_cells.ranges}
    edit_file(plan, [ClearOwnMarks()])
    ws = openpyxl.load_workbook(plan)["MAP"]
    assert ws["A2"].comment is None and ws["A2"].fill.fgColor.rgb in ("00000000", None)
    assert [c.value for c in ws[3]] == ["Confirm the buying committee", "Priya Shah", "11/4/2026", "In progress"]
