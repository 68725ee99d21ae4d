"""Sync reads foreign layouts the way check does: the expert's band per deal, a Deal on every Actions row,
finished steps never overdue, and overdue steps that say no side counted apart and said so."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from mapsheet.sync import sync

from .deal import TODAY
from .generate import write_all

HEADER_ROW = 2


def _rows(ws) -> list[dict]:
    headers = [c.value for c in ws[HEADER_ROW]]
    return [dict(zip(headers, (c.value for c in row))) for row in ws.iter_rows(min_row=HEADER_ROW + 1)
            if any(c.value is not None for c in row)]


@pytest.fixture(scope="module")
def rollup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("foreign-sync")
    write_all(folder)
    # A sheet that names owners but never their side, with a step 5 days late.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Task", "Owner", "Due date", "Status"])
    ws.append(["Return the signed order form", "Kim Lee", "11/5/2026", "In progress"])
    ws.append(["Share the rollout plan", "Ola Berg", "12/1/2026", "To do"])
    wb.save(folder / "sideless.xlsx")
    out = folder.parent / f"{folder.name}-rollup.xlsx"
    sync([folder], out, today=TODAY, jobs=1)
    return folder, openpyxl.load_workbook(out)


def test_deals_show_the_expert_band_of_each_foreign_plan(rollup):
    folder, book = rollup
    deals = _rows(book["Deals"])
    truths = {p.name.removesuffix(".truth.json"): json.loads(p.read_text()) for p in folder.glob("*.truth.json")}
    files = {Path(str(d["Plan file"])).stem: d for d in deals}
    for key, truth in truths.items():
        if key in files:  # the CSV exports are not picked from a folder
            assert files[key]["Band"] == truth["band"], key


def test_every_actions_row_names_its_deal_and_done_steps_are_never_overdue(rollup):
    _, book = rollup
    actions = _rows(book["Actions"])
    assert actions and all(a["Deal"] for a in actions)
    assert not [a for a in actions if a["Status"] == "Done"]
    overdue = _rows(book["Overdue"])
    late = sum(r["Overdue items"] for r in overdue)
    assert late == sum(1 for a in actions if (a["Days overdue"] or 0) > 0)


def test_overdue_steps_without_a_side_are_counted_apart_and_said(rollup):
    _, book = rollup
    overdue = _rows(book["Overdue"])
    sideless = [r for r in overdue if r["Party"] == "(no party)"]
    assert [(r["Owner"], r["Overdue items"], r["Which deals"]) for r in sideless] == [("Kim Lee", 1, "sideless")]
    caption = book["Overdue"].cell(1, 1).value
    assert "1 of them say no side" in caption
    dashboard = book["Dashboard"]
    figures = {dashboard.cell(r, 1).value: dashboard.cell(r, 2).value for r in range(1, 40) if dashboard.cell(r, 1).value}
    assert figures["Overdue actions, side not said"] == 1
