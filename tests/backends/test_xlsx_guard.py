"""The reader's guards (backends/xlsx_guard.py) on real files: the ceilings are settings a team can change,
each refusal names the file, the sheet and the cell, and error cells reach the plan as errors."""

from __future__ import annotations

import shutil

import openpyxl
from typer.testing import CliRunner

from mapsheet import api
from mapsheet.cli import app
from mapsheet.model import ProblemKind

runner = CliRunner()


def test_a_plan_past_a_configured_row_ceiling_is_refused_naming_sheet_cell_and_setting(sample_plans, tmp_path):
    plan = tmp_path / "deal.xlsx"
    shutil.copy(sample_plans[0][1], plan)
    result = runner.invoke(app, ["check", str(plan), "--today", "2026-11-27"])
    assert result.exit_code in (0, 1), result.output  # under the packaged limits
    (tmp_path / "mapsheet.toml").write_text("[limits]\nmax_rows = 20\n")
    result = runner.invoke(app, ["check", str(plan), "--today", "2026-11-27"])
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
