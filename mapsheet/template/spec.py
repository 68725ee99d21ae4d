"""The standard mutual action plan, described once, as data.

Everything else derives from this module: the .xlsx template (``template.build``), the reader's header
matching and typing (``parse``), ``mapsheet new``, the sample plans and the checks. To add a column to
the template, add it here; the generator, the reader and the drift report follow.

Vocabulary:
- a *field* is one typed value (a column of a table tab, or a labelled cell of the Overview tab);
- a *closed list* is the set of values a dropdown offers; the reader accepts them case-insensitively;
- *synonyms* are other header texts that mean the same column ("Who", "Responsible" for the owner).
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from dataclasses import field
from enum import Enum

from .. import levels
from ..frozen import frozen

TEMPLATE_VERSION = "1.0"
#: Versions of the template whose plans this mapsheet reads without loss.
KNOWN_TEMPLATE_VERSIONS = ("1.0",)
#: The sheet mapsheet writes its results to, and the hidden sheet where it remembers what it changed
#: (``edits``): sheets a reader skips. Here, so that reading a plan does not import the edits.
CHECK_SHEET = "Plan check"
STATE_SHEET = "mapsheet_state"


class Kind(str, Enum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"  # one value of a closed list
    ID = "id"  # a short identifier, unique within its table
    IDS = "ids"  # a comma-separated list of ids of another table


# Closed lists. Order is the order a dropdown shows.
STATUS = ("Not started", "In progress", "Blocked", "Done", "Cancelled")
PARTY = ("Vendor", "Customer")
SIDE = ("Vendor", "Customer", "Joint")
ROLE = (
    "Champion",
    "Economic buyer",
    "Decision maker",
    "Technical evaluator",
    "Legal",
    "Procurement",
    "Security",
    "Executive sponsor",
    "User",
    "Account executive",
    "Sales engineer",
    "Other",
)
LEVEL = ("High", "Medium", "Low")
ENGAGEMENT = ("Engaged", "Neutral", "Disengaged", "Unknown")
RISK_CATEGORY = (
    "Budget",
    "Timing",
    "Competition",
    "Legal",
    "Technical",
    "Stakeholder",
    "Priority change",
    "Other",
)
RISK_STATUS = ("Open", "Mitigated", "Closed")
STAGE = (
    "Discovery",
    "Qualification",
    "Solution",
    "Evaluation",
    "Business case",
    "Negotiation",
    "Closed won",
    "Closed lost",
)
CURRENCY = ("USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK", "INR", "Other")

#: Stages at which a deal is decided: its close date is history, not a target.
CLOSED_STAGES = frozenset({"Closed won", "Closed lost"})
#: Statuses that count as finished: nothing more is expected of the item (defined with the names the roll-up shares).
CLOSED_STATUSES = levels.CLOSED_STATUSES
#: Risk statuses that need no more action.
SETTLED_RISK_STATUSES = frozenset({"Mitigated", "Closed"})


@frozen
class Field:
    """One column of a table (or one Overview label): what the reader matches, types and the rules read."""

    key: str  # stable identifier used in code and in the roll-up
    header: str  # what the template shows
    kind: Kind = Kind.TEXT
    required: bool = False  # the column (or Overview label) must exist
    choices: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    width: float = 14  # column width in the template (characters)
    help: str = ""  # shown as the input message of the header / Overview label
    refers_to: str = ""  # for IDS/ID-reference fields: the table key whose ids it names

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, self.key, *self.synonyms)


@frozen
class Table:
    """A tab holding one table: a header row, then one record a row."""

    key: str
    sheet: str
    title: str
    fields: tuple[Field, ...]
    required: bool = True  # the tab must exist
    description: str = ""
    sheet_synonyms: tuple[str, ...] = ()
    example_rows: int = 0  # how many empty formatted rows the template prepares

    def field(self, key: str) -> Field:
        try:
            return self.fields_by_key[key]
        except KeyError:
            raise KeyError(f"{self.sheet} has no field {key!r}") from None

    # Cached per table (functools.cached_property writes the instance __dict__, which a frozen dataclass
    # allows): hashing a whole Table for an lru_cache costs more than the lookups it saves.
    @cached_property
    def fields_by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @cached_property
    def header_index(self) -> dict[str, str]:
        return header_index(self.fields)

    @property
    def id_field(self) -> Field | None:
        return next((f for f in self.fields if f.kind is Kind.ID), None)


@frozen
class OverviewSection:
    """A titled block of the Overview tab's labels, in the order the template shows them."""

    title: str
    fields: tuple[Field, ...]


