"""The named scales that configuration, rules, scoring and the roll-up share: a finding's severity, a rule's
family (and how rule codes start), a plan's health band; and the names the roll-up shares with the reader: the
kinds of problems it reports (``model``) and the statuses that close an item (``template.spec``). Defined here,
apart from the rule machinery in ``rules.base``, the plan model and the template (which re-export them), so that
what needs only these names (loading a configuration, a sync's main process, which lays out the roll-up from
stored summaries) does not import the rules, the plan model and the template with them.
"""

from __future__ import annotations

from enum import Enum

#: How every rule's code starts (then the family's digit and two more: ``rules.registry``).
CODE_PREFIX = "MAP"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANKS[self._value_]


_SEVERITY_RANKS = {"error": 3, "warning": 2, "info": 1}
#: Fill colours by severity (RGB hex), chosen to read as Excel's own "bad / neutral / note" styles: what
#: ``edits.SetFill`` paints and what ``styles`` formats with (here, so the roll-up's formats need no edits).
SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}


class Family(str, Enum):
    STRUCTURE = "structure"
    COMPLETENESS = "completeness"
    SPECIFIC = "specific"
    OWNERSHIP = "ownership"
    TIMELINES = "timelines"
    STAKEHOLDERS = "stakeholders"
    OBSTACLES = "obstacles"
    CADENCE = "cadence"
    FOLLOW_THROUGH = "follow-through"
    SIMPLICITY = "simplicity"

    @property
    def title(self) -> str:
        return FAMILY_TITLES[self]


FAMILY_TITLES = {
    Family.STRUCTURE: "Structure",
    Family.COMPLETENESS: "Completeness",
    Family.SPECIFIC: "Specific and actionable",
    Family.OWNERSHIP: "Mutual ownership",
    Family.TIMELINES: "Realistic timelines",
    Family.STAKEHOLDERS: "Stakeholders involved early",
    Family.OBSTACLES: "Obstacles anticipated",
    Family.CADENCE: "Cadence and freshness",
    Family.FOLLOW_THROUGH: "Follow-through",
    Family.SIMPLICITY: "Simplicity",
}


class Band(str, Enum):
    """The health bands, best first: the one definition of their names (sync, Excel and the CLI use these)."""

    ON_TRACK = "On track"
    AT_RISK = "At risk"
    OFF_TRACK = "Off track"
    NOT_CHECKABLE = "Not checkable"  # no steps mapsheet can read: never a confident On track

    @property
    def rank(self) -> int:
        return _BAND_RANKS[self._value_]


_BAND_RANKS = {band.value: i for i, band in enumerate(Band)}


class ProblemKind(str, Enum):
    """What the reader could not understand. Each kind has a structure rule that reports it."""

    MISSING_SHEET = "missing-sheet"
    MISSING_COLUMN = "missing-column"
    MISSING_FIELD = "missing-field"  # an Overview label that is not there
    RENAMED_COLUMN = "renamed-column"  # found under a synonym, not the template's header
    EXTRA_COLUMN = "extra-column"
    BAD_DATE = "bad-date"
    BAD_NUMBER = "bad-number"
    NOT_IN_LIST = "not-in-list"
    DUPLICATE_ID = "duplicate-id"
    DANGLING_REFERENCE = "dangling-reference"
    UNKNOWN_VERSION = "unknown-template-version"
    ERROR_VALUE = "error-value"  # a cell holding #REF!, #VALUE!...


#: Statuses that count as finished: nothing more is expected of the item.
CLOSED_STATUSES = frozenset({"Done", "Cancelled"})
