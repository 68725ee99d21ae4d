"""Completeness: the plan holds what a MAP includes, as the guide lists it.

"The MAP typically includes: key milestones, action items, timelines, roles and responsibilities,
outcomes and KPIs", built around "the customer's goals, challenges, and what they aim to achieve".
"""

from __future__ import annotations

from typing import Iterator

from .base import Context, Family, Hit, Severity, label, lowered, plural
from .registry import rule

_DEAL_FIELDS = {"deal": "deal name", "customer": "customer", "seller_owner": "seller owner"}


def _blank(value: object) -> bool:
    return value is None or not str(value).strip()


def _has_overview_field(ctx: Context, key: str) -> bool:
    # A field whose label is missing is already reported by MAP002; its emptiness is not news.
    return key in ctx.plan.overview_cells


def _too_vague(text: object, ctx: Context) -> bool:
    words = str(text or "").split()
    vague = lowered(ctx, "vague_words")
    return len(words) < ctx["min_goal_words"] or " ".join(words).lower().strip(".!") in vague


@rule("MAP101", "goals-missing", Family.COMPLETENESS, Severity.ERROR,
      why="\"Understand the customer's goals and needs ... The MAP should be designed around solving the customer's "
          "specific pain points and achieving their desired outcomes.\"",
      bad="Customer goals: TBD", good="Customer goals: Replace spreadsheet forecasting before spring planning; "
                                      "cut forecast error by half.",
      fix="Write the customer's goals in their own words, with what they want to achieve and by when.",
      settings=("min_goal_words", "vague_words"))
def goals_missing(ctx: Context) -> Iterator[Hit]:
    """The customer's goals are not stated."""
    if not _has_overview_field(ctx, "goals"):
        return
    goals = ctx.plan.field("goals")
    if _blank(goals):
        yield Hit(ctx.plan.field_loc("goals"), "the customer's goals are empty; write what the customer wants to "
                                               "achieve, in their words")
    elif _too_vague(goals, ctx):
        yield Hit(ctx.plan.field_loc("goals"), f"'{goals}' does not state a goal; write what the customer wants to "
                                               "achieve and by when")


@rule("MAP102", "compelling-event-missing", Family.COMPLETENESS, Severity.WARNING,
      why="\"After a clear timeline is established ... outline the steps needed to meet the deadlines defined by the "
          "customer's desired timeline.\" Without a reason to act now, dates slip.",
      bad="Compelling event: (empty)", good="Compelling event: the legacy tool's licence ends 31 January.",
      fix="Write the date-bound reason the customer must act now (a renewal, a launch, a regulation).")
def compelling_event_missing(ctx: Context) -> Iterator[Hit]:
    """No compelling event (why now) is written down."""
    if _has_overview_field(ctx, "compelling_event") and _blank(ctx.plan.field("compelling_event")):
        yield Hit(ctx.plan.field_loc("compelling_event"), "no compelling event: write the date-bound reason the "
                                                          "customer must act now")


@rule("MAP103", "too-few-milestones", Family.COMPLETENESS, Severity.WARNING,
      why="\"Define the key milestones and objectives: Break down the entire process into key milestones ... contract "
          "review, solution demos, procurement, approvals, implementation stages, or final decision points.\"",
      bad="A plan with one milestone, 'Signature'.",
      good="Milestones for the demo, the evaluation, the security and legal review, procurement and signature.",
      fix="Add the milestones between today and signature (mapsheet new proposes the standard ones).",
      settings=("min_milestones",))
def too_few_milestones(ctx: Context) -> Iterator[Hit]:
    """The plan has fewer milestones than a path to signature needs (an error when it has none)."""
    table = ctx.plan.tables["milestones"]
    if table.sheet is None:
        return
    n = len(table)
    if n < ctx["min_milestones"]:
        # None at all is a missing part of the plan, not a short one.
        yield Hit(table.header_loc("name"), f"the plan has {plural(n, 'milestone')}; break the path to signature into "
                                            f"at least {ctx['min_milestones']} (demo, evaluation, reviews, "
                                            "procurement, signature)", severity=Severity.ERROR if n == 0 else None)


@rule("MAP104", "no-actions", Family.COMPLETENESS, Severity.ERROR,
      why="\"Outline action items for both parties: List specific tasks or actions that both the customer and the "
          "sales team must complete to move forward.\"",
      bad="An Actions tab with no rows.", good="Actions for each milestone, owned by people on both sides.",
      fix="List the concrete tasks of each milestone, each with an owner, a party and a due date.")
def no_actions(ctx: Context) -> Iterator[Hit]:
    """The plan has no action items."""
    table = ctx.plan.tables["actions"]
    if table.sheet is not None and table.header_row is not None and not table.records:
        yield Hit(table.header_loc("action"), "the plan has no action items; list what each side must do for each "
                                              "milestone")


@rule("MAP105", "no-stakeholders", Family.COMPLETENESS, Severity.WARNING,
      why="\"Roles and responsibilities: Clarification on who is responsible for what actions\"; \"Identify and involve "
          "all relevant decision-makers and influencers from the start.\"",
      bad="A Stakeholders tab with no rows.", good="The champion, the economic buyer, legal, security and procurement "
                                                   "listed with their roles.",
      fix="List the people on both sides who take part in the decision, with their roles.")
