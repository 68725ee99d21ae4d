"""The typed plan: a record's template fields read as attributes, as rules and scripts use them."""

from __future__ import annotations

import pytest

from mapsheet.backends.memory import draft_workbook
from mapsheet.parse import parse_plan

from rules.base_plan import base_plan


def test_a_records_fields_are_its_attributes():
    plan = parse_plan(draft_workbook(base_plan()))
    action = plan.actions[0]
    assert (action.id, action.owner, action.party, action.status) == ("A1", "Lee Park", "Customer", "Done")
    assert action.milestone == ["M1"]
    assert plan.milestones[0].name == plan.milestones[0].values["name"]
    assert (action.table, action.sheet) == ("actions", "Actions")  # the record's own attributes come first


def test_a_field_the_row_does_not_have_is_no_attribute():
    plan = parse_plan(draft_workbook(base_plan()))
    action = plan.actions[0]
    assert not hasattr(action, "likelihood")  # a field of the Risks tab, not of an action
    assert getattr(action, "likelihood", "none") == "none"
    with pytest.raises(AttributeError, match="likelihood"):
        action.likelihood
    with pytest.raises(AttributeError):
        action.not_a_field
