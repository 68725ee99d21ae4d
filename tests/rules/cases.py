"""Loading rule cases: ``cases/<CODE>.yml`` holds one rule's pass/fail cases (sqlfluff's pattern).

Format::

    rule: MAP201
    cases:
      - name: every action has a named owner   # the base plan as it is
        doc: good                                 # this case is the rule's documented good example
      - name: owner left empty
        doc: bad                                  # ... and this its documented bad example
        actions: {2: {owner: null}}               # patch row 2 (0-based) of the base plan's Actions
        fail: [Actions!E6]                        # exactly the cells the rule must report
      - name: a fresh plan
        today: 2027-01-10                         # judge on another date
        settings: {min_milestones: 5}             # threshold overrides
        overview: {goals: null}                   # patch Overview fields
        milestones: []                            # a list replaces a table's rows
        append: {actions: [{id: A13, ...}]}        # rows added at the end of a table
        cells: {"Actions!J3": "Internal notes"}     # raw cells set after layout (headers, #REF!...)
        drop_sheets: [Risks]                      # tabs removed
        fail:
          - {at: "Actions!F10", severity: error, band: Off track}   # severity/band of that hit checked too

A case with no ``fail`` must produce no finding of the rule.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mapsheet.backends.memory import draft_workbook
from mapsheet.fill import PlanDraft
from mapsheet.grid import Workbook, parse_a1

from .base_plan import TODAY, base_plan

CASES_DIR = Path(__file__).parent / "cases"
TABLES = ("milestones", "actions", "stakeholders", "risks", "checkins", "outcomes")


@dataclass
class Case:
    rule: str
    name: str
    draft: PlanDraft
    today: dt.date
    settings: dict[str, Any]
    expected: list[dict[str, Any]]  # [{"at": "Sheet!A1", "severity"?: ..., "band"?: ...}]
    doc: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, Any] = field(default_factory=dict)
    drop_sheets: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.rule}: {self.name}"


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        code = spec["rule"]
        assert path.stem == code, f"{path.name} must be named {code}.yml"
        for raw in spec["cases"]:
            cases.append(_case(code, raw))
    return cases


def _case(code: str, raw: dict[str, Any]) -> Case:
    known = {"name", "doc", "today", "settings", "overview", "append", "fail", "config", "cells", "drop_sheets",
             *TABLES}
    unknown = set(raw) - known
    assert not unknown, f"{code} case {raw.get('name')!r}: unknown keys {unknown}"
    draft = base_plan()
    if "overview" in raw:
        draft.overview.update(raw["overview"])
        draft.overview = {k: v for k, v in draft.overview.items()}
    for table in TABLES:
        if table not in raw:
            continue
        change = raw[table]
        if isinstance(change, list):
            draft.tables[table] = copy.deepcopy(change)
        else:
            for index, fields in change.items():
                draft.tables[table][int(index)].update(fields)
    for table, rows in (raw.get("append") or {}).items():
        draft.tables.setdefault(table, []).extend(copy.deepcopy(rows))
    expected = [{"at": f} if isinstance(f, str) else dict(f) for f in raw.get("fail") or []]
    today = raw.get("today", TODAY)
    return Case(code, raw["name"], draft, today, raw.get("settings") or {}, expected, raw.get("doc"),
                raw.get("config") or {}, raw.get("cells") or {}, raw.get("drop_sheets") or [])


def case_workbook(case: Case) -> Workbook:
    """The case's plan as a grid: the draft laid out like the template, then its raw cell edits."""
    wb = draft_workbook(case.draft)
    wb.sheets = [s for s in wb.sheets if s.name not in case.drop_sheets]
    for ref, value in case.cells.items():
        sheet_name, cell = ref.split("!")
        row, col = parse_a1(cell)
        sheet = wb.sheet(sheet_name)
        while len(sheet.rows) <= row:
            sheet.rows.append([])
        sheet.rows[row] += [""] * (col + 1 - len(sheet.rows[row]))
        sheet.rows[row][col] = "" if value is None else value
    return wb
