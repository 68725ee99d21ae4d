"""The labelled verdict corpus: plans written from the MAP guide's nine challenges, its best practices and
its components, each built as data on top of the rule cases' healthy base plan (tests/rules/base_plan.py).

``PLANS`` maps a plan id to a builder returning a ``PlanDraft``; the bands an expert accepts for each plan
and the reason (quoting the guide) are in ``labels.yml``, with the (better, worse) pairs. Every plan is
judged on TODAY (27 Nov 2026), written to a real .xlsx from the template and read back by the test.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Callable

from mapsheet.fill import PlanDraft

from rules.base_plan import TODAY, base_plan


def t(days: int) -> dt.date:
    """The date ``days`` after TODAY (before, when negative)."""
    return TODAY + dt.timedelta(days=days)


def _rows(p: PlanDraft, table: str) -> list[dict]:
    return p.tables.setdefault(table, [])


def _action(p: PlanDraft, ident: str) -> dict:
    return next(a for a in p.tables["actions"] if a["id"] == ident)


def _milestone(p: PlanDraft, ident: str) -> dict:
    return next(m for m in p.tables["milestones"] if m["id"] == ident)


def _open_actions(p: PlanDraft) -> list[dict]:
    return [a for a in p.tables["actions"] if a["status"] not in ("Done", "Cancelled")]


def _shift_all(p: PlanDraft, days: int) -> PlanDraft:
    """Every date of the plan moved by ``days`` (the plan seen ``days`` earlier in its life, if negative)."""
    delta = dt.timedelta(days=days)

    def move(v):
        return v + delta if isinstance(v, dt.date) else v

    p.overview = {k: move(v) for k, v in p.overview.items()}
    for rows in p.tables.values():
        for row in rows:
            for k, v in list(row.items()):
                row[k] = move(v)
    return p


# -- healthy plans of several sizes and stages ------------------------------------------------------------

def healthy_base() -> PlanDraft:
    return base_plan()


def healthy_small() -> PlanDraft:
    """A short deal: four milestones, six actions, the four people who matter."""
    p = base_plan()
    p.overview["close_date"] = t(35)
    p.overview["go_live"] = t(70)
    keys = ("id", "name", "side", "owner", "start", "due", "status", "completed", "depends_on", "exit_criteria")
    p.tables["milestones"] = [dict(zip(keys, r)) for r in [
        ("M1", "Solution demo", "Vendor", "Dana Reyes", t(-30), t(-14), "Done", t(-15), "", "Demo of the use cases"),
        ("M2", "Technical evaluation", "Customer", "Lee Park", t(-14), t(9), "In progress", None, "M1",
         "Trial scorecard signed off"),
        ("M3", "Legal and procurement review", "Customer", "Ana Ortiz", t(9), t(28), "Not started", None, "M2",
         "Redlines closed and PO raised"),
        ("M4", "Contract signature", "Joint", "Kim Wu", t(28), t(35), "Not started", None, "M3", "Order form signed"),
    ]]
    keys = ("id", "action", "milestone", "party", "owner", "due", "status", "completed")
    p.tables["actions"] = [dict(zip(keys, r)) for r in [
        ("A1", "Run the tailored demo for the evaluation team", "M1", "Vendor", "Dana Reyes", t(-15), "Done", t(-15)),
        ("A2", "Provide a sample data set for the trial", "M2", "Customer", "Lee Park", t(-8), "Done", t(-9)),
        ("A3", "Complete the trial scorecard with the team", "M2", "Customer", "Lee Park", t(8), "In progress", None),
        ("A4", "Send contract redlines to the vendor", "M3", "Customer", "Ana Ortiz", t(18), "Not started", None),
        ("A5", "Raise the purchase order", "M3", "Customer", "Tom Berg", t(26), "Not started", None),
        ("A6", "Send the final order form for signature", "M4", "Vendor", "Dana Reyes", t(30), "Not started", None),
    ]]
    p.tables["stakeholders"] = [s for s in p.tables["stakeholders"]
                                if s["name"] in ("Dana Reyes", "Lee Park", "Kim Wu", "Ana Ortiz", "Tom Berg")]
    p.tables["risks"] = p.tables["risks"][:1]
    return p


def healthy_large() -> PlanDraft:
    """A bigger deal: two more milestones and a dozen more actions, still under 30 steps."""
    p = base_plan()
    extra = [
        ("A13", "Walk the IT team through the integration design", "M3", "Vendor", "Sam Turner", t(3), "In progress"),
        ("A14", "Confirm the integration design with the architects", "M3", "Customer", "Raj Iyer", t(6),
         "Not started"),
        ("A15", "Share the data protection addendum", "M4", "Vendor", "Dana Reyes", t(12), "Not started"),
        ("A16", "Review the data protection addendum", "M4", "Customer", "Ana Ortiz", t(18), "Not started"),
        ("A17", "Complete the supplier onboarding form", "M5", "Vendor", "Dana Reyes", t(25), "Not started"),
        ("A18", "Approve the supplier in the vendor portal", "M5", "Customer", "Tom Berg", t(32), "Not started"),
        ("A19", "Present the business case to the CFO", "M5", "Customer", "Lee Park", t(35), "Not started"),
        ("A20", "Prepare the executive summary for the CFO", "M5", "Vendor", "Dana Reyes", t(30), "Not started"),
        ("A21", "Confirm the go-live date with the project lead", "M7", "Customer", "Lee Park", t(70),
         "Not started"),
        ("A22", "Share the implementation plan and schedule", "M7", "Vendor", "Sam Turner", t(68), "Not started"),
    ]
    keys = ("id", "action", "milestone", "party", "owner", "due", "status")
    p.tables["actions"] += [{**dict(zip(keys, r)), "completed": None} for r in extra]
    p.tables["checkins"][-1]["next_checkin"] = t(11)
    return p


def healthy_early() -> PlanDraft:
    """Just started after discovery: most of the plan lies ahead."""
    p = _shift_all(base_plan(), 35)
    p.overview["last_reviewed"] = t(-3)
    p.tables["checkins"] = [c for c in p.tables["checkins"] if c["date"] <= TODAY]
    p.tables["checkins"][-1]["next_checkin"] = t(10)
    for a in p.tables["actions"]:
        if a["due"] > TODAY:
            a["status"], a["completed"] = ("Not started", None)
    for m in p.tables["milestones"]:
        if m["due"] > TODAY:
            m["status"], m["completed"] = ("Not started", None)
    _milestone(p, "M2")["status"] = "In progress"
    return p


def healthy_late_stage() -> PlanDraft:
    """Twelve days to close: everything done but the order form, with room to spare."""
    p = _shift_all(base_plan(), -50)
    p.overview["last_reviewed"] = t(-4)
    p.overview["stage"] = "Negotiation"
    for rows in (p.tables["actions"], p.tables["milestones"]):
        for r in rows:
            if r["due"] <= t(3):
                r["status"], r["completed"] = "Done", r["due"] - dt.timedelta(days=1)
    for a in p.tables["actions"]:
        if a["due"] > t(3):
            a["status"] = "In progress"
    p.tables["checkins"] = [{**c, "date": t(-28 + 7 * i), "next_checkin": t(-21 + 7 * i)}
                            for i, c in enumerate(p.tables["checkins"])]
    for s in p.tables["stakeholders"]:
        s["last_contact"] = t(-5)
    for r in p.tables["risks"]:
        r["status"] = "Mitigated"
    return p


def completed_won() -> PlanDraft:
    """Signed a month ago; only the kickoff after signature is still ahead."""
    p = _shift_all(base_plan(), -90)
    p.overview["stage"] = "Closed won"
    p.overview["last_reviewed"] = t(-6)
    for rows in (p.tables["actions"], p.tables["milestones"]):
        for r in rows:
            r["status"], r["completed"] = "Done", r["due"]
    kickoff = _milestone(p, "M7")
    kickoff.update(due=t(10), status="In progress", completed=None)
    p.tables["checkins"] = [{**c, "date": t(-40 + 10 * i), "next_checkin": t(-30 + 10 * i)}
                            for i, c in enumerate(p.tables["checkins"])]
    for s in p.tables["stakeholders"]:
        s["last_contact"] = t(-6)
    for r in p.tables["risks"]:
        r["status"] = "Closed"
    return p


def completed_won_all_done() -> PlanDraft:
    """Signed and kicked off: every step done."""
    p = completed_won()
    _milestone(p, "M7").update(due=t(-3), status="Done", completed=t(-3))
    return p


def healthy_one_vague_action() -> PlanDraft:
    p = base_plan()
    _action(p, "A11")["action"] = "Follow up on pricing"
    return p


def healthy_countersign() -> PlanDraft:
    """Short actions that are a verb and its object."""
    p = base_plan()
    _action(p, "A12")["action"] = "Countersign contract"
    _action(p, "A11")["action"] = "Send order form"
    return p


def healthy_minor_gaps() -> PlanDraft:
    """No baselines on the outcomes, no exit criteria on two milestones, an action tied to no milestone."""
    p = base_plan()
    for o in p.tables["outcomes"]:
        o["baseline"] = None
    _milestone(p, "M5")["exit_criteria"] = None
    _milestone(p, "M7")["exit_criteria"] = None
    _action(p, "A10")["milestone"] = None
    return p


def healthy_due_today() -> PlanDraft:
    p = base_plan()
    _action(p, "A7")["due"] = TODAY
    return p


def replanned_after_priority_change() -> PlanDraft:
    """Priorities shifted; the plan was reviewed last week and the dates moved with both sides."""
    p = base_plan()
    p.tables["risks"].append({"id": "R3", "risk": "Priorities shifted after the reorganisation", "category":
                              "Priority change", "likelihood": "High", "impact": "High", "mitigation":
                              "Re-planned with the new sponsor; close moved to 29 January", "owner": "Lee Park",
                              "status": "Mitigated"})
    return p


# -- 1. lack of clarity and specificity -------------------------------------------------------------------

def vague_owners() -> PlanDraft:
    """Every open step owned by 'Customer' or 'TBD', some without a date, 'Follow up' steps."""
    p = base_plan()
    for i, a in enumerate(_open_actions(p)):
        a["owner"] = ("Customer", "TBD", "Vendor")[i % 3] if a["party"] == "Vendor" and i % 3 == 2 else \
            ("Customer", "TBD")[i % 2]
        if i % 2:
            a["due"] = None
        if i % 3 == 0:
            a["action"] = "Follow up"
    for m in p.tables["milestones"]:
        if m["status"] != "Done":
            m["owner"] = "TBD"
    return p


def no_due_dates() -> PlanDraft:
    """No open step has a deadline."""
    p = base_plan()
    for a in _open_actions(p):
        a["due"] = None
    for m in p.tables["milestones"]:
        if m["status"] != "Done":
            m["due"] = None
    return p


def placeholder_owners() -> PlanDraft:
    """Owners typed as placeholders: '[Name]', '?', 'Team', 'Customer'."""
    p = base_plan()
    for a, owner in zip(_open_actions(p), ["[Name]", "?", "Team", "Customer", "[Name]", "?"]):
        a["owner"] = owner
    return p


def vague_wording_half() -> PlanDraft:
    """Half of the open actions say 'discuss', 'follow up', 'touch base' (named owners and dates kept)."""
    p = base_plan()
    for a, text in zip(_open_actions(p), ["Discuss", "Follow up", "Touch base on legal", "Discuss next steps"]):
        a["action"] = text
    return p


# -- 2. misaligned expectations ---------------------------------------------------------------------------

def no_goals_no_criteria() -> PlanDraft:
    p = base_plan()
    for key in ("goals", "compelling_event", "success_criteria"):
        p.overview[key] = None
    p.tables["outcomes"] = []
    return p


def goals_tbd() -> PlanDraft:
    p = base_plan()
    p.overview["goals"] = "TBD"
    return p


# -- 3. unrealistic timelines -----------------------------------------------------------------------------

def crunch_timeline() -> PlanDraft:
    """Close in 10 days; milestones after the close; a milestone before its dependency; reviews, PO and
    signature piled into the last three days."""
    p = base_plan()
    p.overview["close_date"] = t(10)
    dues = {"M3": t(8), "M4": t(7), "M5": t(14), "M6": t(10), "M7": t(20)}
    for ident, due in dues.items():
        m = _milestone(p, ident)
        m["due"] = due
        m["start"] = min(m["start"], due)
    for ident, due in {"A7": t(7), "A8": t(8), "A9": t(9), "A10": t(9), "A11": t(10), "A12": t(10)}.items():
        _action(p, ident)["due"] = due
    p.tables["actions"] += [
        {"id": "A13", "action": "Approve the security questionnaire answers", "milestone": "M4", "party": "Customer",
         "owner": "Mia Chen", "due": t(9), "status": "Not started"},
        {"id": "A14", "action": "Release the budget for the order", "milestone": "M5", "party": "Customer",
         "owner": "Kim Wu", "due": t(12), "status": "Not started"},
        {"id": "A15", "action": "Countersign the order form", "milestone": "M6", "party": "Vendor",
         "owner": "Dana Reyes", "due": t(10), "status": "Not started"},
    ]
    return p


def close_date_passed() -> PlanDraft:
    """The close date passed five days ago; the stage is still Negotiation."""
    p = _shift_all(base_plan(), -68)
    p.overview["stage"] = "Negotiation"
    p.overview["last_reviewed"] = t(-6)
    for rows in (p.tables["actions"], p.tables["milestones"]):
        for r in rows:
            if r["due"] < t(-5):
                r["status"], r["completed"] = "Done", r["due"]
    _action(p, "A12").update(due=t(-5), status="In progress", completed=None)
    _milestone(p, "M6").update(status="In progress", completed=None)
    _milestone(p, "M7").update(due=t(20), status="Not started", completed=None)
    p.tables["checkins"] = [{**c, "date": t(-40 + 10 * i), "next_checkin": t(-30 + 10 * i)}
                            for i, c in enumerate(p.tables["checkins"])]
    for s in p.tables["stakeholders"]:
        s["last_contact"] = t(-6)
    return p


def dependency_inversions() -> PlanDraft:
    """Three milestones due before the milestones they depend on."""
    p = base_plan()
    _milestone(p, "M4")["due"] = t(5)   # depends on M3, due t(7)
    _milestone(p, "M5")["due"] = t(3)   # depends on M4
    _milestone(p, "M6")["due"] = t(1)   # depends on M5
    for ident in ("M4", "M5", "M6"):
        _milestone(p, ident)["start"] = t(0)
    return p


def due_after_close() -> PlanDraft:
    """Most open pre-signature steps are due after the close date."""
    p = base_plan()
    p.overview["close_date"] = t(20)
    return p


def no_close_date() -> PlanDraft:
    p = base_plan()
    p.overview["close_date"] = None
    return p


# -- 4. lack of follow-through ----------------------------------------------------------------------------

def customer_overdue_3_days() -> PlanDraft:
    p = base_plan()
    _action(p, "A7")["due"] = t(-3)
    return p


def vendor_overdue_1_day() -> PlanDraft:
    p = base_plan()
    _action(p, "A8").update(due=t(-1), status="In progress")
    return p


def customer_stalled() -> PlanDraft:
    """Customer actions ten and more days overdue."""
    p = base_plan()
    _action(p, "A7")["due"] = t(-12)
    _action(p, "A9")["due"] = t(-10)
    return p


def vendor_stalled() -> PlanDraft:
    p = base_plan()
    _action(p, "A8").update(due=t(-8), status="In progress")
    return p


def blocked_items() -> PlanDraft:
    p = base_plan()
    _action(p, "A8")["status"] = "Blocked"
    _milestone(p, "M4")["status"] = "Blocked"
    return p


# -- 5. changing customer priorities ----------------------------------------------------------------------

def priorities_shifted_not_adjusted() -> PlanDraft:
    """A reorganisation shifted priorities; nobody has met or touched the plan in six weeks."""
    p = base_plan()
    p.overview["last_reviewed"] = t(-45)
    p.tables["checkins"] = [{**c, "date": t(-84 + 14 * i), "next_checkin": t(-70 + 14 * i)}
                            for i, c in enumerate(p.tables["checkins"])]
    p.tables["risks"].append({"id": "R3", "risk": "Priorities shifted after the reorganisation", "category":
                              "Priority change", "likelihood": "High", "impact": "High", "mitigation": None,
                              "owner": None, "status": "Open"})
    return p


# -- 6. overcomplicating the MAP --------------------------------------------------------------------------

def bloated() -> PlanDraft:
    """45 actions and 14 milestones for one deal."""
    p = base_plan()
    base_actions = [a for a in p.tables["actions"]]
    n = len(base_actions)
    for k in range(33):
        src = base_actions[k % n]
        p.tables["actions"].append({**src, "id": f"A{n + k + 1}", "action": f"{src['action']} (part {k // n + 2})"})
    for k in range(7):
        src = p.tables["milestones"][k]
        p.tables["milestones"].append({**src, "id": f"M{8 + k}", "name": f"{src['name']} checkpoint",
                                       "depends_on": src["id"]})
    return p


def long_action_texts() -> PlanDraft:
    p = base_plan()
    for ident in ("A8", "A9", "A10"):
        a = _action(p, ident)
        a["action"] += (", after checking every answer with the product, legal and infrastructure teams, and "
                        "attaching the relevant summaries, the policies and the certificates that were asked for "
                        "during the evaluation meetings")
    return p


# -- 7. lack of engagement or buy-in ----------------------------------------------------------------------

def vendor_only_actions() -> PlanDraft:
    """Every action is the vendor's: no mutual plan at all."""
    p = base_plan()
    for a in p.tables["actions"]:
        a["party"] = "Vendor"
        a["owner"] = "Dana Reyes" if int(a["id"][1:]) % 2 else "Sam Turner"
    for m in p.tables["milestones"]:
        m["side"], m["owner"] = "Vendor", "Dana Reyes"
    return p