@frozen
class Overview:
    """The Overview tab: the deal's fields as labels with their values beside them, not a table."""

    sheet: str
    title: str
    sections: tuple[OverviewSection, ...]
    sheet_synonyms: tuple[str, ...] = ()

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"Overview has no field {key!r}")

    @cached_property
    def header_index(self) -> dict[str, str]:
        return header_index(self.fields)


@frozen
class TemplateSpec:
    """The whole template described once: the workbook is generated from it and every plan read against it."""

    version: str
    overview: Overview
    tables: tuple[Table, ...]
    extra_sheets: tuple[str, ...] = field(default=("Timeline", "Instructions"))

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(f"template has no table {key!r}")


# -- the standard template ----------------------------------------------------------------------

_OWNER_SYNONYMS = ("owner name", "responsible", "who", "assignee", "assigned to", "person", "owner (name)")
_DUE_SYNONYMS = ("due date", "target date", "deadline", "due by", "by when", "date due", "end", "end date", "finish")
_STATUS_SYNONYMS = ("state", "progress", "stage status")
_DONE_SYNONYMS = ("completed", "completed date", "date completed", "done on", "closed on", "completion date")

OVERVIEW = Overview(
    sheet="Overview",
    title="Mutual action plan",
    sheet_synonyms=("Summary", "Deal", "Cover", "MAP"),
    sections=(
        OverviewSection(
            "The deal",
            (
                Field("deal", "Deal name", required=True, synonyms=("deal", "opportunity", "opportunity name", "project"), width=40,
                      help="A short name both sides recognise, e.g. 'Acme – Analytics platform'."),
                Field("customer", "Customer", required=True, synonyms=("account", "client", "company", "buyer"),
                      help="The buying organisation."),
                Field("seller_owner", "Seller owner", required=True,
                      synonyms=("account executive", "ae", "sales owner", "deal owner", "vendor owner", "owner", "seller"),
                      help="The account executive who owns this plan."),
                Field("champion", "Customer champion", synonyms=("champion", "customer owner", "customer lead", "sponsor"),
                      help="The person at the customer who drives the plan internally."),
                Field("economic_buyer", "Economic buyer", synonyms=("budget holder", "eb", "signatory"),
                      help="The person who signs off the budget."),
                Field("value", "Deal value", kind=Kind.NUMBER, synonyms=("value", "amount", "acv", "arr", "deal size"),
                      help="Expected contract value, a number."),
                Field("currency", "Currency", kind=Kind.CHOICE, choices=CURRENCY),
                Field("stage", "Stage", kind=Kind.CHOICE, choices=STAGE, synonyms=("deal stage", "sales stage")),
                Field("close_date", "Target close date", kind=Kind.DATE, required=True,
                      synonyms=("close date", "decision date", "target decision date", "expected close", "signature date"),
                      help="When both sides aim to sign."),
                Field("go_live", "Go-live date", kind=Kind.DATE, synonyms=("go live", "go-live", "launch date", "live date")),
                Field("plan_start", "Plan start", kind=Kind.DATE, synonyms=("start date", "plan start date", "created")),
                Field("last_reviewed", "Last reviewed", kind=Kind.DATE,
                      synonyms=("last review", "reviewed on", "last updated", "updated"),
                      help="When both sides last walked through the plan together."),
                Field("template_version", "Template version", synonyms=("version",),
                      help="Set by mapsheet; do not edit."),
            ),
        ),
        OverviewSection(
            "Why this matters to the customer",
            (
                Field("goals", "Customer goals", required=True, synonyms=("goals", "objectives", "business goals", "customer objectives"), width=60,
                      help="What the customer wants to achieve, in their words."),
                Field("compelling_event", "Compelling event", synonyms=("why now", "compelling event (why now)", "deadline driver"),
                      help="The date-bound reason to act now."),
                Field("success_criteria", "Success criteria", synonyms=("definition of success", "success measures"),
                      help="How both sides will know the purchase worked."),
            ),
        ),
        OverviewSection(
            "Checks",
            (
                Field("ignore_checks", "Ignore checks", synonyms=("suppress checks", "mapsheet ignore"),
                      help="Rule codes mapsheet should not report for this plan, comma-separated, e.g. MAP501, MAP702."),
            ),
        ),
    ),
)

