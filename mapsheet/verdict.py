"""The verdict: how a plan fails, not only how much. Each of the guide's core dimensions gets a state.

The guide's dimensions of a plan that works: clear and specific ownership, mutual ownership, a realistic
timeline, the right stakeholders in time, complete goals/milestones/actions, follow-through, and cadence
and transparency. Every rule feeds one dimension (by its family, a few by their own subject). A dimension is

- **failing** when a grave fact is found (an error about the plan as a whole, such as no customer action at
  all or no close date; a finding that puts the plan Off track by itself), when a large share of a table's
  rows fail it (``failing_share`` of the open steps, at least ``failing_min_rows``), or when it fails in
  several ways at once (``failing_rules`` of its rules find a warning or worse);
- **weak** when any warning or error is found, **ok** otherwise;
- **not read** when what it judges could not be read: an empty or missing tab, a missing column. Nothing
  read is nothing proven: a dimension not read counts against the plan like a failing one.

A plan mapsheet cannot judge at all (no table of steps, or most step rows not understood) is *Not
checkable*. ``scoring`` turns all this into the band, its reasons and the score.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from .frozen import quick
from .model import Plan, Record
from .rules.base import Band, Family, Finding, Severity, still_open
from .rules.specific import is_named_person_in
from .template.spec import PARTY, SIDE


class Dimension(str, Enum):
    CLARITY = "clarity"
    MUTUAL = "mutual-ownership"
    TIMELINE = "timeline"
    STAKEHOLDERS = "stakeholders"
    COMPLETENESS = "completeness"
    FOLLOW_THROUGH = "follow-through"
    CADENCE = "cadence"

    @property
    def title(self) -> str:
        return DIMENSION_TITLES[self]


DIMENSION_TITLES = {
    Dimension.CLARITY: "Clear, specific ownership",
    Dimension.MUTUAL: "Mutual ownership",
    Dimension.TIMELINE: "Realistic timeline",
    Dimension.STAKEHOLDERS: "Stakeholders in time",
    Dimension.COMPLETENESS: "Complete goals and steps",
    Dimension.FOLLOW_THROUGH: "Follow-through",
    Dimension.CADENCE: "Cadence and transparency",
}

#: Which dimension a family's rules feed. Structure feeds none: what it reports blinds dimensions instead.
FAMILY_DIMENSION = {
    Family.SPECIFIC: Dimension.CLARITY, Family.SIMPLICITY: Dimension.CLARITY,
    Family.OWNERSHIP: Dimension.MUTUAL, Family.TIMELINES: Dimension.TIMELINE,
    Family.STAKEHOLDERS: Dimension.STAKEHOLDERS, Family.COMPLETENESS: Dimension.COMPLETENESS,
    Family.OBSTACLES: Dimension.COMPLETENESS, Family.FOLLOW_THROUGH: Dimension.FOLLOW_THROUGH,
    Family.CADENCE: Dimension.CADENCE,
}
#: Rules that feed another dimension than their family's: statuses and dates telling the truth are
#: transparency ("If either party is not fully transparent about progress...").
RULE_DIMENSION = {"MAP805": Dimension.CADENCE, "MAP806": Dimension.CADENCE, "MAP808": Dimension.CADENCE}

#: The tables (and their columns) each dimension judges: when none of them can be read, it is not read.
#: ``None`` as a table stands for the Overview.
_NEEDS: dict[Dimension, tuple[tuple[str | None, tuple[str, ...]], ...]] = {
    Dimension.CLARITY: (("actions", ("owner", "due")), ("milestones", ("owner", "due"))),
    Dimension.MUTUAL: (("actions", ("party", "owner")),),
    Dimension.TIMELINE: (("milestones", ("due",)), ("actions", ("due",))),
    Dimension.STAKEHOLDERS: (("stakeholders", ("name",)),),
    Dimension.COMPLETENESS: ((None, ()),),
    Dimension.FOLLOW_THROUGH: (("actions", ("due", "status")), ("milestones", ("due", "status"))),
    Dimension.CADENCE: (("checkins", ("date",)),),
}
#: ``_NEEDS`` with each table's columns also as a set.
_NEEDED = {d: tuple([(key, columns, frozenset(columns)) for key, columns in needs]) for d, needs in _NEEDS.items()}
STEP_TABLES = ("milestones", "actions")


class State(str, Enum):
    OK = "ok"
    WEAK = "weak"
    FAILING = "failing"
    NOT_READ = "not read"


def dimension_of(code: str, family: Family) -> Dimension | None:
    return RULE_DIMENSION.get(code) or FAMILY_DIMENSION.get(family)


@quick
class DimensionState:
    """How one core dimension of the plan stands, with the words that say why."""

    dimension: Dimension
    state: State
    why: str  # plain words: what makes it failing / weak / not read ("" when ok)
    findings: tuple[Finding, ...] = ()  # the findings that made the state (share the points it costs)
    blind: str = ""  # what of it could not be read ("" when it was read), even when it fails anyway
    blinding: tuple[Finding, ...] = ()  # the findings that say what could not be read
    by_layout: bool = False  # not read only because the plan's own layout has no such table

    @property
    def counts_against(self) -> bool:
        """Failing, or not read because the plan left it out. A sheet made elsewhere that never had, say, a
        stakeholders table made a layout choice, not an omission: its structure finding says which checks
        could not run and that `mapsheet import` brings them, and the steps it does hold are judged in full."""
        return self.state is State.FAILING or (self.state is State.NOT_READ and not self.by_layout)

    def describe(self) -> str:
        if self.state is State.NOT_READ:
            layout = "; not held against the plan: its layout has no such table" if self.by_layout else ""
            return f"{self.dimension.title}: not read ({self.why}{layout})"
        if self.state is State.FAILING:
            return f"{self.dimension.title} is failing: {self.why}"
        return f"{self.dimension.title}: {self.state.value}" + (f" ({self.why})" if self.why else "")


@quick
class Verdict:
    """What the plan's findings say of each core dimension: what the band and the score are decided from."""

    dimensions: tuple[DimensionState, ...]
    not_checkable: str = ""  # why the plan cannot be judged, with what to fix ("" when it can)

    @property
    def against(self) -> list[DimensionState]:
        return [d for d in self.dimensions if d.counts_against]


