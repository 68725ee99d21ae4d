"""A plan's summaries as the history stores them (``summary.dumps``, ``summary.dumps_pair``): the same JSON as the
standard encoder writes, whichever values they hold, so a history written by one sync is read by the next."""

from __future__ import annotations

import datetime as dt
import json
import zlib

from mapsheet.sync import summary
from mapsheet.sync.summary import ActionRow, MilestoneRow


def _summary() -> dict:
    due = dt.date(2026, 11, 20)
    return {"path": "a.xlsx", "error": None, "deal": "Contoso – ERP", "value": 120000.5, "close_date": due,
            "last_reviewed": dt.datetime(2026, 11, 2, 9, 30), "last_checkin": dt.time(9, 30),
            "odd": frozenset({"x"}), "unhashable": {1, 2},  # written as their text, as json's default hook gives
            "actions": [ActionRow("A1", "Send <terms> & price", "M1", "Vendor", "Ann", due, "Open", 7),
                        ActionRow("A2", "Call", "", "Customer", "Bo", None, "Open", 0)],
            "milestones": [MilestoneRow("M1", "Kickoff", "Joint", "Ann", due, due, "Open", None, 7)],
            "risks": [], "drift": [], "score": 80, "band": "At risk"}


def _standard(s: dict) -> str:
    return json.dumps(s, default=summary._encode, separators=(",", ":"))


def test_a_summary_is_stored_as_the_standard_encoder_writes_it_dates_and_odd_values_included():
    s = _summary()
    for _ in range(2):  # the second time its dates are ones the encoder has met
        assert zlib.decompress(summary.dumps(s)).decode() == _standard(s)
    assert summary.loads(summary.dumps(s))["close_date"] == dt.date(2026, 11, 20)


def test_a_summary_and_its_light_form_stored_together_are_each_as_stored_alone():
    s = _summary()
    light = summary.light(s) | {"milestones": []}
    whole, stored = summary.dumps_pair(s, light)
    assert zlib.decompress(whole).decode() == _standard(s)
    assert zlib.decompress(stored).decode() == _standard(light)
    assert [a.id for a in summary.loads(stored)["actions"]] == ["A1"]  # only the overdue action
