"""The public Python API. The CLI, the Excel button, the HTTP service and sync all call these."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Union

from .backends.xlsx_guard import Limits
from .backends.xlsx_read import read_workbook
from .check import CheckResult, check_plan
from .config import Config, load_config
from .grid import Workbook
from .edits import ClearOwnMarks, Edit
from .errors import NotAPlan
from .model import Plan
from .parse import parse_plan

Source = Union[str, os.PathLike, Plan, Workbook]


def read_plan(path: str | os.PathLike, *, config: Config | None = None) -> Plan:
    """Read a plan workbook (.xlsx/.xlsm). Raises ``UnreadableWorkbook`` for a file that is no workbook
    or breaks the reading limits (``[limits]`` of ``config``); anything inside the workbook that cannot be
    understood is in ``plan.problems``."""
    limits = Limits.from_settings((config or Config.default()).raw.get("limits"))
    return parse_plan(read_workbook(Path(path), limits=limits))


def to_plan(source: Source, *, config: Config | None = None) -> Plan:
    """The plan in ``source``; ``NotAPlan`` when the workbook holds nothing like one."""
    if isinstance(source, Plan):
        return source
    plan = parse_plan(source) if isinstance(source, Workbook) else read_plan(source, config=config)
    if not plan.looks_like_a_plan:
        raise NotAPlan(f"{plan.source}: this workbook does not look like a mutual action plan (no Overview, "
                       "Milestones or Actions tab, and no table of steps with owners and dates); start one with "
                       "`mapsheet new`")
    return plan


def resolve_config(config: Config | str | os.PathLike | None, source: Source) -> Config:
    """A Config as given, loaded from a path, or found near the plan's file (else the defaults)."""
    if isinstance(config, Config):
        return config
    if config is not None:
        return load_config(Path(config))
    if isinstance(source, (str, os.PathLike)):
        return load_config(near=Path(source).resolve())
    return Config.default()


def check(source: Source, *, today: dt.date | None = None,
          config: Config | str | os.PathLike | None = None) -> CheckResult:
    """Check a plan: findings, score, grade and health band. ``source`` is a path, a read ``Plan`` or a
    ``grid.Workbook`` (what the Excel and Google backends read); ``today`` makes the check reproducible."""
    config = resolve_config(config, source)
    return check_plan(to_plan(source, config=config), today=today, config=config)


def annotation_edits(workbook: Workbook, *, today: dt.date | None = None,
                     config: Config | str | os.PathLike | None = None) -> tuple[CheckResult, list[Edit]]:
    """Check a workbook read by any backend and return the result with the edits that annotate it.
    This is what the Excel button and the Google Sheets service call."""
    from .annotate import plan_edits

    result = check(workbook, today=today, config=config)
    return result, plan_edits(result, [s.name for s in workbook.sheets])


def annotate_file(path: str | os.PathLike, result: CheckResult | None = None, *, output: str | os.PathLike | None = None,
                  today: dt.date | None = None, config: Config | str | os.PathLike | None = None) -> Path:
    """Write ``result`` (or a fresh check) into the plan file: in place, or into ``output``."""
    from .annotate import plan_edits
    from .backends.xlsx_write import edit_file

    path = Path(path)
    result = result or check(path, today=today, config=config)
    target, _ = edit_file(path, plan_edits(result), Path(output) if output else None)
    return target


def clean_file(path: str | os.PathLike, *, output: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """Remove every mark mapsheet wrote (notes, fills, the Plan check sheet). Returns (file, whether
    anything was removed); a plan with no marks is not rewritten."""
    from .backends.xlsx_write import edit_file
    from .backends.xlsx_read import sniff

    path = Path(path)
    sniff(path)
    return edit_file(path, [ClearOwnMarks()], Path(output) if output else None)
