"""A plan's summary rows (summary.plan_summary) as the record's own words say them: which actions and milestones
are open (``Record.is_closed``), their texts (``summary._text``) and days overdue (``overdue``), whatever the types
of the values read."""

from __future__ import annotations

import datetime as dt

from mapsheet.model import Plan, Record, TableData
from mapsheet.sync import summary

TODAY = dt.date(2026, 11, 27)
TABLES = ("milestones", "actions", "stakeholders", "risks", "checkins", "outcomes")


def make_plan(actions: list[dict], milestones: list[dict]) -> Plan:
    plan = Plan(source="p.xlsx", tables={key: TableData(key, key.title()) for key in TABLES})
    plan.tables["actions"].records = [Record("actions", "Actions", i + 1, v) for i, v in enumerate(actions)]
    plan.tables["milestones"].records = [Record("milestones", "Milestones", i + 1, v) for i, v in enumerate(milestones)]
    return plan


def overdue(due: dt.date | None, closed: bool) -> int:
    """Days a step due on ``due`` is overdue on TODAY: none when it is closed or has no due date."""
    return 0 if closed or due is None or due >= TODAY else (TODAY - due).days


VALUES = [None, "", "Done", "Cancelled", "In progress", 7, 2.5, True, dt.date(2026, 11, 1), " x "]
DUES = [None, dt.date(2026, 11, 20), dt.date(2026, 11, 27), dt.date(2027, 1, 5), dt.date(2026, 10, 2)]


def test_rows_are_those_the_records_give_one_value_at_a_time():
    actions = [{"id": VALUES[i % 10], "action": VALUES[(i + 3) % 10], "party": VALUES[(i + 5) % 10],
                "owner": VALUES[(i + 7) % 10], "status": VALUES[(i * 3) % 10], "due": DUES[i % 5],
                "milestone": [["M1", "M9"], [], None][i % 3]} for i in range(40)]
    milestones = [{"id": "M1", "name": "Kick-off", "side": VALUES[i % 10], "owner": VALUES[(i + 1) % 10],
                   "status": VALUES[(i * 7) % 10], "due": DUES[i % 5], "start": DUES[(i + 1) % 5],
                   "completed": None} for i in range(20)]
    plan = make_plan(actions, milestones)
    made = summary.plan_summary(plan, "p.xlsx", TODAY)

    names = {"M1": "Kick-off"}
    expected_actions = []
    for a in plan.actions:
        if a.is_closed:
            continue
        v, text = a.values, summary._text
        ids = v.get("milestone")
        expected_actions.append(summary.ActionRow(
            text(v.get("id")), text(v.get("action")), ", ".join(str(names.get(i) or i) for i in ids) if ids else "",
            text(v.get("party")), text(v.get("owner")), v.get("due"), text(v.get("status")),
            overdue(v.get("due"), False)))
    assert made["actions"] == expected_actions
    assert [type(a) for a in made["actions"]] == [summary.ActionRow] * len(expected_actions)
    assert any(a.days_overdue for a in made["actions"]) and any(not a.days_overdue for a in made["actions"])
    assert {(a.due, a.days_overdue) for a in made["actions"] if a.due} == {  # 20 Nov and 2 Oct: 7 and 56 days
        (dt.date(2026, 11, 20), 7), (dt.date(2026, 11, 27), 0), (dt.date(2027, 1, 5), 0), (dt.date(2026, 10, 2), 56)}

    expected_milestones = [summary.MilestoneRow(
        *[summary._text(m.values.get(k)) for k in ("id", "name", "side", "owner")], m.values.get("start"),
        m.values.get("due"), summary._text(m.values.get("status")), None,
        overdue(m.values.get("due"), m.is_closed)) for m in plan.milestones]
    assert made["milestones"] == expected_milestones

    counted = [a for a in plan.actions if a.values.get("status") != "Cancelled"]
    assert made["pct_done"] == sum(a.values.get("status") == "Done" for a in counted) / len(counted)


def test_a_plan_whose_actions_are_all_cancelled_has_no_share_done():
    plan = make_plan([{"status": "Cancelled"}, {"status": "Cancelled"}], [])
    assert summary.plan_summary(plan, "p.xlsx", TODAY)["pct_done"] is None
    assert summary.plan_summary(plan, "p.xlsx", TODAY)["actions"] == []
