"""Structure: the plan has the template's tabs and columns, and its values have the right types.

These rules report what the reader could not understand (``Plan.problems``): "the template is broken",
kept apart from "the plan is weak" (the other families), as pandera keeps schema errors apart from
data errors.
"""

from __future__ import annotations

from typing import Iterator

from ..foreign.applicability import missing, what
from ..model import ProblemKind
from ..template.spec import KNOWN_TEMPLATE_VERSIONS
from .base import Context, Family, Hit, Severity
from .registry import all_rules, rule

_WHY_STRUCTURE = ("The guide asks for a MAP that \"includes key milestones, action items, timelines, roles and "
                  "responsibilities, outcomes and KPIs\"; mapsheet can only check, score and roll up what it can read.")


def _problems(ctx: Context, *kinds: ProblemKind):
    return [p for p in ctx.plan.problems if p.kind in kinds]


@rule("MAP001", "missing-tab", Family.STRUCTURE, Severity.ERROR, why=_WHY_STRUCTURE,
      bad="A plan without an 'Actions' tab (the action items were typed on the Milestones tab).",
      good="Every tab of the template is there: Overview, Milestones, Actions, Stakeholders, Risks, Check-ins, Outcomes.",
      fix="Add the tab back (copy it from templates/mutual-action-plan.xlsx) or rename your tab to the template's name.")
def missing_tab(ctx: Context) -> Iterator[Hit]:
    """A tab of the template is missing."""
    for p in _problems(ctx, ProblemKind.MISSING_SHEET):
        yield Hit(p.location, f"the plan has no '{p.location.sheet}' tab{_detail(p.expected)}; add the tab from the "
                              f"template or rename yours to '{p.location.sheet}'")


def _detail(expected: str) -> str:
    """The description in "a 'Risks' tab (what could delay the deal)", as " (what could delay the deal)"."""
    return f" ({expected.split('(', 1)[1]}" if "(" in expected else ""


@rule("MAP002", "missing-column", Family.STRUCTURE, Severity.ERROR, why=_WHY_STRUCTURE,
      bad="The Actions tab has no 'Due' column, so no action has a deadline mapsheet can see.",
      good="The Actions tab has ID, Action, Milestone, Party, Owner, Due, Status and Completed on.",
      fix="Add the column back with the template's header (or a known synonym such as 'Deadline').")
def missing_column(ctx: Context) -> Iterator[Hit]:
    """A required column (or Overview field) is missing."""
    for p in _problems(ctx, ProblemKind.MISSING_COLUMN, ProblemKind.MISSING_FIELD):
        if p.value:  # an extra column holds what the missing one would
            header = p.expected.split("'")[1]
            yield Hit(p.location, f"there is no {p.expected.split(' ', 1)[1]}, but column '{p.value}' holds what it "
                                  f"would; rename that header '{header}'")
        else:
            yield Hit(p.location, f"expected {p.expected}; add it back with the template's name")


@rule("MAP003", "renamed-column", Family.STRUCTURE, Severity.INFO,
      why="Roll-ups that match columns by name break silently when a header is renamed (Smartsheet, Power Query). "
          "mapsheet accepts known synonyms but says so, so the template stays the same for everyone.",
      bad="The Actions tab calls the owner column 'Responsible'.",
      good="The Actions tab keeps the template's header 'Owner'.",
      fix="Rename the header back to the template's name.")
def renamed_column(ctx: Context) -> Iterator[Hit]:
    """A column is found under another name than the template's."""
    for p in _problems(ctx, ProblemKind.RENAMED_COLUMN):
        yield Hit(p.location, f"header '{p.value}' was read as {p.expected}; rename it back so every plan and "
                              "the roll-up use the same names")


@rule("MAP004", "extra-column", Family.STRUCTURE, Severity.INFO,
      why="Extra columns are kept, but they are not checked or rolled up; the guide warns against "
          "\"overloading the plan with unnecessary details\".",
      bad="An 'Internal notes' column on the Actions tab that the buyer can read.",
      good="Only the template's columns, or extra columns you need and know are not checked.",
      fix="Keep it if you need it (mapsheet leaves it alone), or move private notes out of the shared plan.")
def extra_column(ctx: Context) -> Iterator[Hit]:
    """A column the template does not have (kept, not checked)."""
    for p in _problems(ctx, ProblemKind.EXTRA_COLUMN):
        yield Hit(p.location, f"column '{p.value}' is not part of the template: it is kept but not checked or "
                              "rolled up")


@rule("MAP005", "not-a-date", Family.STRUCTURE, Severity.ERROR,
      why="\"Set realistic timelines: establish achievable deadlines for each action item and milestone.\" "
          "A date written as text cannot be tracked or sorted.",
      bad="Due: 'next week'", good="Due: 4 Dec 2026",
      fix="Enter a real date (the cell's dropdown calendar, or 2026-12-04).")
def not_a_date(ctx: Context) -> Iterator[Hit]:
    """A date cell holds something that is not a date."""
    for p in _problems(ctx, ProblemKind.BAD_DATE):
        yield Hit(p.location, f"'{p.value}' is not a date; enter {p.expected}")


@rule("MAP006", "not-a-number", Family.STRUCTURE, Severity.WARNING, why=_WHY_STRUCTURE,
      bad="Deal value: 'about 100k?'", good="Deal value: 100000",
      fix="Enter a plain number; put the currency in the Currency field.")
def not_a_number(ctx: Context) -> Iterator[Hit]:
    """A number cell holds something that is not a number."""
    for p in _problems(ctx, ProblemKind.BAD_NUMBER):
        yield Hit(p.location, f"'{p.value}' is not a number; enter {p.expected}")


