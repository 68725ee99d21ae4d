"""Every exception mapsheet raises on purpose, in one place.

Anything a user can cause (a bad file, a bad setting) is a ``MapsheetError`` whose message names the
file, and where it can, the sheet and the cell. The CLI prints the message and exits with code 2;
nothing else in mapsheet should need a traceback to be understood.
"""

from __future__ import annotations

import os


class MapsheetError(Exception):
    """Base class: something the user can fix, explained in the message."""


class UnreadableWorkbook(MapsheetError):
    """The file is not a workbook mapsheet can read (corrupt, encrypted, wrong format, empty)."""

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{display_path(self.path)}: {reason}")


class ConfigError(MapsheetError):
    """A setting in mapsheet.toml / pyproject.toml is unknown or has a bad value."""


class WorkbookBusy(MapsheetError):
    """The workbook is open in Excel (its ~$ lock file is there), so it must not be replaced."""


class NotAPlan(MapsheetError):
    """The workbook holds nothing that looks like a mutual action plan."""


class NoPlans(MapsheetError):
    """A command was given sources that hold no plan at all (an empty folder, an empty list)."""
def display_path(path: object) -> str:
    """A path as text that can always be printed and stored: bytes that are not UTF-8 (a file name made
    on another system) are shown as \\xff escapes instead of raising UnicodeEncodeError downstream."""
    text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        raw = text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")
