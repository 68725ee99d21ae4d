"""Cadence and freshness: both sides meet regularly, the next meeting is booked, the plan is kept current.

"Build in regular check-ins and updates: Set up regular check-ins and status updates to ensure the process
progresses according to the plan." "Review and adjust regularly: Build in regular check-ins and adjust the plan
as needed to keep things on track and address any emerging issues."
"""

from __future__ import annotations

from typing import Iterator

from ..model import Record
from .base import Band, Context, Family, Hit, Severity, per_check, plural
from .registry import rule

_WHY_CHECKINS = ("\"Build in regular check-ins and updates: Set up regular check-ins and status updates to ensure the "
                 "process progresses according to the plan ... Frequent communication keeps both sides engaged and "
                 "allows you to identify any potential roadblocks early on.\"")
_WHY_REVIEW = ("\"Review and adjust regularly: Build in regular check-ins and adjust the plan as needed to keep things "
               "on track and address any emerging issues.\"")


@per_check
def _work_finished(ctx: Context) -> bool:
    """Every milestone and action is finished: there is no process left to meet about ("check-ins ... to
    ensure the process progresses according to the plan"), so cadence is not judged."""
    steps = ctx.steps
    return bool(steps) and not ctx.open_steps and all("status" in r.columns for r in steps)


@per_check
def _held(ctx: Context) -> tuple[Record, ...]:
    """Check-ins that have taken place (dated today or earlier), oldest first."""
    held = [c for c in ctx.plan.checkins if c.values.get("date") is not None and c.values["date"] <= ctx.today]
    return tuple(sorted(held, key=lambda c: c.values["date"]))


@rule("MAP701", "no-checkins", Family.CADENCE, Severity.ERROR, why=_WHY_CHECKINS + " A plan never walked "
      "through with the customer is the seller's plan, not a mutual one.",
      bad="A Check-ins tab with no rows.",
      good="Four check-ins logged two weeks apart, the last on 2026-11-24 with the next set for 2026-12-08.",
      fix="Log each meeting where both sides walked through the plan (date, attendees, decisions) and book the next.")
def no_checkins(ctx: Context) -> Iterator[Hit]:
    """No check-in is logged."""
    table = ctx.plan.tables["checkins"]
    if table.header_row is not None and not table.records:
        yield Hit(table.header_loc("date"), "no check-in is logged; walk through the plan with the customer, log the "
                                            "meeting here and agree when you meet next")


@rule("MAP702", "checkins-stale", Family.CADENCE, Severity.WARNING, why=_WHY_CHECKINS,
      bad="The last check-in was on 2026-11-12, 15 days before the check (one is expected every 14 days).",
      good="The last check-in was on 2026-11-24, 3 days before the check.",
      fix="Meet with the customer to walk through the plan, log the check-in and book the next one.",
      settings=("checkin_every_days", "checkin_at_risk_multiple"))
def checkins_stale(ctx: Context) -> Iterator[Hit]:
    """The last check-in is too long ago."""
    if _work_finished(ctx):
        return
    held = _held(ctx)
    if not held:
        return
    last = held[-1]
    age, every = (ctx.today - last.values["date"]).days, ctx["checkin_every_days"]
    if age > every:
        band = Band.AT_RISK if age > every * ctx["checkin_at_risk_multiple"] else None
        yield Hit(last.loc("date"), f"the last check-in was {plural(age, 'day')} ago (one is expected every "
                                    f"{plural(every, 'day')}); meet with the customer to walk through the plan and "
                                    "log it here", band=band)


@rule("MAP703", "next-checkin-not-scheduled", Family.CADENCE, Severity.WARNING, why=_WHY_CHECKINS,
      bad="The last check-in (2026-11-24) has no 'Next check-in' date, and no later check-in is planned.",
      good="The last check-in (2026-11-24) says Next check-in: 2026-12-08.",
      fix="Agree the date of the next check-in before the meeting ends and write it in 'Next check-in'.")
