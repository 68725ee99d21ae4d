"""The score (0-100), its breakdown, the grade and the health band, all from findings and the verdict.

Every point lost is a finding's. Three things cost points, each shared by the findings behind it:

1. **Families**: a finding costs ``points[severity] x rule weight``; a family never loses more than its
   weight, and when its findings cost more, each loses its share of the cap.
2. **Dimensions** (``verdict``): a core dimension that is failing costs ``failing_points`` more (twice that
   when it fails in ``failing_rules`` ways, and up to ``failing_points`` again for what its findings cost past
   their families' caps), shared by its findings; one not read (even in part) costs
   ``not_read_points`` on top, shared by the findings that say what could not be read.
3. **The band**: what is left is mapped into the band's own range, so the score and the band tell the same
   story: an At risk plan scores from ``bands.off_track_below`` up to ``bands.at_risk_below - 1`` (what is
   left above the Off track line, scaled into that range), an Off track (or Not checkable) one keeps
   ``bands.off_track_below - 1`` percent of what is left. So an At risk plan never scores below an Off track
   one. The points this takes are shared by the findings that set the band.

So a plan with no findings scores 100, adding a finding never raises the score, and fixing one never
lowers it. The band follows what the best MAP tools do (Accord: At Risk with an item 1 to 6 days overdue,
Stalled at 7 or more) and the verdict: one core dimension failing (or not read) makes a plan At risk, several
or a grave fact (no customer commitment at all, a close date in the past) Off track; a plan with no steps
mapsheet can read is Not checkable. The reasons name what decided it, in plain words.
"""

from __future__ import annotations

from dataclasses import field
from typing import Iterable

from .config import Config
from .frozen import quick
from .model import Plan, Record
from .rules.base import Band, Family, Finding
from .verdict import Dimension, DimensionState, State, Verdict, assess


@quick
class FamilyScore:
    """What one family of rules kept of its weight: the breakdown a report shows."""

    family: Family
    weight: float
    lost: float
    findings: int

    @property
    def score(self) -> float:
        return self.weight - self.lost

    @property
    def share(self) -> float:
        """How much of the family's weight is kept, 0..1 (1 for a family that weighs nothing)."""
        return 1.0 if self.weight == 0 else self.score / self.weight


@quick
class DimensionScore:
    """A core dimension's state and the points it costs beyond its families' (failing or not read)."""

    dimension: Dimension
    state: State
    why: str
    lost: float


@quick
class Score:
    """A plan's score, grade and band, with the breakdown that explains them."""

    total: int
    exact: float
    grade: str
    band: Band
    band_reasons: tuple[str, ...]
    families: tuple[FamilyScore, ...] = field(default=())
    dimensions: tuple[DimensionScore, ...] = field(default=())
    band_lost: float = 0.0  # points the band itself takes (At risk, Off track, Not checkable)


def score_findings(findings: list[Finding], config: Config, plan: Plan | None = None, *,
                   rows: dict[tuple[str, int], Record] | None = None) -> tuple[Score, list[Finding]]:
    """The score, and the findings with the points each one costs filled in. Without ``plan`` the verdict
    judges from the findings alone (nothing is known to be unread). ``rows``: the plan's records that the
    findings point at, when the caller has them (``verdict.records_at``; worked out here otherwise)."""
    verdict = assess(findings, plan, config.verdict, rows=rows)
    costs = [config.points[f.severity] * config.rule_weights.get(f.code, 1.0) for f in findings]
    points = [0.0] * len(findings)
    families = _families(findings, costs, points, config)
    places = _places(findings)
    dimensions = _dimensions(verdict, places, costs, points, families, config)
    # Totals from the families' and dimensions' losses (not the findings' shares), so that a finding whose
    # family is already at its cap changes nothing, not even a float's last digit.
    lost = sum([fs.lost for fs in families]) + sum([d.lost for d in dimensions])
    if lost > 100:  # a plan cannot lose more than everything: every share shrinks alike
        points = [p * 100 / lost for p in points]
    raw = max(0.0, 100.0 - lost)
    band, reasons, drivers = _band(findings, verdict, raw, config)
    band_lost = 0.0
    if raw > 0 and drivers:
        band_lost = raw - _in_band(raw, band, config)
        if band_lost > 0:
            _share_out(band_lost, drivers, places, costs, points)
    exact = round(raw - band_lost, 9)
    total = int(exact + 0.5) if exact < 100 else 100
    # A plan that lost anything never shows a perfect 100.
    if total == 100 and any(points):
        total = 99
    priced = [f.costing(p) for f, p in zip(findings, points)]
    return (Score(total, exact, _grade(total, config), band, tuple(reasons), tuple(families), tuple(dimensions),
                  band_lost), priced)


