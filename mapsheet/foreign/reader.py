"""Grid -> plan for a workbook that does not follow the template: find its steps, its deal fields and its
people, and read each step with the vocabulary real MAP sheets use.

The plan it makes is the same typed model as the template's (the steps are the Actions table), with a
``Reading`` that says how it was read: what each column became, how each party was inferred, and what
stayed unresolved.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ..grid import Location, Workbook
from ..model import Plan, Problem, ProblemKind, Reading, Record, TableData
from ..parse import convert
from ..template.spec import SPEC, Kind, TemplateSpec
from . import values
from .columns import Mapping, assign
from .deal_fields import DealFields, read_deal_fields
from .parties import (Owner, Sides, learn_other_company, read_owner, read_person, side_of, side_word,
                      split_names)
from .people import learn_people
from .tables import Found, find_tables, merge_same
from .vocabulary import CUSTOMER, JOINT, VENDOR, norm

PHASE_KEY = "Milestone (phase)"
HELP_SHEET = re.compile(r"^\s*(?:instructions?|read ?me|how to(?: use)?|guide|help|about|examples?|legend|lists|"
                        r"drop ?downs?|lookups?|settings|values)\b", re.IGNORECASE)  # the extra value that carries a step's phase
DATE_FIELDS = ("close_date", "go_live", "plan_start", "last_reviewed")


def find_steps(workbook: Workbook) -> Found | None:
    """The table that holds the plan's steps: the best of every table on every sheet."""
    best: Found | None = None
    for sheet in workbook.sheets:
        for found in merge_same(find_tables(sheet)):
            if not found.rows:
                continue
            if best is None or found.score() > best.score():
                best = found
    return best


def _is_help(name: str) -> bool:
    """A tab of instructions or examples: its "Owner: the person who..." lines are not the deal's fields."""
    return bool(HELP_SHEET.search(name))


def read_foreign(workbook: Workbook, spec: TemplateSpec = SPEC) -> Plan:
    plan = Plan(source=workbook.source, sheet_names=workbook.sheet_names)
    workbook = Workbook(workbook.source, [s for s in workbook.sheets if not _is_help(s.name)])
    for t in spec.tables:
        plan.tables[t.key] = TableData(key=t.key, sheet=None)
    found = find_steps(workbook)
    skip: dict[str, set[int]] = {}
    if found is not None:
        skip[found.sheet.name] = {found.header_row, *found.rows, *found.skipped}
    deal = read_deal_fields(workbook, skip)
    ctx = _deal_overview(plan, deal, spec, found)
    sides = Sides(customer=_text(plan.field("customer")), vendor=deal.vendor)
    sides.learn_company(sides.customer, CUSTOMER)
    sides.learn_company(sides.vendor, VENDOR)
    learn_people(workbook, sides)
    absent = tuple(t.key for t in spec.tables if t.key != "actions")
    reading = Reading(layout="no table of steps was found", vendor=sides.vendor, absent=absent)
    for person in sides.listed:
        known = sides.people.get(norm(person.get("name", "")))
        reading.people.append(person | {"side": known[0]} if known else person)
    plan.reading = reading
    if found is None:
        return plan
    mapping = assign(found, _date_context(ctx, found, mapping=None))
    ctx = _date_context(ctx, found, mapping)
    owner_cols = [c for c, _ in mapping.owner_cols] + ([mapping.owner_pair[0]] if mapping.owner_pair else [])
    learn_other_company([found.sheet.value(r, c) for r in found.rows for c in owner_cols], sides)
    reading.layout = (f"a table of steps on '{found.sheet.name}' with its header in row {found.header_row + 1}"
                      + (f", in {len(set(found.phase_of.values()))} phases" if found.phase_of else ""))
    for col, story in sorted(mapping.became.items()):
        reading.columns.append((Location(found.sheet.name, found.header_row, col).a1, found.headers[col], story))
    table = spec.table("actions")
    data = plan.tables["actions"]
    data.sheet, data.header_row = found.sheet.name, found.header_row
    data.columns = {k: c for k, c in mapping.fields.items() if k in table.fields_by_key}
    owner_col = mapping.owner_pair[0] if mapping.owner_pair else (mapping.owner_cols[0][0] if mapping.owner_cols
                                                                  else None)
    if owner_col is not None:
        data.columns["owner"] = owner_col
        data.columns.setdefault("party", mapping.fields.get("party", owner_col))
    data.headers = {k: found.headers[c] for k, c in data.columns.items()}
    data.extra_columns = dict(mapping.extra)
    for r in found.rows:  # a person named with a side on one step is on that side on every step
        owners = _owners(found, r, mapping, sides)
        party, _ = _party(found.sheet.value(r, mapping.fields["party"]) if "party" in mapping.fields else None,
                          owners, sides)
        for o in owners:
            side = o.side or (party if len(owners) == 1 else None)
            if o.name and side in (VENDOR, CUSTOMER):
                sides.learn_person(o.name, side, "the same person's other steps")
    for r in found.rows:
        record = _record(found, r, mapping, data, sides, ctx, plan, reading)
        if record is not None:
            data.records.append(record)
    reading.phases = list(dict.fromkeys(found.phase_of[r] for r in found.rows if r in found.phase_of))
    if plan.overview_sheet is None:
        plan.overview_sheet = found.sheet.name
    return plan