def champion_disengaged() -> PlanDraft:
    p = base_plan()
    next(s for s in p.tables["stakeholders"] if s["role"] == "Champion")["engagement"] = "Disengaged"
    return p


def customer_share_low() -> PlanDraft:
    """Two of twelve actions are the customer's."""
    p = base_plan()
    keep = {"A5", "A12"}
    for a in p.tables["actions"]:
        if a["party"] == "Customer" and a["id"] not in keep:
            a["party"] = "Vendor"
            a["owner"] = "Sam Turner"
    return p


def customer_owned_by_side_name() -> PlanDraft:
    """Every customer action is owned by 'Customer'; the vendor's are named."""
    p = base_plan()
    for a in p.tables["actions"]:
        if a["party"] == "Customer":
            a["owner"] = "Customer"
    return p


# -- 8. overlooking potential obstacles -------------------------------------------------------------------

def no_risks() -> PlanDraft:
    p = base_plan()
    p.tables["risks"] = []
    return p


def high_risk_unmitigated() -> PlanDraft:
    p = base_plan()
    p.tables["risks"][0].update(likelihood="High", impact="High", mitigation=None, owner=None)
    return p


# -- 9. lack of transparency ------------------------------------------------------------------------------

def no_checkins_not_reviewed() -> PlanDraft:
    p = base_plan()
    p.tables["checkins"] = []
    p.overview["last_reviewed"] = t(-60)
    return p