def _families(findings: list[Finding], costs: list[float], points: list[float], config: Config) -> list[FamilyScore]:
    members: dict[Family, list[int]] = {}  # family -> the indices of its findings
    for i, f in enumerate(findings):
        group = members.get(f.family)
        if group is None:
            members[f.family] = [i]
        else:
            group.append(i)
    weights = config.family_weights
    families = list(_untouched_scores(weights))  # most families of most plans find nothing
    for family, index in members.items():
        weight = weights.get(family, 0.0)
        total_cost = 0.0
        for i in index:  # added up in plan order, as always: a float's last digit shows in the score
            total_cost += costs[i]
        lost = min(weight, total_cost)
        families[_POSITION[family]] = FamilyScore(family, weight, lost, len(index))
        for i in index:
            points[i] += costs[i] / total_cost * lost if total_cost else 0.0
    return families


_FAMILIES = tuple(Family)  # iterating an Enum class is slow; the check scores every plan of a sync
_POSITION = {family: i for i, family in enumerate(_FAMILIES)}


def _untouched(family: Family, weight: float) -> FamilyScore:
    """The score of a family no finding touches (shared: frozen)."""
    try:
        return _UNTOUCHED[family, weight]
    except KeyError:
        made = FamilyScore(family, weight, min(weight, 0.0), 0)
        if type(weight) is float and weight > 0:  # as keys, 1, 1.0 and True (or 0.0 and -0.0) would be one
            _UNTOUCHED[family, weight] = made
        return made


_UNTOUCHED: dict[tuple[Family, float], FamilyScore] = {}


def _untouched_scores(weights: dict[Family, float]) -> tuple[FamilyScore, ...]:
    """``_untouched`` of every family, in family order: made once per set of weights, not per plan."""
    key = tuple(weights.items())
    known = _UNTOUCHED_ALL.get(key)
    if known is None:
        known = tuple([_untouched(family, weights.get(family, 0.0)) for family in _FAMILIES])
        # Kept only for positive floats: as keys, 1, 1.0 and True (or 0.0 and -0.0) would be one weight.
        if len(weights) == len(_FAMILIES) and all([type(w) is float and w > 0 for w in weights.values()]):
            if len(_UNTOUCHED_ALL) > 8:
                _UNTOUCHED_ALL.clear()
            _UNTOUCHED_ALL[key] = known
    return known


_UNTOUCHED_ALL: dict[tuple[tuple[Family, float], ...], tuple[FamilyScore, ...]] = {}


def _dimensions(verdict: Verdict, places: dict[int, list[int]], costs: list[float], points: list[float],
                families: list[FamilyScore], config: Config) -> list[DimensionScore]:
    """What each failing or unread dimension costs beyond its families' losses (both, when it is failing and
    partly unread), shared out over the findings behind it. ``places``: ``_places`` of the plan's findings."""
    settings = config.verdict
    family_share = list(points)
    out = []
    for ds in verdict.dimensions:
        options = []
        if ds.state is State.FAILING and ds.findings:
            # Failing in more ways costs more (one rule, the base; `failing_rules` of them, twice that), and so
            # do findings past their families' caps (up to the base again).
            ways = len({f.code for f in ds.findings}) - 1
            more = min(1.0, ways / max(1, settings["failing_rules"] - 1))
            index = _indices(ds.findings, places)
            overflow = max(0.0, sum([costs[i] - family_share[i] for i in index]))
            options.append((settings["failing_points"] * (1 + more) + min(settings["failing_points"], overflow),
                            ds.findings))
        if ds.blind and ds.blinding:
            options.append((float(settings["not_read_points"]), ds.blinding))
        for amount, carriers in options:
            _share_out(amount, carriers, places, costs, points)
        if not options and ds.state is State.OK:  # costs nothing: made once
            out.append(_OK_SCORES[ds.dimension] if not ds.why and not ds.blind
                       else DimensionScore(ds.dimension, ds.state, ds.why or ds.blind, 0))
            continue
        lost = sum(amount for amount, _ in options) if options else 0
        out.append(DimensionScore(ds.dimension, ds.state, ds.why or ds.blind, lost))
    return out


