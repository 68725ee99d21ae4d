"""Options and value parsers shared by several commands (declared once, as STYLE.md asks)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import typer

from ..errors import MapsheetError


def parse_date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise MapsheetError(f"{option}: '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31") from None


def today_or(text: str | None) -> dt.date:
    return parse_date(text, "--today") or dt.date.today()


TodayOption = typer.Option(None, "--today", metavar="YYYY-MM-DD",
                           help="Judge the plan as of this date instead of today (reproducible checks).")
TodayType = Optional[str]


def pin_clock(result, today: str | None):
    """With ``--today`` the whole result is reproducible: its ``checked_at`` (JSON, the Plan check sheet)
    becomes the start of that day in UTC instead of the wall clock."""
    if today is not None:
        result.checked_at = dt.datetime.combine(result.today, dt.time(), tzinfo=dt.timezone.utc)
    return result
