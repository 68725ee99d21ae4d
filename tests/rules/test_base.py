"""The rule machinery's shared helpers give what they stand in for."""

from __future__ import annotations

import datetime as dt
import re

from mapsheet.rules.base import POST_SIGNATURE, found_in
from mapsheet.rules.timelines import SIGNATURE

NAMES = ["Implementation kickoff", "IMPLEMENTATION KICK-OFF", "Contract signature", "Security and legal review",
         "Go live", "golive", "Sign-off of the design", "", "Training for admins", "Procurement and approval",
         "Roll out to EMEA", "Signed order form"]


def test_found_in_answers_as_the_search_does_for_each_pattern_and_text():
    # Remembered per pattern and text: asked again, and after another pattern was asked about the same
    # texts, each answer is still that pattern's own.
    for _ in range(2):
        for pattern in (POST_SIGNATURE, SIGNATURE, re.compile("review")):
            assert [found_in(pattern, n) for n in NAMES] == [pattern.search(n) is not None for n in NAMES]
    assert found_in(POST_SIGNATURE, "Implementation kickoff") and not found_in(SIGNATURE, "Implementation kickoff")


def test_dates_in_messages_read_the_same_when_remembered():
    from mapsheet.rules.timelines import _day

    days = [dt.date(2026, 12, 4), dt.date(2027, 1, 29), dt.datetime(2026, 12, 4, 15, 30), dt.date(2026, 12, 4)]
    for _ in range(2):
        assert [_day(d) for d in days] == ["4 Dec 2026", "29 Jan 2027", "4 Dec 2026", "4 Dec 2026"]


def test_owner_table_judges_as_the_owner_tests_do_for_each_customer():
    # The table is kept per check, its judgements across checks: a second plan with another customer must
    # not get the first one's answers (the customer's own name is a placeholder owner).
    from mapsheet.backends.memory import draft_workbook
    from mapsheet.config import Config
    from mapsheet.parse import parse_plan
    from mapsheet.rules.base import Context
    from mapsheet.rules.specific import is_named_person_in, is_placeholder_owner, is_team_name, owners

    from .base_plan import TODAY, base_plan

    settings = Config.default().thresholds
    asked = ["Lee Park", "Northwind Traders", "Contoso", "TBD", "?", "[Name]", "Customer", "Legal", "the sales team",
             "", None, 1, 1.0, True, "Lee Park", "Contoso"]
    for customer in ("Northwind Traders", "Contoso", "Northwind Traders"):
        draft = base_plan()
        draft.overview["customer"] = customer
        ctx = Context(parse_plan(draft_workbook(draft)), TODAY, settings)
        kinds = owners(ctx)
        for _ in range(2):
            for owner in asked:
                kind = kinds[owner]
                assert kind.placeholder == is_placeholder_owner(settings, owner, customer), (customer, owner)
                assert kind.team == is_team_name(settings, owner), (customer, owner)
                assert kind.person == is_named_person_in(settings, owner, customer), (customer, owner)


def test_quick_and_frozen_classes_behave_as_the_frozen_dataclasses_they_stand_in_for():
    # frozen() and quick() make their own __init__ and share the methods that refuse a change: what a user of the
    # class sees (construction, defaults, equality, hashing, repr, refusing changes) is dataclass(frozen=True)'s.
    import dataclasses

    import pytest

    from mapsheet.frozen import frozen, quick
    from mapsheet.grid import Location
    from mapsheet.levels import Family
    from mapsheet.rules.base import Finding, Severity
    from mapsheet.template.spec import SPEC

    @dataclasses.dataclass(frozen=True)
    class Plain:
        a: int
        b: str = "x"

    for make in (quick, frozen):
        @make
        class Made:
            a: int
            b: str = "x"

        for plain in (Plain(1), Plain(1, "y"), Plain(a=2, b="z")):
            made = Made(*dataclasses.astuple(plain))
            assert dataclasses.astuple(made) == dataclasses.astuple(plain) and made.a == plain.a
            assert repr(made) == repr(plain).replace("Plain", "Made")
            assert hash(made) == hash(plain) and made == Made(**dataclasses.asdict(plain)) and made != Made(9)
            for change in (lambda o: setattr(o, "a", 5), lambda o: delattr(o, "b"), lambda o: setattr(o, "new", 1)):
                with pytest.raises(dataclasses.FrozenInstanceError) as made_error:
                    change(made)
                with pytest.raises(dataclasses.FrozenInstanceError) as plain_error:
                    change(plain)
                assert str(made_error.value) == str(plain_error.value)
    finding = Finding("MAP201", "action-owner-missing", Severity.ERROR, Family.SPECIFIC, "m", Location("Actions", 3, 4))
    assert finding.points == 0.0 and finding.costing(2.5).points == 2.5 and finding.costing(0.0) == finding
    assert {finding, finding.costing(0.0)} == {finding}
    field = SPEC.table("actions").field("owner")  # the template described once: its parts frozen alike
    assert dataclasses.replace(field) == field and hash(dataclasses.replace(field)) == hash(field)
    with pytest.raises(dataclasses.FrozenInstanceError):
        field.header = "Responsible"


def test_open_late_and_done_steps_are_those_a_look_at_each_step_finds():
    # The shared views read a step's status themselves rather than through ``Record.is_closed``: they must keep
    # and drop the same steps, whatever the status (closed, open, empty, misspelt) and wherever the due date is.
    from mapsheet.backends.memory import draft_workbook
    from mapsheet.config import Config
    from mapsheet.parse import parse_plan
    from mapsheet.rules.base import Context
    from mapsheet.rules.follow_through import _late
    from mapsheet.rules.ownership import _customer_open

    from .base_plan import TODAY, base_plan

    draft = base_plan()
    statuses = ["Done", "Cancelled", "Blocked", None, "In progress", "done", "Not started", "Cancelled"]
    for i, row in enumerate(draft.tables["actions"] + draft.tables["milestones"]):
        row["status"] = statuses[i % len(statuses)]
        row["due"] = TODAY + dt.timedelta(days=(i % 3 - 1) * 9)  # before, on and after today
    plan = parse_plan(draft_workbook(draft))
    ctx = Context(plan, TODAY, Config.default().thresholds)
    assert ctx.open_actions == tuple(a for a in plan.actions if not a.is_closed)
    assert ctx.open_milestones == tuple(m for m in plan.milestones if not m.is_closed)
    statuses_kept = {r.values["status"] for r in ctx.open_steps}
    assert {r.values["status"] for r in ctx.steps} - statuses_kept == {"Done", "Cancelled"} and len(statuses_kept) > 3
    for table, records in (("actions", plan.actions), ("milestones", plan.milestones)):
        late = [(r, (TODAY - r.values["due"]).days) for r in records if not r.is_closed and r.values["due"] < TODAY]
        assert late and _late(ctx, table) == tuple(late)
    assert list(_customer_open(ctx)) == [a for a in ctx.open_actions if a.values["party"] == "Customer"] != []
    assert ctx.steps_by_status.keys() == {r.values["status"] for r in ctx.steps}
    for status in ctx.steps_by_status:  # each status's steps, in the order of ``steps``
        assert ctx.steps_by_status[status] == [r for r in ctx.steps if r.values["status"] == status]
