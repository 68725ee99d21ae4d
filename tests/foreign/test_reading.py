"""The foreign reader piece by piece: values as people write them, owners and their sides, and tables found
wherever they are, each on a small sheet built for the case."""

from __future__ import annotations

import datetime as dt

import pytest

from mapsheet.foreign import values
from mapsheet.foreign.parties import Sides, read_owner
from mapsheet.grid import Sheet, Workbook
from mapsheet.parse import parse_plan

START = dt.date(2026, 10, 5)
CTX = values.DateContext(plan_start=START, near=START)


@pytest.mark.parametrize("raw, status", [
    ("Pending", "Not started"), ("To do", "Not started"), ("Ready", "Not started"), ("⬜", "Not started"),
    ("On track", "In progress"), ("At risk", "In progress"), ("Delayed", "In progress"), ("Overdue", "In progress"),
    ("Waiting", "Blocked"), ("On hold", "Blocked"), ("✅ Done", "Done"), ("✅", "Done"), ("Complete ✅", "Done"),
    ("Achieved", "Done"), ("100%", "Done"), ("50%", "In progress"), ("0%", "Not started"), (0.5, "In progress"),
    (1, "Done"), (True, "Done"), (False, "Not started"), ("In progress - waiting on legal", "In progress"),
    ("Yes", "Done"), ("🔄 In progress", "In progress"),
])
def test_statuses_as_sheets_write_them(raw, status):
    assert values.status(raw) == status


def test_a_status_nobody_uses_is_not_guessed():
    assert values.status("Purple") is None


@pytest.mark.parametrize("raw, expected", [
    ("11/4/2026", dt.date(2026, 11, 4)), ("24/11/2026", dt.date(2026, 11, 24)), ("Nov 4", dt.date(2026, 11, 4)),
    ("4 Nov", dt.date(2026, 11, 4)), ("11/4", dt.date(2026, 11, 4)), ("Week 3", dt.date(2026, 10, 25)),
    ("Week 3-4", dt.date(2026, 11, 1)), ("Day 10", dt.date(2026, 10, 14)), ("[Date +3]", dt.date(2026, 10, 8)),
    ("Jan 15", dt.date(2027, 1, 15)), ("Mon 11/9", dt.date(2026, 11, 9)), ("Friday, Nov 6", dt.date(2026, 11, 6)),
    ("Nov-4", dt.date(2026, 11, 4)),
])
def test_dates_as_sheets_write_them(raw, expected):
    assert values.date(raw, values.DateContext(plan_start=START, near=dt.date(2026, 11, 9))).value == expected


def test_a_relative_date_without_a_plan_start_is_unresolved_and_says_why():
    reading = values.date("Week 3", values.DateContext())
    assert reading.value is None and "plan's start" in reading.unresolved
    assert "no year" in values.date("Nov 4", values.DateContext()).unresolved


@pytest.mark.parametrize("raw", ["TBD", "tba", "-", "—", "[Date]", "[Name]", "  ", None, "N/A"])
def test_placeholders_are_missing_values(raw):
    assert values.is_placeholder(raw)


def _sides() -> Sides:
    s = Sides()
    s.learn_company("Northwind Traders", "Customer")
    s.learn_company("Contoso", "Vendor")
    return s


@pytest.mark.parametrize("cell, expected", [
    ("Buyer: Priya Shah", [("Priya Shah", "Customer")]),
    ("Raj Iyer (IT)", [("Raj Iyer", "Customer")]),
    ("Lee Park (SE)", [("Lee Park", "Vendor")]),
    ("Priya Shah (Northwind)", [("Priya Shah", "Customer")]),
    ("Sam Turner — Contoso", [("Sam Turner", "Vendor")]),
    ("Sam Turner, Contoso", [("Sam Turner", "Vendor")]),
    ("Us", [("", "Vendor")]), ("Them", [("", "Customer")]), ("Both", [("", "Joint")]),
    ("priya.shah@northwind.com", [("Priya Shah", "Customer")]),
    ("Buyer: Raj Iyer / Seller: Lee Park", [("Raj Iyer", "Customer"), ("Lee Park", "Vendor")]),
    ("Raj Iyer (IT), Lee Park (SE)", [("Raj Iyer", "Customer"), ("Lee Park", "Vendor")]),
    ("Buyer (Raj Iyer)", [("Raj Iyer", "Customer")]),
    ("Dana Cole", [("Dana Cole", None)]),
])
def test_owners_and_their_side(cell, expected):
    assert [(o.name, o.side) for o in read_owner(cell, _sides())] == expected


def _plan(*rows, name="Sheet1", extra=()):
    return parse_plan(Workbook("t.xlsx", [Sheet(name, [list(r) for r in rows]), *extra]))


def test_a_table_deep_in_the_sheet_under_notes_with_an_owner_header_over_two_sides():
    notes = [[f"Note {i}: agreed on the call"] for i in range(35)]
    plan = _plan(*notes, ["Customer:", "Northwind Traders"], [],
                 ["Step", "Owner", None, "Due", "Status"],
                 [None, "Vendor", "Customer", None, None],
                 ["Send the order form", "Sam Turner", None, dt.date(2026, 11, 12), "To do"],
                 ["Sign the order form", None, "Ana Ruiz", dt.date(2026, 11, 20), "Waiting"])
    assert plan.reading is not None
    assert [(a.action, a.owner, a.party, a.status) for a in plan.actions] == [
        ("Send the order form", "Sam Turner", "Vendor", "Not started"),
        ("Sign the order form", "Ana Ruiz", "Customer", "Blocked")]
    assert plan.actions[0].loc("due").a1 == "D40"  # 35 notes, the customer, a blank row, two header rows


