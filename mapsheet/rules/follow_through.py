"""Follow-through: what was promised gets done, on time, and the plan says so truthfully.

"Lack of follow-through: Either the sales team or the customer fails to follow through on their
responsibilities, causing delays." Overdue items set the plan's band the way Accord does: At risk with an
item 1 to 6 days overdue, Stalled (here Off track) at 7 or more (``stalled_days``).
"""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from ..model import Record
from .base import CLOSED_STATUSES, Band, Context, Family, Hit, Severity, is_closed, label, per_check, plural
from .registry import rule

_WHY_FOLLOW = ("\"Lack of follow-through: Either the sales team or the customer fails to follow through on their "
               "responsibilities, causing delays.\"")
_WHY_OVERDUE = (_WHY_FOLLOW + " Accord, a leading MAP tool, calls a plan At Risk with an item 1 to 6 days overdue "
                "and Stalled at 7 or more.")
_WHY_TRUTHFUL = ("\"Lack of transparency: If either party is not fully transparent about progress or challenges, the "
                 "MAP can lose effectiveness.\" Statuses and completion dates must tell the same story.")
_OVERDUE_SETTINGS = ("stalled_days",)


def _tracked(records: Iterable[Record]) -> list[Record]:
    """Records of a tab that has a Status column: without one (MAP002), nothing can be called open or late."""
    return [r for r in records if "status" in r.columns]


@per_check
def _late(ctx: Context, table: str) -> tuple[tuple[Record, int], ...]:
    """(record, days overdue) of the overdue records of ``table`` (actions or milestones), in plan order: those
    due before today and not closed (``Record.is_closed``, read here without a property call a record)."""
    today = ctx.today
    # Without a Status column nothing is known to be open; MAP002 reports the column instead.
    return tuple([(rec, (today - due).days) for rec in ctx.plan.tables[table].records
                  if (due := rec.values.get("due")) is not None and due < today
                  and "status" in rec.columns and rec.values.get("status") not in CLOSED_STATUSES])


def _late_actions_of(ctx: Context, party: str) -> list[tuple[Record, int]]:
    return [(a, days) for a, days in _late(ctx, "actions") if a.values.get("party") == party]


def _overdue(ctx: Context, late: Iterable[tuple[Record, int]], what: str, todo: str) -> Iterator[Hit]:
    """One hit per overdue record: At risk under ``stalled_days`` overdue, an error and Off track from there."""
    stalled = ctx["stalled_days"]
    for rec, days in late:
        owner = str(rec.values.get("owner") or "").strip()
        whose = f"owned by {owner}" if owner else "with no owner"
        state = "stalled: " if days >= stalled else ""
        message = (f"{what} {label(rec)} ({whose}) is {state}{plural(days, 'day')} overdue (due "
                   f"{rec.values['due']}); {todo}")
        if days >= stalled:
            yield Hit(rec.loc("due"), message, severity=Severity.ERROR, band=Band.OFF_TRACK)
        else:
            yield Hit(rec.loc("due"), message, band=Band.AT_RISK)


@rule("MAP801", "overdue-customer-item", Family.FOLLOW_THROUGH, Severity.WARNING, why=_WHY_OVERDUE,
      bad="Customer action A7 'Complete the trial scorecard', owned by Raj Iyer, was due 2026-11-24 and is In "
          "progress on 2026-11-27: 3 days overdue (At risk; 7 days or more is an error and Off track).",
      good="A7 'Complete the trial scorecard' is due 2026-12-03 and In progress: not late yet.",
      fix="Ask the owner (through the champion if needed) to finish it or commit to a new date, and update the row.",
      settings=_OVERDUE_SETTINGS)
def overdue_customer_item(ctx: Context) -> Iterator[Hit]:
    """A customer action is overdue."""
    yield from _overdue(ctx, _late_actions_of(ctx, "Customer"), "customer action",
                        "ask the owner (or the champion) to finish it or commit to a new date, and update it here")


@rule("MAP802", "overdue-vendor-item", Family.FOLLOW_THROUGH, Severity.WARNING, why=_WHY_OVERDUE,
      bad="Vendor action A8 'Return the security questionnaire', owned by Sam Turner, was due 2026-11-25 and is "
          "Not started on 2026-11-27: 2 days overdue (At risk; 7 days or more is an error and Off track).",
      good="A8 'Return the security questionnaire' is due 2026-12-10 and Not started: not late yet.",
      fix="Finish it now, or tell the customer the new date and update the row: the seller sets the example.",
      settings=_OVERDUE_SETTINGS)