def _text(v: Any) -> str | None:
    return str(v).strip() if v not in (None, "") else None


def _deal_overview(plan: Plan, deal: DealFields, spec: TemplateSpec, found: Found | None) -> values.DateContext:
    """The Overview fields the sheet has, typed; returns the dates relative dates are read against."""
    dates = {k: values.date(deal.values[k][0], values.DateContext()).value for k in DATE_FIELDS if k in deal.values}
    near = dates.get("plan_start") or dates.get("last_reviewed") or dates.get("close_date") or dates.get("go_live")
    dctx = values.DateContext(plan_start=dates.get("plan_start"), near=near)
    for f in spec.overview.fields:
        if f.key not in deal.values:
            plan.overview[f.key] = None
            continue
        raw, loc = deal.values[f.key]
        plan.overview_cells[f.key] = loc
        if f.kind is Kind.DATE:
            reading = values.date(raw, dctx)
            plan.overview[f.key] = reading.value
            if reading.value is None and not values.is_placeholder(raw):
                plan.problems.append(Problem(ProblemKind.BAD_DATE, loc, f"a date in '{f.header}' (e.g. 2026-03-31)",
                                             raw, f.key))
        elif values.is_placeholder(raw):
            plan.overview[f.key] = None
        else:
            plan.overview[f.key] = convert(raw, f, loc, plan.problems)
    if deal.values:
        plan.overview_sheet = next(iter(deal.values.values()))[1].sheet
    return dctx


def _date_context(ctx: values.DateContext, found: Found, mapping: Mapping | None) -> values.DateContext:
    """Yearless dates take their year from the plan's dates; failing those, from the steps' own full dates."""
    if ctx.near is not None or mapping is None or "due" not in mapping.fields:
        return ctx
    for r in found.rows:
        d = values.date(found.sheet.value(r, mapping.fields["due"]), values.DateContext())
        if d.value is not None and not d.relative:
            return values.DateContext(ctx.plan_start, d.value)
    return ctx


def _owners(found: Found, r: int, mapping: Mapping, sides: Sides) -> list[Owner]:
    owners: list[Owner] = []
    if mapping.owner_pair is not None:
        col, first, second = mapping.owner_pair
        raw = found.sheet.value(r, col)
        if isinstance(raw, str):
            for text, side in zip(raw.split("/", 1), (first, second)):
                if text.strip() and not values.is_placeholder(text):
                    o = read_person(text.strip(), sides)
                    owners.append(Owner(o.name or text.strip(), side, f"'{found.headers[col]}' names each side"))
    for col, side in mapping.owner_cols:
        for o in read_owner(found.sheet.value(r, col), sides):
            if side is not None:
                o = Owner(o.name, side, f"the owner column '{found.headers[col]}'")
            owners.append(o)
    return owners


def _record(found: Found, r: int, mapping: Mapping, data: TableData, sides: Sides, ctx: values.DateContext,
            plan: Plan, reading: Reading) -> Record | None:
    sheet = found.sheet
    if all(values.is_placeholder(sheet.value(r, c)) for c in found.headers):
        return None  # an empty row of the layout, or one of "[Task] | [Name] | [Date]" stand-ins
    rec = Record(table="actions", sheet=sheet.name, row=r, columns=data.columns)
    v = rec.values
    for f in SPEC.table("actions").fields:
        v[f.key] = [] if f.kind is Kind.IDS else None

    def cell(key: str) -> Any:
        col = mapping.fields.get(key)
        return None if col is None else sheet.value(r, col)

    text, ident, notes = cell("action"), cell("id"), cell("notes")
    v["action"] = str(text).strip() if text not in (None, "") else None
    if ident not in (None, ""):
        v["id"] = str(int(ident) if isinstance(ident, float) and ident.is_integer() else ident).strip()
    if notes not in (None, ""):
        v["notes"] = str(notes).strip()
    owners = _owners(found, r, mapping, sides)
    named = [o.name for o in owners if o.name]
    if named:
        v["owner"] = " / ".join(dict.fromkeys(named))
    _read_side(rec, owners, cell("party"), sides, reading, data)
    for key in ("due", "completed"):
        _read_date(rec, key, cell(key), mapping, ctx, plan, reading)
    _read_status(rec, cell("status"), found, mapping, plan)
    phase = found.phase_of.get(r) or (cell("phase") if "phase" in mapping.fields else None)
    if phase:
        rec.extra[PHASE_KEY] = str(phase).strip()
    for col, header in mapping.extra.items():
        value = sheet.value(r, col)
        if value not in (None, ""):
            rec.extra[header] = value
    return rec


