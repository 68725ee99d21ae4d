"""The verdict agrees with an expert: the labelled corpus (labels.yml, written from the MAP guide) judged as
real .xlsx plans. Band agreement and pair order must both be at least 90%; the figures are printed
(``pytest -s``) and ``PYTHONPATH=tests python -m verdict.measure`` prints them with every plan's verdict."""

from __future__ import annotations

import pytest

from .corpus import PLANS
from .measure import judge_all, labels, pair_order, report


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    return judge_all(tmp_path_factory.mktemp("verdict-corpus"))


def test_corpus_is_big_enough_and_labelled_from_the_guide():
    spec = labels()
    assert len(PLANS) >= 40 and set(spec["plans"]) == set(PLANS)
    assert len(spec["pairs"]) >= 30
    for plan_id, label in spec["plans"].items():
        assert label["bands"] and label["reason"].count("'") >= 2, f"{plan_id}: the reason must quote the guide"


def test_bands_agree_with_the_expert_labels(judged):
    print("\n" + report(judged))
    agree = sum(j.agrees for j in judged.values()) / len(judged)
    assert agree >= 0.9, report(judged)


def test_better_plans_score_higher(judged):
    pairs = pair_order(judged)
    assert sum(ok for *_, ok in pairs) / len(pairs) >= 0.9, report(judged)


def test_healthy_plans_score_90_or_more_and_off_track_plans_under_60(judged):
    for j in judged.values():
        if j.accepted == ("On track",):
            assert j.score >= 90, j
        if j.band == "Off track":
            assert j.score < 60, j


def test_no_plan_with_nothing_to_read_is_on_track(judged):
    for plan in ("blank_template", "overview_only", "steps_not_understood"):
        assert judged[plan].band != "On track"
    assert judged["overview_only"].band == "Not checkable"
    assert "Milestones and Actions" in judged["overview_only"].reasons[0]
