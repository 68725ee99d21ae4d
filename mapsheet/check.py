"""Running the rules on a plan: selection, severity overrides, suppression, then scoring.

A rule that crashes becomes an internal finding (MAP000) that names the rule; it never takes the whole
check down, and the other rules still run.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from typing import Iterable

from ._version import __version__
from .config import Config
from .foreign.applicability import applies
from .grid import Location
from .model import Plan, Record
from .rules.base import Context, Family, Finding, Hit, Rule, Severity
from .rules.registry import all_rules, registered
from .scoring import Score, score_findings
from .verdict import records_at, understood

# Compiled by re when first used (and kept there): most plans silence no check.
_IGNORE_IN_CELL = r"mapsheet:\s*ignore\s+([A-Za-z0-9_,\s-]+)"
_CODES = r"MAP\d{3}|[a-z]+(?:-[a-z]+)+"


def _now() -> dt.datetime:
    """The local time to the second, with its zone (what ``datetime.now().astimezone()`` says, without the
    microseconds): made once a second, as ``astimezone`` looks the local zone up each time and a sync checks
    many plans a second (a zone changes its offset on the second, never within one)."""
    global _NOW
    second = int(time.time() // 1)
    if _NOW[0] != second:
        _NOW = (second, dt.datetime.fromtimestamp(second).astimezone())
    return _NOW[1]


_NOW: tuple[int | None, dt.datetime] = (None, dt.datetime.min)


@dataclass
class CheckResult:
    """Everything one check of a plan found: what reports, annotations and sync are made from."""

    plan: Plan
    today: dt.date
    findings: list[Finding]
    score: Score
    suppressed: list[Finding] = field(default_factory=list)
    config_source: str = "defaults"
    understood: dict[str, dict[str, int]] = field(default_factory=dict)  # records read and fields understood
    checked_at: dt.datetime = field(default_factory=_now)
    version: str = __version__

    def by_family(self) -> dict[Family, list[Finding]]:
        groups: dict[Family, list[Finding]] = {f: [] for f in Family}
        for finding in self.findings:
            groups[finding.family].append(finding)
        return groups

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


def selected_rules(config: Config) -> list[Rule]:
    """The rules ``config`` selects, in code order (worked out once per selection, not once per plan)."""
    return list(_selected(tuple(config.select), tuple(config.ignore)))


#: (select, ignore) -> (the catalogue it was worked out from, the rules it selects)
_SELECTED: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[tuple[Rule, ...], tuple[Rule, ...]]] = {}


def _selected(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[Rule, ...]:
    def matches(rule: Rule, patterns: tuple[str, ...]) -> bool:
        return any(rule.code.startswith(p.upper()) or rule.name == p for p in patterns)

    current = tuple(registered().values())
    known = _SELECTED.get((select, ignore))
    if known is None or known[0] != current:  # the same rules (a tuple compares its items by identity first)
        chosen = tuple(r for r in all_rules().values() if matches(r, select) and not matches(r, ignore))
        known = _SELECTED[(select, ignore)] = (current, chosen)
    return known[1]


def check_plan(plan: Plan, *, today: dt.date | None = None, config: Config | None = None,
               explain: bool = True) -> CheckResult:
    """The findings and score of ``plan``. ``explain=False`` leaves out what only a report shows (how much of
    each table was understood), for sync, which keeps only the score, the band and the plan's facts."""
    config = config or Config.default()
    today = today or dt.date.today()
    ctx = Context(plan, today, config.thresholds)
    findings: list[Finding] = []
    rules = _selected(tuple(config.select), tuple(config.ignore))
    if plan.reading is not None:  # a foreign layout lacks what some checks read; MAP012 says so once
        rules = tuple(rule for rule in rules if applies(rule.code, plan))
    for rule in rules:
        try:  # the rule runs here, not in a function of its own: 73 rules on every plan of a sync
            hits = [*rule.check(ctx)]
            if hits:  # most rules on most plans find nothing
                findings += _findings(rule, hits, config)
        except Exception as exc:  # a broken rule is reported, never fatal
            findings.append(_failed(rule, ctx, exc))
    # What the rules worked out together holds the context (``rules.base.per_value``): a cycle, which left the
    # plan's every record to Python's cyclic collector. Let go here, the plan is freed as the check returns:
    # a sync's reading processes spent about 5% of their time collecting them (0.3-0.45 ms a plan).
    ctx.memo.clear()
    findings = _dedupe(findings)
    findings.sort(key=_order)
    rows = records_at(plan, findings)  # the rows findings point at: for the ignore scan and the verdict
    kept, suppressed = _suppress(findings, plan, rows)
    score, priced = score_findings(kept, config, plan, rows=rows)
    return CheckResult(plan, today, priced, score, suppressed, config.source,
                       understood=understood(plan, config.thresholds) if explain else {})


