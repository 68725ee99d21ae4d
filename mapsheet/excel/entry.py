"""What the "Check plan" button runs, inside the Python that xlwings' RunPython started.

Every outcome a user can meet ends in Excel, not in a console: a workbook that is not a plan, or any
other failure, becomes a message box. A traceback, when there is one, goes to a log file whose path the
message names, so support can ask for it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import traceback
from pathlib import Path
from typing import Any, Callable

from .. import api
from ..edits import ClearOwnMarks, Edit
from ..errors import MapsheetError, NotAPlan
from .backend import apply_edits, read_workbook

TITLE = "mapsheet"
LOG_FILE = Path(tempfile.gettempdir()) / "mapsheet-excel.log"


def check_plan(book: Any = None, *, today: dt.date | None = None) -> None:
    """Check the calling workbook and mark it: notes, fills and a Plan check sheet, all in one batch."""

    def edits(book: Any) -> list[Edit]:
        _result, edits = api.annotation_edits(read_workbook(book), today=today, config=_team_config(book))
        return edits

    _run(book, edits, action="check")


def clear_check(book: Any = None) -> None:
    """Remove everything "Check plan" added, restoring the user's own fills and notes."""
    _run(book, lambda _book: [ClearOwnMarks()], action="clear the check of")


#: RunPython calls ``<module>.main()``; the button's module re-exports this.
main = check_plan


def _team_config(book: Any):
    """The mapsheet.toml (or pyproject.toml) the CLI would use for this plan, found from its folder, so
    the button and ``mapsheet check`` score a plan alike. None (the defaults) for a plan that has no
    local file: unsaved, or opened from OneDrive/SharePoint where xlwings may fail to map its URL."""
    try:
        fullname = str(book.fullname)
    except Exception:  # noqa: BLE001 - xlwings raises its own errors for unmappable URLs
        return None
    path = Path(fullname)
    if "://" in fullname or not path.is_absolute() or not path.is_file():
        return None
    from ..config import load_config

    return load_config(near=path)


def _run(book: Any, make_edits: Callable[[Any], list[Edit]], action: str) -> None:
    if book is None:
        import xlwings as xw  # only here: the rest of the module is testable without an Excel caller

        book = xw.Book.caller()
    try:
        apply_edits(book, make_edits(book))
    except NotAPlan as exc:
        _alert(book, f"{book.name} does not look like a mutual action plan, so mapsheet cannot {action} it."
                     f"\n\n{exc}\n\nStart a plan from the mapsheet template (mapsheet new) or copy your "
                     "content into it.", "mapsheet: not a plan")
    except MapsheetError as exc:
        _alert(book, f"mapsheet could not {action} {book.name}.\n\n{exc}", TITLE)
    except Exception as exc:  # noqa: BLE001 - the button must never leave a user with a traceback
        log = _write_log(exc)
        _alert(book, f"mapsheet could not {action} {book.name}: {type(exc).__name__}: {exc}\n\n"
                     "Marks may be half-written: click the button again, or run 'mapsheet clean' on the "
                     f"closed file. The details are in {log}; please attach that file when you report this.",
               TITLE)


def _alert(book: Any, prompt: str, title: str) -> None:
    book.app.alert(prompt, title=title, mode="critical")


def _write_log(exc: BaseException) -> Path:
    try:
        LOG_FILE.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    except OSError:
        pass  # the message box still tells what went wrong
    return LOG_FILE
