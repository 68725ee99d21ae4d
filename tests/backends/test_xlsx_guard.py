"""The reader's guards (backends/xlsx_guard.py) on real files: the ceilings are settings a team can change,
each refusal names the file, the sheet and the cell, and error cells reach the plan as errors."""

from __future__ import annotations

import shutil
import subprocess
import sys

import openpyxl
import pytest

from mapsheet import api
from mapsheet.backends.xlsx_guard import Limits
from mapsheet.backends.xlsx_quick import quick_package
from mapsheet.backends.xlsx_read import SUPPORTED_SUFFIXES, UNREAD_SHEETS
from cli.runner import run_cli
from mapsheet.model import ProblemKind

from corpus.zipparts import rewrite, sheet_parts, with_cells



def test_a_plan_past_a_configured_row_ceiling_is_refused_naming_sheet_cell_and_setting(sample_plans, tmp_path):
    plan = tmp_path / "deal.xlsx"
    shutil.copy(sample_plans[0][1], plan)
    result = run_cli(["check", str(plan), "--today", "2026-11-27"])
    assert result.exit_code in (0, 1), result.output  # under the packaged limits
    (tmp_path / "mapsheet.toml").write_text("[limits]\nmax_rows = 20\n")
    result = run_cli(["check", str(plan), "--today", "2026-11-27"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert str(plan) in said and "limits.max_rows" in said and "more than the 20 rows" in said
    assert "sheet 'Overview' has values down to row 25 (Overview!A25)" in said  # the template's Overview ends at row 25


def test_error_cells_are_reported_as_errors_not_as_missing_values(sample_plans, tmp_path):
    plan = tmp_path / "deal.xlsx"
    wb = openpyxl.load_workbook(sample_plans[0][1])
    wb["Overview"]["B13"] = "#REF!"  # the close date
    wb.save(plan)
    problems = [p for p in api.read_plan(plan).problems if p.location.sheet == "Overview" and p.location.a1 == "B13"]
    assert [(p.kind, p.value) for p in problems] == [(ProblemKind.ERROR_VALUE, "#REF!")]


def _findings(path) -> dict:
    import json

    result = run_cli(["check", str(path), "--today", "2026-11-27", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    plan = json.loads(result.stdout)["plans"][0]
    assert plan.get("error") is None, plan["error"]
    return plan


def test_a_value_far_below_the_plan_is_read_at_its_own_cell_not_as_a_million_empty_rows(sample_plans, tmp_path):
    stray = with_cells(sample_plans[0][1], tmp_path / "stray.xlsx", "Actions",
                        {"A1048576": '<c r="A1048576" t="inlineStr"><is><t>stray</t></is></c>'})
    plan = _findings(stray)
    said = {(f["code"], f["cell"]) for f in plan["findings"] if f["sheet"] == "Actions"}
    assert ("MAP201", "E1048576") in said  # the stray row is an action with no owner, named where it is
    # In the very last cell: calamine alone would allocate 17 billion cells and abort the process.
    corner = with_cells(sample_plans[0][1], tmp_path / "corner.xlsx", "Actions",
                         {"XFD1048576": '<c r="XFD1048576"><v>1</v></c>'})
    base = _findings(sample_plans[0][1])
    assert (_findings(corner)["score"], _findings(corner)["band"]) == (base["score"], base["band"])
    result = run_cli(["check", str(corner), "--today", "2026-11-27", "--annotate", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(corner)["Actions"]["XFD1048576"].value == 1


def test_values_far_below_the_plan_count_against_the_row_ceiling(sample_plans, tmp_path):
    # Actions holds 25 rows of content, within 40; with 30 values far below it, 55 rows are read
    scattered = with_cells(sample_plans[0][1], tmp_path / "scattered.xlsx", "Actions",
                            {f"B{r}": f'<c r="B{r}"><v>{r}</v></c>' for r in range(500_000, 500_030)})
    (tmp_path / "mapsheet.toml").write_text("[limits]\nmax_rows = 40\n")
    result = run_cli(["check", str(scattered), "--today", "2026-11-27"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "30 values scattered far below its content" in said and "limits.max_rows" in said


def test_limits_made_from_settings_are_those_the_settings_give():
    """The limits of each set of settings met are made once and shared (they are frozen): what a later read gets
    is what it would get made afresh, down to the type of each number (shown in a refusal)."""
    from dataclasses import fields

    from mapsheet.backends.xlsx_guard import Limits
    from mapsheet.config import DEFAULTS

    settings = dict(DEFAULTS["limits"])
    first, again = Limits.from_settings(settings), Limits.from_settings(dict(settings))
    assert again is first and again == Limits(**{f.name: settings[f.name] for f in fields(Limits)})
    other = Limits.from_settings(settings | {"max_rows": 7})
    assert other.max_rows == 7 and other != first
    as_float = Limits.from_settings(settings | {"max_parts": float(settings["max_parts"])})
    assert type(as_float.max_parts) is float and type(Limits.from_settings(settings).max_parts) is int
    assert Limits.from_settings(settings | {"max_rows": [1]}).max_rows == [1]  # not a key: made afresh


@pytest.mark.parametrize("cell", ["<c r='XFD1048576'><v>1</v></c>", '<c r = "XFD1048576"><v>1</v></c>',
                                  '<c r="xfd1048576"><v>1</v></c>', "<c t=\"n\" r='XFD1048576'><v>1</v></c>"])
def test_a_far_cell_whose_reference_is_spelled_otherwise_is_refused_not_read(sample_plans, tmp_path, cell):
    """Quotes, spaces and case XML allows but no spreadsheet program writes: python-calamine reads such a reference,
    and one in the last cell would make it allocate the whole sheet and abort the process. The file is refused,
    naming the sheet and the cell (checked in a process of its own, so that a crash fails the test, not the run)."""
    odd = with_cells(sample_plans[0][1], tmp_path / "odd.xlsx", "Actions", {"XFD1048576": cell})
    assert quick_package(odd, SUPPORTED_SUFFIXES, Limits.from_settings(), UNREAD_SHEETS) is None  # not vouched for
    done = subprocess.run([sys.executable, "-m", "mapsheet", "check", str(odd), "--today", "2026-11-27"],
                          capture_output=True, text=True, timeout=120)
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2, said
    assert str(odd) in said and "sheet 'Actions' has a cell whose place is written as no spreadsheet program" in said


def test_cells_without_a_reference_far_below_the_plan_are_refused_not_read_as_a_million_rows(sample_plans, tmp_path):
    """A cell may leave out its reference: a reader puts it after the cell before it, in its row. In a row a
    million down, python-calamine read the sheet as a million rows (470 MB, seconds) past the row ceiling."""
    part = sheet_parts(sample_plans[0][1])["Actions"]
    far = b'<row r="1048576"><c><v>1</v></c><c><v>2</v></c></row></sheetData>'
    odd = rewrite(sample_plans[0][1], tmp_path / "odd.xlsx",
                  lambda n, data: data.replace(b"</sheetData>", far) if n == part else data)
    assert quick_package(odd, SUPPORTED_SUFFIXES, Limits.from_settings(), UNREAD_SHEETS) is None
    done = subprocess.run([sys.executable, "-m", "mapsheet", "check", str(odd), "--today", "2026-11-27"],
                          capture_output=True, text=True, timeout=120)
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2 and "sheet 'Actions' has a cell whose place is written as no spreadsheet program" in said
