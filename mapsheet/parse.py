"""Grid -> plan: find the tabs and header rows, match headers by meaning, type every value.

Nothing here raises on bad content: whatever cannot be understood becomes a ``Problem`` that names the
sheet, the cell and what was expected, and the value is left out of the typed plan (kept in
``Record.raw``). The only input this module refuses is no input at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from itertools import chain, repeat
from typing import Any, Callable, Sequence

from .grid import EXCEL_EPOCH, Location, Sheet, Workbook
from .model import Plan, Problem, ProblemKind, Record, TableData
from .template.spec import (
    CHECK_SHEET,
    KNOWN_TEMPLATE_VERSIONS,
    SPEC,
    STATE_SHEET,
    Field,
    Kind,
    Table,
    TemplateSpec,
    match_choice,
    normalize_header,
)

HEADER_SCAN_ROWS = 20  # how far down a tab the header row may start
EXCEL_ERRORS = {"#REF!", "#VALUE!", "#N/A", "#NAME?", "#DIV/0!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#ERROR!"}
_ID_SPLIT = re.compile(r"[,;\s]+")
_NUMBER_JUNK = re.compile(r"[\s,$€£¥]|USD|EUR|GBP", re.IGNORECASE)
#: The kinds of field, read once: a member read from its Enum class goes through EnumType's ``__getattr__`` hook,
#: about a thousand instructions a time in Python 3.11, and parsing a plan compares kinds hundreds of times.
_TEXT, _DATE, _NUMBER, _CHOICE, _ID, _IDS = Kind.TEXT, Kind.DATE, Kind.NUMBER, Kind.CHOICE, Kind.ID, Kind.IDS
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%d-%b-%Y",
                 "%d-%b-%y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


def parse_plan(workbook: Workbook, spec: TemplateSpec = SPEC) -> Plan:
    # mapsheet's own tabs (the Plan check and its hidden state) are never part of the plan.
    workbook = Workbook(workbook.source, [s for s in workbook.sheets if s.name not in (CHECK_SHEET, STATE_SHEET)])
    plan = Plan(source=workbook.source, sheet_names=workbook.sheet_names)
    # Tabs named for a table are theirs first; only then may a table without a tab adopt an unnamed one
    # (a plan not made from the template keeps its steps on "Sheet1"). Actions adopt first: a loose list
    # of steps with owners and dates is an action list.
    by_name = _by_name(workbook, set())
    sheets = {t.key: _find_sheet(by_name, _sheet_names(t)) for t in spec.tables}
    headers: dict[str, tuple[int | None, int]] = {}  # header rows the test of the layout found
    if not _is_template(sheets, spec, headers):
        from .foreign import read_foreign  # a layout made elsewhere: found and read in its own words

        return read_foreign(workbook, spec)
    claimed = {s.name for s in sheets.values() if s is not None}
    claimed |= set(spec.extra_sheets)  # never adopt the Timeline or the Instructions
    for table in sorted(spec.tables, key=lambda t: t.key != "actions"):
        data = _parse_table(workbook, table, sheets[table.key], claimed, plan.problems, headers.get(table.key))
        plan.tables[table.key] = data
        if data.sheet:
            claimed.add(data.sheet)
    plan.tables = {t.key: plan.tables[t.key] for t in spec.tables}
    _parse_overview(workbook, spec, plan, claimed)
    _check_ids(plan, spec)
    return plan


def _is_template(sheets: dict[str, Sheet | None], spec: TemplateSpec,
                 headers: dict[str, tuple[int | None, int]]) -> bool:
    """A plan made from the template: its Actions or Milestones tab names at least half of the tab's columns.
    Anything else (one sheet of steps under a block of deal fields, a vendor's layout) is a foreign layout."""
    for key in ("actions", "milestones"):
        sheet = sheets.get(key)
        if sheet is not None:
            table = spec.table(key)
            headers[key] = found = find_header_row(sheet, table)
            if found[1] * 2 >= len(table.fields):
                return True
    return False


def article(word: str) -> str:
    """'a' or 'an' before ``word`` as it is said ("an 'Action' column", "a 'Due' column")."""
    return "an" if word[:1].lower() in "aeio" else "a"


def _sheet_names(table: Table) -> tuple[str, ...]:
    return (table.sheet, table.title, table.key, *table.sheet_synonyms)


# -- sheets and header rows -------------------------------------------------------------------------

def _normal(text: str) -> str:
    """``normalize_header`` of a text, remembered: a sync meets the same few hundred headers and labels in every
    plan."""
    normal = _NORMAL.get(text)
    if normal is None:
        if len(_NORMAL) > _TYPED_MAX:
            _NORMAL.clear()
        normal = _NORMAL[text] = normalize_header(text)
    return normal


_NORMAL: dict[str, str] = {}


def _by_name(workbook: Workbook, claimed: set[str]) -> dict[str, Sheet]:
    """The sheets not ``claimed``, by their normalised names (the last of two that read alike)."""
    return {_normal(s.name): s for s in workbook.sheets if s.name not in claimed}


def _find_sheet(by_name: dict[str, Sheet], names: tuple[str, ...]) -> Sheet | None:
    for name in names:
        sheet = by_name.get(_normal(name))
        if sheet is not None:
            return sheet
    return None


def _score_header_row(sheet: Sheet, row: int, index: dict[str, str]) -> int:
    keys = set()
    normal, known = _NORMAL.get, index.get
    for v in sheet.rows[row]:
        if isinstance(v, str) and v:
            key = known(normal(v) or _normal(v))
            if key is not None:
                keys.add(key)
    return len(keys)


def find_header_row(sheet: Sheet, table: Table) -> tuple[int | None, int]:
    """The row (within the first HEADER_SCAN_ROWS) that names most of the table's columns."""
    index = table.header_index
    scores = _scores(index)
    best_row, best = None, 0
    for r in range(min(sheet.height, HEADER_SCAN_ROWS)):
        try:
            key = tuple(sheet.rows[r])
            score = scores.get(key)
        except TypeError:  # a value that cannot be a key (from a reader of another kind): scored each time
            key = score = None
        if score is None:
            score = _score_header_row(sheet, r, index)
            if key is not None:
                if len(scores) >= _TYPED_MAX:
                    scores.clear()
                scores[key] = score
        if score > best:
            best_row, best = r, score
            if best == len(table.fields):  # every column named: no row can do better
                break
    return best_row, best


#: Rows scored as header rows, by the index they were scored against (kept with it, so its id names it): a sync
#: meets the template's title and header rows in every plan.
_SCORES: dict[int, tuple[dict[str, str], dict[tuple, int]]] = {}


def _scores(index: dict[str, str]) -> dict[tuple, int]:
    known = _SCORES.get(id(index))
    if known is None or known[0] is not index:
        known = _SCORES[id(index)] = (index, {})
    return known[1]


def _locate_table(workbook: Workbook, table: Table, sheet: Sheet | None, claimed: set[str],
                  header: tuple[int | None, int] | None = None) -> tuple[Sheet | None, int | None]:
    """The table's sheet and header row: the sheet named for it (its header row as found already, ``header``,
    when it was) or one that reads as it."""
    if sheet is not None:
        row, _ = header or find_header_row(sheet, table)
        return sheet, row
    # A plan that does not follow the template (one sheet of steps under a block of deal fields) is
    # still checkable: take an unclaimed sheet whose header row names most of this table's required columns.
    required = [f for f in table.fields if f.required]
    best: tuple[Sheet | None, int | None, int] = (None, None, 0)
    for candidate in workbook.sheets:
        if candidate.name in claimed:
            continue
        row, score = find_header_row(candidate, table)
        if score > best[2]:
            best = (candidate, row, score)
    if best[0] is not None and best[2] >= max(3, (len(required) + 1) // 2):
        return best[0], best[1]
    return None, None


# -- tables -------------------------------------------------------------------------------------------

def _parse_table(workbook: Workbook, table: Table, named: Sheet | None, claimed: set[str],
                 problems: list[Problem], header: tuple[int | None, int] | None = None) -> TableData:
    sheet, header_row = _locate_table(workbook, table, named, claimed, header)
    if sheet is None:
        data = TableData(key=table.key, sheet=None)
        if table.required:
            problems.append(Problem(ProblemKind.MISSING_SHEET, Location(table.sheet),
                                    f"{article(table.sheet)} '{table.sheet}' tab ({table.description.rstrip('.').lower()})"))
        return data
    data = TableData(key=table.key, sheet=sheet.name, header_row=header_row)
    if header_row is None:
        for f in table.fields:
            if f.required:
                problems.append(Problem(ProblemKind.MISSING_COLUMN, Location(sheet.name, 0),
                                        f"{article(f.header)} '{f.header}' column", field=f.key))
        return data
    _map_columns(sheet, header_row, table, data, problems)
    data.records = _read_records(sheet, header_row, table, data, problems)
    return data


def _map_columns(sheet: Sheet, header_row: int, table: Table, data: TableData, problems: list[Problem]) -> None:
    """Which column is which field (``data.columns``, ``headers``, ``extra_columns``), and the header row's
    problems. A header row met before (its texts, their types, its place and tab, the table) maps as it did then:
    a sync meets the template's header rows in every plan. One with a required column missing is worked out
    each time (what its cells hold names the look-alike)."""
    row = sheet.rows[header_row]
    key: tuple | None = (id(table), sheet.name, header_row, tuple(row), tuple(map(type, row)))
    try:
        known = _MAPPED.get(key)
    except TypeError:  # a value that cannot be a key (from a reader of another kind): mapped each time
        key = known = None
    if known is not None and known[0] is table:
        _, columns, headers, extra, found = known
        data.columns.update(columns)
        data.headers.update(headers)
        data.extra_columns.update(extra)
        problems += found
        return
    start = len(problems)
    missing = _map_header(sheet, header_row, table, data, problems)
    if not missing and key is not None:
        if len(_MAPPED) >= _TYPED_MAX:
            _MAPPED.clear()
        _MAPPED[key] = (table, dict(data.columns), dict(data.headers), dict(data.extra_columns), problems[start:])


#: Header rows mapped (``_map_columns``), each with its table, kept alive so its id names it.
_MAPPED: dict[tuple, tuple] = {}


def _map_header(sheet: Sheet, header_row: int, table: Table, data: TableData, problems: list[Problem]) -> bool:
    """``_map_columns`` worked out; whether a required column is missing."""
    index = table.header_index
    for col, text in sheet.iter_row(header_row):
        normal = _normal(text) if isinstance(text, str) else normalize_header(text)
        key = index.get(normal)
        if key is None or key in data.columns:
            data.extra_columns[col] = str(text).strip()
            problems.append(Problem(ProblemKind.EXTRA_COLUMN, Location(sheet.name, header_row, col),
                                    "a column the template does not have (kept, not checked)", value=text))
            continue
        data.columns[key] = col
        data.headers[key] = str(text).strip()
        f = table.field(key)
        if normal != _normal(f.header):
            problems.append(Problem(ProblemKind.RENAMED_COLUMN, Location(sheet.name, header_row, col),
                                    f"the template's header '{f.header}'", value=text, field=key))
    missing = False
    for f in table.fields:
        if f.required and f.key not in data.columns:
            missing = True
            problems.append(Problem(ProblemKind.MISSING_COLUMN, Location(sheet.name, header_row),
                                    f"{article(f.header)} '{f.header}' column",
                                    value=_look_alike(sheet, header_row, f, data.extra_columns), field=f.key))
    return missing


def _look_alike(sheet: Sheet, header_row: int, f: Field, extra: dict[int, str]) -> str | None:
    """The header of an extra column whose cells hold what the missing field ``f`` would (a 'Team' column of
    Vendor / Customer for a missing Party), so the advice can name the fix."""
    for col, header in extra.items():
        cells = [sheet.value(r, col) for r in range(header_row + 1, min(sheet.height, header_row + 31))]
        cells = [c for c in cells if not _blank(c)]
        if len(cells) < 2:
            continue
        if f.kind is _CHOICE:
            fits = sum(1 for c in cells if match_choice(c, f.choices) is not None)
        elif f.kind is _DATE:
            fits = sum(1 for c in cells if to_date(c) is not None)
        else:
            continue
        if fits * 10 >= len(cells) * 8:
            return header
    return None


def _read_records(sheet: Sheet, header_row: int, table: Table, data: TableData,
                  problems: list[Problem]) -> list[Record]:
    """The table's rows, typed a column at once (``_type_column``); only a cell the fast typing cannot
    vouch for goes through ``convert``, with its Location, in the row-by-row order of its problems."""
    rows = sheet.rows[header_row + 1:]
    numbers = range(header_row + 1, sheet.height)
    if not all(rows):  # rows with no cells at all (above a value far below the plan): blank, left out at once
        numbers = [r for r, row in zip(numbers, rows) if row]
        rows = [row for row in rows if row]
    keys, fields, make = _layout(table, data.columns)
    column = _columns(rows)
    raws = [column(col) for col in data.columns.values()]
    typed, slow = [], []  # the columns typed; those with a cell convert must judge
    for j, (raw, f) in enumerate(zip(raws, fields)):
        cells, judged = _type_column(raw, f)
        typed.append(cells)
        if judged:
            slow.append(j)
    extras = [(header, column(col)) for col, header in data.extra_columns.items()]
    blank = (None,) * len(keys)  # every cell of the row blank (fast typing gives None only for blank)
    name, key_of, columns, new, fast = sheet.name, table.key, data.columns, object.__new__, _FAST_RECORDS
    records = []
    for i, cells in enumerate(zip(*typed)):
        if cells == blank:
            continue
        values = make(*cells)
        if fast:  # Record's __init__ worked out inline: its slots set, its last three each a dict of its own
            record = new(Record)
            record.table, record.sheet, record.row, record.values, record.columns = (key_of, name, numbers[i],
                                                                                     values, columns)
            record.extra, record.raw, record.inferred = {}, {}, {}
        else:
            record = Record(key_of, name, numbers[i], values, columns)
        if slow:
            for j in slow:
                if cells[j] is _SLOW:
                    key, raw = keys[j], raws[j][i]
                    value = convert(raw, fields[j], Location(name, numbers[i], columns[key]), problems)
                    if value in (None, []):
                        record.raw[key] = raw
                    values[key] = value
        if extras:
            for header, column in extras:
                v = column[i]
                if not _blank(v):
                    record.extra[header] = v
        records.append(record)
    return records


def _layout(table: Table, columns: dict[str, int]) -> tuple[list[str], list[Field], Callable[..., dict[str, Any]]]:
    """The field keys of a table's columns (``columns``' order), their fields, and the function that makes a row's
    values from its typed cells (``_values``), worked out once per table and columns: a sync meets the template's
    layout in every plan."""
    key = (id(table), tuple(columns.items()))
    known = _LAYOUTS.get(key)
    if known is None or known[0] is not table:
        if len(_LAYOUTS) >= _LAYOUTS_MAX:
            _LAYOUTS.clear()
        keys = list(columns)
        fields = [table.fields_by_key[k] for k in keys]
        missing = [f for f in table.fields if f.key not in columns]
        known = _LAYOUTS[key] = (table, keys, fields, _values(fields, missing))
    return known[1], known[2], known[3]


#: Layouts worked out (``_layout``), each with its table, kept alive so its id names it.
_LAYOUTS: dict[tuple, tuple] = {}
_LAYOUTS_MAX = 256  # each holds a function: fewer than the texts remembered


def _values(fields: list[Field], missing: list[Field]) -> Callable[..., dict[str, Any]]:
    """A function of a row's typed cells (one argument a field of ``fields``) that gives the record's values: a blank
    IDS cell an empty list, and each field of ``missing`` (no column on the tab) None, or [] for IDS. Written as one
    dict display of constant keys, which Python builds presized at once: about half what ``dict(zip(keys, cells))``
    and the fixes after it cost, a row at a time."""
    names = [f"v{j}" for j in range(len(fields))]
    items = [f"{f.key!r}: [] if {v} is None else {v}" if f.kind is _IDS else f"{f.key!r}: {v}"
             for f, v in zip(fields, names)]
    items += [f"{f.key!r}: {'[]' if f.kind is _IDS else 'None'}" for f in missing]
    namespace: dict[str, Any] = {}
    exec(f"def values({', '.join(names)}):\n    return {{{', '.join(items)}}}", namespace)  # noqa: S102
    return namespace["values"]


#: Record's fields, in order: a record is made here without the dataclass's ``__init__`` (a table of 300 rows
#: makes 300 of them), its last three each a new dict as their defaults make them. Should Record's fields differ,
#: its ``__init__`` is used (tests/test_reader.py checks both make equal records).
_RECORD_FIELDS = ("table", "sheet", "row", "values", "columns", "extra", "raw", "inferred")
_FAST_RECORDS = tuple(f.name for f in dataclasses.fields(Record)) == _RECORD_FIELDS and all(
    f.default_factory is dict for f in dataclasses.fields(Record)[5:])


def _columns(rows: list[list[Any]]) -> Callable[[int], Sequence[Any]]:
    """The table's column ``col`` (None where a row is too short for it), taken from the rows transposed at once
    when they are all as wide (as calamine reads a sheet) and not too wide."""
    width = len(rows[0]) if rows else 0
    if width <= _TRANSPOSED_MAX and set(map(len, rows)) <= {width}:
        transposed = list(zip(*rows))
        missing = (None,) * len(rows)
        return lambda col: transposed[col] if col < width else missing
    return lambda col: [row[col] if col < len(row) else None for row in rows]


_TRANSPOSED_MAX = 64


_SLOW = object()  # a cell convert must judge
_MISS = object()  # a text not typed before
#: Closed-list and id-list texts already typed, by field (blank: None): a plan repeats a handful of statuses and
#: ids in every row, and a sync reads thousands of plans with the same lists.
_TYPED: dict[tuple[Kind, tuple[str, ...]], dict[Any, Any]] = {}
_TYPED_MAX = 20_000


def _type_column(raw: Sequence[Any], f: Field) -> tuple[list[Any], bool]:
    """A whole column typed for field ``f``: None for a blank cell (IDS too), the typed value of a cell whose type
    is plain, and _SLOW for anything ``convert`` must judge (and perhaps report): a formula error, a value not in
    the list, a date in words, a text in a number column... A non-blank cell is never None here. With it, whether
    any cell is _SLOW."""
    # The commonest cell of each kind is typed inline (a call per cell costs more than the typing), a column of plain
    # texts or of texts met before at C speed.
    kind, text = f.kind, str
    if kind is _TEXT:
        try:
            plain = "#" not in "".join(raw)  # texts alone, none a formula error (TypeError: not all texts)
        except TypeError:
            plain = False
        if plain:
            return [v or None for v in map(text.strip, raw)], False
        typed = [(v.strip() or None) if type(v) is text and v[:1] != "#" else None if v is None else _text(v)
                 for v in raw]
    elif kind is _DATE:
        day, moment = dt.date, dt.datetime
        typed = [v if type(v) is day else v.date() if type(v) is moment else None if v is None or v == "" else _date(v)
                 for v in raw]
    elif kind is _NUMBER:
        typed = [None if v is None or v == "" else _number(v) for v in raw]
    else:
        cache = _TYPED.get((kind, f.choices))
        if cache is None or len(cache) > _TYPED_MAX:
            cache = _TYPED[(kind, f.choices)] = {None: None, "": None}
        if kind is _IDS:  # a text met before: a copy of its ids (none: _ids says it is _SLOW)
            known = cache.get
            typed = [list(hit) if type(v) is text and (hit := known(v)) else None if v is None or v == "" else _ids(v, cache)
                     for v in raw]
        else:  # a closed list or an id: each text met before typed by a look-up in C, the others judged after
            try:
                typed = list(map(cache.get, raw, repeat(_MISS)))
                new = _MISS in typed
            except TypeError:  # a value that cannot be a key (from a reader of another kind): each cell judged
                typed, new = [_MISS] * len(raw), True
            if not new:
                return typed, False
            typed = [_cached(v, f, cache) if t is _MISS else t for t, v in zip(typed, raw)]
    return typed, _SLOW in typed


def _text(v: Any) -> Any:
    if isinstance(v, str):
        if v[:1] == "#":
            return _SLOW
        return v.strip() or None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _date(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return None if isinstance(v, str) and not v.strip() else _SLOW


def _number(v: Any) -> Any:
    if isinstance(v, bool):
        return _SLOW
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else v
    return None if isinstance(v, str) and not v.strip() else _SLOW


def _cached(v: Any, f: Field, cache: dict[Any, Any]) -> Any:
    """A CHOICE or an ID cell not met before: its typed text, remembered for the next cell that reads the same."""
    if not isinstance(v, str):
        return None if v is None else _SLOW
    text = v.strip()
    if not text:
        return None
    if text[0] == "#":  # a formula error, or a text convert must look at
        return _SLOW
    typed = text if f.kind is _ID else match_choice(v, f.choices)
    if typed is None:
        return _SLOW
    cache[v] = typed
    return typed


def _ids(v: Any, cache: dict[Any, Any]) -> Any:
    """An IDS cell not met before: its ids, remembered (blank: None)."""
    if not isinstance(v, str):
        return _SLOW
    text = v.strip()
    if not text:
        return None
    if text[0] == "#":
        return _SLOW
    ids = cache[v] = tuple(i for i in (to_id(p) for p in _ID_SPLIT.split(text)) if i)
    return list(ids) if ids else _SLOW


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# -- values -------------------------------------------------------------------------------------------

def convert(raw: Any, f: Field, loc: Location, problems: list[Problem]) -> Any:
    """Type one cell value for field ``f``; a value that does not fit adds a Problem and gives None."""
    if _blank(raw):
        return [] if f.kind is _IDS else None
    if isinstance(raw, str) and raw.strip().upper() in EXCEL_ERRORS:
        problems.append(Problem(ProblemKind.ERROR_VALUE, loc, "a value, not a formula error", raw, f.key))
        return None
    if f.kind is _DATE:
        d = to_date(raw)
        if d is None:
            problems.append(Problem(ProblemKind.BAD_DATE, loc, f"a date in '{f.header}' (e.g. 2026-03-31)", raw, f.key))
        return d
    if f.kind is _NUMBER:
        n = to_number(raw)
        if n is None:
            problems.append(Problem(ProblemKind.BAD_NUMBER, loc, f"a number in '{f.header}'", raw, f.key))
        return n
    if f.kind is _CHOICE:
        c = match_choice(raw, f.choices)
        if c is None:
            problems.append(Problem(ProblemKind.NOT_IN_LIST, loc,
                                    f"one of {', '.join(f.choices)} in '{f.header}'", raw, f.key))
        return c
    if f.kind is _ID:
        return to_id(raw)
    if f.kind is _IDS:
        return [i for i in (to_id(p) for p in _ID_SPLIT.split(str(to_id(raw)))) if i]
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


def to_date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        # A serial day number: how Excel stores dates and how Google's API returns them.
        if 1 <= raw < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(raw))
        return None
    if isinstance(raw, str):
        text = raw.strip()
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


def to_number(raw: Any) -> float | int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return int(raw) if isinstance(raw, float) and raw.is_integer() else raw
    if isinstance(raw, str):
        text = _NUMBER_JUNK.sub("", raw)
        scale = 1
        if text[-1:].lower() in ("k", "m"):
            scale = 1_000 if text[-1].lower() == "k" else 1_000_000
            text = text[:-1]
        try:
            n = float(text) * scale
        except ValueError:
            return None
        return int(n) if n.is_integer() else n
    return None


def to_id(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


# -- overview -----------------------------------------------------------------------------------------

def _parse_overview(workbook: Workbook, spec: TemplateSpec, plan: Plan, claimed: set[str]) -> None:
    ov = spec.overview
    sheet = _find_sheet(_by_name(workbook, claimed), (ov.sheet, *ov.sheet_synonyms))
    # Plans that do not follow the template keep their deal fields above the table of steps.
    candidates = [sheet] if sheet is not None else [s for s in workbook.sheets]
    table_tops = {d.sheet: d.header_row for d in plan.tables.values() if d.sheet and d.header_row is not None}
    index = ov.header_index
    labels = _labels(index)
    found: dict[str, tuple[Sheet, int, int]] = {}
    for s in candidates:
        # On a sheet that also holds a table, deal fields sit above its header row.
        limit = s.height if s is sheet else min(s.height, table_tops.get(s.name, HEADER_SCAN_ROWS))
        for r, row in enumerate(s.rows[:limit]):
            for c, v in enumerate(row):
                if not isinstance(v, str) or not v:
                    continue
                key = labels.get(v)
                if key is None:
                    key = labels[v] = index.get(_normal(v.rstrip(":")), "")
                if key and key not in found:
                    found[key] = (s, r, c)
    plan.overview_sheet = sheet.name if sheet is not None else None
    if sheet is None and not found:
        plan.problems.append(Problem(ProblemKind.MISSING_SHEET, Location(ov.sheet),
                                     "an 'Overview' tab with the deal's fields (deal name, customer, close date...)"))
    overview, cells, problems = plan.overview, plan.overview_cells, plan.problems
    for f in ov.fields:
        at = found.get(f.key)
        if at is None:
            overview[f.key] = None
            if f.required and sheet is not None:
                problems.append(Problem(ProblemKind.MISSING_FIELD, Location(sheet.name),
                                        f"{article(f.header)} '{f.header}' label with its value beside it",
                                        field=f.key))
            continue
        s, r, c = at
        row = s.rows[r]
        vc = _value_column(row, c)
        loc = cells[f.key] = _cell(s.name, r, vc)
        overview[f.key] = convert(row[vc] if vc < len(row) else None, f, loc, problems)
    version = overview.get("template_version")
    if version is not None and str(version) not in KNOWN_TEMPLATE_VERSIONS:
        problems.append(Problem(ProblemKind.UNKNOWN_VERSION, plan.field_loc("template_version"),
                                f"template version {' or '.join(KNOWN_TEMPLATE_VERSIONS)}", version,
                                "template_version"))


def _labels(index: dict[str, str]) -> dict[str, str]:
    """The texts met before in Overview cells, each with the field it labels ("" for none; a trailing ':' ignored),
    for the index they were read against (kept with it, so its id names it): a sync meets the template's labels in
    every plan."""
    known = _LABELS.get(id(index))
    if known is None or known[0] is not index or len(known[1]) > _TYPED_MAX:
        known = _LABELS[id(index)] = (index, {})
    return known[1]


_LABELS: dict[int, tuple[dict[str, str], dict[str, str]]] = {}


def _cell(sheet: str, row: int, col: int) -> Location:
    """``Location(sheet, row, col)``, the one made before for that cell (a Location never changes): the
    Overview's value cells are the same in every plan of a sync."""
    key = (sheet, row, col)
    loc = _CELLS.get(key)
    if loc is None:
        if len(_CELLS) >= _TYPED_MAX:
            _CELLS.clear()
        loc = _CELLS[key] = Location(sheet, row, col)
    return loc


_CELLS: dict[tuple[str, int, int], Location] = {}


def _value_column(row: list[Any], label_col: int) -> int:
    """The value of a label is the first filled cell to its right (or the cell just right of it)."""
    for c in range(label_col + 1, min(label_col + 4, len(row))):
        if not _blank(row[c]):
            return c
    return label_col + 1


# -- ids and references -------------------------------------------------------------------------------

def _check_ids(plan: Plan, spec: TemplateSpec) -> None:
    ids: dict[str, set[str]] = {}
    keyed, refs = _id_fields(spec)
    for table_key, key in keyed:
        records = plan.tables[table_key].records
        present = [v for rec in records if (v := rec.values.get(key)) is not None and v != ""]
        seen: set[str] = set(present)
        if len(seen) < len(present):  # an id used twice: each repeat reported where it is, row by row
            seen = set()
            for rec in records:
                value = rec.values.get(key)
                if value is None or value == "":
                    continue
                if value in seen:
                    plan.problems.append(Problem(ProblemKind.DUPLICATE_ID, rec.loc(key),
                                                 f"an id not used by another row of '{rec.sheet}'", value, key))
                seen.add(value)
        ids[table_key] = seen
    for table_key, f in refs:
        known = ids.get(f.refers_to, set())
        records = plan.tables[table_key].records
        if known.issuperset(chain.from_iterable([rec.values.get(f.key) or () for rec in records])):
            continue  # every reference known
        target = spec.table(f.refers_to).sheet
        for rec in records:
            for ref in rec.values.get(f.key) or []:
                if ref not in known:
                    plan.problems.append(Problem(ProblemKind.DANGLING_REFERENCE, rec.loc(f.key),
                                                 f"an id that exists on the '{target}' tab", ref, f.key))


def _id_fields(spec: TemplateSpec) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, Field], ...]]:
    """(each table's key and its id field's key, for the tables with one; each table's key and its fields that
    name ids of another table), in the spec's order, worked out once per spec."""
    known = _ID_FIELDS.get(id(spec))
    if known is None or known[0] is not spec:  # kept with its spec, so the id names it
        keyed = tuple((t.key, t.id_field.key) for t in spec.tables if t.id_field is not None)
        refs = tuple((t.key, f) for t in spec.tables for f in t.fields if f.kind is _IDS and f.refers_to)
        known = _ID_FIELDS[id(spec)] = (spec, keyed, refs)
    return known[1], known[2]


_ID_FIELDS: dict[int, tuple[TemplateSpec, tuple, tuple]] = {}
