"""The typed plan: what the reader makes of a workbook, and what the checks judge.

Records are generic on purpose: their fields are the keys of the template description
(``template.spec``), so a column added there is a field here with no code to change. Every value keeps
the cell it came from, so any judgement about it can point at that cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .frozen import frozen
from .grid import Location
from .levels import ProblemKind  # defined with the names the roll-up shares (imported from here too)
from .template.spec import CLOSED_STATUSES, SETTLED_RISK_STATUSES, SPEC


@frozen
class Problem:
    """A value the reader could not take as it is, with where it is and what was expected."""

    kind: ProblemKind
    location: Location
    expected: str
    value: Any = None
    field: str = ""  # the template field key concerned, when there is one

    def describe(self) -> str:
        got = f" (found {self.value!r})" if self.value not in (None, "") else ""
        return f"{self.location}: {self.expected}{got}"


@dataclass(slots=True)
class Record:
    """One row of a table tab (a milestone, an action, a stakeholder...). Slotted: a plan makes hundreds and the
    rules read them thousands of times."""

    table: str  # the template table key
    sheet: str  # the sheet name as found in the workbook
    row: int  # 0-based row of the workbook sheet
    values: dict[str, Any] = field(default_factory=dict)  # field key -> typed value (None when empty)
    columns: dict[str, int] = field(default_factory=dict)  # field key -> 0-based column
    extra: dict[str, Any] = field(default_factory=dict)  # header text -> value, for non-template columns
    raw: dict[str, Any] = field(default_factory=dict)  # field key -> value as written, where typing failed
    inferred: dict[str, str] = field(default_factory=dict)  # field key -> how a value not written as such was read

    def get(self, key: str, default: Any = None) -> Any:
        v = self.values.get(key)
        return default if v is None else v

    def loc(self, key: str | None = None) -> Location:
        """The cell of field ``key`` in this row (or the row's first cell)."""
        if key is not None and key in self.columns:
            return Location(self.sheet, self.row, self.columns[key])
        first = min(self.columns.values(), default=0)
        return Location(self.sheet, self.row, first)

    @property
    def is_closed(self) -> bool:
        """Finished: Done or Cancelled (a risk: Mitigated or Closed)."""
        return self.values.get("status") in (SETTLED_RISK_STATUSES if self.table == "risks" else CLOSED_STATUSES)


def _field(key: str) -> property:
    """``record.<key>``: the value of template field ``key`` in the row (an AttributeError when the row has
    no such field)."""

    def value(self: Record) -> Any:
        try:
            return self.values[key]
        except KeyError:
            raise AttributeError(key) from None

    return property(value, doc=f"The row's '{key}' value.")


# The template's fields as attributes of a record, one property each: a ``__getattr__`` would serve them too,
# but a class that has one is never specialised by Python's attribute look-up, and the rules read
# ``record.values`` thousands of times a plan.
for _key in sorted({f.key for t in SPEC.tables for f in t.fields} - set(dir(Record))):
    setattr(Record, _key, _field(_key))
del _key


@dataclass
class TableData:
    """A table tab as found: its records and how its header row mapped onto the template."""

    key: str
    sheet: str | None  # None when the tab is missing
    header_row: int | None = None
    columns: dict[str, int] = field(default_factory=dict)  # field key -> column
    headers: dict[str, str] = field(default_factory=dict)  # field key -> header text as written
    extra_columns: dict[int, str] = field(default_factory=dict)  # column -> header text
    records: list[Record] = field(default_factory=list)

    def __iter__(self):
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def header_loc(self, key: str) -> Location | None:
        if self.sheet is None:
            return None
        if self.header_row is None:  # the tab is there but holds no header row: point at the tab
            return Location(self.sheet)
        if key in self.columns:
            return Location(self.sheet, self.header_row, self.columns[key])
        return Location(self.sheet, self.header_row, None)


@dataclass
class Reading:
    """How a workbook that does not follow the template was read: what each column became, how the
    parties were inferred, and what stayed unresolved (``mapsheet import`` prints it; checks use it to
    say which of them could run)."""

    layout: str  # a short description: "one table of steps on 'Sheet1', header row 7"
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # (cell of the header, header text, became)
    party_how: dict[str, int] = field(default_factory=dict)  # how a party was inferred -> rows
    unresolved: list[str] = field(default_factory=list)  # values read but not understood, with their cell
    phases: list[str] = field(default_factory=list)  # section rows that name the milestone of the rows under them
    vendor: str | None = None  # the selling company, when the sheet names it
    absent: tuple[str, ...] = ()  # template tables the layout has no equivalent of
    people: list[dict[str, str]] = field(default_factory=list)  # listed people: name, side, role, email, company
    joint: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # row of a step both sides own -> (owner, side)


@dataclass
class Plan:
    """A mutual action plan read from one workbook."""

    source: str
    overview: dict[str, Any] = field(default_factory=dict)  # field key -> typed value
    overview_cells: dict[str, Location] = field(default_factory=dict)  # field key -> value cell
    overview_sheet: str | None = None
    tables: dict[str, TableData] = field(default_factory=dict)
    sheet_names: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reading: Reading | None = None  # set when the workbook is not the template (a foreign layout)

    # -- convenient views ---------------------------------------------------------------------
    def table(self, key: str) -> TableData:
        return self.tables[key]

    @property
    def milestones(self) -> list[Record]:
        return self.tables["milestones"].records

    @property
    def actions(self) -> list[Record]:
        return self.tables["actions"].records

    @property
    def stakeholders(self) -> list[Record]:
        return self.tables["stakeholders"].records

    @property
    def risks(self) -> list[Record]:
        return self.tables["risks"].records

    @property
    def checkins(self) -> list[Record]:
        return self.tables["checkins"].records

    @property
    def outcomes(self) -> list[Record]:
        return self.tables["outcomes"].records

    def field(self, key: str, default: Any = None) -> Any:
        v = self.overview.get(key)
        return default if v is None else v

    def field_loc(self, key: str) -> Location:
        if key in self.overview_cells:
            return self.overview_cells[key]
        return Location(self.overview_sheet or "Overview")

    @property
    def looks_like_a_plan(self) -> bool:
        """Whether anything of a plan was found: a table of the template or a few Overview fields."""
        tables = sum(1 for t in self.tables.values() if t.sheet is not None)
        fields = sum(1 for v in self.overview_cells)
        return tables >= 1 or fields >= 3

    @property
    def deal(self) -> str:
        return str(self.field("deal") or "")

    @property
    def close_date(self) -> dt.date | None:
        return self.overview.get("close_date")
