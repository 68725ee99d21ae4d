"""What a rule is, what it reports, and the context it judges a plan in.

A rule is a plain function that receives a ``Context`` and yields ``Hit``s (a cell and a message); the
engine turns hits into ``Finding``s with the rule's code, name, family and (configured) severity. Rules
are registered with ``@rule(...)``, which declares everything about them at the top, as sqlfluff and
ruff do: code, name, family, default severity, the thresholds it reads, and its documentation
(why, quoting the MAP guide; a bad and a good example; how to fix it).
"""

from __future__ import annotations

import datetime as dt
import functools
from functools import cached_property
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, TypeVar

from ..frozen import frozen, quick
from ..grid import Location
from ..levels import FAMILY_TITLES, Band, Family, Severity  # noqa: F401  (re-exported: the rules' names for them)
from ..levels import CLOSED_STATUSES
from ..model import Plan, Record


@frozen
class RuleDoc:
    """A rule's documentation under the fixed headings (what `mapsheet rules CODE` shows)."""

    why: str  # the reason, quoting the MAP guide where it speaks
    bad: str  # an example that triggers the rule
    good: str  # the same, fixed
    fix: str  # what to do, in one sentence


@quick
class Hit:
    """What a rule found: where, and a message that says what is wrong and what to do."""

    location: Location
    message: str
    severity: Severity | None = None  # escalate or soften this hit (the rule's default otherwise)
    band: Band | None = None  # this hit alone puts the plan at least in this band


@quick
class Finding:
    """A rule's hit as reports show it: the rule's code, name and family, the severity in force, the cell."""

    code: str
    name: str
    severity: Severity
    family: Family
    message: str
    location: Location
    band: Band | None = None
    points: float = 0.0  # score points this finding costs (set by scoring)

    @property
    def text(self) -> str:
        """The message naming its cell, as people read it."""
        return f"{self.location}: {self.message}"

    def costing(self, points: float) -> Finding:
        """This finding with the points it costs (what ``dataclasses.replace`` makes, without re-running
        ``__init__``: every finding of every plan of a sync is priced)."""
        priced = object.__new__(type(self))
        priced.__dict__.update(self.__dict__, points=points)
        return priced


@frozen
class Rule:
    """A registered rule: what ``@rule`` declared at its top, and the function that checks."""

    code: str
    name: str
    family: Family
    severity: Severity
    summary: str
    doc: RuleDoc
    settings: tuple[str, ...]
    check: Callable[["Context"], Iterable[Hit]]


