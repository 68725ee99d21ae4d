"""What each column of a found table is, by its header AND its content.

A header alone misleads: "Milestone" may hold every step's sentence (then it is the step's text) or a
few repeated phase names (then it names the milestone); "Completed ✓" may hold ticks (a status) or dates
(the completion date); "Date" may hold dates or words. So every candidate meaning of a header is checked
against what its cells hold before it is taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..template.spec import normalize_header
from . import values
from .tables import Found, header_fields
from .vocabulary import OWNER_PAIR_HEADER, SIDE_WORDS, owner_side_header


@dataclass
class Profile:
    """What a column's cells look like."""

    filled: int = 0
    words: float = 0.0  # mean words per text cell
    unique: float = 0.0  # distinct values / filled
    dates: float = 0.0  # share of cells that read as dates (or relative dates)
    statuses: float = 0.0  # share of cells that read as statuses
    sides: float = 0.0  # share of cells that are side words
    numbers_max: float = 0.0


def profile(found: Found, col: int, ctx: values.DateContext) -> Profile:
    cells = [found.sheet.value(r, col) for r in found.rows]
    cells = [c for c in cells if not values.is_placeholder(c)]
    if not cells:
        return Profile()
    texts = [c for c in cells if isinstance(c, str)]
    n = len(cells)
    dates = sum(1 for c in cells if (lambda d: d.value is not None or bool(d.relative))(values.date(c, ctx)))
    numbers = [c for c in cells if isinstance(c, (int, float)) and not isinstance(c, bool)]
    return Profile(
        filled=n,
        words=sum(len(t.split()) for t in texts) / len(texts) if texts else 0.0,
        unique=len({str(c) for c in cells}) / n,
        dates=dates / n,
        statuses=sum(1 for c in cells if values.status(c) is not None) / n,
        sides=sum(1 for c in texts if normalize_header(c) in SIDE_WORDS) / n,
        numbers_max=max(numbers, default=0.0),
    )


@dataclass
class Mapping:
    """Field -> column, and the columns' stories (for ``mapsheet import`` to print)."""

    fields: dict[str, int] = field(default_factory=dict)
    owner_cols: list[tuple[int, str | None]] = field(default_factory=list)  # (column, side the header names)
    owner_pair: tuple[int, str | None, str | None] | None = None  # "Owner (Customer / Vendor)"
    extra: dict[int, str] = field(default_factory=dict)  # column -> header, kept as they are
    became: dict[int, str] = field(default_factory=dict)  # column -> what it was read as (with why)
    percent_scale: bool = False


def _side(word: str | None) -> str | None:
    return SIDE_WORDS.get(normalize_header(word or ""))


def assign(found: Found, ctx: values.DateContext) -> Mapping:
    m = Mapping()
    cands = {c: header_fields(h) for c, h in found.headers.items()}
    prof = {c: profile(found, c, ctx) for c in found.headers}
    taken: set[int] = set()

    def take(key: str, col: int, story: str) -> None:
        m.fields[key] = col
        m.became[col] = story
        taken.add(col)

    # Owners: one side's column, a pair in one cell, or a plain owner column.
    for c, h in found.headers.items():
        n = normalize_header(h)
        side = owner_side_header(n)
        pair = OWNER_PAIR_HEADER.match(h.strip().lower())
        if side and not pair:
            m.owner_cols.append((c, side))
            m.became[c] = f"owner ({side} side, from the header)"
            taken.add(c)
        elif pair and _side(pair.group("first")) and _side(pair.group("second")):
            m.owner_pair = (c, _side(pair.group("first")), _side(pair.group("second")))
            m.became[c] = (f"owners of both sides, '{_side(pair.group('first'))} / {_side(pair.group('second'))}' "
                           "in the header's order")
            taken.add(c)
    for c in sorted(found.headers):
        if c not in taken and "owner" in cands[c] and prof[c].filled and prof[c].sides >= 0.9:
            take("party", c, "the side (its cells are words like Us, Customer, Shared, not names)")
    if not m.owner_cols and m.owner_pair is None:
        for c in sorted(found.headers):
            if "owner" in cands[c] and prof[c].dates < 0.5 and prof[c].sides < 0.9:
                m.owner_cols.append((c, None))
                m.became[c] = "owner"
                taken.add(c)
                break
    # The step's text: the action-like header with the longest cells; else a "Milestone" column of sentences.
    actions = [c for c in found.headers if c not in taken and "action" in cands[c] and prof[c].dates < 0.5]
    sentences = [c for c in found.headers if c not in taken and "phase" in cands[c]
                 and prof[c].words >= 3 and prof[c].unique >= 0.8]
    if actions:
        c = max(actions, key=lambda c: prof[c].words)
        take("action", c, "the step's text")
    elif sentences:
        c = max(sentences, key=lambda c: prof[c].words)
        take("action", c, f"the step's text (its cells are sentences, not the names of a few milestones)")
    for c in sorted(found.headers):
        if c not in taken and "phase" in cands[c] and "phase" not in m.fields and prof[c].dates < 0.5:
            take("phase", c, "the milestone (phase) of the step")
    # Dates: the due date, then a completion date.
    for key, want in (("due", "due"), ("completed", "completed")):
        for c in sorted(found.headers):
            if c not in taken and want in cands[c] and prof[c].dates >= 0.5 and key not in m.fields:
                take(key, c, "the due date" if key == "due" else "the completion date")
    # Status: words, ticks, emoji or percent; a "Completed ✓" column of ticks is a status, not a date.
    for c in sorted(found.headers):
        if c in taken or "status" in m.fields:
            continue
        if ("status" in cands[c] or "completed" in cands[c]) and (prof[c].statuses >= 0.5 or prof[c].filled == 0
                                                                 or "status" in cands[c] and prof[c].dates < 0.5):
            take("status", c, "the status" if "status" in cands[c] else "the status (its cells are ticks, not dates)")
            m.percent_scale = prof[c].numbers_max > 1
    for c in sorted(found.headers):
        if c not in taken and "party" in cands[c] and "party" not in m.fields:
            take("party", c, "the side (party)")
    for key in ("id", "notes"):
        for c in sorted(found.headers):
            if c not in taken and key in cands[c] and key not in m.fields:
                take(key, c, "the step's id" if key == "id" else "notes")
    if "action" not in m.fields:
        rest = [c for c in found.headers if c not in taken and prof[c].words >= 3]
        if rest:
            take("action", max(rest, key=lambda c: prof[c].words), "the step's text (the column of sentences)")
    for c, h in found.headers.items():
        if c not in taken:
            m.extra[c] = h
            m.became[c] = "kept as it is (an extra column)"
    return m


def cell(found: Found, row: int, col: int | None) -> Any:
    return None if col is None else found.sheet.value(row, col)
