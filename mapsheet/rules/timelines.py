"""Realistic timelines: dates that fit together, leave room before the close, and do not all land at once.

The guide: "Set realistic timelines: Establish achievable deadlines for each action item and milestone,
considering potential delays and customer constraints"; "Unrealistic timelines: Setting overly ambitious
timelines can lead to missed deadlines and frustrations"; a timeline "also helps identify potential
bottlenecks early".
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from functools import lru_cache
from typing import Iterator

from ..model import Record
from ..template.spec import CLOSED_STAGES
from .base import Band, Context, Family, Hit, Severity, found_in, is_closed, label, per_check, per_value, plural
from .registry import rule
from .specific import describe

_WHY_REALISTIC = ("The guide: \"Set realistic timelines: Establish achievable deadlines for each action item and "
                  "milestone, considering potential delays and customer constraints.\"")
_WHY_UNREALISTIC = ("The guide lists \"Unrealistic timelines\" among the common failures: \"Setting overly ambitious "
                    "timelines can lead to missed deadlines and frustrations.\"")
#: The signature milestone itself is due on the close date; every other pre-signature milestone needs a buffer.
SIGNATURE = re.compile(r"\bcontract|\bsign(?:ature|ing|ed)?\b(?![- ]?off\b)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _day(date: dt.date) -> str:
    """'4 Dec 2026' (remembered: formatting a date is slow, and a sync's plans share their dates)."""
    return f"{date.day} {date:%b %Y}"


_first = operator.itemgetter(0)


@per_check
def _open_with_due(ctx: Context) -> tuple[tuple[dt.date, Record], ...]:
    """(due date, step) of the open steps that have one, milestones then actions."""
    return tuple([(due, r) for r in ctx.open_steps if (due := r.values.get("due")) is not None])


@per_value
def _dated(ctx: Context, ident: str) -> Record | None:
    """``_dated(ctx)[ident]``: the milestone ``ident`` names when it is not cancelled and has a due date."""
    m = ctx.milestone(ident)
    if m is not None and m.values.get("status") != "Cancelled" and m.values.get("due") is not None:
        return m
    return None


def _with_dues(milestones: list[Record]) -> str:
    return ", ".join(f"{label(m)} (due {_day(m.values['due'])})" for m in milestones)


@rule("MAP401", "due-after-close", Family.TIMELINES, Severity.WARNING,
      why=_WHY_REALISTIC + " Everything the deal needs before signature must be due by the target close date; work "
          "meant for after signature (kickoff, implementation, go-live) is not reported.",
      bad="Action A10 'Raise the purchase order in the procurement system' is due 5 Feb 2027, after the close date "
          "29 Jan 2027.",
      good="A10 is due 12 Jan 2027; milestone M7 'Implementation kickoff' due 12 Feb 2027 is after signature "
           "on purpose.",
      fix="Bring the due date forward to the close date or earlier, or move the close date if the plan really "
          "needs more time.")
def due_after_close(ctx: Context) -> Iterator[Hit]:
    """An open pre-signature action or milestone is due after the close date."""
    close = ctx.plan.close_date
    if close is None:
        return
    for due, rec in _open_with_due(ctx):
        if due > close and not ctx.is_after_signature(rec):
            yield Hit(rec.loc("due"), f"{describe(rec)} is due {_day(due)}, after the close date "
                                      f"{_day(close)}; bring it forward or move the close date")


@rule("MAP402", "milestone-before-dependency", Family.TIMELINES, Severity.ERROR,
      why=_WHY_UNREALISTIC + " A milestone due before a milestone it depends on cannot be met: one of the two dates "
          "is wrong.",
      bad="Milestone M4 'Security and legal review' depends on M3 (due 4 Dec 2026) but is due 1 Dec 2026.",
      good="M4 is due 18 Dec 2026, after M3 (due 4 Dec 2026).",
      fix="Move the milestone's due date after its dependencies' (or bring the dependency forward).")
def milestone_before_dependency(ctx: Context) -> Iterator[Hit]:
    """A milestone is due before a milestone it depends on."""
    dated = _dated(ctx)
    for rec in ctx.open_milestones:
        due = rec.values.get("due")
        if due is None:
            continue
        later = []  # the dated milestones it depends on, due later
        for ident in rec.values.get("depends_on") or ():
            m = dated[ident]
            if m is not None and m.values["due"] > due:
                later.append(m)
        if later:
            yield Hit(rec.loc("due"), f"milestone {label(rec)} is due {_day(due)}, before {_with_dues(later)} it "
                                      "depends on; move it after its dependencies or bring them forward")


@rule("MAP403", "deadline-pile-up", Family.TIMELINES, Severity.WARNING, settings=("max_items_per_week",),
      why="The guide: a clear timeline \"helps identify potential bottlenecks early\", and \"Setting overly "
          "ambitious timelines can lead to missed deadlines\". Many open items due in one week is such a bottleneck.",
      bad="9 open items due in the week of 7 Dec 2026, more than the 8 a week allowed.",
      good="Exactly 8 open items due that week (done and cancelled items do not count).",
      fix="Spread the week's deadlines: move what is not urgent to a later week or finish some items early.")
def deadline_pile_up(ctx: Context) -> Iterator[Hit]:
    """Too many open items are due in the same week."""
    dated, limit = _open_with_due(ctx), ctx["max_items_per_week"]
    if len(dated) <= limit:  # no week can hold too many (most plans)
        return
    weeks: dict[int, list[Record]] = {}  # the day number of each week's Monday -> its items
    for due, rec in sorted(dated, key=_first):  # stable: ties keep milestones-then-actions order
        weeks.setdefault(due.toordinal() - due.weekday(), []).append(rec)
    for day, recs in weeks.items():
        if len(recs) > limit:
            monday = dt.date.fromordinal(day)
            year, week = monday.isocalendar()[:2]
            yield Hit(recs[0].loc("due"), f"{len(recs)} open items are due in the week of {_day(monday)} "
                                          f"({year}-W{week:02d}), more than {limit}; spread them over other weeks")


@rule("MAP404", "no-buffer-before-close", Family.TIMELINES, Severity.WARNING, settings=("close_buffer_days",),
      why=_WHY_REALISTIC + " Approvals and procurement finishing the day before signature leave no room for the "
          "delays the guide warns about.",
      bad="Milestone M5 'Procurement and approval' is due 28 Jan 2027, one day before the close date 29 Jan 2027 "
          "(the buffer is 2 days).",
      good="M5 is due 27 Jan 2027, 2 days before the close; M6 'Contract signature' itself is due on the close date.",
      fix="Bring the milestone forward so it ends at least the buffer before the close date.")
def no_buffer_before_close(ctx: Context) -> Iterator[Hit]:
    """A pre-signature milestone ends too close to the close date."""
    close = ctx.plan.close_date
    if close is None:
        return
    buffer = ctx["close_buffer_days"]
    for rec in ctx.plan.milestones:
        due = rec.values.get("due")
        days = (close - due).days if due is not None else -1  # the dates first: most milestones end sooner
        if (not 0 <= days < buffer or is_closed(rec) or ctx.is_after_signature(rec)
                or found_in(SIGNATURE, str(rec.values.get("name") or ""))):
            continue
        when = f"{plural(days, 'day')} before" if days else "on"
        yield Hit(rec.loc("due"), f"milestone {label(rec)} is due {_day(due)}, {when} the close date "
                                  f"{_day(close)}; finish it at least {plural(buffer, 'day')} before "
                                  "to leave room for delays")


@rule("MAP405", "close-date-passed", Family.TIMELINES, Severity.ERROR,
      why=_WHY_UNREALISTIC + " Gong flags deals whose close date has slipped; a plan whose close date is in the past "
          "no longer says when the deal will close.",
      bad="Judged on 1 Feb 2027, the target close date 29 Jan 2027 has passed and the stage is still Evaluation.",
      good="Judged on 27 Nov 2026, the target close date 29 Jan 2027 is still ahead.",
      fix="Agree a new close date with the customer (and the plan's dates with it), or set the stage to Closed "
          "won or Closed lost.")
def close_date_passed(ctx: Context) -> Iterator[Hit]:
    """The close date has passed and the deal is not closed."""
    close = ctx.plan.close_date
    stage = ctx.plan.field("stage")
    if close is not None and close < ctx.today and stage not in CLOSED_STAGES:
        ago = plural((ctx.today - close).days, "day")
        yield Hit(ctx.plan.field_loc("close_date"),
                  f"the close date {_day(close)} passed {ago} ago and the stage is "
                  f"{stage or 'not set'}; agree a new close date or set the stage to Closed won or Closed lost",
                  band=Band.OFF_TRACK)


@rule("MAP406", "start-after-due", Family.TIMELINES, Severity.ERROR,
      why=_WHY_UNREALISTIC + " A milestone that starts after it is due has no time at all: one of its dates is "
          "wrong, and the Timeline (the \"Gantt charts or timelines\" the guide asks for) cannot draw it.",
      bad="Milestone M3 'Technical evaluation' starts 10 Dec 2026 but is due 4 Dec 2026.",
      good="M3 starts 6 Nov 2026 and is due 4 Dec 2026.",
      fix="Correct the start or the due date so the milestone starts on or before it is due.")
def start_after_due(ctx: Context) -> Iterator[Hit]:
    """A milestone starts after it is due."""
    for rec in ctx.plan.milestones:
        start, due = rec.values.get("start"), rec.values.get("due")
        if start is not None and due is not None and start > due:
            yield Hit(rec.loc("start"), f"milestone {label(rec)} starts {_day(start)}, after it is due "
                                        f"{_day(due)}; correct one of the two dates")


@rule("MAP407", "completed-in-future", Family.TIMELINES, Severity.WARNING,
      why="The guide asks for \"visibility into the process\" so \"both parties can track progress\"; a completion "
          "date in the future is a typo or a plan, not progress.",
      bad="Action A6 'Set up the trial environment and accounts' was completed on 16 Dec 2026, judged on "
          "27 Nov 2026.",
      good="A6 was completed on 16 Nov 2026.",
      fix="Enter the date the item was really completed, or clear it and set the status back if it is not done.")
def completed_in_future(ctx: Context) -> Iterator[Hit]:
    """A completion date is in the future."""
    for rec in ctx.steps:
        completed = rec.values.get("completed")
        if completed is not None and completed > ctx.today:
            yield Hit(rec.loc("completed"), f"{describe(rec)} is marked completed on {_day(completed)}, which is "
                                            "in the future; enter the date it was really completed")


@rule("MAP408", "action-after-its-milestone", Family.TIMELINES, Severity.WARNING,
      why=_WHY_UNREALISTIC + " An action due after the milestone it belongs to means the milestone's date "
          "cannot be met.",
      bad="Action A8 'Return the security questionnaire with the SOC 2 report' is due 22 Dec 2026, after its "
          "milestone M4 (due 18 Dec 2026).",
      good="A8 is due 10 Dec 2026, before M4 (due 18 Dec 2026).",
      fix="Bring the action's due date forward to the milestone's, or move the milestone if it really needs more "
          "time.")
def action_after_its_milestone(ctx: Context) -> Iterator[Hit]:
    """An open action is due after the milestone it belongs to."""
    dated = _dated(ctx)
    for due, rec in _open_with_due(ctx):
        if rec.table != "actions":
            continue
        earlier = []  # the dated milestones it belongs to, due earlier
        for ident in rec.values.get("milestone") or ():
            m = dated[ident]
            if m is not None and m.values["due"] < due:
                earlier.append(m)
        if earlier:
            yield Hit(rec.loc("due"), f"action {label(rec)} is due {_day(due)}, after its milestone "
                                      f"{_with_dues(earlier)}; bring it forward or move the milestone")


@rule("MAP409", "crunch-before-close", Family.TIMELINES, Severity.WARNING, settings=("crunch_days", "crunch_items"),
      why=_WHY_UNREALISTIC + " Reviews, the purchase order and the signature all due in the last days before the "
          "close leave no room for \"potential delays and customer constraints\": the bottleneck the guide says a "
          "timeline should reveal early.",
      bad="Close on 7 Dec 2026 with 11 open steps (the security review, the redlines, the PO, the signature...) due "
          "between 30 Nov and 7 Dec.",
      good="The reviews finish in December, the PO mid-January and only the signature falls in the last week "
           "before the 29 Jan 2027 close.",
      fix="Spread the steps back from the close date (start reviews and procurement earlier) or move the close "
          "date to when the work can really be done.")
def crunch_before_close(ctx: Context) -> Iterator[Hit]:
    """Too many open pre-signature steps are due in the last days before the close date."""
    close, days = ctx.plan.close_date, ctx["crunch_days"]
    if close is None:
        return
    last_days = [r for due, r in _open_with_due(ctx) if 0 <= (close - due).days <= days
                 and not ctx.is_after_signature(r)]
    if len(last_days) >= ctx["crunch_items"]:
        yield Hit(ctx.plan.field_loc("close_date"),
                  f"{plural(len(last_days), 'open step')} {'is' if len(last_days) == 1 else 'are'} due in the last "
                  f"{plural(days, 'day')} before the close date {_day(close)}; start the reviews and procurement "
                  "earlier or move the close date")
