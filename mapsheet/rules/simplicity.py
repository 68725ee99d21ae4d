"""Simplicity: a plan short and plain enough that the customer reads it and keeps it up.

"Overcomplicating the MAP: A MAP that is too complex or detailed may overwhelm the customer or slow down
progress ... Avoid overloading the plan with unnecessary details and stick to the most important milestones
and tasks." Vendors report that plans past about 30 steps do no better than no plan.
"""

from __future__ import annotations

from typing import Iterator

from ..model import Record
from .base import Band, Context, Family, Hit, Severity, label
from .registry import rule

_WHY_SIMPLE = ("\"Overcomplicating the MAP: A MAP that is too complex or detailed may overwhelm the customer or slow "
               "down progress ... stick to the most important milestones and tasks.\"")


def _too_many(ctx: Context, table_key: str, header: str, most: int, advice: str,
              band: Band | None = None) -> Iterator[Hit]:
    """A plan-level finding on the table's header when it has more than ``most`` rows."""
    table = ctx.plan.tables[table_key]
    if len(table) > most:
        yield Hit(table.header_loc(header), f"the plan has {len(table)} {table_key}, more than {most}; {advice}",
                  band=band)


@rule("MAP901", "too-many-actions", Family.SIMPLICITY, Severity.WARNING,
      why=_WHY_SIMPLE + " Vendors report that plans past about 30 steps do no better than no plan at all.",
      bad="An Actions tab of 31 rows, including internal steps such as 'Update the CRM'.",
      good="12 actions: the steps both sides must take to reach signature, each with an owner and a date.",
      fix="Keep the steps that move the deal; merge small ones, and move internal to-dos to your own task list.",
      settings=("max_actions",))
def too_many_actions(ctx: Context) -> Iterator[Hit]:
    """The plan has more actions than a customer will follow."""
    # "No better than no plan": a plan nobody can follow is at risk whatever else it gets right.
    yield from _too_many(ctx, "actions", "action", ctx["max_actions"],
                         "merge small steps and move internal to-dos out of the shared plan", band=Band.AT_RISK)


@rule("MAP902", "too-many-milestones", Family.SIMPLICITY, Severity.WARNING, why=_WHY_SIMPLE,
      bad="13 milestones, with 'Send the agenda' and 'Book the meeting room' among them.",
      good="7 milestones: discovery, demo, evaluation, security and legal review, procurement, signature, kickoff.",
      fix="Keep milestones for the big steps and decision points; turn the small ones into actions.",
      settings=("max_milestones",))
def too_many_milestones(ctx: Context) -> Iterator[Hit]:
    """The plan has more milestones than big steps."""
    yield from _too_many(ctx, "milestones", "name", ctx["max_milestones"],
                         "keep the big steps and decision points and make the small ones actions")


@rule("MAP903", "owner-overloaded", Family.SIMPLICITY, Severity.INFO,
      why=_WHY_SIMPLE + " One person holding a long list of open items is where a plan slows down.",
      bad="Sam Turner owns 11 open actions (at most 10 expected).",
      good="Open actions spread over the people who will do them; nobody holds more than 10.",
      fix="Share the work out to the people who will really do it, or cut the steps that do not move the deal.",
      settings=("max_open_per_owner",))
def owner_overloaded(ctx: Context) -> Iterator[Hit]:
    """One person owns too many open actions."""
    most = ctx["max_open_per_owner"]
    if len(ctx.open_actions) <= most:  # nobody can own too many (most plans)
        return
    by_owner: dict[str, list[Record]] = {}
    for a in ctx.open_actions:
        if "status" not in a.columns:  # MAP002: nothing can be called open
            return
        owner = str(a.values.get("owner") or "").strip()
        if owner:
            by_owner.setdefault(owner.casefold(), []).append(a)
    for actions in by_owner.values():
        if len(actions) > most:
            first = actions[0]
            yield Hit(first.loc("owner"), f"{first.values['owner']} owns {len(actions)} open actions, more than "
                                          f"{most}; share them out to the people who will do them, or cut the steps "
                                          "that do not move the deal")


@rule("MAP904", "action-text-too-long", Family.SIMPLICITY, Severity.INFO, why=_WHY_SIMPLE,
      bad="Action A8, 201 characters: 'Return the security questionnaire with the SOC 2 report, after checking "
          "every answer with the product, legal and infrastructure teams, and attach the pen test summary, ...'",
      good="'Return the security questionnaire with the SOC 2 report' (the details go in Notes).",
      fix="Say the task in one short sentence (verb first); move background and sub-steps to Notes.",
      settings=("max_action_chars",))
def action_text_too_long(ctx: Context) -> Iterator[Hit]:
    """An action's text is too long to read at a glance."""
    most = ctx["max_action_chars"]
    for a in ctx.plan.actions:
        text = str(a.values.get("action") or "")
        if len(text) > most:
            yield Hit(a.loc("action"), f"action {label(a)} is {len(text)} characters long (more than {most}); say the "
                                       "task in one short sentence and move the details to Notes")
