"""The score (0-100), its breakdown by family, the grade and the health band, all from findings.

Every point lost is a finding's: a finding costs ``points[severity] x rule weight``; a family never
loses more than its weight, and when its findings cost more, each loses its share of the cap. So a plan
with no findings scores 100, adding a finding never raises the score, and fixing one never lowers it.

The band follows what the best MAP tools do (Accord: At Risk with an item 1 to 6 days overdue, Stalled
at 7 or more): a finding may put the plan in a band by itself (an overdue item, a close date in the
past), and a low score does too. The reasons for the band are kept, so it is never a mystery.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from .config import Config
from .rules.base import Band, Family, Finding


@dataclass(frozen=True)
class FamilyScore:
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


@dataclass(frozen=True)
class Score:
    total: int
    exact: float
    grade: str
    band: Band
    band_reasons: tuple[str, ...]
    families: tuple[FamilyScore, ...] = field(default=())


def score_findings(findings: list[Finding], config: Config) -> tuple[Score, list[Finding]]:
    """The score, and the findings with the points each one costs filled in."""
    costs = [config.points[f.severity] * config.rule_weights.get(f.code, 1.0) for f in findings]
    by_family: dict[Family, float] = {}
    for f, cost in zip(findings, costs):
        by_family[f.family] = by_family.get(f.family, 0.0) + cost
    families = []
    for family in Family:
        weight = config.family_weights.get(family, 0.0)
        total_cost = by_family.get(family, 0.0)
        families.append(FamilyScore(family, weight, min(weight, total_cost),
                                    sum(1 for f in findings if f.family is family)))
    lost = {fs.family: fs.lost for fs in families}
    priced = []
    for f, cost in zip(findings, costs):
        family_cost = by_family[f.family]
        share = cost / family_cost * lost[f.family] if family_cost else 0.0
        priced.append(dataclasses.replace(f, points=share))
    exact = max(0.0, 100.0 - sum(lost.values()))
    total = int(exact + 0.5) if exact < 100 else 100
    # A plan that lost anything never shows a perfect 100.
    if total == 100 and any(lost.values()):
        total = 99
    band, reasons = _band(findings, total, config)
    return Score(total, exact, _grade(total, config), band, tuple(reasons), tuple(families)), priced


def _grade(total: int, config: Config) -> str:
    for grade, minimum in sorted(config.grades.items(), key=lambda kv: -kv[1]):
        if total >= minimum:
            return grade
    return "F"


def _band(findings: list[Finding], total: int, config: Config) -> tuple[Band, list[str]]:
    band = Band.ON_TRACK
    reasons: list[str] = []
    for f in sorted(findings, key=lambda f: (-(f.band.rank if f.band else 0), f.code)):
        if f.band is None:
            continue
        band = max(band, f.band, key=lambda b: b.rank)
        if len(reasons) < 3 and f.band is band:
            reasons.append(f"{f.message} ({f.location})")
    if total < config.bands["off_track_below"]:
        band = Band.OFF_TRACK
        reasons.insert(0, f"score {total} is under {config.bands['off_track_below']:g}")
    elif total < config.bands["at_risk_below"] and band is Band.ON_TRACK:
        band = Band.AT_RISK
        reasons.insert(0, f"score {total} is under {config.bands['at_risk_below']:g}")
    if band is Band.ON_TRACK:
        reasons = ["no item is overdue and the score is "
                   f"{total} (at least {config.bands['at_risk_below']:g})"]
    # Keep only the reasons that explain the band reached.
    return band, reasons