def statuses_contradict() -> PlanDraft:
    """Done without dates, completion dates on open items, a milestone Done with open actions."""
    p = base_plan()
    for ident in ("A1", "A2", "A3", "A4"):
        _action(p, ident)["completed"] = None
    _action(p, "A7")["completed"] = t(-2)
    _action(p, "A8")["completed"] = t(-1)
    _milestone(p, "M3").update(status="Done", completed=t(-1))
    return p


def checkins_lapsed() -> PlanDraft:
    """The last check-in was 35 days ago and none is booked."""
    p = base_plan()
    p.tables["checkins"] = [{**c, "date": t(-77 + 14 * i), "next_checkin": t(-63 + 14 * i)}
                            for i, c in enumerate(p.tables["checkins"])]
    p.overview["last_reviewed"] = t(-35)
    return p


# -- stakeholders -----------------------------------------------------------------------------------------

def single_threaded_no_buyer() -> PlanDraft:
    """No economic buyer and one customer contact, with legal, security and procurement milestones coming."""
    p = base_plan()
    p.overview["economic_buyer"] = None
    p.tables["stakeholders"] = [s for s in p.tables["stakeholders"] if s["side"] == "Vendor" or s["role"] == "Champion"]
    _milestone(p, "M4")["due"] = t(10)
    _milestone(p, "M5").update(start=t(10), due=t(18))
    _milestone(p, "M5")["owner"] = "Lee Park"
    _milestone(p, "M6")["owner"] = "Lee Park"
    _milestone(p, "M4")["owner"] = "Lee Park"
    for a in p.tables["actions"]:
        if a["party"] == "Customer":
            a["owner"] = "Lee Park"
    _action(p, "A9")["due"] = t(9)
    _action(p, "A8")["due"] = t(6)
    _action(p, "A10")["due"] = t(16)
    return p


