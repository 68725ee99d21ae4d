"""Stakeholders involved early: the people who decide are named, reachable and engaged before they are needed.

"Involve key stakeholders early: Identify and involve all relevant decision-makers and influencers from the
start to prevent bottlenecks later." A MAP is the tool "when you need to align multiple stakeholders".
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Iterator

from ..model import Record
from .base import Band, Context, Family, Hit, Severity, found_in, label, per_check, plural
from .registry import rule

_WHY_EARLY = ("\"Involve key stakeholders early: Identify and involve all relevant decision-makers and influencers "
              "from the start to prevent bottlenecks later.\"")

#: The reviewer a milestone needs, and the setting listing the words of a milestone name that call for it.
_REVIEWER_SETTINGS = {"Legal": "legal_milestone_words", "Security": "security_milestone_words",
                      "Procurement": "procurement_milestone_words"}


@lru_cache(maxsize=16)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Words and phrases matched from the start of a word; a trailing '*' makes one a prefix ("procure*"
    matches "procurement"), otherwise it must end there too ("po" is not "policy"). Spaces and hyphens
    inside a phrase match either ("vendor set-up" / "vendor setup")."""
    parts = []
    for word in words:
        prefix = word.endswith("*")
        pieces = re.split(r"[\s-]+", word.rstrip("*").strip())
        parts.append(r"(?<!\w)" + r"[\s-]*".join(map(re.escape, pieces)) + ("" if prefix else r"(?!\w)"))
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


@per_check
def _reviewer_words(ctx: Context, setting: str) -> re.Pattern[str]:
    return _words_pattern(tuple(ctx[setting]))


#: Customer roles whose disengagement puts the decision itself at risk.
_KEY_ROLES = ("Champion", "Economic buyer", "Decision maker", "Executive sponsor")


def _roles_readable(ctx: Context) -> bool:
    """The Stakeholders tab is there with its Side and Role columns (otherwise MAP001/MAP002 say so)."""
    columns = ctx.plan.tables["stakeholders"].columns
    return "side" in columns and "role" in columns


@per_check
def _customer_side(ctx: Context) -> tuple[Record, ...]:
    return tuple([s for s in ctx.plan.stakeholders if s.values.get("side") == "Customer"])


@per_check
def _customer_roles(ctx: Context) -> list[Any]:
    """The role of each Customer stakeholder (shared: not to be changed)."""
    return [s.values.get("role") for s in _customer_side(ctx)]


def _has_customer_role(ctx: Context, role: str) -> bool:
    return role in _customer_roles(ctx)


def _due_phrase(due: dt.date, ctx: Context) -> str:
    days = (due - ctx.today).days
    if days < 0:
        return f"was due on {due} ({plural(-days, 'day')} ago)"
    return f"is due on {due} ({'today' if days == 0 else 'in ' + plural(days, 'day')})"


def _unnamed(ctx: Context, key: str, role: str) -> bool:
    """Neither the Overview field ``key`` nor a Customer stakeholder with ``role`` names the person.

    When neither place can be read (no such Overview label, no Stakeholders tab or roles), the structure
    rules already say so, and nothing is judged.
    """
    plan = ctx.plan
    if key not in plan.overview_cells and not _roles_readable(ctx):
        return False
    filled = str(plan.field(key) or "").strip()
    return not filled and not _has_customer_role(ctx, role)


@rule("MAP501", "champion-missing", Family.STAKEHOLDERS, Severity.ERROR,
      why=_WHY_EARLY + " The champion is the person at the customer who drives the plan internally; "
          "without one, the customer's actions have nobody pushing them.",
      bad="Overview 'Customer champion' is empty and no Customer stakeholder has the role Champion.",
      good="Overview 'Customer champion': Lee Park, who is also on the Stakeholders tab as a Customer Champion.",
      fix="Name the customer's champion in the Overview and list them on the Stakeholders tab with the role Champion.")
def champion_missing(ctx: Context) -> Iterator[Hit]:
    """No customer champion is named."""
    if _unnamed(ctx, "champion", "Champion"):
        yield Hit(ctx.plan.field_loc("champion"),
                  "no customer champion is named (this field is empty and no Customer stakeholder has the role "
                  "Champion); name the person at the customer who drives the plan internally, here and on the "
                  "Stakeholders tab")


@rule("MAP502", "economic-buyer-missing", Family.STAKEHOLDERS, Severity.WARNING,
      why=_WHY_EARLY + " The economic buyer releases the budget: a plan that meets them only at signature meets "
          "\"budget approval delays\" there.",
      bad="Overview 'Economic buyer' is empty and no Customer stakeholder has the role Economic buyer.",
      good="Overview 'Economic buyer': Kim Wu, listed on the Stakeholders tab as the Customer's Economic buyer.",
      fix="Ask the champion who signs off the budget; name them in the Overview and on the Stakeholders tab.")
def economic_buyer_missing(ctx: Context) -> Iterator[Hit]:
    """No economic buyer is named."""
    if _unnamed(ctx, "economic_buyer", "Economic buyer"):
        yield Hit(ctx.plan.field_loc("economic_buyer"),
                  "no economic buyer is named (this field is empty and no Customer stakeholder has the role "
                  "Economic buyer); ask the champion who signs off the budget and name them here and on the "
                  "Stakeholders tab")


@rule("MAP503", "reviewer-missing", Family.STAKEHOLDERS, Severity.WARNING,
      why=_WHY_EARLY + " The guide's milestones include \"contract review ... procurement, approvals\": those "
          "reviews wait for weeks when the customer's legal, security or procurement person is found only when "
          "they are due.",
      bad="Milestone M4 'Security and legal review' is due in 21 days and no Customer stakeholder has the role Legal.",
      good="Ana Ortiz (Legal) and Mia Chen (Security) are on the Stakeholders tab weeks before M4 is due.",
      fix="Ask the champion who will review for legal, security or procurement and add them to the Stakeholders tab "
          "with that role.",
      settings=("reviewer_lead_days", *_REVIEWER_SETTINGS.values()))
