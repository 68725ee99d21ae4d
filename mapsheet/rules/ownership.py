"""Mutual ownership: the customer owns a real share of the plan, by name, and does its part.

The guide: "Joint ownership: ... the customer feels involved in the process ... They have a stake in
completing the steps outlined in the plan", and among the common failures "Lack of engagement or buy-in"
and "Lack of follow-through: Either the sales team or the customer fails to follow through".

Cancelled actions are nobody's work any more: they count for no side here. Shares and named owners are
judged over the open actions: named owners on finished work do not show who does what is left.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from ..model import Record
from .base import Band, Context, Family, Hit, Severity, label, per_check, still_open
from .registry import rule
from .specific import norm_name, owners

_WHY_JOINT = ("The guide: \"Joint ownership: With a MAP, the customer feels involved in the process, not just as a "
              "passive recipient of a sales pitch. They have a stake in completing the steps outlined in the plan, "
              "which increases engagement and commitment to moving forward.\"")


@per_check
def _live_actions(ctx: Context) -> tuple[Record, ...]:
    return tuple([a for a in ctx.plan.actions if a.values.get("status") != "Cancelled"])


@per_check
def _customer_live(ctx: Context) -> list[Record]:
    """The customer's live actions (shared: not to be changed)."""
    return _customer_actions(_live_actions(ctx))


@per_check
def _customer_open(ctx: Context) -> tuple[Record, ...]:
    """The customer's open actions (shared: not to be changed): the live ones not Done, as a cancelled action is
    closed (``still_open``), picked from the customer's live actions rather than from all the open ones."""
    return still_open(_customer_live(ctx))


def _has_column(ctx: Context, table: str, key: str) -> bool:
    return key in ctx.plan.tables[table].columns


def _customer_actions(actions: Iterable[Record]) -> list[Record]:
    return [a for a in actions if a.values.get("party") == "Customer"]


def _percent(share: float) -> str:
    return f"{share:.0%}"


@rule("MAP301", "customer-share-low", Family.OWNERSHIP, Severity.WARNING,
      settings=("min_customer_share", "min_items_for_rates"),
      why=_WHY_JOINT + " A plan where the vendor does nearly everything is a vendor's project plan, not a mutual one.",
      bad="8 open actions of which 2 (25%) are the customer's, under the 30% minimum.",
      good="6 open actions of which 4 (67%) are the customer's.",
      fix="Add the customer's own steps (share data, run the trial, approve budget, raise the PO) with a named "
          "customer owner, or move steps the customer really does to the Customer party.")
def customer_share_low(ctx: Context) -> Iterator[Hit]:
    """The customer owns too small a share of the open actions."""
    actions = ctx.open_actions  # open actions are live ones (a cancelled action is closed)
    # No customer action at all is MAP302's (an error), not a low share.
    if (not _has_column(ctx, "actions", "party") or len(actions) < ctx["min_items_for_rates"]
            or not _customer_live(ctx)):
        return
    customer = _customer_open(ctx)
    share = len(customer) / len(actions)
    if share < ctx["min_customer_share"]:
        yield Hit(ctx.plan.tables["actions"].header_loc("party"),
                  f"the customer owns {len(customer)} of the {len(actions)} open actions ({_percent(share)}), under "
                  f"{_percent(ctx['min_customer_share'])}; add the customer's own steps (trial, approvals, "
                  "procurement) so they have a stake in the plan")


@rule("MAP302", "no-named-customer-owner", Family.OWNERSHIP, Severity.ERROR,
      settings=("placeholder_owner_words", "team_owner_words"),
      why=_WHY_JOINT + " The guide also asks to \"establish clear ownership and accountability\": a customer action "
          "owned by \"Customer\" is owned by nobody at the customer.",
      bad="Every open customer action is owned by 'Customer' or 'TBD' (the named owners are on finished work).",
      good="The customer's actions are owned by Lee Park, Raj Iyer, Ana Ortiz, Tom Berg and Kim Wu.",
      fix="Name the person at the customer who does each customer action (ask the champion who it is).")
def no_named_customer_owner(ctx: Context) -> Iterator[Hit]:
    """No open customer action is owned by a named person (or the customer has no action at all: Off track)."""
    actions = _live_actions(ctx)
    if not actions or not _has_column(ctx, "actions", "party"):
        return
    table = ctx.plan.tables["actions"]
    customer = _customer_live(ctx)
    still_open = _customer_open(ctx)  # the open ones of ``customer``
    if not customer:
        # No customer commitment at all: a vendor's to-do list, not a mutual plan.
        yield Hit(table.header_loc("party"), f"none of the {len(actions)} actions is on the customer's side; add "
                                             "the customer's own actions, each with a named owner",
                  band=Band.OFF_TRACK)
    elif (_has_column(ctx, "actions", "owner") and still_open
          and not any(owners(ctx)[a.values.get("owner")].person for a in still_open)):
        yield Hit(table.header_loc("owner"), f"none of the customer's {len(still_open)} open actions is owned by a "
                                             "named person; ask the champion who at the customer does each one")