def no_champion() -> PlanDraft:
    p = base_plan()
    p.overview["champion"] = None
    for s in p.tables["stakeholders"]:
        if s["role"] == "Champion":
            s["role"] = "User"
    return p


def buyer_not_contacted() -> PlanDraft:
    p = base_plan()
    next(s for s in p.tables["stakeholders"] if s["role"] == "Economic buyer")["last_contact"] = t(-45)
    return p


# -- nothing (or too little) to judge ---------------------------------------------------------------------

def blank_template() -> PlanDraft:
    return PlanDraft()


def overview_only() -> PlanDraft:
    p = base_plan()
    return PlanDraft(overview=dict(p.overview))


def milestones_only() -> PlanDraft:
    p = base_plan()
    p.tables["actions"] = []
    return p


def steps_not_understood() -> PlanDraft:
    """Steps whose dates are words and whose statuses are not the template's: nothing to track."""
    p = base_plan()
    p.tables["milestones"] = []
    for i, a in enumerate(p.tables["actions"]):
        a["due"] = ("next week", "end of month", "Q1", "asap")[i % 4]
        a["status"] = ("WIP", "ongoing", "pending", "50%")[i % 4]
        a["completed"] = None
        a["milestone"] = None
    return p


# -- mixed failures ---------------------------------------------------------------------------------------

