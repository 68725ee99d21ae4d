"""Obstacles anticipated: risks are written down, rated, owned and have a plan B.

"Anticipate potential obstacles: Proactively identify potential challenges or risks during the process, such
as budget constraints, competing priorities, or internal delays. Then, include contingency plans for how to
address these obstacles."
"""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Record
from .base import Band, Context, Family, Hit, Severity, label, lowered, per_check
from .registry import rule

_WHY_ANTICIPATE = ("\"Anticipate potential obstacles: Proactively identify potential challenges or risks ... Then, "
                   "include contingency plans for how to address these obstacles.\"")
_WHY_OVERLOOKED = ("\"Overlooking potential obstacles: Not anticipating obstacles, such as budget approval delays or "
                   "internal team changes, can derail the plan.\"")
_NO_LETTERS = re.compile(r"^[\W\d_]*$")


@per_check
def _open_risks(ctx: Context) -> tuple[Record, ...]:
    return tuple([r for r in ctx.plan.risks if not r.is_closed])


def _placeholder(text: object, ctx: Context) -> bool:
    """Empty, or a stand-in such as 'TBD', '-' or 'discuss' rather than a plan."""
    words = str(text or "").strip().lower().strip(".!")
    return _NO_LETTERS.match(words) is not None or words in lowered(ctx, "vague_words")


@rule("MAP601", "no-risks", Family.OBSTACLES, Severity.WARNING, why=_WHY_OVERLOOKED,
      bad="A Risks tab with no rows.",
      good="R1 'Budget freeze at the fiscal year end' and R2 'Security review queue is six weeks long', each with a "
           "mitigation and an owner.",
      fix="Ask both sides what could delay the deal (budget, timing, competition, legal, technical, people, "
          "priorities) and list the likely ones with a contingency.")
def no_risks(ctx: Context) -> Iterator[Hit]:
    """No risks or obstacles are listed."""
    table = ctx.plan.tables["risks"]
    if table.header_row is not None and not table.records:
        yield Hit(table.header_loc("risk"), "no risks are listed; ask both sides what could delay or derail the deal "
                                            "(budget approval, timing, legal, people changes) and write each with "
                                            "its contingency")


@rule("MAP602", "risk-without-mitigation", Family.OBSTACLES, Severity.WARNING, why=_WHY_ANTICIPATE,
      bad="R1 'Budget freeze at the fiscal year end', status Open, Mitigation / contingency: (empty).",
      good="R1 'Budget freeze at the fiscal year end': 'Sign before 31 January; the CFO is briefed by the champion'.",
      fix="Write what both sides will do to prevent it, and what happens if it happens anyway.",
      settings=("vague_words",))
def risk_without_mitigation(ctx: Context) -> Iterator[Hit]:
    """An open risk has no mitigation or contingency."""
    for r in _open_risks(ctx):
        if "mitigation" in r.columns and _placeholder(r.values.get("mitigation"), ctx):
            yield Hit(r.loc("mitigation"), f"risk {label(r)} has no mitigation or contingency; write what both "
                                           "sides will do to prevent it and what happens if it happens anyway")


@rule("MAP603", "risk-without-owner", Family.OBSTACLES, Severity.INFO,
      why=_WHY_ANTICIPATE + " A contingency nobody owns is not acted on: \"clearly define who is responsible for "
          "each task\".",
      bad="R2 'Security review queue is six weeks long', status Open, Owner: (empty).",
      good="R2 'Security review queue is six weeks long', Owner: Sam Turner.",
      fix="Name the one person who watches the risk and triggers the contingency.")
def risk_without_owner(ctx: Context) -> Iterator[Hit]:
    """An open risk has no owner."""
    for r in _open_risks(ctx):
        if "owner" in r.columns and not str(r.values.get("owner") or "").strip():
            yield Hit(r.loc("owner"), f"risk {label(r)} has no owner; name the person who watches it and triggers "
                                      "its contingency")


@rule("MAP604", "high-risk-open", Family.OBSTACLES, Severity.WARNING,
      why=_WHY_OVERLOOKED + " A risk both likely and damaging is no longer a possibility to note but a problem to "
          "work on now.",
      bad="R1 'Budget freeze at the fiscal year end': Likelihood High, Impact High, Status Open.",
      good="R1 'Budget freeze at the fiscal year end': Likelihood Medium, Impact High, Status Open, the CFO briefed.",
      fix="Act on the contingency now (an action with an owner and a date), then lower the rating or mark the risk "
          "Mitigated.")
def high_risk_open(ctx: Context) -> Iterator[Hit]:
    """A risk of high likelihood and high impact is still open."""
    for r in _open_risks(ctx):
        if r.values.get("likelihood") == "High" and r.values.get("impact") == "High":
            yield Hit(r.loc("status"), f"risk {label(r)} is both likely and high-impact, and still open; act on its "
                                       "contingency now (an action with an owner and a date), then mark it Mitigated",
                      band=Band.AT_RISK)


@rule("MAP605", "risk-not-rated", Family.OBSTACLES, Severity.INFO, why=_WHY_ANTICIPATE + " Rating likelihood and "
      "impact tells both sides which obstacles to work on first.",
      bad="R2 'Security review queue is six weeks long', status Open, Likelihood: (empty).",
      good="R2 'Security review queue is six weeks long': Likelihood Medium, Impact Medium.",
      fix="Rate how likely the risk is and how much it would hurt (High, Medium or Low).")
def risk_not_rated(ctx: Context) -> Iterator[Hit]:
    """An open risk has no likelihood or no impact."""
    for r in _open_risks(ctx):
        # A rating that is not in the list is MAP007's finding, not a missing one.
        missing = [key for key in ("likelihood", "impact")
                   if key in r.columns and r.values.get(key) is None and key not in r.raw]
        if missing:
            yield Hit(r.loc(missing[0]), f"risk {label(r)} has no {' or '.join(missing)}; rate it High, Medium or "
                                         "Low so both sides know which obstacles come first")