@rule("MAP303", "customer-not-completing", Family.OWNERSHIP, Severity.WARNING,
      settings=("engagement_gap", "min_items_for_rates"),
      why="The guide warns of \"Lack of engagement or buy-in: The customer may not feel fully invested in the MAP, "
          "leading to disengagement or delays in completing tasks\" and of \"Lack of follow-through\". A customer "
          "that lets its items slide while the vendor delivers is the earliest sign of a stalling deal.",
      bad="Of the actions due by today, the customer has done 1 of 3 (33%) and the vendor 3 of 3 (100%): a gap of "
          "67 points, more than 40.",
      good="Both sides have done all of their actions due by today (3 of 3 each).",
      fix="Review the customer's late actions with the champion: unblock them, give them new realistic dates, or "
          "drop the ones that no longer matter.")
def customer_not_completing(ctx: Context) -> Iterator[Hit]:
    """The customer completes its due actions far less than the vendor does."""
    if not _has_column(ctx, "actions", "status"):
        return
    # Due before today: an action due today is not late yet, so it says nothing about follow-through.
    today, tally = ctx.today, {"Customer": [0, 0], "Vendor": [0, 0]}  # side -> [due before today, done]
    for a in _live_actions(ctx):  # one pass for both sides
        values = a.values
        due = values.get("due")
        if due is None or not due < today:
            continue
        party = values.get("party")
        side = tally["Customer"] if party == "Customer" else tally["Vendor"] if party == "Vendor" else None
        if side is not None:
            side[0] += 1
            side[1] += values.get("status") == "Done"
    rates = {}
    for side, (due, done) in tally.items():
        if due < ctx["min_items_for_rates"]:
            return
        rates[side] = (done, due, done / due)
    (c_done, c_due, c_rate), (v_done, v_due, v_rate) = rates["Customer"], rates["Vendor"]
    # Rounded so that a gap equal to the threshold (0.4 = 1.0 - 0.6) is not over it by a float's error.
    if round(v_rate - c_rate, 9) > ctx["engagement_gap"]:
        yield Hit(ctx.plan.tables["actions"].header_loc("status"),
                  f"of the actions due before today the customer has done {c_done} of {c_due} ({_percent(c_rate)}) and "
                  f"the vendor {v_done} of {v_due} ({_percent(v_rate)}), a gap of more than "
                  f"{ctx['engagement_gap'] * 100:.0f} points; review the customer's late actions with the champion "
                  "and agree new dates", band=Band.AT_RISK)


@rule("MAP304", "vendor-only-milestones", Family.OWNERSHIP, Severity.WARNING, settings=("min_milestones",),
      why=_WHY_JOINT + " Milestones that are all the vendor's (demo, proposal, contract sent) leave out the customer's "
          "own steps: evaluation, business case, approvals, procurement.",
      bad="All seven milestones have owner side Vendor, from discovery to contract signature.",
      good="The milestones include Customer ones (technical evaluation, procurement) and Joint ones (contract "
           "signature).",
      fix="Set the owner side of milestones the customer drives to Customer (or Joint), and add the customer's "
          "own milestones the plan is missing.")
def vendor_only_milestones(ctx: Context) -> Iterator[Hit]:
    """Every milestone is the vendor's: none is the customer's or joint."""
    milestones = [m for m in ctx.plan.milestones if m.values.get("status") != "Cancelled"]
    sides = {m.values.get("side") for m in milestones}
    if (not _has_column(ctx, "milestones", "side") or len(milestones) < ctx["min_milestones"]
            or "Vendor" not in sides or sides & {"Customer", "Joint"}):
        return
    yield Hit(ctx.plan.tables["milestones"].header_loc("side"),
              f"all {len(milestones)} milestones are the vendor's; set the customer's milestones (evaluation, "
              "approvals, procurement) to Customer or Joint, and add those the plan is missing")


@rule("MAP305", "owner-not-a-stakeholder", Family.OWNERSHIP, Severity.INFO,
      settings=("placeholder_owner_words", "team_owner_words"),
      why="The guide asks to \"identify and involve all relevant decision-makers and influencers from the start\" "
          "and to clarify \"who is responsible for what actions\": a customer owner nobody has listed is someone "
          "the vendor does not know, with no title, role or contact.",
      bad="Customer action A10 'Raise the purchase order in the procurement system' is owned by Pat Doe, who is "
          "not on the Stakeholders tab.",
      good="Every customer action owner (Lee Park, Raj Iyer, Ana Ortiz, Tom Berg, Kim Wu) has a row on the "
           "Stakeholders tab.",
      fix="Add the owner to the Stakeholders tab with title, side, role and email (or fix the spelling of the name).")
def owner_not_a_stakeholder(ctx: Context) -> Iterator[Hit]:
    """A customer action's owner is not listed on the Stakeholders tab."""
    stakeholders = ctx.plan.tables["stakeholders"]
    if stakeholders.sheet is None or "name" not in stakeholders.columns:
        return
    known = set()
    for s in stakeholders.records:
        name = s.name
        if name not in (None, ""):
            known.add(norm_name(name))
    kinds, asked = owners(ctx), set()
    for action in _customer_live(ctx):
        owner = action.values.get("owner")
        if type(owner) is str:  # an owner already asked about is known by now, or not a person
            if owner in asked:
                continue
            asked.add(owner)
        if kinds[owner].person and (name := norm_name(owner)) not in known:
            known.add(name)  # once per person
            yield Hit(action.loc("owner"), f"{owner}, owner of customer action {label(action)}, is not on the "
                                           "Stakeholders tab; add them with their title, role and email")
