"""The one deal every corpus file holds, as ground truth, written before mapsheet reads any of them.

Northwind Traders (the customer) buys Contoso's analytics platform. Eleven steps in four phases; on the
reference day (TODAY) two customer steps are 6 and 4 days overdue, so an expert calls the plan At risk
(Accord: At Risk with an item 1 to 6 days overdue, Stalled at 7 or more). Two variants move one step so
the same deal is On track or Off track, and layouts that write relative dates ("Week 5") shift the dates
to what their words mean. The band of each file is the expert's rule applied to its own truth
(``expert_band``), not mapsheet's scoring.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

TODAY = dt.date(2026, 11, 10)
PLAN_START = dt.date(2026, 10, 5)  # a Monday: "Week 1" is 5-11 Oct, "Day 1" is 5 Oct
CLOSE = dt.date(2026, 12, 11)
GO_LIVE = dt.date(2027, 1, 15)
LAST_UPDATED = dt.date(2026, 11, 9)

CUSTOMER = "Northwind Traders"
CUSTOMER_SHORT = "Northwind"
VENDOR = "Contoso"
DEAL = "Northwind Traders - Contoso Analytics"

VENDOR_SIDE, CUSTOMER_SIDE, JOINT = "Vendor", "Customer", "Joint"


@dataclass(frozen=True)
class Person:
    name: str
    side: str
    role: str
    dept: str
    email: str


PEOPLE = {p.name: p for p in (
    Person("Sam Turner", VENDOR_SIDE, "Account executive", "Sales", "sam.turner@contoso.com"),
    Person("Lee Park", VENDOR_SIDE, "Sales engineer", "SE", "lee.park@contoso.com"),
    Person("Priya Shah", CUSTOMER_SIDE, "Champion", "Ops", "priya.shah@northwind.com"),
    Person("Raj Iyer", CUSTOMER_SIDE, "Technical evaluator", "IT", "raj.iyer@northwind.com"),
    Person("Dana Cole", CUSTOMER_SIDE, "Security", "Security", "dana.cole@northwind.com"),
    Person("Maria Lopez", CUSTOMER_SIDE, "Legal", "Legal", "maria.lopez@northwind.com"),
    Person("Tom Reed", CUSTOMER_SIDE, "Procurement", "Procurement", "tom.reed@northwind.com"),
    Person("Ana Ruiz", CUSTOMER_SIDE, "Economic buyer", "Finance", "ana.ruiz@northwind.com"),
)}


@dataclass(frozen=True)
class Step:
    n: int
    phase: str
    text: str
    owners: tuple[str, ...]  # one name, or a customer and a vendor name for a joint step
    due: dt.date
    status: str  # Not started / In progress / Blocked / Done
    week: int  # the week of the plan this step is due in (for layouts that write weeks)

    @property
    def party(self) -> str:
        sides = {PEOPLE[o].side for o in self.owners}
        return JOINT if len(sides) > 1 else sides.pop()


PHASES = ("Discovery & alignment", "Technical evaluation", "Security & business case",
          "Legal, procurement & signature")

_d = dt.date
BASE_STEPS = (
    Step(1, PHASES[0], "Hold the discovery call and confirm the pains in numbers", ("Sam Turner",), _d(2026, 10, 9), "Done", 1),
    Step(2, PHASES[0], "Confirm the buying committee and the decision process", ("Priya Shah",), _d(2026, 10, 16), "Done", 2),
    Step(3, PHASES[1], "Give a tailored demo to the analytics team", ("Lee Park",), _d(2026, 10, 23), "Done", 3),
    Step(4, PHASES[1], "Provide sample data for the trial environment", ("Raj Iyer",), _d(2026, 10, 30), "Done", 4),
    Step(5, PHASES[1], "Run the two-week trial against the agreed success criteria", ("Raj Iyer", "Lee Park"),
         _d(2026, 11, 13), "In progress", 6),
    Step(6, PHASES[2], "Complete the security questionnaire review", ("Dana Cole",), _d(2026, 11, 4), "In progress", 5),
    Step(7, PHASES[2], "Present the business case to the CFO", ("Priya Shah",), _d(2026, 11, 6), "Not started", 5),
    Step(8, PHASES[3], "Send the MSA and order form for legal review", ("Sam Turner",), _d(2026, 11, 12), "Not started", 6),
    Step(9, PHASES[3], "Return the contract redlines to Contoso", ("Maria Lopez",), _d(2026, 11, 20), "Not started", 7),
    Step(10, PHASES[3], "Issue the purchase order", ("Tom Reed",), _d(2026, 11, 27), "Not started", 8),
    Step(11, PHASES[3], "Sign the contract", ("Ana Ruiz",), _d(2026, 12, 4), "Not started", 9),
)


def week_end(week: int) -> dt.date:
    """The last day of week ``week`` of the plan (week 1 starts on PLAN_START)."""
    return PLAN_START + dt.timedelta(days=7 * week - 1)


def steps(variant: str, *, weeks: bool = False, joint: bool = True) -> list[Step]:
    """The deal's steps for a band variant ("at_risk", "off_track", "on_track"). ``weeks``: dates are
    what a "Week N" layout means (the end of week N). ``joint``: the layout can say a step is both sides'
    (otherwise step 5 is the sales engineer's alone)."""
    out = []
    for s in BASE_STEPS:
        if not joint and len(s.owners) > 1:
            s = dataclasses.replace(s, owners=(s.owners[1],))
        if variant == "off_track" and s.n == 6:
            s = dataclasses.replace(s, due=_d(2026, 10, 30), week=4)
        if variant == "on_track" and s.n == 6:
            s = dataclasses.replace(s, status="Done")
        if variant == "on_track" and s.n == 7:
            s = dataclasses.replace(s, due=_d(2026, 11, 13), week=6)
        if weeks:
            s = dataclasses.replace(s, due=week_end(s.week))
        out.append(s)
    return out


def expert_band(truth_steps: list[Step], today: dt.date = TODAY) -> str:
    """Accord's rule, as an expert applies it: any open step 1-6 days late is At risk, 7 or more Off track."""
    late = [(today - s.due).days for s in truth_steps if s.status not in ("Done", "Cancelled") and s.due < today]
    if not late:
        return "On track"
    return "Off track" if max(late) >= 7 else "At risk"