def _findings(rule: Rule, hits: list[Hit], config: Config) -> list[Finding]:
    override = config.severity.get(rule.code)
    return [Finding(rule.code, rule.name, override or hit.severity or rule.severity, rule.family, hit.message,
                    hit.location, hit.band)
            for hit in hits]


def _failed(rule: Rule, ctx: Context, exc: Exception) -> Finding:
    import traceback  # only for a rule that crashed (it brings textwrap)

    where = traceback.extract_tb(exc.__traceback__)[-1]
    return Finding("MAP000", "internal-error", Severity.INFO, Family.STRUCTURE,
                   f"rule {rule.code} ({rule.name}) failed: {type(exc).__name__}: {exc} "
                   f"[{where.filename.rsplit('/', 1)[-1]}:{where.lineno}]; please report it",
                   Location(ctx.plan.overview_sheet or "Overview"))


def _order(f: Finding) -> tuple[int, str, str, int | None, int | None]:
    """Most severe first, then by code and cell (the cell's fields, in the order ``Location`` compares them: a
    comparison of two Locations is a Python call)."""
    where = f.location
    return -_RANKS[f.severity], f.code, where.sheet, where.row, where.col


_RANKS = {s: s.rank for s in Severity}


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        where = f.location  # its fields, not the Location: hashing one is a Python call
        key = (f.code, where.sheet, where.row, where.col, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def ignored_codes(text: object) -> set[str]:
    if not text:
        return set()
    codes = re.findall(_CODES, str(text), re.IGNORECASE)
    return {c.upper() if c.upper().startswith("MAP") else c.lower() for c in codes}


def _suppress(findings: list[Finding], plan: Plan, rows: dict[tuple[str, int], Record]
              ) -> tuple[list[Finding], list[Finding]]:
    """Findings silenced on purpose from the sheet: codes or names in the Overview's 'Ignore checks'
    field (whole plan), or "mapsheet: ignore MAP204" written in any cell of a row (that row only). ``rows``:
    the records the findings point at (``verdict.records_at``)."""
    plan_wide = ignored_codes(plan.field("ignore_checks"))
    per_row = _ignored_in_rows(rows.values())
    if not plan_wide and not per_row:  # most plans silence nothing
        return findings, []
    kept, suppressed = [], []
    for f in findings:
        row_codes = per_row.get((f.location.sheet, f.location.row), set()) if f.location.row is not None else set()
        if {f.code, f.name} & (plan_wide | row_codes):
            suppressed.append(f)
        else:
            kept.append(f)
    return kept, suppressed


def _ignored_in_rows(records: Iterable[Record]) -> dict[tuple[str, int], set[str]]:
    """(sheet, row) -> the codes a "mapsheet: ignore ..." in a cell of that row names, for ``records`` (those
    that hold a finding: the only ones whose cells are read, as a sync asks it of every plan)."""
    per_row: dict[tuple[str, int], set[str]] = {}
    for rec in records:
        for text in (*rec.values.values(), *rec.extra.values()):
            if isinstance(text, str) and "mapsheet" in text:  # most cells: the regular expression is not run
                m = re.search(_IGNORE_IN_CELL, text, re.IGNORECASE)
                if m:
                    per_row.setdefault((rec.sheet, rec.row), set()).update(ignored_codes(m.group(1)))
    return per_row
