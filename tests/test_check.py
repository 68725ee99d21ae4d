"""`mapsheet check`, the score and the band as a user meets them: exit codes, JSON, configuration,
suppression from the sheet, and scoring properties."""

from __future__ import annotations

import copy
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapsheet import ConfigError, api
from mapsheet.backends.memory import draft_workbook
from mapsheet.check import check_plan
from cli.runner import run_cli
from mapsheet.config import Config, build_config, load_config
from mapsheet.parse import parse_plan
from mapsheet.report import SCHEMA
from mapsheet.rules import Band, Family, Severity
from mapsheet.rules.base import Finding
from mapsheet.grid import Location
from mapsheet.scoring import score_findings

from conftest import TODAY
from rules.base_plan import base_plan

MADE_FOR = {"healthy": {"On track"}, "drift": {"On track"}, "at-risk": {"At risk"}, "neglected": {"Off track"},
            "vague": {"At risk", "Off track"}, "bloated": {"At risk"}}


def test_demo_plans_land_in_the_bands_they_were_made_for(sample_plans):
    for sample, path in sample_plans:
        result = api.check(path, today=TODAY)
        assert result.score.band.value in MADE_FOR[sample.profile], (
            f"{path.name} ({sample.profile}) is {result.score.band.value} {result.score.total}: "
            + "; ".join(f.text for f in result.findings[:5]))
    healthy = [api.check(p, today=TODAY).score.total for s, p in sample_plans if s.profile == "healthy"]
    neglected = [api.check(p, today=TODAY).score.total for s, p in sample_plans if s.profile == "neglected"]
    assert min(healthy) > max(neglected) + 20


def test_human_output_reads_well(sample_plans):
    path = next(p for s, p in sample_plans if s.profile == "neglected")
    r = run_cli(["check", str(path), "--today", "2026-11-27"], env={"COLUMNS": "120"})
    assert r.exit_code == 1
    out = r.output
    assert "Off track" in out and "Score " in out and "why:" in out
    assert "Follow-through (" in out and "MAP801" in out and "Actions!F" in out
    assert "Traceback" not in out


def test_json_schema_and_exit_codes(sample_plans, tmp_path):
    healthy = next(p for s, p in sample_plans if s.profile == "healthy")
    neglected = next(p for s, p in sample_plans if s.profile == "neglected")
    r = run_cli(["check", str(healthy), str(neglected), "--format", "json", "--today", "2026-11-27"])
    assert r.exit_code == 1  # the neglected plan has errors
    doc = json.loads(r.output)
    assert doc["schema"] == SCHEMA and doc["today"] == "2026-11-27"
    good, bad = doc["plans"]
    assert good["score"] == 100 and good["band"] == "On track" and good["findings"] == []
    assert bad["band"] == "Off track" and bad["counts"]["error"] > 0
    f = bad["findings"][0]
    assert set(f) == {"code", "name", "severity", "family", "message", "sheet", "cell", "row", "column", "points", "band"}
    assert f["cell"] == f"{chr(64 + f['column'])}{f['row']}"
    assert round(100 - sum(x["points"] for x in bad["findings"])) == bad["score"]
    assert sum(fam["weight"] for fam in bad["families"]) == 100

    assert run_cli(["check", str(healthy), "--today", "2026-11-27"]).exit_code == 0
    assert run_cli(["check", str(neglected), "--fail-on", "never", "--today", "2026-11-27"]).exit_code == 0
    assert run_cli(["check", str(healthy), "--fail-under", "101", "--today", "2026-11-27"]).exit_code == 2
    assert run_cli(["check", str(neglected), "--fail-on", "never", "--fail-under", "90",
                               "--today", "2026-11-27"]).exit_code == 1