#: The score of each dimension in good state (shared: frozen).
_OK_SCORES = {d: DimensionScore(d, State.OK, "", 0) for d in Dimension}


def _places(findings: list[Finding]) -> dict[int, list[int]]:
    """id of a finding -> where it stands in ``findings`` (a list: a caller may pass one finding twice)."""
    places: dict[int, list[int]] = {}
    for i, f in enumerate(findings):
        places.setdefault(id(f), []).append(i)
    return places


def _indices(some: Iterable[Finding], places: dict[int, list[int]]) -> list[int]:
    """Where the findings ``some`` stand among the plan's findings (``_places``), in plan order, each once."""
    return sorted({i for f in some for i in places.get(id(f), ())})


def _share_out(amount: float, carriers: Iterable[Finding], places: dict[int, list[int]], costs: list[float],
               points: list[float]) -> None:
    index = _indices(carriers, places)
    total = sum([costs[i] for i in index])
    for i in index:
        points[i] += amount * (costs[i] / total if total else 1 / len(index))


def _in_band(raw: float, band: Band, config: Config) -> float:
    """The score ``raw`` points make in ``band``: never more than ``raw``, and rising with it. At risk maps
    the points above the Off track line into [off_track_below, at_risk_below - 1] (a plan is At risk only
    with about that many points: fewer make it Off track by themselves); Off track and Not checkable keep
    ``off_track_below - 1`` percent, so they stay under the line."""
    if band is Band.ON_TRACK:
        return raw
    floor, top = config.bands["off_track_below"], config.bands["at_risk_below"] - 1
    if band is Band.AT_RISK and floor < 100:
        return min(raw, floor + max(0.0, raw - floor) * max(0.0, top - floor) / (100 - floor))
    return raw * max(0.0, floor - 1) / 100


def _grade(total: int, config: Config) -> str:
    for grade, minimum in sorted(config.grades.items(), key=lambda kv: -kv[1]):
        if total >= minimum:
            return grade
    return "F"


def _band(findings: list[Finding], verdict: Verdict, raw: float, config: Config
          ) -> tuple[Band, list[str], list[Finding]]:
    """The band, its reasons (what decided it first) and the findings that set it."""
    settings, bands = config.verdict, config.bands
    total = int(raw + 0.5)
    if verdict.not_checkable:
        return Band.NOT_CHECKABLE, [f"mapsheet cannot judge this plan: {verdict.not_checkable}"], list(findings)
    candidates: list[tuple[Band, str, list[Finding]]] = []
    for f in sorted((f for f in findings if f.band is not None), key=lambda f: (-f.band.rank, f.code)):
        candidates.append((f.band, f"{f.message} ({f.location})", [f]))
    against = verdict.against
    failing = [d for d in against if d.state is State.FAILING]
    if against:
        several = (len(failing) >= settings["off_track_dimensions"]
                   or len(against) > settings["off_track_dimensions"])
        band = Band.OFF_TRACK if several else Band.AT_RISK
        for d in sorted(against, key=lambda d: d.state is not State.FAILING):
            candidates.append((band, d.describe(), list(_carriers(d))))
    low = _low_score(total, bands)
    if low is not None:
        candidates.append((low, f"the findings add up: {total} points before the band, under "
                                f"{bands['off_track_below' if low is Band.OFF_TRACK else 'at_risk_below']:g}",
                           list(findings)))
    if not candidates:
        weak = [d.dimension.title.lower() for d in verdict.dimensions if d.state is State.WEAK]
        note = f"; to improve: {', '.join(weak)}" if weak else ""
        return Band.ON_TRACK, [f"no core dimension is failing, no item is overdue and the score is {total}{note}"], []
    band = max((c[0] for c in candidates), key=lambda b: b.rank)
    ordered = [c for c in candidates if c[0] is band] + [c for c in candidates if c[0] is not band]
    reasons = [text for _, text, _ in ordered][:4]
    drivers = [f for b, _, fs in candidates if b is band for f in fs]
    return band, reasons, list({id(f): f for f in drivers}.values())


def _low_score(total: int, bands: dict) -> Band | None:
    """The band a score this low means by itself (none when it is high enough)."""
    if total < bands["off_track_below"]:
        return Band.OFF_TRACK
    return Band.AT_RISK if total < bands["at_risk_below"] else None


def _carriers(d: DimensionState) -> tuple[Finding, ...]:
    return d.findings or d.blinding
