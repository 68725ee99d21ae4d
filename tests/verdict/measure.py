"""Judge the labelled corpus as a user would: each plan written to a real .xlsx from the template, read
back and checked on TODAY; then band agreement, pair order and the score spread per expected band.

Run it by itself for the figures: ``PYTHONPATH=tests .venv/bin/python -m verdict.measure``.
"""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from mapsheet import api
from mapsheet.fill import fill_workbook, load_template
from mapsheet.safeio import atomic_save_workbook

from rules.base_plan import TODAY
from .corpus import PLANS, build

LABELS = Path(__file__).with_name("labels.yml")


@dataclass(frozen=True)
class Judged:
    plan: str
    accepted: tuple[str, ...]
    band: str
    score: int
    reasons: tuple[str, ...]

    @property
    def agrees(self) -> bool:
        return self.band in self.accepted


def labels() -> dict:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


def write_plan(plan_id: str, folder: Path) -> Path:
    wb = load_template()
    fill_workbook(wb, build(plan_id))
    return atomic_save_workbook(wb, folder / f"{plan_id}.xlsx")


def judge_all(folder: Path) -> dict[str, Judged]:
    spec = labels()["plans"]
    out = {}
    for plan_id in PLANS:
        result = api.check(write_plan(plan_id, folder), today=TODAY, config=api.Config.default())
        out[plan_id] = Judged(plan_id, tuple(spec[plan_id]["bands"]), result.score.band.value, result.score.total,
                              result.score.band_reasons)
    return out


def pair_order(judged: dict[str, Judged]) -> list[tuple[str, str, bool]]:
    return [(better, worse, judged[better].score > judged[worse].score) for better, worse in labels()["pairs"]]


def spread(judged: dict[str, Judged]) -> dict[str, tuple[int, float, int]]:
    """min / median / max score of the plans, by the bands their label accepts ("At risk or Off track")."""
    order = ["On track", "At risk", "Off track", "Not checkable"]
    by_band: dict[str, list[int]] = {}
    for j in sorted(judged.values(), key=lambda j: sorted(order.index(b) for b in j.accepted)):
        key = " or ".join(sorted(j.accepted, key=order.index))
        by_band.setdefault(key, []).append(j.score)
    return {band: (min(s), statistics.median(s), max(s)) for band, s in by_band.items()}


def report(judged: dict[str, Judged]) -> str:
    pairs = pair_order(judged)
    agree = sum(j.agrees for j in judged.values())
    ordered = sum(ok for *_, ok in pairs)
    lines = [f"bands: {agree}/{len(judged)} agree ({agree / len(judged):.0%})",
             f"pairs: {ordered}/{len(pairs)} in order ({ordered / len(pairs):.0%})"]
    for band, (lo, mid, hi) in spread(judged).items():
        lines.append(f"  expected {band:<28} score min {lo:>3}  median {mid:>5}  max {hi:>3}")
    for j in judged.values():
        mark = "  " if j.agrees else "✗ "
        lines.append(f"{mark}{j.plan:<34} {j.score:>3} {j.band:<13} accepted {', '.join(j.accepted)}")
    for better, worse, ok in pairs:
        if not ok:
            lines.append(f"✗ pair {better} ({judged[better].score}) should score above {worse} ({judged[worse].score})")
    return "\n".join(lines)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        print(report(judge_all(Path(tmp))))