def test_an_unreadable_plan_is_exit_2_and_named_in_json(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_text("not a workbook")
    r = run_cli(["check", str(bad), "--format", "json"])
    assert r.exit_code == 2
    doc = json.loads(r.output)
    assert doc["plans"][0]["file"] == str(bad) and "not an Excel workbook" in doc["plans"][0]["error"]


def test_a_workbook_that_is_no_plan_says_so(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "Quarterly budget"
    wb.save(tmp_path / "budget.xlsx")
    r = run_cli(["check", str(tmp_path / "budget.xlsx")])
    assert r.exit_code == 2 and "does not look like a mutual action plan" in r.output


def test_today_changes_the_judgement(sample_plans):
    path = next(p for s, p in sample_plans if s.profile == "healthy")
    assert api.check(path, today=TODAY).score.band is Band.ON_TRACK
    later = api.check(path, today=TODAY.replace(year=2027, month=6))
    assert later.score.band is Band.OFF_TRACK  # everything is overdue and the close date has passed


# -- configuration ------------------------------------------------------------------------------------------

def test_project_config_is_found_beside_the_plan_and_applied(sample_plans, tmp_path):
    path = tmp_path / "deal.xlsx"
    path.write_bytes(next(p for s, p in sample_plans if s.profile == "at-risk").read_bytes())
    before = api.check(path, today=TODAY)
    assert any(f.code == "MAP702" for f in before.findings)
    (tmp_path / "mapsheet.toml").write_text('ignore = ["MAP702"]\n[severity]\nMAP601 = "info"\n'
                                            "[thresholds]\nstalled_days = 2\n")
    after = api.check(path, today=TODAY)
    assert after.config_source.endswith("mapsheet.toml")
    assert not any(f.code == "MAP702" for f in after.findings)
    assert all(f.severity is Severity.INFO for f in after.findings if f.code == "MAP601")
    assert after.score.band is Band.OFF_TRACK  # 3 days overdue is now stalled


def test_pyproject_tool_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.mapsheet]\nselect = ["MAP8"]\n')
    config = load_config(near=tmp_path / "plan.xlsx")
    assert config.select == ["MAP8"]


@pytest.mark.parametrize("text, says", [
    ("[thresholds]\nstaled_days = 3\n", "unknown setting 'thresholds.staled_days'; did you mean 'thresholds.stalled_days'?"),
    ("colour = 1\n", "unknown setting 'colour'"),
    ("[thresholds]\nmax_actions = 'thirty'\n", "'thresholds.max_actions' must be a number >= 0"),
    ("[severity]\nMAP801 = \"fatal\"\n", "must be error, warning or info"),
    ("[severity]\nMAP999 = \"info\"\n", "names no rule 'MAP999'"),
    ("select = [\"XYZ\"]\n", "matches no rule code, prefix or name"),
    ("[family_weights]\nstructure = 30\n", "must add up to 100"),
    ("[thresholds]\nmin_customer_share = 30\n", "is a share between 0 and 1"),
    ("this is = not toml [", "not valid TOML"),
])
def test_bad_settings_are_clear_errors(tmp_path, text, says):
    cfg = tmp_path / "mapsheet.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(cfg)
    assert str(info.value).startswith(str(cfg)) and says in str(info.value)
    r = run_cli(["check", "--config", str(cfg), str(tmp_path)])
    assert r.exit_code == 2


def test_select_and_ignore_from_the_command_line(sample_plans):
    path = next(p for s, p in sample_plans if s.profile == "neglected")
    r = run_cli(["check", str(path), "--format", "json", "--select", "MAP8", "--ignore", "MAP803",
                            "--today", "2026-11-27"])
    codes = {f["code"] for f in json.loads(r.output)["plans"][0]["findings"]}
    assert codes and all(c.startswith("MAP8") and c != "MAP803" for c in codes)


# -- suppression from the sheet ----------------------------------------------------------------------------

def _check(draft, config: Config | None = None):
    return check_plan(parse_plan(draft_workbook(draft)), today=TODAY, config=config)


def test_ignore_checks_on_the_overview_and_per_row():
    draft = base_plan()
    draft.tables["actions"][6]["owner"] = None  # MAP201 at Actions!E10
    draft.tables["actions"][7]["action"] = "Follow up"  # MAP204 at Actions!B11
    result = _check(draft)
    assert {"MAP201", "MAP204"} <= {f.code for f in result.findings}
    draft.overview["ignore_checks"] = "MAP201"
    draft.tables["actions"][7]["notes"] = "Agreed wording. mapsheet: ignore vague-wording"
    result = _check(draft)
    assert not {"MAP201", "MAP204"} & {f.code for f in result.findings}
    assert {f.code for f in result.suppressed} >= {"MAP201", "MAP204"}
    assert result.score.total == 100


def test_a_row_ignore_silences_that_row_only():
    draft = base_plan()
    draft.tables["actions"][7]["action"] = "Follow up"  # MAP204 at Actions!B11
    draft.tables["actions"][8]["action"] = "Discuss"  # MAP204 at Actions!B12
    draft.tables["actions"][7]["notes"] = "mapsheet: ignore MAP204"
    draft.tables["actions"][2]["notes"] = "mapsheet: ignore MAP201"  # a row with no finding: changes nothing
    result = _check(draft)
    assert [str(f.location) for f in result.suppressed] == ["Actions!B11"]
    assert [str(f.location) for f in result.findings if f.code == "MAP204"] == ["Actions!B12"]


def test_a_rule_whose_hits_cannot_be_read_is_reported_not_fatal(monkeypatch):
    from mapsheet.rules import registry

    rules = registry.all_rules()

    def not_a_hit(ctx):
        yield "Actions!B3 is vague"  # a text, not a Hit

    monkeypatch.setitem(registry._RULES, "MAP204", rules["MAP204"].__class__(
        **{**rules["MAP204"].__dict__, "check": not_a_hit}))
    result = _check(base_plan())
    internal = [f for f in result.findings if f.code == "MAP000"]
    assert len(internal) == 1 and "MAP204" in internal[0].message and "AttributeError" in internal[0].message
    assert not [f for f in result.findings if f.code == "MAP204"]


def test_a_broken_rule_is_reported_not_fatal(monkeypatch):
    from mapsheet.rules import registry

    rules = registry.all_rules()

    def boom(ctx):
        raise ZeroDivisionError("oops")
        yield

    monkeypatch.setitem(registry._RULES, "MAP601", rules["MAP601"].__class__(
        **{**rules["MAP601"].__dict__, "check": boom}))
    result = _check(base_plan())
    internal = [f for f in result.findings if f.code == "MAP000"]
    assert internal and "MAP601" in internal[0].message and "ZeroDivisionError" in internal[0].message
    assert any(f.code == "MAP801" for f in _check(_overdue(base_plan())).findings)  # the others still run


def _overdue(draft):
    draft.tables["actions"][6]["due"] = TODAY.replace(day=20)
    return draft


# -- scoring properties --------------------------------------------------------------------------------------

def _finding(code: str, severity: Severity, family: Family, n: int) -> Finding:
    return Finding(code, "x", severity, family, "m", Location("Actions", n, 0))


findings_strategy = st.lists(
    st.tuples(st.sampled_from(list(Family)), st.sampled_from(list(Severity)), st.integers(0, 50)), max_size=40)


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(findings_strategy, st.tuples(st.sampled_from(list(Family)), st.sampled_from(list(Severity))))
def test_adding_a_finding_never_raises_the_score(spec, extra):
    config = Config.default()
    base = [_finding(f"MAP{i:03d}", sev, fam, n) for i, (fam, sev, n) in enumerate(spec)]
    more = base + [_finding("MAP999", extra[1], extra[0], 99)]
    before, priced = score_findings(base, config)
    after, _ = score_findings(more, config)
    assert after.exact <= before.exact and after.total <= before.total
    assert after.band.rank >= before.band.rank
    # Every point lost is a finding's.
    assert abs((100 - before.exact) - sum(f.points for f in priced)) < 0.05
    assert (before.total == 100) == (not base)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(findings_strategy)
def test_the_score_stays_inside_its_band(spec):
    # A reader sorts by score: an At risk plan must never score below an Off track one (44/F for a plan
    # one dimension and a 2-day-overdue item short of On track was seen), nor On track under At risk.
    config = Config.default()
    score, _ = score_findings([_finding(f"MAP{i:03d}", sev, fam, n) for i, (fam, sev, n) in enumerate(spec)], config)
    lines = {Band.ON_TRACK: (75, 100), Band.AT_RISK: (50, 74), Band.OFF_TRACK: (0, 49), Band.NOT_CHECKABLE: (0, 49)}
    low, high = lines[score.band]
    assert low <= score.total <= high, (score.band, score.total)


def test_fixing_a_problem_in_a_real_plan_never_lowers_its_score():
    rng = random.Random(3)
    draft = base_plan()
    breaks = [
        lambda d: d.tables["actions"][rng.randrange(12)].update(owner=None),
        lambda d: d.tables["actions"][rng.randrange(12)].update(status="Blocked"),
        lambda d: d.tables["actions"][rng.randrange(12)].update(due=TODAY.replace(day=1), status="In progress"),
        lambda d: d.overview.update(goals="TBD"),
        lambda d: d.tables.update(risks=[]),
        lambda d: d.tables["checkins"].pop(),
        lambda d: d.tables["stakeholders"].pop(2),
        lambda d: d.tables["milestones"][rng.randrange(7)].update(owner="Customer"),
    ]
    scores = [_check(draft).score.total]
    for brk in breaks:
        worse = copy.deepcopy(draft)
        brk(worse)
        scores.append(_check(worse).score.total)
        assert scores[-1] <= scores[-2], "a new problem raised the score"
        draft = worse
    assert scores[0] == 100 and scores[-1] < 70


def test_families_no_finding_touches_score_under_each_configurations_weights():
    # The untouched families' scores are made once per set of weights: a second configuration must not get
    # the first one's.
    findings = [_finding("MAP201", Severity.ERROR, Family.SPECIFIC, 3)]
    even = build_config({}, "test")
    tilted = build_config({"family_weights": {"specific": 6, "timelines": 17}}, "test")
    for config in (even, tilted, even):
        score, _ = score_findings(findings, config)
        for fs in score.families:
            assert fs.weight == config.family_weights.get(fs.family, 0.0)
            if fs.family is not Family.SPECIFIC:
                assert (fs.lost, fs.findings) == (0.0, 0)
        specific = next(fs for fs in score.families if fs.family is Family.SPECIFIC)
        assert specific.lost == min(8.0, config.family_weights[Family.SPECIFIC]) and specific.findings == 1


def test_a_failing_share_counts_the_open_rows_of_its_table_for_each_dimension():
    # Two dimensions flag rows of the same table: each says how many of its open rows have a problem, out of
    # the open rows (counted once per check, closed rows left out).
    draft = base_plan()
    still_open = [row for row in draft.tables["actions"] if row["status"] not in ("Done", "Cancelled")]
    for row in still_open[:3]:
        row.update(owner=None)
    for row in still_open[:4]:
        row.update(due=TODAY.replace(year=2027, month=2, day=20))  # after the close date
    plan = parse_plan(draft_workbook(draft))
    assert len(still_open) == 6 and len(plan.actions) == 12
    why = {d.dimension.value: d.why for d in check_plan(plan, today=TODAY).score.dimensions}
    assert why["clarity"].startswith("3 of 6 open actions have a problem here")
    assert why["timeline"].startswith("4 of 6 open actions have a problem here")


def test_a_checked_plan_is_freed_without_the_cyclic_collector(sample_plans):
    """A sync checks thousands of plans in each reading process: what one check made must go when it returns
    (by reference counting), not wait for Python's cyclic collector, which cost a reading process about 5% of
    its time walking the records of the plans checked since its last pass."""
    import gc

    _, path = next((s, p) for s, p in sample_plans if s.profile == "at-risk")
    plan = api.to_plan(path)
    check_plan(plan, today=TODAY)  # what the rules import and cache on first use, made before counting
    gc.collect()
    gc.disable()
    try:
        plan = api.to_plan(path)
        result = check_plan(plan, today=TODAY, explain=False)
        assert result.score.band is not None
        del plan, result
        assert gc.collect() == 0  # nothing left in a cycle: the check's context, answers and records freed already
    finally:
        gc.enable()


def test_checked_at_is_the_local_time_to_the_second(monkeypatch):
    # Made once a second (``check._now``): what ``datetime.now().astimezone()`` says at that second, never the
    # time of an earlier second, and in the local zone.
    import datetime as dt
    import importlib

    check = importlib.import_module("mapsheet.check")
    plan = parse_plan(draft_workbook(base_plan()))
    before = dt.datetime.now().astimezone().replace(microsecond=0)
    result = check_plan(plan, today=TODAY)
    after = dt.datetime.now().astimezone().replace(microsecond=0)
    assert before <= result.checked_at <= after and result.checked_at.microsecond == 0
    assert result.checked_at.utcoffset() == after.utcoffset()

    import time

    start = 1_800_000_000  # a whole second, in January (winter in Paris)
    monkeypatch.setenv("TZ", "Europe/Paris")  # a zone whose offset changes: what each second says is its own
    time.tzset()
    try:
        for moment, second in ((start + 0.2, start), (start + 0.9, start), (start + 1.0, start + 1),
                               (start + 1.5, start + 1), (start + 86_400 * 180 + 0.4, start + 86_400 * 180)):
            monkeypatch.setattr(check.time, "time", lambda: moment)
            made = check_plan(plan, today=TODAY).checked_at
            assert made == dt.datetime.fromtimestamp(second).astimezone()
            assert made.utcoffset() == dt.datetime.fromtimestamp(second).astimezone().utcoffset()
        assert made.utcoffset() == dt.timedelta(hours=2)  # summer time, half a year on
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_finding_passed_twice_costs_as_two_equal_findings():
    # Points are shared out by where each finding stands in the list (``scoring._places``): the same finding
    # object twice must stand in both places, as two equal findings do.
    draft = base_plan()
    for action in draft.tables["actions"]:
        action["owner"] = "TBD"  # errors that fail two dimensions and put the plan Off track
    plan = parse_plan(draft_workbook(draft))
    config = Config.default()
    found = [f.costing(0.0) for f in check_plan(plan, today=TODAY, config=config).findings]
    assert len(found) >= 12
    for i in range(len(found)):
        twice = found[:i + 1] + [found[i]] + found[i + 1:]
        equal = found[:i + 1] + [copy.copy(found[i])] + found[i + 1:]
        score, priced = score_findings(twice, config, plan)
        score_equal, priced_equal = score_findings(equal, config, plan)
        assert score == score_equal
        assert [f.points for f in priced] == [f.points for f in priced_equal]