def overdue_vendor_item(ctx: Context) -> Iterator[Hit]:
    """A vendor action is overdue."""
    yield from _overdue(ctx, _late_actions_of(ctx, "Vendor"), "vendor action",
                        "finish it now, or tell the customer the new date and update it here")


@rule("MAP803", "overdue-milestone", Family.FOLLOW_THROUGH, Severity.WARNING, why=_WHY_OVERDUE,
      bad="Milestone M3 'Technical evaluation' was due 2026-11-20 and is still In progress on 2026-11-27: 7 days "
          "overdue, so stalled (an error, Off track).",
      good="M3 'Technical evaluation' is due 2026-12-04 and In progress.",
      fix="Agree a new date with both sides, move the milestones that depend on it, and say why in the next check-in.",
      settings=_OVERDUE_SETTINGS)
def overdue_milestone(ctx: Context) -> Iterator[Hit]:
    """A milestone is overdue."""
    yield from _overdue(ctx, _late(ctx, "milestones"), "milestone",
                        "agree a new date with both sides and move the milestones that depend on it")


@rule("MAP804", "blocked-item", Family.FOLLOW_THROUGH, Severity.WARNING,
      why=_WHY_FOLLOW + " \"Proactive problem solving ... both parties can address issues before they become "
          "deal-breakers\": a blocked item needs someone to unblock it.",
      bad="Action A9 'Send contract redlines to the vendor' has Status: Blocked and nothing says why.",
      good="A9 'Send contract redlines to the vendor' is Not started and due 2026-12-16; nothing is blocked.",
      fix="Write what unblocks it and who does that by when (an action with an owner), and raise it at the next "
          "check-in.")
def blocked_item(ctx: Context) -> Iterator[Hit]:
    """An action or milestone is blocked."""
    for rec in ctx.steps_by_status.get("Blocked", ()):
        if rec.table == "actions":
            yield Hit(rec.loc("status"), f"action {label(rec)} is blocked; write in its notes what unblocks it and "
                                         "who will do that by when")
        else:
            yield Hit(rec.loc("status"), f"milestone {label(rec)} is blocked; add an action for what unblocks it, "
                                         "with the person who will do it and a date")


def _tracked_actions_by_milestone(ctx: Context) -> dict[str, list[Record]] | None:
    """The tracked actions of each milestone id, in plan order; None when an action names its milestones
    otherwise than as a list of texts (then each milestone looks through the actions)."""
    index: dict[str, list[Record]] = {}
    for a in ctx.plan.actions:
        if "status" not in a.columns:  # _tracked
            continue
        ids = a.values.get("milestone") or []
        if type(ids) is not list:
            return None
        if len(ids) == 1:  # most actions belong to one milestone
            ident = ids[0]
            if type(ident) is not str:
                return None
            group = index.get(ident)
            if group is None:
                index[ident] = [a]
            else:
                group.append(a)
            continue
        for ident in ids:
            if type(ident) is not str:
                return None
        for ident in dict.fromkeys(ids):  # each action once per milestone
            index.setdefault(ident, []).append(a)
    return index


def _actions_of_milestone(ctx: Context, index: dict[str, list[Record]] | None, ident: object) -> Sequence[Record]:
    """The tracked actions that name milestone ``ident`` (shared: not to be changed); ``index``: what
    ``_tracked_actions_by_milestone`` made of the plan."""
    if index is not None and type(ident) is str:
        return index.get(ident, ()) if ident else ()
    return [a for a in _tracked(ctx.plan.actions) if ident and ident in (a.values.get("milestone") or [])]


def _what(rec: Record) -> str:
    return "action" if rec.table == "actions" else "milestone"


@rule("MAP805", "done-without-date", Family.FOLLOW_THROUGH, Severity.INFO, why=_WHY_TRUTHFUL,
      bad="Action A6 'Set up the trial environment' is Done with 'Completed on' empty.",
      good="A6 is Done, completed on 2026-11-16.",
      fix="Write the day it was finished in 'Completed on', so on-time rates can be measured.")
def done_without_date(ctx: Context) -> Iterator[Hit]:
    """An item is Done but has no completion date."""
    for rec in ctx.steps_by_status.get("Done", ()):
        if "completed" in rec.columns and rec.values.get("completed") is None and "completed" not in rec.raw:
            yield Hit(rec.loc("completed"), f"{_what(rec)} {label(rec)} is done but has no completion date; write the "
                                            "day it was finished")