@dataclass
class Context:
    """A plan, the date it is judged on, and the thresholds in force."""

    plan: Plan
    today: dt.date
    settings: dict[str, Any] = field(default_factory=dict)
    # What several rules ask of the same plan, worked out once (rules never change the plan): see ``per_check``.
    memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)
    _milestones: dict[Any, Record] | None = field(default=None, init=False, repr=False)
    _after: dict[int, bool] = field(default_factory=dict, init=False, repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    # -- views rules share (worked out on first use, then plain attributes) -------------------------------
    @cached_property
    def steps(self) -> tuple[Record, ...]:
        """Milestones and actions: everything with a due date and a status."""
        return (*self.plan.milestones, *self.plan.actions)

    @cached_property
    def open_milestones(self) -> tuple[Record, ...]:
        """The milestones not closed (``Record.is_closed``), in plan order."""
        return still_open(self.plan.milestones)

    @cached_property
    def open_actions(self) -> tuple[Record, ...]:
        """The actions not closed, in plan order."""
        return still_open(self.plan.actions)

    @cached_property
    def open_steps(self) -> tuple[Record, ...]:
        """The steps not closed, in the order of ``steps``."""
        return (*self.open_milestones, *self.open_actions)

    @cached_property
    def steps_by_status(self) -> dict[Any, list[Record]]:
        """Status -> the steps that have it, in the order of ``steps`` (shared: not to be changed): the rules
        about one status (Done, Blocked) look at those steps alone, not each at every step."""
        groups: dict[Any, list[Record]] = {}
        for rec in self.steps:
            status = rec.values.get("status")
            group = groups.get(status)
            if group is None:
                groups[status] = [rec]
            else:
                group.append(rec)
        return groups

    def party(self, record: Record) -> str | None:
        """Vendor / Customer / Joint for an action or a milestone."""
        return record.values.get("party") or record.values.get("side")

    def milestone(self, ident: str) -> Record | None:
        """The first milestone whose id is ``ident``."""
        if self._milestones is None:
            index: dict[Any, Record] = {}
            try:
                for m in self.plan.milestones:
                    index.setdefault(m.values.get("id"), m)
            except TypeError:  # an id no dict can hold: looked up by scanning
                index = {}
            self._milestones = index
        try:
            if self._milestones or not self.plan.milestones:
                return self._milestones.get(ident)
        except TypeError:
            pass
        return next((m for m in self.plan.milestones if m.values.get("id") == ident), None)

    def is_after_signature(self, record: Record) -> bool:
        """Implementation work (kickoff, onboarding, go-live) is meant to fall after the close date."""
        after = self._after.get(id(record))
        if after is None:
            if record.table == "actions":  # after signature when one of its milestones is
                after = False
                for ident in record.values.get("milestone") or []:
                    m = self.milestone(ident)
                    if m is not None and self.is_after_signature(m):
                        after = True
                        break
            else:
                after = found_in(POST_SIGNATURE, str(record.values.get("name") or ""))
            self._after[id(record)] = after
        return after


V = TypeVar("V")


def per_check(view: Callable[..., V]) -> Callable[..., V]:
    """A view of the plan (or of one value in it) that several rules ask for, worked out once per check:
    ``view(ctx, *args)`` is kept in ``ctx.memo``. The view must depend only on the plan, the date and the
    settings (never on what another rule did), and what it returns is shared: a tuple, not a list."""
    if view.__code__.co_argcount == 1:  # a view of the plan alone (most of them): asked dozens of times a check
        @functools.wraps(view)
        def of_plan(ctx: Context) -> V:
            try:
                return ctx.memo[view]
            except KeyError:
                value = ctx.memo[view] = view(ctx)
                return value

        return of_plan

    @functools.wraps(view)
    def once(ctx: Context, *args: Any) -> V:
        key: Any = view
        if args:
            for arg in args:  # only texts are remembered: as keys, 1, 1.0 and True are one value
                if type(arg) is not str and arg is not None:
                    return view(ctx, *args)
            key = (view, *args)
        try:
            return ctx.memo[key]
        except KeyError:
            value = ctx.memo[key] = view(ctx, *args)
            return value

    return once


@per_check
def lowered(ctx: Context, setting: str) -> frozenset[str]:
    """The words of setting ``setting`` in lower case, as rules compare a cell with them."""
    return frozenset([word.lower() for word in ctx[setting]])


class _Answers(dict):
    """What ``view(ctx, value)`` answered for each text (or None) asked so far in one check; any other
    value is answered afresh each time (as keys, 1, 1.0 and True would be one value). It holds the context whose
    memo holds it: ``check_plan`` empties the memo when the check ends, so the plan is freed without the cyclic
    collector."""

    __slots__ = ("view", "ctx")

    def __init__(self, view: Callable[..., Any], ctx: Context) -> None:
        super().__init__()
        self.view, self.ctx = view, ctx

    def __missing__(self, value: Any) -> Any:
        answer = self.view(self.ctx, value)
        if value is None or type(value) is str:
            self[value] = answer
        return answer


def per_value(view: Callable[[Context, Any], V]) -> Callable[[Context], dict[Any, V]]:
    """``per_check`` for a view of one value that rules ask of every row (is this owner a person?):
    ``table = view(ctx)`` once per rule, then ``table[value]`` for each row, a plain dict look-up once the
    plan's few values have been answered."""

    @functools.wraps(view)
    def table(ctx: Context) -> dict[Any, V]:
        try:
            return ctx.memo[table]
        except KeyError:
            answers = ctx.memo[table] = _Answers(view, ctx)
            return answers

    return table


POST_SIGNATURE = re.compile(r"kick.?off|implement|onboard|go.?live|launch|roll.?out|deploy|adoption|training",
                            re.IGNORECASE)


def found_in(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` is found in ``text``, remembered per text: the plans of a playbook share their
    milestone names, and a search through many alternatives, ignoring case, costs microseconds a name."""
    known = _FOUND.get(id(pattern))
    if known is None or known[0] is not pattern:
        if len(_FOUND) > 32:
            _FOUND.clear()
        known = _FOUND[id(pattern)] = (pattern, {})
    answers = known[1]
    found = answers.get(text)
    if found is None:
        if len(answers) > _REMEMBERED:
            answers.clear()
        found = answers[text] = pattern.search(text) is not None
    return found


#: id of a pattern -> (the pattern, held so that its id is not reused; text -> whether it is found there)
_FOUND: dict[int, tuple[re.Pattern[str], dict[str, bool]]] = {}
_REMEMBERED = 20_000


#: is_closed(record): finished, Done or Cancelled (a risk: Mitigated or Closed); ``Record.is_closed`` read
#: without a Python call of its own, as rules ask it hundreds of times a plan.
is_closed: Callable[[Record], bool] = operator.attrgetter("is_closed")


def still_open(steps: Iterable[Record]) -> tuple[Record, ...]:
    """The milestones or actions of ``steps`` not closed (``Record.is_closed`` of a step: its status read here,
    without a property call for each of the plan's steps)."""
    return tuple([r for r in steps if r.values.get("status") not in CLOSED_STATUSES])


def label(record: Record) -> str:
    """A short way to name a row in a message: its id and its text."""
    ident = record.values.get("id")
    text = (record.values.get("action") or record.values.get("name") or record.values.get("risk")
            or record.values.get("metric") or "")
    text = str(text)
    if len(text) > 48:
        text = text[:45].rstrip() + "..."
    if ident and text:
        return f"{ident} '{text}'"
    if ident:
        return str(ident)
    return f"'{text}'" if text else f"row {record.row + 1}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"
