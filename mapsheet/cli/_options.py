"""Options and value parsers shared by several commands (declared once, as STYLE.md asks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..errors import MapsheetError
from ._parser import option


def parse_date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise MapsheetError(f"{option}: '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31") from None


def today_or(text: str | None) -> dt.date:
    return parse_date(text, "--today") or dt.date.today()


TODAY = option("--today", metavar="YYYY-MM-DD",
               help="Judge the plan as of this date instead of today (reproducible checks).")


def pin_clock(result, today: str | None):
    """With ``--today`` the whole result is reproducible: its ``checked_at`` (JSON, the Plan check sheet)
    becomes the start of that day in UTC instead of the wall clock."""
    if today is not None:
        result.checked_at = dt.datetime.combine(result.today, dt.time(), tzinfo=dt.timezone.utc)
    return result


CREDENTIALS = option(
    "--credentials", metavar="FILE", type=Path, env="MAPSHEET_GOOGLE_CREDENTIALS",
    help="For Google Sheets: a service-account key or OAuth client file (default: Application Default "
         "Credentials, then gspread's files in ~/.config/gspread).")


def google_opener(credentials, obj: Any = None):
    """How Sheet URLs/ids on the command line are opened: one sign-in shared by every Sheet, made only
    when a Sheet is named (files never touch Google). A program embedding the CLI (and the tests) may
    pass ``main(argv, obj={"google": {"session": ..., "caller": ..., "retry": ...}})`` to use its own session."""
    shared: list = []

    def open_sheet(spreadsheet: str):
        if not shared:  # imported and signed in only when a Sheet is named: files start fast
            from ..google.source import opener

            shared.append(opener(credentials, **embedded(obj)))
        return shared[0](spreadsheet)

    return open_sheet


def google_client(credentials, obj: Any = None):
    """The signed-in Google client (``new --google``), or the session an embedding program passed."""
    from ..google.client import connect

    return connect(credentials, **embedded(obj))


def embedded(obj: Any) -> dict:
    """The Google session parts an embedding program passed (none: sign in as usual)."""
    return (obj or {}).get("google", {})