@rule("MAP806", "dated-but-not-done", Family.FOLLOW_THROUGH, Severity.WARNING, why=_WHY_TRUTHFUL,
      bad="Action A7 'Complete the trial scorecard' has Completed on: 2026-11-25 but Status: In progress.",
      good="A7 'Complete the trial scorecard' has Status: In progress and no completion date.",
      fix="Mark it Done if it is finished; otherwise clear 'Completed on'.")
def dated_but_not_done(ctx: Context) -> Iterator[Hit]:
    """An item has a completion date but is not Done."""
    for rec in ctx.open_steps:  # the steps of a tab with a Status column (MAP002), not closed
        completed = rec.values.get("completed")
        if completed is None or "status" not in rec.columns or "status" in rec.raw:
            continue
        status = rec.values.get("status")
        now = f"is '{status}'" if status else "has no status"
        yield Hit(rec.loc("status"), f"{_what(rec)} {label(rec)} was completed on {completed} but {now}; mark it Done "
                                     "if it is finished, or clear the completion date")


@rule("MAP807", "on-time-rate-low", Family.FOLLOW_THROUGH, Severity.WARNING,
      why=_WHY_FOLLOW + " Accord gives every plan an execution score; here execution is work finished by the date "
          "both sides agreed.",
      bad="Of 6 Done actions with both dates, 4 were completed by their due date: 67%, under the 70% expected.",
      good="All 6 Done actions were completed on or before their due date.",
      fix="Find out why items finish late (dates too tight, owners overloaded, waiting on the other side) and set "
          "realistic dates for what is left.",
      settings=("min_items_for_rates", "min_on_time_share"))
def on_time_rate_low(ctx: Context) -> Iterator[Hit]:
    """Too few finished actions were completed by their due date."""
    table = ctx.plan.tables["actions"]
    if "completed" not in table.columns:
        return
    finished = [a for a in ctx.steps_by_status.get("Done", ()) if a.table == "actions"
                and a.values.get("due") is not None and a.values.get("completed") is not None]
    if len(finished) < ctx["min_items_for_rates"]:
        return
    on_time = sum(1 for a in finished if a.values["completed"] <= a.values["due"])
    share, least = on_time / len(finished), ctx["min_on_time_share"]
    if share < least:
        yield Hit(table.header_loc("completed"),
                  f"only {on_time} of {plural(len(finished), 'finished action')} ({share:.0%}) were completed by their "
                  f"due date, under the {least:.0%} expected; find out what makes items late and set realistic dates "
                  "for what is left")


@rule("MAP808", "milestone-status-mismatch", Family.FOLLOW_THROUGH, Severity.WARNING,
      why=_WHY_TRUTHFUL + " GetAccept keeps \"milestones whose status follows their tasks\".",
      bad="Milestone M2 'Solution demo' is Done while its action A4 'Run the tailored demo' is still In progress.",
      good="M2 is Done and both its actions, A3 and A4, are Done.",
      fix="Close or cancel the milestone's open actions, or reopen the milestone; mark a milestone Done once its "
          "actions are finished and its exit criteria met.")
def milestone_status_mismatch(ctx: Context) -> Iterator[Hit]:
    """A milestone's status disagrees with its actions' (warning when Done with open actions, info otherwise)."""
    index = opened = None  # the tracked actions by milestone, and the ids of the open actions: once needed
    for m in _tracked(ctx.plan.milestones):
        if opened is None:
            index, opened = _tracked_actions_by_milestone(ctx), {id(a) for a in ctx.open_actions}
        actions = _actions_of_milestone(ctx, index, m.values.get("id"))
        if not actions:
            continue
        still_open = [a for a in actions if id(a) in opened]
        if m.values.get("status") == "Done" and still_open:
            n = len(still_open)
            names = ", ".join(label(a) for a in still_open[:3]) + (" ..." if n > 3 else "")
            yield Hit(m.loc("status"), f"milestone {label(m)} is Done but {n} of its actions "
                                       f"{'is' if n == 1 else 'are'} still open ({names}); close or cancel them, or "
                                       "reopen the milestone")
        elif actions and not still_open and not is_closed(m) and "status" not in m.raw:
            done = "its only action is" if len(actions) == 1 else f"all {len(actions)} of its actions are"
            yield Hit(m.loc("status"), f"milestone {label(m)} is not Done but {done} finished; mark it Done (with "
                                       "the date) if its exit criteria are met, or add the action still missing",
                      severity=Severity.INFO)
