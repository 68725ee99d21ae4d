"""Values as real MAP sheets write them: statuses in words, ticks, emoji or percent; dates as US text,
yearless ("Nov 4"), or relative to the plan's start ("Week 3", "Week 3-4", "Day 10", "[Date +3]").

Each reader returns the typed value or None; a relative date without a plan start is *unresolved* (said
so, never guessed), and a placeholder ("TBD") is a missing value, not an error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..parse import to_date
from .vocabulary import DOING, DONE, PLACEHOLDERS, STATUS_WORDS, TODO, norm

_WEEK = re.compile(r"^(?:week|wk|w)\s*(\d{1,2})(?:\s*[-–—to]+\s*(?:week|wk|w)?\s*(\d{1,2}))?$", re.IGNORECASE)
_DAY = re.compile(r"^day\s*(\d{1,3})(?:\s*[-–—to]+\s*(?:day)?\s*(\d{1,3}))?$", re.IGNORECASE)
_OFFSET = re.compile(r"^\[?\s*(?:date|start|kickoff|t|d)\s*([+-])\s*(\d{1,3})\s*(?:d|days?)?\s*\]?$", re.IGNORECASE)
_US = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$")
_US_YEARLESS = re.compile(r"^(\d{1,2})/(\d{1,2})$")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_YEARLESS = re.compile(r"^(?:(?P<m1>[a-z]{3,9})\.?[\s-]+(?P<d1>\d{1,2})(?:st|nd|rd|th)?|(?P<d2>\d{1,2})(?:st|nd|rd|th)?"
                       r"[\s-]+(?P<m2>[a-z]{3,9})\.?)$", re.IGNORECASE)
_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*%$")
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_EMOJI_DONE = ("✅", "✔", "☑", "✓", "🟢")
_EMOJI_TODO = ("⬜", "☐", "□", "🔲", "⚪")
_EMOJI_DOING = ("🔄", "⏳", "🟡", "🟠")
_EMOJI_BLOCKED = ("🔴", "⛔", "🛑")


def is_placeholder(raw: Any) -> bool:
    """Empty, or a stand-in for a value nobody has written yet ("TBD", "[Date]", "-")."""
    if raw is None:
        return True
    if not isinstance(raw, str):
        return False
    text = raw.strip()
    if not text or text in ("-", "—", "–", "?"):
        return True
    n = norm(text)
    return bool(n) and n in PLACEHOLDERS or (text.startswith("[") and text.endswith("]") and not _OFFSET.match(text))


def status(raw: Any, *, percent_scale: bool = False) -> str | None:
    """The template status a cell means, or None. ``percent_scale``: numbers are 0-100, not 0-1."""
    if isinstance(raw, bool):
        return DONE if raw else TODO
    if isinstance(raw, (int, float)):
        share = raw / 100 if percent_scale or raw > 1 else raw
        return DONE if share >= 1 else TODO if share <= 0 else DOING
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    m = _PERCENT.match(text)
    if m:
        return status(float(m.group(1)), percent_scale=True)
    word = STATUS_WORDS.get(norm(text)) or STATUS_WORDS.get(text.lower())
    if word:
        return word
    for marks, meaning in ((_EMOJI_DONE, DONE), (_EMOJI_TODO, TODO), (_EMOJI_DOING, DOING),
                           (_EMOJI_BLOCKED, "Blocked")):
        if any(text.startswith(mark) for mark in marks):
            rest = norm(text)
            return STATUS_WORDS.get(rest, meaning) if rest else meaning
    # "In progress - waiting on legal", "Done (signed 4 Nov)": a status word, then why.
    words = norm(text).split()
    for n in (3, 2, 1):
        if len(words) > n and " ".join(words[:n]) in STATUS_WORDS:
            return STATUS_WORDS[" ".join(words[:n])]
    return None


@dataclass(frozen=True)
class DateContext:
    """What relative and yearless dates are read against."""

    plan_start: dt.date | None = None
    near: dt.date | None = None  # a date of the plan, to choose the year of "Nov 4"


@dataclass(frozen=True)
class DateReading:
    value: dt.date | None
    relative: str = ""  # "week", "day", "offset", "yearless" when the cell was not an absolute date
    unresolved: str = ""  # why a date-like value has no date (e.g. "'Week 3' needs a plan start")


def date(raw: Any, ctx: DateContext) -> DateReading:
    d = to_date(raw)
    if d is not None:
        return DateReading(d)
    if not isinstance(raw, str):
        return DateReading(None)
    text = _WEEKDAY.sub("", raw.strip())  # "Mon 11/4", "Friday, Nov 6"
    if text != raw.strip():
        d = to_date(text)
        if d is not None:
            return DateReading(d)
    m = _US.match(text)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year = year + 2000 if year < 100 else year
        if month > 12 >= day:  # 24/11/2026 can only be day first
            month, day = day, month
        try:
            return DateReading(dt.date(year, month, day))
        except ValueError:
            return DateReading(None)
    m = _US_YEARLESS.match(text)
    if m:
        return _yearless(int(m.group(1)), int(m.group(2)), text, ctx)
    for pattern, kind in ((_WEEK, "week"), (_DAY, "day"), (_OFFSET, "offset")):
        m = pattern.match(text)
        if not m:
            continue
        if ctx.plan_start is None:
            return DateReading(None, kind, f"'{text}' counts from the plan's start, and the sheet has no start date")
        if kind == "week":
            week = int(m.group(2) or m.group(1))
            return DateReading(ctx.plan_start + dt.timedelta(days=7 * week - 1), kind)
        if kind == "day":
            day = int(m.group(2) or m.group(1))
            return DateReading(ctx.plan_start + dt.timedelta(days=day - 1), kind)
        sign = 1 if m.group(1) == "+" else -1
        return DateReading(ctx.plan_start + dt.timedelta(days=sign * int(m.group(2))), kind)
    m = _YEARLESS.match(text.rstrip("."))
    if m:
        month = _MONTHS.get((m.group("m1") or m.group("m2") or "")[:3].lower())
        day = int(m.group("d1") or m.group("d2"))
        if month is None:
            return DateReading(None)
        return _yearless(month, day, text, ctx)
    return DateReading(None)


def _yearless(month: int, day: int, text: str, ctx: DateContext) -> DateReading:
    if month > 12 >= day:
        month, day = day, month
    near = ctx.near or ctx.plan_start
    if near is None:
        return DateReading(None, "yearless", f"'{text}' has no year and the sheet has no other date to take it from")
    options = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not options:
        return DateReading(None)
    return DateReading(min(options, key=lambda d: abs((d - near).days)), "yearless")