MILESTONES = Table(
    key="milestones",
    sheet="Milestones",
    title="Milestones",
    description="The few big steps both sides must reach, in order, with dates.",
    sheet_synonyms=("Milestone", "Phases", "Plan"),
    example_rows=15,
    fields=(
        Field("id", "ID", kind=Kind.ID, required=True, synonyms=("#", "no", "milestone id", "ref"), width=6),
        Field("name", "Milestone", required=True, synonyms=("name", "milestone name", "step", "phase", "title"), width=32),
        Field("side", "Owner side", kind=Kind.CHOICE, choices=SIDE, synonyms=("side", "party", "owned by"), width=12),
        Field("owner", "Owner", required=True, synonyms=_OWNER_SYNONYMS, width=18),
        Field("start", "Start", kind=Kind.DATE, synonyms=("start date", "begins", "from"), width=12),
        Field("due", "Due", kind=Kind.DATE, required=True, synonyms=_DUE_SYNONYMS, width=12),
        Field("status", "Status", kind=Kind.CHOICE, choices=STATUS, required=True, synonyms=_STATUS_SYNONYMS, width=13),
        Field("completed", "Completed on", kind=Kind.DATE, synonyms=_DONE_SYNONYMS, width=13),
        Field("depends_on", "Depends on", kind=Kind.IDS, refers_to="milestones",
              synonyms=("dependencies", "after", "predecessors", "depends"), width=11),
        Field("exit_criteria", "Exit criteria", synonyms=("done when", "definition of done", "criteria"), width=36),
    ),
)

ACTIONS = Table(
    key="actions",
    sheet="Actions",
    title="Action items",
    description="Concrete tasks, each with one named owner on one side and a due date.",
    sheet_synonyms=("Action items", "Tasks", "Steps", "To do", "Action plan"),
    example_rows=30,  # the prepared rows print on one page (more rows are added as needed)
    fields=(
        Field("id", "ID", kind=Kind.ID, required=True, synonyms=("#", "no", "action id", "task id", "ref"), width=6),
        Field("action", "Action", required=True, synonyms=("task", "action item", "step", "description", "what"), width=46),
        Field("milestone", "Milestone", kind=Kind.IDS, refers_to="milestones",
              synonyms=("milestone id", "phase"), width=10),
        Field("party", "Party", kind=Kind.CHOICE, choices=PARTY, required=True, synonyms=("side", "owner side", "team"), width=11),
        Field("owner", "Owner", required=True, synonyms=_OWNER_SYNONYMS, width=18),
        Field("due", "Due", kind=Kind.DATE, required=True, synonyms=_DUE_SYNONYMS, width=12),
        Field("status", "Status", kind=Kind.CHOICE, choices=STATUS, required=True, synonyms=_STATUS_SYNONYMS, width=13),
        Field("completed", "Completed on", kind=Kind.DATE, synonyms=_DONE_SYNONYMS, width=13),
        Field("notes", "Notes", synonyms=("comments", "comment", "remarks", "note"), width=36),
    ),
)

STAKEHOLDERS = Table(
    key="stakeholders",
    sheet="Stakeholders",
    title="Stakeholders",
    description="Everyone who influences the decision, on both sides, and how engaged they are.",
    sheet_synonyms=("People", "Contacts", "Buying committee", "Team"),
    example_rows=15,
    fields=(
        Field("name", "Name", required=True, synonyms=("stakeholder", "person", "contact", "full name"), width=22),
        Field("title", "Title", synonyms=("job title", "position"), width=24),
        Field("side", "Side", kind=Kind.CHOICE, choices=PARTY, required=True, synonyms=("party", "company", "team"), width=11),
        Field("role", "Role", kind=Kind.CHOICE, choices=ROLE, required=True, synonyms=("buying role", "role in decision"), width=20),
        Field("influence", "Influence", kind=Kind.CHOICE, choices=LEVEL, synonyms=("power",), width=11),
        Field("engagement", "Engagement", kind=Kind.CHOICE, choices=ENGAGEMENT, synonyms=("sentiment", "support"), width=13),
        Field("email", "Email", synonyms=("e-mail", "mail"), width=26),
        Field("last_contact", "Last contact", kind=Kind.DATE, synonyms=("last contacted", "last touch", "last meeting"), width=13),
    ),
)

RISKS = Table(
    key="risks",
    sheet="Risks",
    title="Risks and obstacles",
    description="What could delay or derail the deal, and the plan if it happens.",
    sheet_synonyms=("Risk", "Obstacles", "Risks & obstacles", "Issues"),
    example_rows=10,
    fields=(
        Field("id", "ID", kind=Kind.ID, synonyms=("#", "risk id", "ref"), width=6),
        Field("risk", "Risk", required=True, synonyms=("obstacle", "description", "issue", "risk description"), width=38),
        Field("category", "Category", kind=Kind.CHOICE, choices=RISK_CATEGORY, synonyms=("type",), width=15),
        Field("likelihood", "Likelihood", kind=Kind.CHOICE, choices=LEVEL, synonyms=("probability",), width=11),
        Field("impact", "Impact", kind=Kind.CHOICE, choices=LEVEL, synonyms=("severity",), width=10),
        Field("mitigation", "Mitigation / contingency", required=True,
              synonyms=("mitigation", "contingency", "contingency plan", "response", "plan"), width=40),
        Field("owner", "Owner", synonyms=_OWNER_SYNONYMS, width=18),
        Field("status", "Status", kind=Kind.CHOICE, choices=RISK_STATUS, synonyms=("state",), width=11),
    ),
)

