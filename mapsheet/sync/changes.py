"""What moved since the last sync: slipped close and milestone dates, score and band moves, new and
vanished plans. Plain comparison of two snapshots (``history.PlanState`` by plan path)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from ..levels import Band
from .history import Milestones, PlanState

BAND_RANK = {b.value: b.rank for b in Band}
#: Most alarming first: the order of the Changes sheet.
ORDER = ("Plan gone", "Unreadable now", "Close date slipped", "Band worse", "Milestone slipped", "Score down",
         "New plan", "Close date pulled in", "Milestone pulled in", "Band better", "Score up", "Progress")


class Change(NamedTuple):
    deal: str
    owner: str
    change: str  # one of ORDER
    item: str  # what moved (a milestone's name, "close date", "score"...)
    before: Any
    after: Any
    move: float | int | None  # days for dates, points for scores, percentage points for progress
    path: str


def state_of(summary: dict[str, Any], previous: PlanState | None, milestones: str | None = None) -> PlanState:
    """A read plan's state; ``milestones``: its milestones as the history stores them (``history.stored_milestones``
    of ``milestones_of``), when they came so instead of as its summary's rows (``details.Read.milestones``)."""
    close = summary["close_date"]
    pushes = previous.pushes if previous else 0
    if previous and previous.close_date and close and close > previous.close_date:
        pushes += 1
    return PlanState(summary["path"], summary["deal"], summary["owner"], close, summary["score"], summary["band"],
                     summary["pct_done"], pushes,
                     Milestones(milestones) if milestones is not None else milestones_of(summary))


def milestones_of(summary: dict[str, Any]) -> dict[str, tuple[str, dt.date | None]]:
    """A read plan's milestones as its state keeps them: id -> (name, due), those with an id."""
    return {m.id: (m.name, m.due) for m in summary["milestones"] if m.id}


def compare(previous: dict[str, PlanState], current: dict[str, PlanState], unreadable: set[str]) -> list[Change]:
    out: list[Change] = []
    for path, now in current.items():
        before = previous.get(path)
        if before is None:
            out.append(Change(now.deal, now.owner, "New plan", "", None, now.close_date, None, path))
        elif before is not now:  # the same state (a plan not read again) has not moved
            out += _plan_changes(before, now)
    for path, before in previous.items():
        if path in current or (path in unreadable and not before.readable):
            continue  # still here, or still unreadable (said once, when it became so)
        kind = "Unreadable now" if path in unreadable else "Plan gone"
        out.append(Change(before.deal, before.owner, kind, "", before.close_date, None, None, path))
    out.sort(key=lambda c: (ORDER.index(c.change), -abs(c.move or 0), c.deal))
    return out


def _plan_changes(before: PlanState, now: PlanState) -> list[Change]:
    out = []

    def add(change: str, item: str, old: Any, new: Any, move: float | int | None) -> None:
        out.append(Change(now.deal, now.owner, change, item, old, new, move, now.path))

    days = _days(before.close_date, now.close_date)
    if days:
        add("Close date slipped" if days > 0 else "Close date pulled in", "close date", before.close_date,
            now.close_date, days)
    for ident, (name, due) in now.milestones.items():
        old = before.milestones.get(ident)
        moved = _days(old[1], due) if old else None
        if moved:
            add("Milestone slipped" if moved > 0 else "Milestone pulled in", f"{ident} {name}".strip(), old[1], due,
                moved)
    if before.band != now.band and before.band in BAND_RANK and now.band in BAND_RANK:
        worse = BAND_RANK[now.band] > BAND_RANK[before.band]
        add("Band worse" if worse else "Band better", "health band", before.band, now.band, None)
    if before.score is not None and now.score is not None and before.score != now.score:
        add("Score down" if now.score < before.score else "Score up", "score", before.score, now.score,
            now.score - before.score)
    if before.pct_done is not None and now.pct_done is not None and round(now.pct_done - before.pct_done, 4):
        add("Progress", "% of actions done", before.pct_done, now.pct_done, round(100 * (now.pct_done - before.pct_done)))
    return out


def _days(old: dt.date | None, new: dt.date | None) -> int:
    return (new - old).days if old and new else 0