def reviewer_missing(ctx: Context) -> Iterator[Hit]:
    """A legal, security or procurement milestone is near and nobody at the customer has that role."""
    lead = ctx["reviewer_lead_days"]
    if not _roles_readable(ctx) or "status" not in ctx.plan.tables["milestones"].columns:
        return
    unlisted = [(role, _reviewer_words(ctx, setting)) for role, setting in _REVIEWER_SETTINGS.items()
                if not _has_customer_role(ctx, role)]
    if not unlisted:  # the customer's legal, security and procurement people are all listed
        return
    for m in ctx.open_milestones:
        due = m.values.get("due")
        if due is None or (due - ctx.today).days > lead:
            continue
        name = str(m.values.get("name") or "")
        missing = [role for role, words in unlisted if found_in(words, name)]
        if not missing:
            continue
        yield Hit(m.loc("name"), f"milestone {label(m)} {_due_phrase(due, ctx)} but no Customer stakeholder has "
                                 f"the role {' or '.join(missing)}; ask the champion who reviews for "
                                 f"{' and '.join(missing).lower()} and add them to the Stakeholders tab")


@rule("MAP504", "single-threaded", Family.STAKEHOLDERS, Severity.WARNING,
      why=_WHY_EARLY + " A MAP is the tool \"when you need to align multiple stakeholders\"; a deal known through "
          "one or two people stalls when one of them is away or leaves (\"internal team changes\").",
      bad="The Stakeholders tab lists the champion and one IT architect on the Customer side.",
      good="Six Customer stakeholders: champion, economic buyer, technical evaluator, legal, security, procurement.",
      fix="Ask the champion who else takes part in the decision and add them with their roles.",
      settings=("min_customer_stakeholders",))
def single_threaded(ctx: Context) -> Iterator[Hit]:
    """Too few people on the customer side are known."""
    table = ctx.plan.tables["stakeholders"]
    if not _roles_readable(ctx) or not table.records:  # an empty tab is MAP105's finding
        return
    n, least = len(_customer_side(ctx)), ctx["min_customer_stakeholders"]
    if n < least:
        known = "no Customer stakeholder is" if n == 0 else f"only {plural(n, 'Customer stakeholder')} " + \
            ("is" if n == 1 else "are")
        yield Hit(table.header_loc("name"), f"{known} listed, so the deal is single-threaded; ask the champion who "
                                            f"else decides or reviews and list at least {least}")


@rule("MAP505", "key-stakeholder-disengaged", Family.STAKEHOLDERS, Severity.WARNING,
      why="\"Lack of engagement or buy-in: The customer may not feel fully invested in the MAP, leading to "
          "disengagement or delays in completing tasks.\" A disengaged decision-maker puts the deal at risk.",
      bad="Kim Wu, the customer's Economic buyer, has Engagement: Disengaged.",
      good="Kim Wu, the customer's Economic buyer, has Engagement: Neutral; Lee Park, the Champion, is Engaged.",
      fix="Plan how to re-engage them (a meeting with your executive, a business case in their terms), add it as an "
          "action with an owner, and update the engagement afterwards.")
def key_stakeholder_disengaged(ctx: Context) -> Iterator[Hit]:
    """A champion, economic buyer, decision maker or executive sponsor is disengaged."""
    for s in ctx.plan.stakeholders:
        role = s.values.get("role")
        if role in _KEY_ROLES and s.values.get("side") != "Vendor" and s.values.get("engagement") == "Disengaged":
            yield Hit(s.loc("engagement"), f"{label(s)}, the customer's {role.lower()}, is disengaged; find out why, "
                                           "plan how to re-engage them (a meeting with your executive, a business "
                                           "case in their terms) and add it as an action with an owner",
                      band=Band.AT_RISK)


@rule("MAP506", "key-stakeholder-not-contacted", Family.STAKEHOLDERS, Severity.INFO,
      why=_WHY_EARLY + " \"Frequent communication keeps both sides engaged\": a champion or economic buyer not "
          "heard from in a month may have moved on.",
      bad="Kim Wu, Economic buyer, Last contact: 2026-10-27 (31 days before the check).",
      good="Kim Wu, Economic buyer, Last contact: 2026-11-10.",
      fix="Get in touch (a short call on the plan's progress) and update Last contact.",
      settings=("stakeholder_contact_days",))
def key_stakeholder_not_contacted(ctx: Context) -> Iterator[Hit]:
    """The champion or the economic buyer has not been contacted recently."""
    limit = ctx["stakeholder_contact_days"]
    for s in ctx.plan.stakeholders:
        role = s.values.get("role")
        if role not in ("Champion", "Economic buyer") or s.values.get("side") == "Vendor":
            continue
        if "last_contact" not in s.columns:  # the plan does not track contacts
            return
        last = s.values.get("last_contact")
        if "last_contact" in s.raw:  # not a date: MAP005 says so
            continue
        if last is None:
            yield Hit(s.loc("last_contact"), f"no contact with {label(s)}, the {role.lower()}, is recorded; get in "
                                             "touch and write the date here")
        elif (ctx.today - last).days > limit:
            yield Hit(s.loc("last_contact"), f"{label(s)}, the {role.lower()}, was last contacted "
                                             f"{plural((ctx.today - last).days, 'day')} ago ({last}); get in touch "
                                             "about the plan's progress and update this date")
