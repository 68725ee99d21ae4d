"""Whatever a user types into a plan, reading and checking it never crashes, and every problem points at
the very cell that holds the value it complains about."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapsheet.backends.memory import draft_workbook
from mapsheet.check import check_plan
from mapsheet.model import ProblemKind
from mapsheet.parse import parse_plan, to_id

from conftest import TODAY
from rules.base_plan import base_plan

values = st.one_of(
    st.none(), st.text(max_size=30), st.integers(-10**9, 10**9), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
    st.sampled_from(["#REF!", "#N/A", "=A1+1", "TBD", "Done", "done ", "Customer", "  ", "M1, M2", "M99", "A1"]),
)
# (sheet, row, col) inside and around the template's tables: headers (row 2), data rows, extra columns.
cells = st.tuples(st.sampled_from(["Overview", "Milestones", "Actions", "Stakeholders", "Risks", "Check-ins",
                                   "Outcomes"]), st.integers(0, 30), st.integers(0, 12))


# derandomize: the same 400 cases on every run, so CI never fails by chance.
@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(cells, values), max_size=25))
def test_any_typed_value_is_a_located_problem_never_a_crash(edits):
    wb = draft_workbook(base_plan())
    for (sheet_name, row, col), value in edits:
        sheet = wb.sheet(sheet_name)
        while len(sheet.rows) <= row:
            sheet.rows.append([])
        sheet.rows[row] += [""] * (col + 1 - len(sheet.rows[row]))
        sheet.rows[row][col] = "" if value is None else value
    plan = parse_plan(wb)
    result = check_plan(plan, today=TODAY)
    assert 0 <= result.score.total <= 100
    assert not [f for f in result.findings if f.code == "MAP000"], "a rule crashed"
    for p in plan.problems:
        if p.location.row is not None and p.location.col is not None and p.value not in (None, ""):
            held = wb.sheet(p.location.sheet).value(p.location.row, p.location.col)
            if p.kind is ProblemKind.DANGLING_REFERENCE:  # names the one unknown id among the cell's ids
                assert str(p.value) in to_id(held), (p, held)
            else:
                assert held == p.value or str(held).strip() == str(p.value).strip(), (p, held)
