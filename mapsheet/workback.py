"""Work-back planning: the default milestones of a new plan, scheduled back from the close date.

The milestones are the ones the MAP guide lists ("contract review, solution demos, procurement,
approvals, implementation stages, or final decision points"), each given the lead time it usually needs
before signature. Owners follow the side: the seller for vendor steps, the champion for customer steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .fill import PlanDraft
from .template.spec import TEMPLATE_VERSION


@dataclass(frozen=True)
class StandardMilestone:
    name: str
    side: str  # Vendor / Customer / Joint
    days_before_close: int  # negative: after signature
    exit_criteria: str


STANDARD_MILESTONES = (
    StandardMilestone("Discovery and goals agreed", "Joint", 56, "Customer goals and success criteria written on the Overview"),
    StandardMilestone("Solution demo", "Vendor", 49, "Demo of the agreed use cases to the evaluation team"),
    StandardMilestone("Technical evaluation", "Customer", 35, "Trial results signed off by the technical evaluator"),
    StandardMilestone("Business case approved", "Customer", 28, "ROI case accepted by the economic buyer"),
    StandardMilestone("Security and legal review", "Customer", 21, "Security questionnaire and contract redlines closed"),
    StandardMilestone("Procurement", "Customer", 14, "Vendor set up, purchase order raised"),
    StandardMilestone("Executive approval", "Customer", 7, "Budget released by the economic buyer"),
    StandardMilestone("Contract signature", "Joint", 0, "Order form signed by both sides"),
    StandardMilestone("Implementation kickoff", "Vendor", -14, "Kickoff held, project plan shared"),
)

#: A new plan starts no later than this many days before its first milestone falls due.
MIN_LEAD_DAYS = 7


def schedule_milestones(close: dt.date, start: dt.date, seller: str = "", champion: str = "",
                        go_live: dt.date | None = None) -> list[dict]:
    """The standard milestones due back from ``close``, compressed proportionally when time is short."""
    longest = STANDARD_MILESTONES[0].days_before_close
    available = (close - start).days
    # With less time than the standard plan needs, squeeze every lead time by the same factor.
    factor = 1.0 if available >= longest + MIN_LEAD_DAYS else max(available - 1, 0) / longest
    rows = []
    previous_due = start
    for number, m in enumerate(STANDARD_MILESTONES, start=1):
        if m.days_before_close >= 0:
            due = close - dt.timedelta(days=round(m.days_before_close * factor))
        else:
            due = close - dt.timedelta(days=m.days_before_close)
            if go_live is not None and m.name == "Implementation kickoff":
                due = min(due, go_live)
        owner = seller if m.side == "Vendor" else champion if m.side == "Customer" else seller
        rows.append({
            "id": f"M{number}", "name": m.name, "side": m.side, "owner": owner or None,
            "start": previous_due, "due": due, "status": "Not started",
            "depends_on": f"M{number - 1}" if number > 1 else None, "exit_criteria": m.exit_criteria,
        })
        previous_due = due
    return rows


def new_plan_draft(*, customer: str, deal: str, owner: str, close: dt.date, start: dt.date,
                   value: float | None = None, currency: str | None = None, stage: str | None = None,
                   champion: str | None = None, economic_buyer: str | None = None,
                   go_live: dt.date | None = None, goals: str | None = None) -> PlanDraft:
    draft = PlanDraft()
    draft.overview.update({
        "deal": deal, "customer": customer, "seller_owner": owner, "champion": champion,
        "economic_buyer": economic_buyer, "value": value, "currency": currency, "stage": stage,
        "close_date": close, "go_live": go_live, "plan_start": start, "last_reviewed": start,
        "template_version": TEMPLATE_VERSION, "goals": goals,
    })
    draft.overview = {k: v for k, v in draft.overview.items() if v is not None}
    draft.tables["milestones"] = schedule_milestones(close, start, owner, champion or "", go_live)
    stakeholders = [{"name": owner, "side": "Vendor", "role": "Account executive", "engagement": "Engaged"}]
    if champion:
        stakeholders.append({"name": champion, "side": "Customer", "role": "Champion"})
    if economic_buyer:
        stakeholders.append({"name": economic_buyer, "side": "Customer", "role": "Economic buyer"})
    draft.tables["stakeholders"] = stakeholders
    return draft