def next_checkin_not_scheduled(ctx: Context) -> Iterator[Hit]:
    """No upcoming check-in is scheduled."""
    if _work_finished(ctx):
        return
    table, today = ctx.plan.tables["checkins"], ctx.today
    if table.header_row is None:
        return
    for c in table.records:
        upcoming, planned = c.values.get("next_checkin"), c.values.get("date")
        if (upcoming is not None and upcoming >= today) or (planned is not None and planned > today):
            return
    held = _held(ctx)
    last = held[-1] if held else None
    if last is not None and "next_checkin" in last.raw:  # not a date: MAP005 says so
        return
    if "next_checkin" not in table.columns:
        yield Hit(table.header_loc("date"), "no upcoming check-in is scheduled; agree the date with the customer and "
                                            "add it as a row here (or restore the 'Next check-in' column)")
    elif last is None:
        yield Hit(table.header_loc("next_checkin"), "no check-in is scheduled; agree the date of the first one with "
                                                    "the customer and write it here")
    else:
        was = last.values.get("next_checkin")
        what = f"the next check-in was planned for {was} and no later one is booked" if was else \
            "no next check-in is scheduled"
        yield Hit(last.loc("next_checkin"), f"{what}; agree the date with the customer and write it here")


@rule("MAP704", "plan-not-reviewed", Family.CADENCE, Severity.WARNING, why=_WHY_REVIEW,
      bad="Last reviewed: 2026-11-12, 15 days before the check (the plan is to be reviewed every 14 days).",
      good="Last reviewed: 2026-11-24.",
      fix="Walk through the plan with the customer, adjust dates and owners, and set Last reviewed to that day.",
      settings=("review_every_days",))
def plan_not_reviewed(ctx: Context) -> Iterator[Hit]:
    """The plan has not been reviewed together recently."""
    if _work_finished(ctx):
        return
    plan = ctx.plan
    if plan.overview_sheet is None or any(p.field == "last_reviewed" for p in plan.problems):
        return
    last, every, where = plan.field("last_reviewed"), ctx["review_every_days"], plan.field_loc("last_reviewed")
    if last is None:
        yield Hit(where, "the plan has no 'Last reviewed' date; walk through it with the customer, adjust it, and "
                         "write the date here")
    elif (ctx.today - last).days > every:
        yield Hit(where, f"the plan was last reviewed {plural((ctx.today - last).days, 'day')} ago (every "
                         f"{plural(every, 'day')} is expected); review and adjust it with the customer, then update "
                         "this date")


@rule("MAP705", "irregular-cadence", Family.CADENCE, Severity.INFO,
      why=_WHY_CHECKINS + " A cadence that stretches lets roadblocks surface late.",
      bad="Check-ins on 2026-10-01, 2026-10-08 and 2026-11-15: 22.5 days apart on average (more than 1.5 x 14).",
      good="Check-ins on 2026-10-13, 10-27, 11-10 and 11-24: every 14 days.",
      fix="Agree a fixed cadence with the customer (a recurring invite) and keep it.",
      settings=("checkin_every_days", "checkin_gap_multiple"))
def irregular_cadence(ctx: Context) -> Iterator[Hit]:
    """Check-ins are, on average, much further apart than the expected cadence."""
    if _work_finished(ctx):
        return
    held = _held(ctx)
    if len(held) < 3:
        return
    dates = [c.values["date"] for c in held]
    average = (dates[-1] - dates[0]).days / (len(dates) - 1)
    if average > ctx["checkin_every_days"] * ctx["checkin_gap_multiple"]:
        longest = max((b - a).days for a, b in zip(dates, dates[1:]))
        yield Hit(ctx.plan.tables["checkins"].header_loc("date"),
                  f"check-ins are {round(average, 1):g} days apart on average (the longest gap "
                  f"{plural(longest, 'day')}), against one every {plural(ctx['checkin_every_days'], 'day')}; set a "
                  "recurring check-in with the customer and keep it")
