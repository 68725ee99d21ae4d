"""Telling a Google Sheet from a file on the command line: a Sheet's URL, or its bare id (pure)."""

from __future__ import annotations

import re

# Compiled by re when first used (and kept there): only an argument that is no file is looked at.
_URL = r"^https?://docs\.google\.com/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]{20,})"
_ID = r"^[A-Za-z0-9_-]{30,}$"  # Drive ids of spreadsheets are 44 characters today


def spreadsheet_id(text: str) -> str | None:
    """The spreadsheet id in a Sheet URL or a bare id; None for anything else (a path, a glob)."""
    text = str(text).strip()
    match = re.match(_URL, text)
    if match:
        return match.group(1)
    return text if re.match(_ID, text) else None


def sheet_url(spreadsheet: str, gid: int | None = None) -> str:
    """The link a user opens; with ``gid``, straight to that tab."""
    url = f"https://docs.google.com/spreadsheets/d/{spreadsheet}/edit"
    return f"{url}#gid={gid}" if gid is not None else url