def thin_plan() -> PlanDraft:
    """No risks, no check-ins, no economic buyer, the customer owns two steps."""
    p = customer_share_low()
    p.tables["risks"] = []
    p.tables["checkins"] = []
    p.overview["economic_buyer"] = None
    p.tables["stakeholders"] = [s for s in p.tables["stakeholders"] if s["role"] != "Economic buyer"]
    return p


def neglected() -> PlanDraft:
    """Items weeks overdue, no check-in for six weeks, the close date past."""
    p = _shift_all(base_plan(), -40)
    p.overview["last_reviewed"] = t(-42)
    return p


def vague_and_late() -> PlanDraft:
    p = vague_owners()
    _action(p, "A7")["due"] = t(-3)
    return p


def crunch_and_no_buyer() -> PlanDraft:
    p = crunch_timeline()
    p.overview["economic_buyer"] = None
    p.tables["stakeholders"] = [s for s in p.tables["stakeholders"] if s["role"] not in ("Economic buyer",)]
    return p


def large_with_one_stalled() -> PlanDraft:
    p = healthy_large()
    _action(p, "A7")["due"] = t(-9)
    return p


def vendor_only_and_vague() -> PlanDraft:
    p = vendor_only_actions()
    for a in _open_actions(p)[::2]:
        a["owner"] = "TBD"
        a["due"] = None
    return p