def no_stakeholders(ctx: Context) -> Iterator[Hit]:
    """No stakeholders are listed."""
    table = ctx.plan.tables["stakeholders"]
    if table.sheet is not None and table.header_row is not None and not table.records:
        yield Hit(table.header_loc("name"), "no stakeholders are listed; name the people on both sides and their "
                                            "role in the decision")


@rule("MAP106", "no-outcomes", Family.COMPLETENESS, Severity.WARNING,
      why="\"Outcomes and KPIs: Metrics or key performance indicators to track progress and success.\"",
      bad="An Outcomes tab with no rows.", good="Forecast accuracy: baseline 68%, target 85%, measured by 30 Jun 2027.",
      fix="Write the measurable results the customer is buying, with a baseline and a target.")
def no_outcomes(ctx: Context) -> Iterator[Hit]:
    """No outcomes or KPIs are written down."""
    table = ctx.plan.tables["outcomes"]
    if table.sheet is not None and table.header_row is not None and not table.records:
        yield Hit(table.header_loc("metric"), "no outcomes or KPIs; write the measurable results the customer is "
                                              "buying, with a target")


@rule("MAP107", "outcome-without-target", Family.COMPLETENESS, Severity.WARNING,
      why="\"Outcomes and KPIs: Metrics or key performance indicators to track progress and success\": a metric "
          "without a target tracks nothing.",
      bad="Metric: Forecast accuracy, Target: (empty)", good="Metric: Forecast accuracy, Target: 85%",
      fix="Give the metric a target value both sides agree on.")
def outcome_without_target(ctx: Context) -> Iterator[Hit]:
    """An outcome has no target."""
    for rec in ctx.plan.outcomes:
        if "target" in rec.columns and _blank(rec.values.get("target")):
            yield Hit(rec.loc("target"), f"outcome {label(rec)} has no target; agree the value that means success")


@rule("MAP108", "close-date-missing", Family.COMPLETENESS, Severity.ERROR,
      why="\"Timelines: Deadlines or timeframes for the completion of tasks or milestones\"; every date of the plan "
          "works back from when both sides aim to sign.",
      bad="Target close date: (empty)", good="Target close date: 29 Jan 2027",
      fix="Enter the date both sides aim to sign.")
def close_date_missing(ctx: Context) -> Iterator[Hit]:
    """The target close date is empty."""
    plan = ctx.plan
    # A close date that is there but not a date is MAP005's finding.
    unreadable = any(p.field == "close_date" for p in plan.problems)
    if _has_overview_field(ctx, "close_date") and plan.close_date is None and not unreadable:
        yield Hit(plan.field_loc("close_date"), "no target close date; enter the date both sides aim to sign")


@rule("MAP109", "success-criteria-missing", Family.COMPLETENESS, Severity.INFO,
      why="\"Misaligned expectations: Differences between what the customer expects and what the sales team delivers "
          "can cause frustration\"; success criteria agreed up front prevent it.",
      bad="Success criteria: (empty)", good="Success criteria: trial scorecard of 4/5 or better; payback under 12 months.",
      fix="Write how both sides will know the purchase worked.")
def success_criteria_missing(ctx: Context) -> Iterator[Hit]:
    """No success criteria are written down."""
    if _has_overview_field(ctx, "success_criteria") and _blank(ctx.plan.field("success_criteria")):
        yield Hit(ctx.plan.field_loc("success_criteria"), "no success criteria; write how both sides will know the "
                                                          "purchase worked")


@rule("MAP110", "deal-fields-missing", Family.COMPLETENESS, Severity.ERROR,
      why="\"Roles and responsibilities\": a plan must say whose deal it is and with whom; the roll-up groups deals "
          "by customer and owner.",
      bad="Seller owner: (empty)", good="Seller owner: Dana Reyes",
      fix="Fill in the deal name, the customer and the seller who owns the plan.")
def deal_fields_missing(ctx: Context) -> Iterator[Hit]:
    """The deal name, customer or seller owner is empty."""
    for key, what in _DEAL_FIELDS.items():
        if _has_overview_field(ctx, key) and _blank(ctx.plan.field(key)):
            yield Hit(ctx.plan.field_loc(key), f"the {what} is empty; fill it in so the plan can be found and rolled up")


@rule("MAP111", "outcome-without-baseline", Family.COMPLETENESS, Severity.INFO,
      why="\"Outcomes and KPIs: Metrics ... to track progress and success\": progress is measured from a baseline.",
      bad="Metric: Hours of manual reporting per week, Baseline: (empty), Target: 10",
      good="Metric: Hours of manual reporting per week, Baseline: 40, Target: 10",
      fix="Write today's value of the metric so progress can be measured.")
def outcome_without_baseline(ctx: Context) -> Iterator[Hit]:
    """An outcome has no baseline."""
    for rec in ctx.plan.outcomes:
        if "baseline" in rec.columns and _blank(rec.values.get("baseline")):
            yield Hit(rec.loc("baseline"), f"outcome {label(rec)} has no baseline; write today's value so progress "
                                           "can be measured")