# -- what was understood ---------------------------------------------------------------------------------------

#: The fields counted per table in the ``understood`` block (schema mapsheet.check/1).
UNDERSTOOD_FIELDS = {
    "actions": ("owner", "party", "due", "status"), "milestones": ("owner", "due", "status"),
    "stakeholders": (), "risks": (), "checkins": (), "outcomes": (),
}


def understood(plan: Plan, settings: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per table, the records read and, per field, how many were understood: an owner that is a real person
    or a side, a party from the list, a real date, a known status."""
    company = plan.field("customer")
    tests = {
        "owner": lambda r: is_named_person_in(settings, r.values.get("owner"), company) or _is_side(r),
        "party": lambda r: r.values.get("party") in PARTY,
        "due": lambda r: r.values.get("due") is not None,
        "status": lambda r: r.values.get("status") is not None,
    }
    out = {}
    for key, fields in UNDERSTOOD_FIELDS.items():
        records = plan.tables[key].records if key in plan.tables else []
        out[key] = {"rows": len(records), **{f: sum(1 for r in records if tests[f](r)) for f in fields}}
    return out


def _is_side(record: Record) -> bool:
    return str(record.values.get("owner") or "").strip().casefold() in {s.casefold() for s in SIDE}


def understood_line(counts: dict[str, dict[str, int]]) -> str:
    """'read 14 actions: 12 with a named owner or side, 14 with a due date ...; 7 milestones: ...'."""
    words = {"owner": "with an owner", "party": "with a party", "due": "with a due date",
             "status": "with a status"}
    parts = []
    for key, c in counts.items():
        n = c["rows"]
        detail = ", ".join(f"{c[f]} {words[f]}" for f in UNDERSTOOD_FIELDS[key])
        noun = key.replace("checkins", "check-ins")
        parts.append(f"{n} {noun if n != 1 else noun.rstrip('s')}" + (f" ({detail})" if detail and n else ""))
    return "read " + "; ".join(parts)


def _step_rows_understood(plan: Plan) -> tuple[int, int]:
    """(step rows read, of which understood: a Due and a Status column, and nothing written in them that
    mapsheet could not read). An empty cell is understood: it says there is no date."""
    read = understood = 0
    for key in STEP_TABLES:
        records = plan.tables[key].records if key in plan.tables else ()
        read += len(records)
        if not records:
            continue
        # A tab's rows share its header's columns and mostly hold nothing unreadable: those rows are counted
        # together, the others (``odd``) one by one.
        header = records[0].columns
        odd = [r for r in records if r.raw or r.columns is not header]
        if "due" in header and "status" in header:
            understood += len(records) - len(odd)
        for r in odd:
            columns, raw = r.columns, r.raw
            if "due" in columns and "status" in columns and "due" not in raw and "status" not in raw:
                understood += 1
    return read, understood


def not_checkable(plan: Plan, settings: dict[str, Any]) -> str:
    """Why mapsheet cannot judge this plan, with what to fix ("" when it can)."""
    read, ok = _step_rows_understood(plan)
    if read == 0:
        return ("no milestones or action items were found, so there is nothing to judge; list the steps to "
                "signature on the Milestones and Actions tabs, each with an owner, a due date and a status")
    if ok / read < settings["min_understood_share"]:
        return (f"only {ok} of {read} steps have a due date and a status mapsheet understands; enter real "
                "dates in a Due column and pick statuses from the list (Not started, In progress, Blocked, Done, "
                "Cancelled)")
    return ""


# -- the states ------------------------------------------------------------------------------------------------

def assess(findings: list[Finding], plan: Plan | None, settings: dict[str, Any], *,
           rows: dict[tuple[str, int], Record] | None = None) -> Verdict:
    """Each core dimension's state from the findings and (when known) the plan's facts. ``rows``: the plan's
    records at the rows the findings point at (``records_at``), when the caller has them (more rows do no
    harm: only the findings' rows are looked up)."""
    counted: dict[Dimension, list[Finding]] = {}  # dimension -> its findings of a warning or worse
    for f in findings:
        if f.severity in _COUNTING:
            d = dimension_of(f.code, f.family)
            if d is not None:
                some = counted.get(d)
                if some is None:
                    counted[d] = [f]
                else:
                    some.append(f)
    if plan is None:
        rows = None
    elif rows is None:
        rows = records_at(plan, findings)
    states = []
    considered: dict[str, int] = {}  # table -> its rows (open rows, for steps): _flagged_share asks per dimension
    for d in _DIMENSIONS:
        counting = counted.get(d, _NONE)
        failing = _failing(counting, plan, rows, settings, considered) if counting else None
        blind = _blind(d, plan, rows, findings) if plan is not None and rows is not None else None
        unread = blind or ("", ())
        if failing is not None:
            states.append(DimensionState(d, State.FAILING, *failing, *unread))
        elif blind is not None:
            states.append(DimensionState(d, State.NOT_READ, blind[0], (), *unread,
                                         by_layout=_absent_from_layout(d, plan)))
        elif counting:
            states.append(DimensionState(d, State.WEAK, _plain(counting[0]), tuple(counting)))
        else:
            states.append(_OK[d])
    return Verdict(tuple(states), not_checkable(plan, settings) if plan is not None else "")


_DIMENSIONS = tuple(Dimension)  # iterating an Enum class is slow; every plan of a sync is assessed
#: The state of each dimension when nothing is wrong with it (shared: frozen).
_OK = {d: DimensionState(d, State.OK, "") for d in _DIMENSIONS}
#: The severities a dimension's state counts: a warning or worse.
_COUNTING = frozenset(s for s in Severity if s.rank >= Severity.WARNING.rank)
_NONE: list[Finding] = []  # a dimension with no finding that counts (never changed)


def _plain(f: Finding) -> str:
    return f.message.split("; ")[0]


def _failing(counting: list[Finding], plan: Plan | None, rows: dict[tuple[str, int], Record] | None,
             settings: dict[str, Any], considered: dict[str, int] | None = None
             ) -> tuple[str, tuple[Finding, ...]] | None:
    """Why a dimension is failing, from its ``counting`` findings (a warning or worse), and the findings
    behind it; None when it is not. ``considered``: ``_flagged_share``'s counts of rows, kept across the
    dimensions of one plan."""
    grave = [f for f in counting if f.band is Band.OFF_TRACK
             or (f.severity is Severity.ERROR and not _on_a_record(f, rows))]
    if grave:
        return _plain(grave[0]), tuple(counting)
    if plan is not None and rows is not None:
        share = _flagged_share(counting, plan, rows, settings, {} if considered is None else considered)
        if share is not None:
            return share, tuple(counting)
    rules = sorted({f.code for f in counting})
    if len(rules) >= settings["failing_rules"]:
        seen: dict[str, Finding] = {}
        for f in counting:
            seen.setdefault(f.code, f)
        return "; ".join(_plain(f) for f in list(seen.values())[:3]), tuple(counting)
    return None


def records_at(plan: Plan, findings: list[Finding]) -> dict[tuple[str, int], Record]:
    """(sheet, row) -> the record there, for the rows ``findings`` point at (the only ones looked up: the
    verdict and the check's "mapsheet: ignore" scan ask it of every plan of a sync)."""
    wanted = {(f.location.sheet, f.location.row) for f in findings if f.location.row is not None}
    numbers = {row for _, row in wanted}
    return {(r.sheet, r.row): r for t in plan.tables.values() for r in t.records
            if r.row in numbers and (r.sheet, r.row) in wanted}


def _on_a_record(f: Finding, rows: dict[tuple[str, int], Record] | None) -> bool:
    """The finding is about one row of a table (not about the plan as a whole). Without the plan's rows,
    any finding on a row is taken to be about that row."""
    if rows is None:
        return f.location.row is not None
    return (f.location.sheet, f.location.row) in rows


def _flagged_share(findings: list[Finding], plan: Plan, rows: dict[tuple[str, int], Record],
                   settings: dict[str, Any], considered: dict[str, int]) -> str | None:
    """'5 of 7 open actions ...' when a table has at least ``failing_share`` of its rows (open rows, for
    steps) flagged by these findings, and at least ``failing_min_rows`` of them. ``considered``: table ->
    how many of its rows count, filled in here as tables are asked."""
    flagged: dict[str, set[int]] = {}
    example: dict[str, Finding] = {}
    for f in findings:
        rec = rows.get((f.location.sheet, f.location.row))
        if rec is not None and not (rec.table in STEP_TABLES and rec.is_closed):
            flagged.setdefault(rec.table, set()).add(rec.row)
            example.setdefault(rec.table, f)
    for key, hit in flagged.items():
        if len(hit) < settings["failing_min_rows"]:
            continue
        among = considered.get(key)
        if among is None:
            records = plan.tables[key].records
            among = considered[key] = len(still_open(records)) if key in STEP_TABLES else len(records)
        if len(hit) / among >= settings["failing_share"]:
            what = f"open {key}" if key in STEP_TABLES else key
            return f"{len(hit)} of {among} {what} have a problem here, e.g. {_plain(example[key])}"
    return None


def _absent_from_layout(d: Dimension, plan: Plan) -> bool:
    """Whether every table ``d`` needs is one the plan's foreign layout has no equivalent of."""
    if plan.reading is None:
        return False
    keys = [key for key, _ in _NEEDS[d]]
    return None not in keys and all(key in plan.reading.absent for key in keys)


def _blind(d: Dimension, plan: Plan, rows: dict[tuple[str, int], Record],
           findings: list[Finding]) -> tuple[str, tuple[Finding, ...]] | None:
    """Why ``d`` could not be judged, and the findings that say so; None when something of it was read."""
    reasons, sheets = [], []
    for key, columns, wanted in _NEEDED[d]:
        if key is None:
            if plan.overview_sheet is not None:
                return None
            reasons.append("no Overview tab was found")
            sheets.append("Overview")
            continue
        table = plan.tables.get(key)
        if table is None or table.sheet is None:
            reasons.append(f"no {key} tab was found")
            continue
        if not table.records:
            reasons.append(f"the {table.sheet} tab is empty")
        elif table.columns.keys() >= wanted:  # read: the usual case, asked of every plan
            return None
        else:
            missing = [c for c in columns if c not in table.columns]
            reasons.append(f"the {table.sheet} tab has no {' or '.join(missing)} column")
        sheets.append(table.sheet)
    blinding = tuple(f for f in findings if f.location.sheet in sheets and not _on_a_record(f, rows))
    return " and ".join(reasons), blinding