def no_stakeholders_listed() -> PlanDraft:
    p = base_plan()
    p.tables["stakeholders"] = []
    return p


PLANS: dict[str, Callable[[], PlanDraft]] = {
    f.__name__: f for f in (
        healthy_base, healthy_small, healthy_large, healthy_early, healthy_late_stage, completed_won,
        completed_won_all_done, healthy_one_vague_action, healthy_countersign, healthy_minor_gaps, healthy_due_today,
        replanned_after_priority_change,
        vague_owners, no_due_dates, placeholder_owners, vague_wording_half,
        no_goals_no_criteria, goals_tbd,
        crunch_timeline, close_date_passed, dependency_inversions, due_after_close, no_close_date,
        customer_overdue_3_days, vendor_overdue_1_day, customer_stalled, vendor_stalled, blocked_items,
        priorities_shifted_not_adjusted,
        bloated, long_action_texts,
        vendor_only_actions, champion_disengaged, customer_share_low, customer_owned_by_side_name,
        no_risks, high_risk_unmitigated,
        no_checkins_not_reviewed, statuses_contradict, checkins_lapsed,
        single_threaded_no_buyer, no_champion, buyer_not_contacted,
        blank_template, overview_only, milestones_only, steps_not_understood,
        thin_plan, neglected, vague_and_late, crunch_and_no_buyer, large_with_one_stalled, vendor_only_and_vague,
        no_stakeholders_listed,
    )
}