@rule("MAP007", "not-in-list", Family.STRUCTURE, Severity.ERROR,
      why="Statuses, parties and roles come from fixed lists so both sides read them the same way and progress "
          "can be tracked (\"provide visibility into the process\").",
      bad="Status: 'Waiting on legal'", good="Status: Blocked (and the reason in Notes)",
      fix="Pick a value from the cell's dropdown.")
def not_in_list(ctx: Context) -> Iterator[Hit]:
    """A value is not one of the template's list values."""
    for p in _problems(ctx, ProblemKind.NOT_IN_LIST):
        yield Hit(p.location, f"'{p.value}' is not allowed here; pick {p.expected}")


@rule("MAP008", "duplicate-id", Family.STRUCTURE, Severity.ERROR, why=_WHY_STRUCTURE,
      bad="Two actions with ID A4.", good="IDs A1, A2, A3... each used once.",
      fix="Give the row an id no other row of the tab uses.")
def duplicate_id(ctx: Context) -> Iterator[Hit]:
    """Two rows of a tab share an id."""
    for p in _problems(ctx, ProblemKind.DUPLICATE_ID):
        yield Hit(p.location, f"id '{p.value}' is used by another row; give this row {p.expected.replace('an id', 'a new id')}")


@rule("MAP009", "dangling-reference", Family.STRUCTURE, Severity.ERROR,
      why="\"Break down the sales process into manageable milestones\": an action must belong to a milestone "
          "that exists, and a dependency must name a real milestone.",
      bad="Action A7 belongs to milestone M12, but there is no M12.",
      good="Action A7 belongs to milestone M5 'Security and legal review'.",
      fix="Use an id from the Milestones tab, or add the missing milestone.")
def dangling_reference(ctx: Context) -> Iterator[Hit]:
    """A milestone reference names no existing milestone."""
    for p in _problems(ctx, ProblemKind.DANGLING_REFERENCE):
        yield Hit(p.location, f"'{p.value}' is not a milestone id; use {p.expected}")


@rule("MAP010", "template-version", Family.STRUCTURE, Severity.WARNING, why=_WHY_STRUCTURE,
      bad="Template version: 0.7 (or the field was deleted).",
      good=f"Template version: {KNOWN_TEMPLATE_VERSIONS[-1]}",
      fix="Start from the current template (mapsheet new) or restore the Template version field.")
def template_version(ctx: Context) -> Iterator[Hit]:
    """The plan's template version is unknown or missing."""
    for p in _problems(ctx, ProblemKind.UNKNOWN_VERSION):
        yield Hit(p.location, f"template version '{p.value}' is not one mapsheet knows ({p.expected}); "
                              "checks may misread it")
    plan = ctx.plan
    if plan.overview_sheet and plan.field("template_version") is None:
        yield Hit(plan.field_loc("template_version"), "no template version is recorded; restore the "
                                                      "'Template version' field from the template",
                  severity=Severity.INFO)


@rule("MAP011", "formula-error", Family.STRUCTURE, Severity.ERROR, why=_WHY_STRUCTURE,
      bad="Due: #REF! (the formula's source row was deleted)", good="Due: 4 Dec 2026",
      fix="Fix or replace the formula; a buyer must never see #REF! in a shared plan.")
def formula_error(ctx: Context) -> Iterator[Hit]:
    """A cell shows a formula error such as #REF!."""
    for p in _problems(ctx, ProblemKind.ERROR_VALUE):
        yield Hit(p.location, f"the cell shows {p.value}; fix the formula or type the value")


@rule("MAP012", "foreign-layout", Family.STRUCTURE, Severity.INFO,
      why="Most teams already keep their MAP in a sheet of their own. mapsheet reads it as it is, but checks that "
          "need what the layout does not hold (a risk list, check-ins, statuses) cannot run; saying so once is "
          "more useful than an error for every tab the layout never had.",
      bad="A vendor's one-sheet MAP (Milestone, Owner (Customer / Vendor), Due Date, Status) checked as it is.",
      good="The same plan after `mapsheet import`: every check of the template applies.",
      fix="Run `mapsheet import YOUR-SHEET.xlsx` to get the standard template with your values in it, then fill "
          "in what the checks that could not run need.")
def foreign_layout(ctx: Context) -> Iterator[Hit]:
    """The plan is not made from the mapsheet template, so only some checks apply."""
    plan = ctx.plan
    if plan.reading is None:
        return
    codes = sorted(all_rules())
    lacking: dict[str, list[str]] = {}
    for code in codes:
        for need in missing(code, plan):
            lacking.setdefault(need, []).append(code)
    not_run = {c for cs in lacking.values() for c in cs}
    reasons = "; ".join(f"{what(need)} ({len(cs)})" for need, cs in sorted(lacking.items(), key=lambda kv: -len(kv[1])))
    name = plan.source.replace("\\", "/").rsplit("/", 1)[-1]
    source = name if name.lower().endswith((".xlsx", ".xlsm", ".csv")) else "YOUR-SHEET.xlsx"
    yield Hit(plan.field_loc("deal") if "deal" in plan.overview_cells else _first_cell(ctx),
              f"not the mapsheet template: {len(codes) - len(not_run)} of {len(codes)} checks apply; run `mapsheet "
              f"import {source}` to get them all. Checks that could not run for want of: {reasons}")


def _first_cell(ctx: Context):
    from ..grid import Location

    steps = ctx.plan.tables["actions"]
    if steps.sheet is not None and steps.header_row is not None:
        return Location(steps.sheet, steps.header_row, min(steps.columns.values(), default=0))
    return Location(ctx.plan.overview_sheet or (ctx.plan.sheet_names[:1] or ["Sheet1"])[0])
