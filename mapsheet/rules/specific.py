"""Specific and actionable: every action and milestone says what, who (a person) and by when.

The guide: "Be specific and actionable: Clearly define each action item and milestone with specific
tasks and deadlines", and "Vague action items or unclear responsibilities can lead to confusion and
delays." The helpers ``is_placeholder_owner`` (an owner that is nobody: "TBD", "?", "[Name]", a side),
``owners`` (what an owner cell holds), ``norm_name`` and ``describe`` are shared with the ownership and
timelines families and the verdict.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator, NamedTuple

from ..model import Record
from ..template.spec import SIDE
from .base import Context, Family, Hit, Severity, label, per_check, plural
from .registry import rule

_WHY_SPECIFIC = ("The guide: \"Be specific and actionable: Clearly define each action item and milestone with "
                 "specific tasks and deadlines, so both parties know exactly what needs to be done.\"")
_WHY_OWNER = ("The guide: \"Establish clear ownership and accountability: Clearly define who is responsible for each "
              "task to ensure both parties stay accountable and focused.\"")
_WHY_VAGUE = ("The guide lists \"Lack of clarity and specificity\" among the common failures: \"Vague action items "
              "or unclear responsibilities can lead to confusion and delays.\"")


# -- helpers shared by the specific, ownership and timelines families ----------------------------------

def _blank(rec: Record, key: str) -> bool:
    """The row has the column ``key`` and the cell is empty.

    A missing column is the structure family's finding (MAP002), and a value that was written but could
    not be typed (a date in words, a value not in the list, #REF!) is kept in ``rec.raw`` and reported by
    MAP005/MAP007/MAP011; neither is "empty" here.
    """
    return key in rec.columns and _empty(rec.values.get(key)) and key not in rec.raw


_EMPTY = (None, "", [])


def _empty(value: Any) -> bool:
    """None, "" or []: the value of an empty cell. (A filled cell's value is true: it is told apart by that alone,
    without comparing a date with each of the three.)"""
    return not value and value in _EMPTY


def norm_name(value: Any) -> str:
    """A name or word as compared: trimmed, inner spaces folded, case ignored."""
    if type(value) is str:  # the same few owners and companies, compared many times a plan
        known = _NORMS.get(value)
        if known is None:
            if len(_NORMS) > _REMEMBERED:
                _NORMS.clear()
            known = _NORMS[value] = " ".join(value.split()).casefold()
        return known
    return " ".join(str(value).split()).casefold()


_NORMS: dict[str, str] = {}
_REMEMBERED = 20_000


_NO_LETTERS = re.compile(r"^[\W\d_]*$")
_BRACKETED = re.compile(r"^[\[<{(].*[\]>})]$")


def _words(settings: dict[str, Any], key: str, with_sides: bool) -> frozenset[str]:
    """The words of setting ``key`` as compared (and the template's sides), worked out again only when the
    setting holds other words: every owner of every plan is looked up in them."""
    listed = tuple(settings[key])  # texts: the config checks it
    known = _LISTED.get((key, with_sides))
    if known is None or known[0] != listed:
        known = _LISTED[(key, with_sides)] = (
            listed, frozenset(norm_name(w) for w in (*listed, *(SIDE if with_sides else ()))))
    return known[1]


#: (setting, with the sides) -> (the words it holds, as compared)
_LISTED: dict[tuple[str, bool], tuple[tuple[str, ...], frozenset[str]]] = {}


def is_placeholder_owner(settings: dict[str, Any], owner: Any, company: Any = None) -> bool:
    """The owner cell holds a stand-in, not a person: "TBD", "?", "[Name]", a side ("Customer", "Vendor"),
    "Team", or the customer's company. Such an owner is a missing owner.

    The template's own side values (Vendor, Customer, Joint) always count, whatever the settings say."""
    return _is_stand_in(settings, owner) or _is_customer_owner(owner, company)


def _is_stand_in(settings: dict[str, Any], owner: Any) -> bool:
    """``is_placeholder_owner`` whoever the customer is."""
    text = norm_name(owner) if owner is not None else ""
    return bool(text) and bool(_NO_LETTERS.match(text) or _BRACKETED.match(text)
                               or text in _words(settings, "placeholder_owner_words", True))


def _is_customer_owner(owner: Any, company: Any) -> bool:
    """The owner cell names the customer's company (a placeholder for whoever there does it)."""
    if owner is None or company is None:
        return False
    text = norm_name(owner)
    return bool(text) and text == norm_name(company)


def is_team_name(settings: dict[str, Any], owner: Any) -> bool:
    """The owner names a team or a department ("Legal", "IT", "the sales team"), not a person."""
    text = norm_name(owner) if owner is not None else ""
    return text in _words(settings, "team_owner_words", False) or text.endswith(" team")


def is_named_person_in(settings: dict[str, Any], owner: Any, company: Any = None) -> bool:
    """The owner is filled in with a person: neither empty, a placeholder nor a team."""
    return _filled(owner) and not is_placeholder_owner(settings, owner, company) and not is_team_name(settings, owner)


def _filled(owner: Any) -> bool:
    return owner is not None and bool(str(owner).strip())


class Owner(NamedTuple):
    """What an owner cell holds, as the rules judge it."""

    placeholder: bool  # a stand-in, not a person: ``is_placeholder_owner``
    team: bool  # a team or a department: ``is_team_name``
    person: bool  # a named person: ``is_named_person_in``


@per_check
def owners(ctx: Context) -> dict[Any, Owner]:
    """``owners(ctx)[owner]``: what ``owner`` is, for this plan's settings and customer (a plan repeats its
    few owners, and several rules ask about each)."""
    return _Owners(_judged(ctx), ctx.settings, ctx.plan.field("customer"))


class _Owners(dict):
    """Owner -> its ``Owner`` under one check's settings and customer, worked out when first asked. Only texts
    (and None) are kept: as keys, 1, 1.0 and True would be one owner."""

    __slots__ = ("judged", "settings", "company")

    def __init__(self, judged: dict[Any, tuple[bool, bool]], settings: dict[str, Any], company: Any) -> None:
        super().__init__()
        self.judged, self.settings = judged, settings
        self.company = (norm_name(company) or None) if company is not None else None  # as ``_is_customer_owner``

    def __missing__(self, owner: Any) -> Owner:
        stand_in, team = self.judged.get(owner) or _judge(self.settings, self.judged, owner)
        # is_placeholder_owner: a stand-in, or the customer's own name
        placeholder = stand_in or (owner is not None and self.company is not None and norm_name(owner) == self.company)
        kind = _OWNERS[placeholder, team, _filled(owner) and not placeholder and not team]  # is_named_person_in
        if owner is None or type(owner) is str:
            self[owner] = kind
        return kind


#: Every ``Owner`` there can be, made once (a check judges a few owners of every plan).
_OWNERS = {(p, t, n): Owner(p, t, n) for p in (False, True) for t in (False, True) for n in (False, True)}


@per_check
def _judged(ctx: Context) -> dict[Any, tuple[bool, bool]]:
    """Owner text -> (a stand-in whoever the customer is, a team), under this check's settings: kept from plan to
    plan, since the plans of one team share their owners."""
    key = (_words(ctx.settings, "placeholder_owner_words", True), _words(ctx.settings, "team_owner_words", False))
    judged = _JUDGED.get(key)
    if judged is None or len(judged) > _REMEMBERED:
        if len(_JUDGED) > 8:
            _JUDGED.clear()
        judged = _JUDGED[key] = {}
    return judged


def _judge(settings: dict[str, Any], judged: dict[Any, tuple[bool, bool]], owner: Any) -> tuple[bool, bool]:
    facts = (_is_stand_in(settings, owner), is_team_name(settings, owner))
    if type(owner) is str:  # as keys, 1, 1.0 and True would be one value
        judged[owner] = facts
    return facts


#: (placeholder words, team words) -> owner text -> (a stand-in, a team)
_JUDGED: dict[tuple[frozenset[str], frozenset[str]], dict[Any, tuple[bool, bool]]] = {}


def _no_owner(ctx: Context, records: Iterable[Record], todo: str) -> Iterator[Hit]:
    """A hit on each record whose owner is empty or a placeholder."""
    kinds = owners(ctx)
    for rec in records:
        if "owner" not in rec.columns:
            continue
        owner = rec.values.get("owner")
        if not owner and owner in _EMPTY and "owner" not in rec.raw:  # _blank(rec, "owner")
            yield Hit(rec.loc("owner"), f"{describe(rec)} has no owner; {todo}")
        elif kinds[owner].placeholder:
            yield Hit(rec.loc("owner"), f"{describe(rec)} is owned by '{owner}', a placeholder rather than a "
                                        f"person; {todo}")


def describe(rec: Record) -> str:
    """'action A7 'Send redlines'' or 'milestone M4 'Security review'': a row named for a message."""
    return f"{'milestone' if rec.table == 'milestones' else 'action'} {label(rec)}"


def _empty_cells(records: Iterable[Record], key: str, missing: str, todo: str, *,
                 open_only: bool = False) -> Iterator[Hit]:
    """A hit on each record whose ``key`` cell is empty (``open_only``: the records given are the open ones,
    and the message says so)."""
    for rec in records:
        value = rec.values.get(key)
        if not value and value in _EMPTY and _blank(rec, key):  # _empty(value), its first test inline
            yield Hit(rec.loc(key), f"{'open ' if open_only else ''}{describe(rec)} has no {missing}; {todo}")


# -- rules ------------------------------------------------------------------------------------------------

@rule("MAP201", "action-owner-missing", Family.SPECIFIC, Severity.ERROR, settings=("placeholder_owner_words",),
      why=_WHY_OWNER + " An action nobody owns is an action nobody does, and an owner of 'TBD', '?', '[Name]', "
          "'Customer' or 'Team' is nobody.",
      bad="Action A3 'Confirm demo attendees and the three use cases' has an empty Owner cell.",
      good="Every action names its owner, e.g. A3 is owned by Lee Park.",
      fix="Type the name of the one person who will do the action in its Owner cell.")
def action_owner_missing(ctx: Context) -> Iterator[Hit]:
    """An action has no owner, or a placeholder for one (TBD, ?, [Name], Customer, Team)."""
    yield from _no_owner(ctx, ctx.plan.actions, "name the one person who will do it")


@rule("MAP202", "owner-is-a-team", Family.SPECIFIC, Severity.WARNING, settings=("team_owner_words",),
      why="\"Vague action items or unclear responsibilities can lead to confusion and delays\": when the owner is "
          "\"IT\" or \"Legal\", everyone in that team assumes someone else will do it.",
      bad="Action A5 'Provide a sample data set for the trial' is owned by 'IT'.",
      good="A5 is owned by Raj Iyer, the customer's IT architect.",
      fix="Replace the team with the name of one person in it; keep the side in the Party column.")
def owner_is_a_team(ctx: Context) -> Iterator[Hit]:
    """The owner of an action or milestone is a team or a department, not a person."""
    kinds = owners(ctx)
    for rec in ctx.steps:
        owner = rec.values.get("owner")
        if owner in (None, "") or not kinds[owner].team:
            continue
        yield Hit(rec.loc("owner"), f"{describe(rec)} is owned by '{owner}', a team rather than a "
                                    "person; name the one person accountable for it")


@rule("MAP203", "due-date-missing", Family.SPECIFIC, Severity.ERROR, why=_WHY_SPECIFIC,
      bad="Open action A9 'Send contract redlines to the vendor' has an empty Due cell.",
      good="A9 is due on 16 Dec 2026.",
      fix="Agree a date with the owner and type it in the Due cell.")
def due_date_missing(ctx: Context) -> Iterator[Hit]:
    """An open action or milestone has no due date."""
    yield from _empty_cells(ctx.open_steps, "due", "due date", "agree one with its owner", open_only=True)


@lru_cache(maxsize=8)
def _vague_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole words or phrases; a phrase of punctuation only (such as "?") matches as characters.

    One alternation inside one pair of word-boundary guards: a guard per alternative made this rule
    the slowest of the catalogue."""
    wordy, marks = [], []
    for word in sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True):
        body = r"\s+".join(re.escape(piece) for piece in word.split())
        (wordy if re.match(r"\w", word) and re.search(r"\w$", word) else marks).append(body)
    parts = ([r"(?<!\w)(?:" + "|".join(wordy) + r")(?!\w)"] if wordy else []) + marks
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _wordings(pattern: re.Pattern[str] | None) -> dict[str, tuple[tuple[str, ...], int]]:
    """Text -> its vague words, sorted, and its number of words, for ``pattern``; remembered, since plans
    made from one playbook share their wording. Kept by pattern, then by text: hashing a compiled pattern
    hashes its whole program."""
    known = _WORDING.get(id(pattern))
    if known is None or known[0] is not pattern:
        if len(_WORDING) > 8:  # as many patterns as _vague_pattern keeps
            _WORDING.clear()
        known = _WORDING[id(pattern)] = (pattern, {})
    return known[1]


def _wording(pattern: re.Pattern[str] | None, text: str) -> tuple[tuple[str, ...], int]:
    """The vague words of ``text`` and its number of words (a text ``_wordings`` has not seen yet)."""
    known = _wordings(pattern)
    if len(known) > _REMEMBERED:
        known.clear()
    vague = tuple(sorted({m.group(0).lower() for m in pattern.finditer(text)})) if pattern else ()
    found = known[text] = (vague, len(text.split()))
    return found


#: id of a pattern -> (the pattern, held so that its id is not reused; text -> its wording)
_WORDING: dict[int, tuple[re.Pattern[str] | None, dict[str, tuple[tuple[str, ...], int]]]] = {}


def _fine(pattern: re.Pattern[str] | None, minimum: Any) -> set[str]:
    """The texts seen so far that are neither vague under ``pattern`` nor shorter than ``minimum`` words: most
    actions of most plans, passed over at the cost of a look-up."""
    known = _FINE.get((id(pattern), minimum))
    if known is None or known[0] is not pattern or len(known[1]) > _REMEMBERED:
        if len(_FINE) > 8:
            _FINE.clear()
        known = _FINE[(id(pattern), minimum)] = (pattern, set())
    return known[1]


#: (id of a pattern, least words) -> (the pattern, the texts that need no hit under both)
_FINE: dict[tuple[int, Any], tuple[re.Pattern[str] | None, set[str]]] = {}


@rule("MAP204", "vague-wording", Family.SPECIFIC, Severity.WARNING, settings=("vague_words", "min_action_words"),
      why=_WHY_VAGUE + " \"Follow up\", \"discuss\" or \"TBD\" say neither what is delivered nor when it is done.",
      bad="Action A11 reads 'Follow up on pricing'.",
      good="A11 reads 'Send the final order form for signature'.",
      fix="Rewrite the action as a verb and a deliverable someone can tick off, e.g. 'Send the revised quote'.")
def vague_wording(ctx: Context) -> Iterator[Hit]:
    """An action's wording is vague or too short to act on (a verb and its object is enough)."""
    pattern = _vague_pattern(tuple(ctx["vague_words"]))
    minimum, known = ctx["min_action_words"], _wordings(pattern)
    fine = _fine(pattern, minimum)
    for rec in ctx.plan.actions:
        text = rec.values.get("action")
        if type(text) is str and text in fine:
            continue
        if "action" not in rec.columns or "action" in rec.raw:
            continue
        text = str(text or "")
        found, words = known.get(text) or _wording(pattern, text)
        if not found and words >= minimum:
            fine.add(text)
        elif found:
            quoted = ", ".join(f"'{w}'" for w in found)
            yield Hit(rec.loc("action"), f"action {label(rec)} uses vague wording ({quoted}); say what will be "
                                         "delivered, e.g. 'Send the revised quote'")
        elif words < minimum:
            what = f"{label(rec)} is only {plural(words, 'word')}" if words else f"{label(rec)} has no description"
            yield Hit(rec.loc("action"), f"action {what}; describe the task in at least {minimum} words: a verb "
                                         "and what is delivered, e.g. 'Countersign contract'")


@rule("MAP205", "party-missing", Family.SPECIFIC, Severity.WARNING,
      why="The guide asks for \"action items for both parties\" so that \"both sides need to know their "
          "responsibilities\"; an action without a party belongs to neither side's list.",
      bad="Action A6 'Set up the trial environment and accounts' has an empty Party cell.",
      good="A6's party is Vendor.",
      fix="Pick Vendor or Customer in the Party cell's dropdown.")
def party_missing(ctx: Context) -> Iterator[Hit]:
    """An action does not say which side (Vendor or Customer) does it."""
    yield from _empty_cells(ctx.plan.actions, "party", "party",
                            "pick Vendor or Customer so each side sees its own work")


@rule("MAP206", "exit-criteria-missing", Family.SPECIFIC, Severity.INFO,
      why=_WHY_SPECIFIC + " A milestone is only specific when both sides agree what \"done\" means.",
      bad="Open milestone M4 'Security and legal review' has an empty Exit criteria cell.",
      good="M4's exit criteria: 'Security questionnaire and redlines closed'.",
      fix="Write what must be true for both sides to call the milestone done.")
def exit_criteria_missing(ctx: Context) -> Iterator[Hit]:
    """An open milestone does not say when it is done."""
    yield from _empty_cells(ctx.open_milestones, "exit_criteria", "exit criteria",
                            "write what must be true for both sides to call it done", open_only=True)


@rule("MAP207", "milestone-owner-missing", Family.SPECIFIC, Severity.WARNING, settings=("placeholder_owner_words",),
      why=_WHY_OWNER + " A milestone needs one person who drives it, even when both sides work on it.",
      bad="Milestone M5 'Procurement and approval' has an empty Owner cell.",
      good="M5 is owned by Kim Wu.",
      fix="Type the name of the person who drives the milestone in its Owner cell.")
def milestone_owner_missing(ctx: Context) -> Iterator[Hit]:
    """A milestone has no owner, or a placeholder for one (TBD, ?, [Name], Customer, Team)."""
    yield from _no_owner(ctx, ctx.plan.milestones, "name the person who drives it")


@rule("MAP208", "action-not-linked", Family.SPECIFIC, Severity.INFO,
      why="The guide: \"break down the sales process into manageable milestones, with each step being a small, "
          "actionable goal\"; an action tied to no milestone cannot show what it moves forward.",
      bad="Action A8 'Return the security questionnaire with the SOC 2 report' has an empty Milestone cell.",
      good="A8 belongs to milestone M4 'Security and legal review'.",
      fix="Type the id of the milestone the action moves forward (e.g. M4) in its Milestone cell.")
def action_not_linked(ctx: Context) -> Iterator[Hit]:
    """An action belongs to no milestone while the plan has milestones."""
    actions = ctx.plan.tables["actions"]
    if not ctx.plan.milestones or not actions.records:
        return
    if "milestone" not in actions.columns:
        yield Hit(actions.header_loc("milestone"), "the Actions tab has no Milestone column, so no action is tied "
                                                   "to a milestone; add the column and give each action its "
                                                   "milestone id")
        return
    yield from _empty_cells(actions.records, "milestone", "milestone",
                            "give it the id of the milestone it moves forward")