def test_a_milestone_column_of_sentences_is_the_steps_text_and_of_names_their_milestone():
    sentences = _plan(["Milestone", "Owner", "Due Date", "Status"],
                      ["Security questionnaire completed by the CISO", "Dana Cole", "11/4/2026", "Completed"],
                      ["Business case presented to the CFO", "Priya Shah", "11/6/2026", "In Progress"])
    assert [a.action for a in sentences.actions] == ["Security questionnaire completed by the CISO",
                                                     "Business case presented to the CFO"]
    assert not sentences.problems
    names = _plan(["Milestone", "Task", "Owner", "Due"],
                  ["Security", "Return the security questionnaire", "Dana Cole", "11/4/2026"],
                  ["Security", "Share the pen test summary", "Lee Park", "11/5/2026"])
    assert [(a.action, a.extra["Milestone (phase)"]) for a in names.actions] == [
        ("Return the security questionnaire", "Security"), ("Share the pen test summary", "Security")]


def test_a_completed_column_of_ticks_is_a_status_and_of_dates_a_completion_date():
    ticks = _plan(["Step", "Name", "Date", "Completed ✓"],
                  ["Send the MSA", "Sam Turner", "11/4/2026", "✓"], ["Sign it", "Ana Ruiz", "11/20/2026", None])
    assert [(a.status, a.completed) for a in ticks.actions] == [("Done", None), ("Not started", None)]
    dates = _plan(["Step", "Owner", "Due", "Status", "Completed"],
                  ["Send the MSA", "Sam Turner", "11/4/2026", "Done", "11/3/2026"])
    assert dates.actions[0].completed == dt.date(2026, 11, 3)


def test_phase_rows_repeated_headers_and_subtotals_are_not_steps():
    plan = _plan(["Task", "Owner", "Due date", "Status"],
                 ["Discovery", None, None, "1/1 completed"],
                 ["Confirm the buying committee", "Priya Shah", "10/16/2026", "Done"],
                 ["Phase 2: Evaluation"],
                 ["Task", "Owner", "Due date", "Status"],
                 ["Run the trial", "Raj Iyer", "11/13/2026", "On track"],
                 ["Total", None, None, "50%"])
    assert [(a.action, a.extra.get("Milestone (phase)")) for a in plan.actions] == [
        ("Confirm the buying committee", "Discovery"), ("Run the trial", "Phase 2: Evaluation")]


def test_deal_fields_in_one_cell_beside_the_table_and_in_a_title():
    plan = _plan(["Northwind Traders × Contoso: mutual action plan", None, None, None, None, None, "Target close",
                  "12/11/2026"],
                 ["Last updated 11/9/2026"], [],
                 ["Item", "Owner", "Date", "Status"],
                 ["Sign the contract", "Buyer: Ana Ruiz", "12/4/2026", "To do"])
    assert plan.field("customer") == "Northwind Traders" and plan.reading.vendor == "Contoso"
    assert plan.close_date == dt.date(2026, 12, 11) and plan.field("last_reviewed") == dt.date(2026, 11, 9)
    assert plan.actions[0].party == "Customer"


def test_an_instructions_tab_is_not_read_for_deal_fields():
    help_tab = Sheet("Instructions", [["Owner: the person who does the step"], ["Customer: the buyer's company"]])
    plan = _plan(["Task", "Owner", "Due", "Status"], ["Sign it", "Ana Ruiz", "12/4/2026", "To do"], extra=[help_tab])
    assert plan.field("seller_owner") is None and plan.field("customer") is None


def test_stand_in_rows_of_an_unfilled_layout_are_not_steps():
    plan = _plan(["Task", "Owner", "Due Date", "Status"], ["[Task 1.1]", "[Name]", "[Date]", None],
                 ["Sign it", "Ana Ruiz", "TBD", "To do"])
    assert [(a.action, a.due) for a in plan.actions] == [("Sign it", None)]
    assert not plan.problems, "TBD is a missing value, not an error"


def test_the_advice_for_a_missing_column_names_the_column_that_holds_it():
    from mapsheet import api
    from mapsheet.backends.memory import draft_workbook
    from tests.rules.base_plan import TODAY, base_plan

    wb = draft_workbook(base_plan())
    actions = wb.sheet("Actions")
    col = next(c for c, v in actions.iter_row(2) if v == "Party")
    actions.rows[2][col] = "Which side"
    result = api.check(wb, today=TODAY)
    message = next(f.message for f in result.findings if f.code == "MAP002")
    assert message == "there is no 'Party' column, but column 'Which side' holds what it would; rename that header 'Party'"


@pytest.mark.parametrize("header, field", [
    ("Key activities (what must happen)", "action"), ("Owner - name", "owner"), ("DATE", "due"), ("When", "due"),
    ("Item", "action"), ("Task owner", "owner"), ("Assigned stakeholders", "owner"), ("Objective", "action"),
    ("Responsible party", "owner"), ("% Complete", "status"), ("Done?", "status"), ("Buyer Owner", "owner"),
    ("Responsible (Vendor/Customer)", "owner"), ("Owner: Customer / Your company", "owner"),
])
def test_headers_as_sheets_write_them(header, field):
    from mapsheet.foreign.tables import header_fields

    assert field in header_fields(header)


def test_one_cell_naming_both_sides_owners_in_the_headers_order():
    plan = _plan(["Activity", "Responsible (Vendor/Customer)", "Due", "Status"],
                 ["Return the redlines", "/ Maria Lopez", "11/20/2026", "To do"],
                 ["Send the order form", "Sam Turner /", "11/12/2026", "To do"])
    assert [(a.owner, a.party) for a in plan.actions] == [("Maria Lopez", "Customer"), ("Sam Turner", "Vendor")]
