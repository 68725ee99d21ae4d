"""``mapsheet import``: a MAP sheet made elsewhere, converted into the standard template.

The foreign reader (``foreign``) finds and reads the plan; this module turns what it read into a
``PlanDraft`` for the template, keeping every value of the steps table: a column the template has no
place for goes into the step's Notes ("Dependencies: Step 4"), a value that is not a date or a status as
written goes there too, phases become Milestones, listed people become Stakeholders, and a step both
sides own becomes one action per side. What it did is returned as lines to print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import MapsheetError
from .fill import PlanDraft
from .foreign import describe
from .foreign.reader import PHASE_KEY
from .model import Plan, Record
from .template.spec import CLOSED_STATUSES, PARTY, ROLE, SPEC, STATUS, match_choice

_JOINT_NOTE = "Both sides own this step; mapsheet import made one action per side"


@dataclass
class Imported:
    draft: PlanDraft
    lines: list[str] = field(default_factory=list)  # the mapping and what import did, for people


def import_plan(plan: Plan) -> Imported:
    """The template draft of a plan read from a foreign layout."""
    if plan.reading is None:
        raise MapsheetError(f"{plan.source}: this is already a plan made from the mapsheet template; "
                            "check it with `mapsheet check`")
    if not plan.actions:
        raise MapsheetError(f"{plan.source}: no table of steps was found (a header row naming at least two of "
                            "step, owner, due date and status, with rows under it), so there is nothing to import")
    draft = PlanDraft()
    draft.overview = {k: v for k, v in plan.overview.items() if v is not None and k != "template_version"}
    milestones = _milestones(plan, draft)
    split = 0
    for rec in plan.actions:
        split += _actions(rec, milestones, draft, plan.reading.joint.get(rec.row, []))
    people = _stakeholders(plan, draft)
    lines = describe(plan)
    lines.append(f"Wrote {len(draft.rows('actions'))} actions"
                 + (f" ({split} step{'s' if split != 1 else ''} both sides own, one action per side)" if split else "")
                 + f", {len(draft.rows('milestones'))} milestones from the phases"
                 + (f", {people} stakeholders" if people else "")
                 + "; columns the template has no place for are in each action's Notes.")
    return Imported(draft, lines)


def _milestones(plan: Plan, draft: PlanDraft) -> dict[str, str]:
    """One milestone per phase; its side, due date and status follow its steps (as GetAccept's do)."""
    by_phase: dict[str, list[Record]] = {}
    for rec in plan.actions:
        phase = rec.extra.get(PHASE_KEY)
        if phase:
            by_phase.setdefault(str(phase), []).append(rec)
    ids = {}
    for i, (phase, recs) in enumerate(by_phase.items(), 1):
        ids[phase] = f"M{i}"
        sides = {r.values.get("party") for r in recs} | {"Joint" for r in recs if "party" not in r.values or
                                                         r.inferred.get("party", "").startswith("both")}
        sides.discard(None)
        dues = [r.values["due"] for r in recs if r.values.get("due")]
        statuses = [r.values.get("status") for r in recs]
        row: dict[str, Any] = {"id": ids[phase], "name": phase, "exit_criteria": "All its actions are done"}
        if sides:
            row["side"] = sides.pop() if len(sides) == 1 else "Joint"
        if dues:
            row["due"] = max(dues)
        if statuses and all(s in CLOSED_STATUSES for s in statuses):
            row["status"] = "Done"
        elif any(s in ("Done", "In progress") for s in statuses):
            row["status"] = "In progress"
        elif all(s for s in statuses):
            row["status"] = "Not started"
        draft.rows("milestones").append(row)
    return ids


def _notes(rec: Record) -> str:
    parts = [str(rec.values["notes"])] if rec.values.get("notes") else []
    for key, raw in rec.raw.items():
        parts.append(f"{SPEC.table('actions').field(key).header} as written: {raw}")
    for key, how in rec.inferred.items():
        if key in ("due", "completed"):
            parts.append(f"{SPEC.table('actions').field(key).header} written as {how}")
    for header, value in rec.extra.items():
        if header != PHASE_KEY:
            parts.append(f"{header}: {_show(value)}")
    return "; ".join(parts)


def _show(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _actions(rec: Record, milestones: dict[str, str], draft: PlanDraft, joint: list[tuple[str, str]]) -> int:
    """The action(s) of one step; returns 1 when a step both sides own became one action per side."""
    v = rec.values
    row: dict[str, Any] = {"action": v.get("action")}
    for key in ("owner", "party", "due", "completed"):
        if v.get(key) is not None:
            row[key] = v[key]
    if v.get("status") in STATUS:
        row["status"] = v["status"]
    phase = rec.extra.get(PHASE_KEY)
    if phase and str(phase) in milestones:
        row["milestone"] = milestones[str(phase)]
    notes = _notes(rec)
    rows = [row]
    if joint:
        rows = [row | {"owner": owner, "party": side} for owner, side in joint]
    elif rec.inferred.get("party", "").startswith("both sides"):
        # Whose is whose is not said: one action per side, the owners as written kept in the Notes.
        rows = [{k: x for k, x in row.items() if k != "owner"} | {"party": side} for side in PARTY]
        if v.get("owner"):
            notes = "; ".join(n for n in (notes, f"Owners as written: {v['owner']}") if n)
    if len(rows) > 1:
        notes = "; ".join(n for n in (_JOINT_NOTE, notes) if n)
    for r in rows:
        if notes:
            r["notes"] = notes
        r["id"] = f"A{len(draft.rows('actions')) + 1}"
        draft.rows("actions").append(r)
    return 1 if len(rows) > 1 else 0


def _stakeholders(plan: Plan, draft: PlanDraft) -> int:
    for person in plan.reading.people if plan.reading else []:
        if not person.get("name"):
            continue
        row: dict[str, Any] = {"name": person["name"]}
        side = person.get("side")
        if side in PARTY:
            row["side"] = side
        role = match_choice(person.get("role"), ROLE) if person.get("role") else None
        if role:
            row["role"] = role
        title = person.get("role") if not role else None
        if title or person.get("company"):
            row["title"] = ", ".join(t for t in (title, person.get("company")) if t)
        if person.get("email"):
            row["email"] = person["email"]
        draft.rows("stakeholders").append(row)
    return len(draft.rows("stakeholders"))


def import_file(source: str | Path, out: str | Path, *, force: bool = False) -> tuple[Path, Imported]:
    """Read ``source`` (.xlsx, .xlsm or .csv), write the plan in the template to ``out`` (atomically)."""
    from .api import read_plan
    from .fill import write_plan
    from .safeio import ensure_not_open

    out = Path(out)
    if Path(source).resolve() == out.resolve():
        raise MapsheetError(f"{out}: import writes a new file; choose another --out than the sheet itself")
    if out.exists() and not force:
        raise MapsheetError(f"{out} already exists; choose another --out or pass --force")
    if out.exists():
        ensure_not_open(out, hint=" or write to another --out")
    imported = import_plan(read_plan(source))
    return write_plan(imported.draft, out), imported