CHECKINS = Table(
    key="checkins",
    sheet="Check-ins",
    title="Check-ins",
    description="Each time both sides met to review the plan, what was decided and when you meet next.",
    sheet_synonyms=("Checkins", "Check ins", "Meetings", "Cadence", "Syncs"),
    example_rows=12,
    fields=(
        Field("date", "Date", kind=Kind.DATE, required=True, synonyms=("meeting date", "held on"), width=12),
        Field("attendees", "Attendees", synonyms=("participants", "who attended"), width=28),
        Field("summary", "Summary", synonyms=("notes", "discussion"), width=40),
        Field("decisions", "Decisions", synonyms=("decided", "agreements"), width=30),
        Field("next_steps", "Next steps", synonyms=("actions", "follow-ups"), width=30),
        Field("next_checkin", "Next check-in", kind=Kind.DATE, synonyms=("next meeting", "next check in", "next date"), width=14),
    ),
)

OUTCOMES = Table(
    key="outcomes",
    sheet="Outcomes",
    title="Outcomes and KPIs",
    description="The measurable results the customer is buying, with a baseline and a target.",
    sheet_synonyms=("KPIs", "Success metrics", "Metrics", "Outcomes & KPIs"),
    example_rows=8,
    fields=(
        Field("metric", "Metric", required=True, synonyms=("kpi", "outcome", "measure"), width=34),
        Field("baseline", "Baseline", synonyms=("today", "current", "current value"), width=16),
        Field("target", "Target", required=True, synonyms=("goal", "target value"), width=16),
        Field("measured_by", "Measured by", kind=Kind.DATE, synonyms=("by", "target date", "measure date"), width=13),
        Field("owner", "Owner", synonyms=_OWNER_SYNONYMS, width=18),
    ),
)

SPEC = TemplateSpec(
    version=TEMPLATE_VERSION,
    overview=OVERVIEW,
    tables=(MILESTONES, ACTIONS, STAKEHOLDERS, RISKS, CHECKINS, OUTCOMES),
)


# -- header matching ----------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^0-9a-z#]+")


@lru_cache(maxsize=4096)
def _normalize_text(s: str) -> str:
    s = s.strip().lower().replace("&", " and ")
    return _NON_WORD.sub(" ", s).strip()


def normalize_header(text: object) -> str:
    """Header text reduced to its meaning: case, spacing, punctuation and a trailing '*' ignored."""
    return _normalize_text(text) if isinstance(text, str) else _normalize_text(str(text or ""))


@lru_cache(maxsize=64)
def header_index(fields: tuple[Field, ...]) -> dict[str, str]:
    """Normalised header text -> field key, for every name a field answers to."""
    index: dict[str, str] = {}
    for f in fields:
        for name in f.names:
            index.setdefault(normalize_header(name), f.key)
    return index


#: Common ways people write a closed-list value, mapped to the template's value (keys normalised).
CHOICE_ALIASES: dict[str, str] = {
    "complete": "Done",
    "completed": "Done",
    "finished": "Done",
    "closed": "Done",
    "wip": "In progress",
    "ongoing": "In progress",
    "in flight": "In progress",
    "started": "In progress",
    "to do": "Not started",
    "todo": "Not started",
    "open": "Not started",
    "planned": "Not started",
    "not yet started": "Not started",
    "stuck": "Blocked",
    "on hold": "Blocked",
    "canceled": "Cancelled",
    "dropped": "Cancelled",
    "n a": "Cancelled",
    "seller": "Vendor",
    "supplier": "Vendor",
    "us": "Vendor",
    "buyer": "Customer",
    "client": "Customer",
    "prospect": "Customer",
    "both": "Joint",
    "med": "Medium",
    "hi": "High",
    "lo": "Low",
}


def match_choice(value: object, choices: tuple[str, ...]) -> str | None:
    """The closed-list value ``value`` means, or None. Case, spacing and common aliases are forgiven."""
    norm = normalize_header(value)
    for c in choices:
        if normalize_header(c) == norm:
            return c
    alias = CHOICE_ALIASES.get(norm)
    return alias if alias in choices else None