# -- added in a second round (labels written before mapsheet judged them, like the first) --------------------

def completed_won_quiet() -> PlanDraft:
    """Signed and kicked off six weeks ago; nobody has met on the plan since: there is nothing left to do."""
    p = completed_won_all_done()
    p.tables["checkins"] = [{**c, "date": t(-87 + 14 * i), "next_checkin": t(-73 + 14 * i)}
                            for i, c in enumerate(p.tables["checkins"])]
    p.overview["last_reviewed"] = t(-45)
    return p


def minor_timeline_issues() -> PlanDraft:
    """One action a day after the close, one milestone without buffer, one action after its milestone."""
    p = base_plan()
    _action(p, "A11")["due"] = dt.date(2027, 1, 30)
    _milestone(p, "M5")["due"] = dt.date(2027, 1, 28)
    _action(p, "A9")["due"] = dt.date(2026, 12, 19)
    return p


def vendor_two_items_4_days() -> PlanDraft:
    p = base_plan()
    _action(p, "A8").update(due=t(-4), status="In progress")
    _action(p, "A11").update(due=t(-4), status="Not started")
    return p


def no_milestones() -> PlanDraft:
    """Twelve good actions, no milestones at all."""
    p = base_plan()
    p.tables["milestones"] = []
    for a in p.tables["actions"]:
        a["milestone"] = None
    return p


def half_customer_unnamed() -> PlanDraft:
    """Two of the four open customer actions are owned by 'Customer'."""
    p = base_plan()
    _action(p, "A9")["owner"] = "Customer"
    _action(p, "A10")["owner"] = "Customer"
    return p


def no_outcomes() -> PlanDraft:
    p = base_plan()
    p.tables["outcomes"] = []
    return p


def disengaged_buyer_and_stalled() -> PlanDraft:
    p = base_plan()
    next(s for s in p.tables["stakeholders"] if s["role"] == "Economic buyer")["engagement"] = "Disengaged"
    _action(p, "A7")["due"] = t(-8)
    return p


def healthy_tiny() -> PlanDraft:
    """Three milestones, four actions, two a side: a small renewal done right."""
    p = healthy_small()
    p.tables["milestones"] = [m for m in p.tables["milestones"] if m["id"] != "M1"]
    p.tables["milestones"][0]["depends_on"] = ""
    p.tables["actions"] = [a for a in p.tables["actions"] if a["id"] in ("A3", "A4", "A5", "A6")]
    p.tables["actions"].append({"id": "A7", "action": "Share the renewal quote with the new seats", "milestone": "M2",
                                "party": "Vendor", "owner": "Dana Reyes", "due": t(5), "status": "In progress"})
    return p


def reviewer_missing_one() -> PlanDraft:
    """The security review is ten days away and nobody at the customer has the Security role."""
    p = base_plan()
    p.tables["stakeholders"] = [s for s in p.tables["stakeholders"] if s["role"] != "Security"]
    _milestone(p, "M4")["due"] = t(10)
    _action(p, "A8")["due"] = t(6)
    _action(p, "A9")["due"] = t(9)
    return p


PLANS.update({f.__name__: f for f in (
    completed_won_quiet, minor_timeline_issues, vendor_two_items_4_days, no_milestones, half_customer_unnamed,
    no_outcomes, disengaged_buyer_and_stalled, healthy_tiny, reviewer_missing_one)})


def build(plan_id: str) -> PlanDraft:
    return copy.deepcopy(PLANS[plan_id]())
