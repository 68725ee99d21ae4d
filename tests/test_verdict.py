"""The verdict as a user meets it: each core dimension's state and what was understood, in the JSON, the
terminal and the Plan check tab; Not checkable plans in `check` (exit code) and in the roll-up; the
verdict's settings checked like every other. The plans are the labelled corpus's (tests/verdict/)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from mapsheet import ConfigError, api
from cli.runner import run_cli
from mapsheet.config import build_config
from mapsheet.edits import CHECK_SHEET

from conftest import TODAY
from sync.conftest import RollupBook
from verdict.measure import write_plan

ARGS = ["--today", TODAY.isoformat()]


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verdict-plans")
    return {p: write_plan(p, folder) for p in ("vague_owners", "overview_only", "healthy_base")}


def test_json_says_what_was_understood_and_each_dimension(plans):
    r = run_cli(["check", str(plans["vague_owners"]), "--format", "json", *ARGS])
    plan = json.loads(r.output)["plans"][0]
    # Open actions are owned by 'Customer' (a side: understood) and 'TBD' (nobody), half without a date.
    assert plan["understood"] == {
        "actions": {"rows": 12, "owner": 9, "party": 12, "due": 9, "status": 12},
        "milestones": {"rows": 7, "owner": 2, "due": 7, "status": 7},
        "stakeholders": {"rows": 8}, "risks": {"rows": 2}, "checkins": {"rows": 4}, "outcomes": {"rows": 2}}
    states = {d["dimension"]: d["state"] for d in plan["dimensions"]}
    assert states == {"clarity": "failing", "mutual-ownership": "failing", "timeline": "ok", "stakeholders": "ok",
                      "completeness": "ok", "follow-through": "ok", "cadence": "ok"}
    assert plan["band"] == "Off track" and plan["score"] < 50
    assert plan["band_reasons"][0].startswith("Clear, specific ownership is failing: 6 of 6 open actions")
    assert any("Mutual ownership is failing" in reason for reason in plan["band_reasons"])


def test_terminal_says_what_was_read_and_each_dimension_state(plans):
    r = run_cli(["check", str(plans["vague_owners"]), *ARGS], env={"COLUMNS": "200"})
    assert "read 12 actions (9 with an owner, 12 with a party, 9 with a due date, 12 with a status)" in r.output
    assert "Mutual ownership: failing" in r.output and "Realistic timeline: ok" in r.output


def test_plan_check_tab_shows_the_dimensions_and_what_was_read(plans, tmp_path):
    target = api.annotate_file(plans["vague_owners"], output=tmp_path / "checked.xlsx", today=TODAY)
    values = list(openpyxl.load_workbook(target)[CHECK_SHEET].iter_rows(values_only=True))
    labelled = {r[0]: r[1:] for r in values if r and r[0]}
    assert labelled["Read"][0].startswith("read 12 actions (9 with an owner")
    assert "Off track" in labelled["Score"]
    start = next(i for i, r in enumerate(values) if r and r[0] == "The guide's core dimensions") + 2
    dimensions = {r[0]: r[1:] for r in values[start:start + 7]}
    assert dimensions["Mutual ownership"][0] == "failing" and dimensions["Mutual ownership"][1] < 0
    assert dimensions["Follow-through"][:2] == ("ok", None)
    assert len(dimensions) == 7


def test_an_overview_only_plan_is_not_checkable_and_fails_the_check(plans):
    r = run_cli(["check", str(plans["overview_only"]), "--format", "json", *ARGS])
    plan = json.loads(r.output)["plans"][0]
    assert r.exit_code == 1
    assert plan["band"] == "Not checkable" and plan["score"] < 50
    assert "no milestones or action items were found" in plan["band_reasons"][0]
    assert plan["understood"]["actions"] == {"rows": 0, "owner": 0, "party": 0, "due": 0, "status": 0}
    never = run_cli(["check", str(plans["overview_only"]), "--fail-on", "never", *ARGS])
    assert never.exit_code == 0 and "Not checkable" in never.output


def test_the_rollup_lists_a_not_checkable_plan_as_a_problem(plans, tmp_path):
    out = tmp_path / "rollup.xlsx"
    r = run_cli(["sync", str(plans["overview_only"]), str(plans["healthy_base"]), "--out", str(out),
                            "--quiet", *ARGS])
    assert r.exit_code == 1, r.output
    book = RollupBook(out)
    problems = book.rows("Problems")
    assert [p for p in problems if "Not checkable" in p.values()], problems
    bands = {row["Band"] for row in book.rows("Deals")}
    assert bands == {"Not checkable", "On track"}


@pytest.mark.parametrize("table, key, value, says", [
    ("verdict", "failing_share", 1.5, "share between 0 and 1"),
    ("verdict", "off_track_dimensions", 0, "whole number >= 1"),
    ("verdict", "failing_rules", 2.5, "whole number >= 1"),
    ("verdict", "failing_point", 3, "did you mean 'verdict.failing_points'"),
    ("bands", "off_track_below", 80, "off_track_below <= at_risk_below"),
])
def test_verdict_settings_are_checked(table, key, value, says):
    with pytest.raises(ConfigError, match=says):
        build_config({table: {key: value}}, "mapsheet.toml")


def test_rules_say_which_dimension_they_feed():
    listing = run_cli(["rules"], env={"COLUMNS": "250"})
    lines = listing.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "MAP806" in line)
    heading = next(line for line in reversed(lines[:at]) if not line.startswith(" "))
    assert heading.startswith("Follow-through") and "feeds: Follow-through" in heading  # the family's dimension
    assert "feeds: Cadence and transparency" in lines[at + 1]  # this rule feeds another one, said under it
    one = run_cli(["rules", "MAP001"], env={"COLUMNS": "200"})
    assert "feeds the verdict's dimension: (none: blinds)" in one.output
