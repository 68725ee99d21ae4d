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


CredentialsOption = typer.Option(
    None, "--credentials", metavar="FILE", envvar="MAPSHEET_GOOGLE_CREDENTIALS",
    help="For Google Sheets: a service-account key or OAuth client file (default: Application Default "
         "Credentials, then gspread's files in ~/.config/gspread).")


def google_opener(credentials, ctx: typer.Context | None = None):
    """How Sheet URLs/ids on the command line are opened: one sign-in shared by every Sheet, made only
    when a Sheet is named (files never touch Google). A program embedding the CLI (and the tests) may
    pass ``obj={"google": {"session": ..., "caller": ..., "retry": ...}}`` to use its own session."""
    from ..google.source import opener

    given = ((ctx.obj if ctx is not None else None) or {}).get("google", {})
    return opener(credentials, **given)
