"""The public Python API. The CLI, the Excel button, the HTTP service and sync all call these."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Union

from .backends.xlsx_guard import Limits
from .check import CheckResult, check_plan
from .config import Config, load_config
from .grid import Workbook
from .errors import NotAPlan
from .model import Plan
from .parse import parse_plan
from .sources import FileSource, PlanSource, read_file

if TYPE_CHECKING:
    from .edits import Edit

Source = Union[str, os.PathLike, Plan, Workbook, PlanSource]


def read_plan(path: str | os.PathLike, *, config: Config | None = None) -> Plan:
    """Read a plan workbook (.xlsx/.xlsm, or a .csv export). Raises ``UnreadableWorkbook`` for a file that is
    no workbook or breaks the reading limits (``[limits]`` of ``config``); anything inside the workbook that
    cannot be understood is in ``plan.problems``."""
    return parse_plan(read_grid(path, config=config))


def read_grid(path: str | os.PathLike, *, config: Config | None = None) -> Workbook:
    """The cells of a plan file: a workbook (within the reading limits of ``config``), or a CSV export of one
    sheet."""
    return read_file(path, Limits.from_settings((config or Config.default()).raw.get("limits")))


def to_plan(source: Source, *, config: Config | None = None) -> Plan:
    """The plan in ``source``; ``NotAPlan`` when the workbook holds nothing like one."""
    if isinstance(source, Plan):
        return source
    if isinstance(source, Workbook):
        plan = parse_plan(source)
    elif isinstance(source, (str, os.PathLike)):
        plan = read_plan(source, config=config)
    elif isinstance(source, FileSource):
        plan = read_plan(source.path, config=config)
    else:
        plan = parse_plan(source.read())
    if not plan.looks_like_a_plan:
        raise NotAPlan(f"{plan.source}: this workbook does not look like a mutual action plan (no Overview, "
                       "Milestones or Actions tab, and no table of steps with owners and dates); start one with "
                       "`mapsheet new`")
    return plan


def resolve_config(config: Config | str | os.PathLike | None, source: Source) -> Config:
    """A Config as given, loaded from a path, or the one belonging to the plan's source (found beside a
    file; the defaults for a remote or in-memory plan)."""
    if isinstance(source, (str, os.PathLike)):
        source = FileSource(source)
    if not isinstance(source, (Plan, Workbook)):
        return source.config(config)
    if isinstance(config, Config):
        return config
    return load_config(Path(config)) if config is not None else Config.default()


def check(source: Source, *, today: dt.date | None = None,
          config: Config | str | os.PathLike | None = None) -> CheckResult:
    """Check a plan: findings, score, grade and health band. ``source`` is a path, a ``PlanSource`` (file,
    Google Sheet, memory: sources.py), a read ``Plan`` or a ``grid.Workbook`` (what the Excel and Google
    backends read); ``today`` makes the check reproducible."""
    config = resolve_config(config, source)
    return check_plan(to_plan(source, config=config), today=today, config=config)


def annotation_edits(workbook: Workbook, *, today: dt.date | None = None,
                     config: Config | str | os.PathLike | None = None) -> tuple[CheckResult, list[Edit]]:
    """Check a workbook read by any backend and return the result with the edits that annotate it.
    This is what the Excel button and the Google Sheets service call."""
    from .annotate import plan_edits

    result = check(workbook, today=today, config=config)
    return result, plan_edits(result, [s.name for s in workbook.sheets])


def google_check_body(response: dict, *, today: dt.date | None = None,
                      config: Config | str | os.PathLike | None = None) -> tuple[CheckResult, dict]:
    """Check a Google Sheet from its ``spreadsheets.get`` answer (fields ``google.grid.READ_FIELDS``) and
    return the result with the ONE ``batchUpdate`` body that annotates it. ``today`` defaults to today in
    the spreadsheet's time zone. What the CLI and the Google Sheets button both call."""
    from .annotate import plan_edits
    from .google.body import build_body
    from .google.grid import sheet_today, title, workbook_from_response

    workbook = workbook_from_response(response, source=title(response))
    result = check(workbook, today=today or sheet_today(response), config=config)
    return result, build_body(response, plan_edits(result, workbook.sheet_names))


def google_clear_body(response: dict) -> dict:
    """The ``batchUpdate`` body that removes every mark mapsheet wrote (``{"requests": []}`` if none)."""
    from .edits import ClearOwnMarks  # the edits only where a plan is written: checking and syncing need none
    from .google.body import build_body

    return build_body(response, [ClearOwnMarks()])


def annotate(source: PlanSource, result: CheckResult | None = None, *, output: str | os.PathLike | None = None,
             today: dt.date | None = None, config: Config | str | os.PathLike | None = None) -> str:
    """Write ``result`` (or a fresh check) into the plan ``source`` (in place, or into ``output`` for a
    file); returns where it was written. A Google Sheet checked just before is not read again."""
    from .annotate import plan_edits

    result = result or check(source, today=today, config=config)
    target, _ = source.apply(plan_edits(result), output)
    return target


def clean(source: PlanSource, *, output: str | os.PathLike | None = None) -> tuple[str, bool]:
    """Remove every mark mapsheet wrote from ``source``; (where, whether anything was removed)."""
    from .edits import ClearOwnMarks

    return source.apply([ClearOwnMarks()], output)


def annotate_file(path: str | os.PathLike, result: CheckResult | None = None, *, output: str | os.PathLike | None = None,
                  today: dt.date | None = None, config: Config | str | os.PathLike | None = None) -> Path:
    """Write ``result`` (or a fresh check) into the plan file: in place, or into ``output``."""
    return Path(annotate(FileSource(path), result, output=output, today=today, config=config))


def clean_file(path: str | os.PathLike, *, output: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """Remove every mark mapsheet wrote (notes, fills, the Plan check sheet). Returns (file, whether
    anything was removed); a plan with no marks is not rewritten."""
    target, changed = clean(FileSource(path), output=output)
    return Path(target), changed