def _read_side(rec: Record, owners: list[Owner], raw: Any, sides: Sides, reading: Reading, data: TableData) -> None:
    """The step's party, how it was inferred, and for a step both sides own, each owner's side."""
    party, how = _party(raw, owners, sides)
    if party == JOINT:
        rec.inferred["party"] = f"both sides ({how})"
        sided = list(dict.fromkeys((o.name, o.side) for o in owners if o.name and o.side in (VENDOR, CUSTOMER)))
        for o in owners:  # "Both (Raj Iyer, Lee Park)": each person's side from elsewhere in the plan
            if o.side in (JOINT, None) and o.name:
                for name in split_names(o.name):
                    known = sides.people.get(norm(name))
                    if known and known[0] in (VENDOR, CUSTOMER):
                        sided.append((name, known[0]))
        if len({side for _, side in sided}) == 2:
            reading.joint[rec.row] = sided
        how = "both sides: " + how
    elif party:
        rec.values["party"] = party
        rec.inferred["party"] = how
    else:
        if owners or raw is not None:
            reading.unresolved.append(f"{Location(rec.sheet, rec.row, data.columns.get('party', 0))}: the side of "
                                      f"'{rec.values['owner'] or raw}' is not said anywhere in the workbook")
        return
    reading.party_how[how] = reading.party_how.get(how, 0) + 1


def _read_date(rec: Record, key: str, raw: Any, mapping: Mapping, ctx: values.DateContext, plan: Plan,
               reading: Reading) -> None:
    if raw is None or values.is_placeholder(raw):
        return
    got = values.date(raw, ctx)
    loc = Location(rec.sheet, rec.row, mapping.fields[key])
    if got.value is not None:
        rec.values[key] = got.value
        if got.relative:
            rec.inferred[key] = f"'{raw}' ({got.relative})"
        return
    rec.raw[key] = raw
    if got.unresolved:
        reading.unresolved.append(f"{loc}: {got.unresolved}")
    else:
        plan.problems.append(Problem(ProblemKind.BAD_DATE, loc, "a date (e.g. 2026-03-31 or 11/4/2026)", raw, key))


def _read_status(rec: Record, raw: Any, found: Found, mapping: Mapping, plan: Plan) -> None:
    if raw is not None and not values.is_placeholder(raw):
        status = values.status(raw, percent_scale=mapping.percent_scale)
        if status is None:
            rec.raw["status"] = raw
            plan.problems.append(Problem(ProblemKind.NOT_IN_LIST, Location(rec.sheet, rec.row, mapping.fields["status"]),
                                         "a status such as Done, In progress, Not started or Blocked", raw, "status"))
        else:
            rec.values["status"] = status
    elif raw is None and "status" in mapping.fields and _is_tick_column(found, mapping):
        rec.values["status"] = "Not started"
        rec.inferred["status"] = "an empty cell in a column of ticks"


def _is_tick_column(found: Found, mapping: Mapping) -> bool:
    """A column of ticks: an empty cell there means 'not done yet'."""
    col = mapping.fields["status"]
    marks = {found.sheet.value(r, col) for r in found.rows} - {None, ""}
    return bool(marks) and all(isinstance(m, str) and len(m.strip()) <= 2 for m in marks)


def _party(raw: Any, owners: list[Owner], sides: Sides) -> tuple[str | None, str]:
    if isinstance(raw, str) and not values.is_placeholder(raw):
        word = side_word(raw) or sides.company_side(raw)
        if word:
            return word, "the side column"
    return side_of(owners)


def describe(plan: Plan) -> list[str]:
    """The mapping as people read it: one line per column, per way parties were inferred, per unresolved value."""
    reading = plan.reading
    if reading is None:
        return []
    lines = [f"Read {reading.layout}."]
    lines += [f"  {cell} '{header}' -> {story}" for cell, header, story in reading.columns]
    if reading.phases:
        lines.append(f"  phase rows -> milestones: {', '.join(reading.phases)}")
    total = Counter(reading.party_how)
    if total:
        lines.append("Parties inferred from:")
        lines += [f"  {how}: {n} step{'s' if n != 1 else ''}" for how, n in total.most_common()]
    if reading.unresolved:
        lines.append(f"Unresolved ({len(reading.unresolved)}):")
        lines += [f"  {u}" for u in reading.unresolved]
    return lines
