"""Every rule's pass/fail cases (cases/<CODE>.yml) run on the in-memory backend, and the catalogue is
complete: each rule has cases, a documented bad and good example that are tested, and full docs."""

from __future__ import annotations

import pytest

from mapsheet.backends.memory import draft_workbook
from mapsheet.check import check_plan
from mapsheet.config import build_config
from mapsheet.parse import parse_plan
from mapsheet.rules import Family, all_rules

from .base_plan import TODAY, base_plan
from .cases import case_workbook, load_cases

CASES = load_cases()
RULES = all_rules()


def run(case):
    config = build_config({"select": [case.rule], "thresholds": case.settings, **case.config}, "case")
    plan = parse_plan(case_workbook(case))
    return check_plan(plan, today=case.today, config=config)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case):
    result = run(case)
    found = [f for f in result.findings if f.code == case.rule]
    assert sorted(str(f.location) for f in found) == sorted(e["at"] for e in case.expected), \
        "\n".join(f.text for f in found) or "no findings"
    by_cell = {str(f.location): f for f in found}
    for e in case.expected:
        f = by_cell[e["at"]]
        if "severity" in e:
            assert f.severity.value == e["severity"], f.text
        if "band" in e:
            assert f.band is not None and f.band.value == e["band"], f.text


def test_base_plan_passes_every_rule():
    result = check_plan(parse_plan(draft_workbook(base_plan())), today=TODAY)
    assert [f.text for f in result.findings] == []
    assert result.score.total == 100 and result.score.band.value == "On track"


@pytest.mark.parametrize("code", list(RULES))
def test_every_rule_has_cases_and_tested_documented_examples(code):
    rule = RULES[code]
    cases = [c for c in CASES if c.rule == code]
    assert any(c.expected for c in cases), f"{code} has no failing case"
    assert any(not c.expected for c in cases), f"{code} has no passing case"
    assert [c for c in cases if c.doc == "bad" and c.expected], f"{code}: no failing case marked doc: bad"
    assert [c for c in cases if c.doc == "good" and not c.expected], f"{code}: no passing case marked doc: good"
    for text in (rule.summary, rule.doc.why, rule.doc.bad, rule.doc.good, rule.doc.fix):
        assert text and len(text) > 8, f"{code} documentation is incomplete"


def test_catalogue_covers_every_family_with_at_least_30_rules():
    assert len(RULES) >= 30
    assert {r.family for r in RULES.values()} == set(Family)
    assert len({r.name for r in RULES.values()}) == len(RULES), "rule names must be unique"
