"""One plan -> the small summary the roll-up needs: what a sync worker returns.

A worker reads and checks one plan and keeps only what a manager reads: the Deals row, the open actions,
the open risks, the milestones and the template drift. Summaries are plain dicts of plain values and
named tuples, so they pickle cheaply back from a worker process and store as JSON in the history (JSON,
not pickle: the history file may sit in a shared folder, and loading a pickle runs code); a read plan's light
summary, which a re-sync loads for every plan it does not read again, by marshal (which loads values and runs
nothing), refused unless it has a light summary's shape.

Everything date-dependent (days to close, days overdue) is computed from the plan's own records and the
reference date, never from rule findings, so the roll-up does not depend on which rules exist.
"""

from __future__ import annotations

import datetime as dt
import json
import marshal
from json.encoder import c_make_encoder, encode_basestring_ascii
from functools import partial
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from .. import deflate
from ..errors import MapsheetError
from ..levels import CLOSED_STATUSES, Band, ProblemKind
from ..memo import Memo

if TYPE_CHECKING:  # a sync's main process only stores and loads summaries: not the plan model and the template
    from ..config import Config
    from ..model import Plan, Record

#: Problems that mean the workbook no longer follows the template (said loudly on the Problems sheet, and a
#: sync with any of them exits 1): something the roll-up may be missing.
DRIFT_KINDS = (ProblemKind.MISSING_SHEET, ProblemKind.MISSING_COLUMN, ProblemKind.EXTRA_COLUMN,
               ProblemKind.UNKNOWN_VERSION)
#: A column found under an accepted synonym ("Responsible" for Owner): read correctly, so information for
#: the admin on the Problems sheet, never a problem.
NOTED_KINDS = (ProblemKind.RENAMED_COLUMN,)
DRIFT_VALUES = {k.value for k in DRIFT_KINDS}
NOT_CHECKABLE = Band.NOT_CHECKABLE.value
_NOTED = {k.value for k in NOTED_KINDS}
_KIND = itemgetter(0)  # a DriftRow's kind (a sync asks of every plan whether it drifted, by one call over its drift)


def is_drifted(summary: dict[str, Any]) -> bool:
    """Whether a read plan no longer follows the template (a problem, not just an accepted synonym)."""
    return not summary["error"] and not DRIFT_VALUES.isdisjoint(map(_KIND, summary["drift"]))


def needs_attention(summary: dict[str, Any]) -> bool:
    """Whether a read plan is one of the roll-up's problems: it drifted from the template, or mapsheet
    found nothing it could judge in it (Not checkable)."""
    return is_drifted(summary) or (not summary["error"] and summary["band"] == NOT_CHECKABLE)


def has_synonyms(summary: dict[str, Any]) -> bool:
    """Whether a read plan names some columns by accepted synonyms (information only)."""
    return not summary["error"] and not _NOTED.isdisjoint(map(_KIND, summary["drift"]))


class ActionRow(NamedTuple):
    id: str
    action: str
    milestone: str
    party: str
    owner: str
    due: dt.date | None
    status: str
    days_overdue: int


class MilestoneRow(NamedTuple):
    id: str
    name: str
    side: str
    owner: str
    start: dt.date | None
    due: dt.date | None
    status: str
    completed: dt.date | None
    days_overdue: int


class RiskRow(NamedTuple):
    id: str
    risk: str
    category: str
    likelihood: str
    impact: str
    mitigation: str
    owner: str
    status: str


class DriftRow(NamedTuple):
    kind: str  # a ProblemKind value
    cell: str  # Sheet!A1 (or the sheet alone)
    detail: str


ROW_TYPES = {"actions": ActionRow, "milestones": MilestoneRow, "risks": RiskRow, "drift": DriftRow}
# Each kind of row made from a list of its values without the Python call in namedtuple's __new__ or _make
_MAKE = {key: partial(tuple.__new__, row_type) for key, row_type in ROW_TYPES.items()}


def summarize(path: str, today: dt.date, config: Config, read: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Read and check one plan; never raises: a plan that cannot be read comes back with ``error`` set.
    ``read``: how to get its grid when ``path`` is a plan reference key rather than a file (Drive)."""
    # the checker, imported where plans are read (a re-sync with nothing changed reads none)
    from .. import api
    from ..check import check_plan

    try:  # only the score, the band and the facts are kept: the check leaves out what only a report shows
        plan = api.to_plan(read() if read is not None else path, config=config)
        result = check_plan(plan, today=today, config=config, explain=False)
    except MapsheetError as exc:
        return {"path": path, "error": getattr(exc, "reason", None) or str(exc)}
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # one bad plan never stops a sync: a library's panic (a BaseException) too
        return {"path": path, "error": f"mapsheet failed on this plan ({type(exc).__name__}: {exc}); please report it"}
    return plan_summary(result.plan, path, today) | {
        "score": result.score.total, "grade": result.score.grade, "band": result.score.band.value,
        "why": result.score.band_reasons[0] if result.score.band_reasons else ""}


def plan_summary(plan: Plan, path: str, today: dt.date) -> dict[str, Any]:
    """The facts of a plan the roll-up shows, without its score (which the check adds)."""
    # Each action's status read once: the share done, and which are open (``Record.is_closed`` of an action, without
    # a property's call per action).
    statuses = [a.values.get("status") for a in plan.actions]
    counted = len(statuses) - statuses.count("Cancelled")
    done = statuses.count("Done")
    names = {m.values.get("id"): m.values.get("name") for m in plan.milestones}
    open_actions = [_action(a.values, names, today) for a, status in zip(plan.actions, statuses)
                    if status not in CLOSED_STATUSES]
    milestones = [_milestone(m.values, today) for m in plan.milestones]
    upcoming = sorted((m for m in milestones if m.status not in CLOSED_STATUSES and m.due),
                      key=lambda m: m.due)
    checkins = [c.values.get("date") for c in plan.checkins if c.values.get("date")]
    close = plan.close_date
    late = [a.party for a in open_actions if a.days_overdue]  # the party of each overdue action
    return {
        "path": path, "error": None,
        "deal": deal_name(plan, path), "customer": _text(plan.field("customer")), "owner": _text(plan.field("seller_owner")),
        "stage": _text(plan.field("stage")), "value": plan.field("value"), "currency": _text(plan.field("currency")),
        "close_date": close, "days_to_close": (close - today).days if close else None,
        "pct_done": done / counted if counted else None,
        "overdue_vendor": late.count("Vendor"), "overdue_customer": late.count("Customer"),
        "overdue_no_party": late.count(""),
        "next_milestone": upcoming[0].name if upcoming else "",
        "next_milestone_due": upcoming[0].due if upcoming else None,
        "last_checkin": max((d for d in checkins if d <= today), default=None),
        "last_reviewed": plan.field("last_reviewed"),
        "actions": open_actions,
        "milestones": milestones,
        "risks": [_risk(r) for r in plan.risks if not r.is_closed],
        "drift": [DriftRow(p.kind.value, str(p.location), _drift_text(p)) for p in plan.problems
                  if p.kind in DRIFT_KINDS or p.kind in NOTED_KINDS],
    }


def deal_name(plan: Plan, path: str) -> str:
    """What the roll-up calls a plan: its deal name, else its customer, else its file (a sheet made elsewhere
    often names neither), so every row of every sheet says which deal it is."""
    return plan.deal or _text(plan.field("customer")) or Path(path).stem


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _texts(values: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    """``_text`` of each of ``keys``' values, in one call."""
    return ["" if v is None else str(v) for v in map(values.get, keys)]


_ACTION_KEYS = ("id", "action", "party", "owner", "status", "milestone", "due")
_MILESTONE_KEYS = ("id", "name", "side", "owner", "status", "due")
_action_row, _milestone_row, _risk_row = _MAKE["actions"], _MAKE["milestones"], _MAKE["risks"]


def _action(v: dict[str, Any], names: dict[str, Any], today: dt.date) -> ActionRow:
    """The row of an open action (not closed), from its record's values: each text as ``_text`` makes it and its
    days overdue (past its due date, 0 without one), written out (a plan's most frequent row: two calls fewer a
    row; tests/sync/test_plan_summary.py checks them against the records read one value at a time)."""
    id_, action, party, owner, status, ids, due = map(v.get, _ACTION_KEYS)
    milestone = ", ".join([str(names.get(i) or i) for i in ids]) if ids else ""
    return _action_row(("" if id_ is None else str(id_), "" if action is None else str(action), milestone,
                        "" if party is None else str(party), "" if owner is None else str(owner), due,
                        "" if status is None else str(status), max(0, (today - due).days) if due else 0))


def _milestone(v: dict[str, Any], today: dt.date) -> MilestoneRow:
    """The row of a milestone, from its record's values, written out as ``_action``'s (closed as
    ``Record.is_closed`` says of a milestone)."""
    id_, name, side, owner, status, due = map(v.get, _MILESTONE_KEYS)
    return _milestone_row(("" if id_ is None else str(id_), "" if name is None else str(name),
                           "" if side is None else str(side), "" if owner is None else str(owner), v.get("start"), due,
                           "" if status is None else str(status), v.get("completed"),
                           max(0, (today - due).days) if due and status not in CLOSED_STATUSES else 0))


def _risk(r: Record) -> RiskRow:
    return _risk_row(_texts(r.values, RiskRow._fields))


def _drift_text(problem) -> str:
    if problem.kind is ProblemKind.RENAMED_COLUMN:
        return f"column '{problem.value}' is read as {problem.expected} (an accepted synonym)"
    if problem.kind is ProblemKind.EXTRA_COLUMN:
        return f"column '{problem.value}' is not in the template (kept, not rolled up)"
    if problem.kind is ProblemKind.UNKNOWN_VERSION:
        return f"template version {problem.value!r} is unknown; expected {problem.expected}"
    return f"missing: {problem.expected}"


def light(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary without what only the detail sheets show (open actions that are not overdue, risks): what
    a roll-up needs of a plan whose detail rows are written already (``xlsx_rows``). Its milestones stay:
    the history compares their dates from sync to sync."""
    if summary["error"]:
        return summary
    return summary | {"actions": [a for a in summary["actions"] if a.days_overdue], "risks": []}


# -- storing summaries (JSON, compressed) ----------------------------------------------------------------

def _encode(obj: Any) -> Any:
    if isinstance(obj, dt.datetime):
        return {"$d": obj.date().isoformat()}
    if isinstance(obj, dt.date):
        return {"$d": obj.isoformat()}
    return str(obj)  # a time or a duration typed into a text field: stored as the text it shows


def _decode(obj: dict) -> Any:
    return dt.date.fromisoformat(obj["$d"]) if len(obj) == 1 and "$d" in obj else obj


class _Encoded(dict):
    """What ``_encode`` made of each date met (the same few come back plan after plan), looked up by the JSON
    encoder itself (its ``default`` is this dict's ``__getitem__``), without a Python call."""

    def __missing__(self, obj: Any) -> Any:
        if type(obj) is not dt.date:  # only plain dates: values equal to another may be written otherwise
            return _encode(obj)
        if len(self) >= 4096:
            self.clear()
        made = self[obj] = _encode(obj)
        return made


# One encoder, made once (``json.dumps`` makes one a call), as ``json.dumps(obj, default=_encode,
# separators=(",", ":"))`` encodes; None where Python has no C encoder.
_ENCODER = c_make_encoder and c_make_encoder(None, _Encoded().__getitem__, encode_basestring_ascii, None, ":", ",",
                                             False, False, True)


def _json(obj: Any) -> str:
    if _ENCODER is not None:
        try:
            return "".join(_ENCODER(obj, 0))
        except TypeError:  # a value that cannot be remembered (unhashable): the general path encodes it
            pass
    return json.dumps(obj, default=_encode, separators=(",", ":"))


def _stored(text: str) -> bytes:
    return deflate.compress(text.encode())


#: The keys of a read plan's summary, in their order (``plan_summary``'s, then the check's): a light summary with
#: exactly these is stored as the list of its values (``dumps_light``).
LIGHT_KEYS = ("path", "error", "deal", "customer", "owner", "stage", "value", "currency", "close_date", "days_to_close",
              "pct_done", "overdue_vendor", "overdue_customer", "overdue_no_party", "next_milestone",
              "next_milestone_due", "last_checkin", "last_reviewed", "actions", "milestones", "risks", "drift", "score",
              "grade", "band", "why")


def dumps(summary: dict[str, Any]) -> bytes:
    """A whole summary stored: compressed JSON; a read plan's as the list of its values in the order of
    ``LIGHT_KEYS`` (as ``dumps_light`` stores a light one), another with its keys (as every summary was stored
    before: ``loads`` reads both)."""
    if tuple(summary) == LIGHT_KEYS:
        return _stored(_json(list(summary.values())))
    return _stored(_json(summary))


def dumps_light(summary: dict[str, Any]) -> bytes:
    """A light summary (``light``) stored, not compressed (a re-sync reads the light summary of every plan it does
    not read again: inflating each cost as much as a third of reading it): a read plan's as the list of its values
    in the order of ``LIGHT_KEYS``, by marshal where its values allow (``_marshalled``), else as JSON (the keys were
    a third of its text, and of the time to decode it). Another summary (a plan that could not be read) is stored
    as JSON with its keys."""
    if tuple(summary) == LIGHT_KEYS:
        return _marshalled(summary) or _json(list(summary.values())).encode()
    return _json(summary).encode()


_ROWS = LIGHT_KEYS.index("actions"), LIGHT_KEYS.index("drift")  # where the rows a light summary lacks sit


def dumps_read(summary: dict[str, Any], light: dict[str, Any]) -> tuple[bytes, bytes]:
    """``dumps`` of a read plan's summary and ``dumps_light`` of its ``light`` summary without milestones (what
    a reading process stores of a plan whose rows it rendered), the values both hold encoded once when the light
    one is JSON: the whole one's list of values with only the overdue actions, and no milestones or risks."""
    light = light | {"milestones": []}
    if tuple(summary) != LIGHT_KEYS or tuple(light) != LIGHT_KEYS:
        return dumps(summary), dumps_light(light)
    values = list(summary.values())
    head, tail = _json(values[:_ROWS[0]])[:-1], _json(values[_ROWS[1]:])[1:]  # each without its bracket
    actions = _json(summary["actions"])
    whole = _stored(f"{head},{actions},{_json(summary['milestones'])},{_json(summary['risks'])},{tail}")
    marshalled = _marshalled(light)
    if marshalled is not None:
        return whole, marshalled
    late = actions if len(light["actions"]) == len(summary["actions"]) else _json(light["actions"])
    return whole, f"{head},{late},[],[],{tail}".encode()


# -- a read plan's light summary by marshal ---------------------------------------------------------------
# A re-sync of 1,000 plans with 10 changed loads the other 990's light summaries in its main process, on its critical
# path: 83.5M instructions as JSON (26 ms here: the date hook, the rows made named tuples, the dict made of the
# list), 47.6M by marshal of the same values with dates as their ordinals at the places a summary holds dates,
# converted back there (its main process: 941.5M -> 911.7M, benchmarks/resync_instructions.sh). marshal,
# not pickle: loading marshal's data makes values and never runs code (the history may sit in a shared folder), and
# what it loads is refused unless it is what ``_marshalled`` stores (``_unmarshalled``). Its format 2 is written:
# the same bytes for the same values (formats 3 and later mark an object met twice, which depends on how a reading
# process shared its values: a plan's Deals row is keyed by a digest of these bytes, ``run._light_id``), and the
# quickest to load here (the 990: 4.1 ms, format 4's 6.6 ms). Python calls marshal's format its own, so a history's
# cache is tied to the Python that wrote it (``run._contexts``): another Python reads its plans again.

#: What a light summary by marshal starts with: "m" is neither JSON's first byte ("[" or "{") nor zlib's (whose low
#: four bits are 8: ``dumps``), "2" its marshal format; ``loads`` tells the kinds apart by it.
_MARSHALLED = b"m2"
_FORMAT = 2
_PLAIN = frozenset({str, int, float, bool, type(None)})  # what marshal stores and loads as JSON does
#: The places of a light summary that hold dates (``plan_summary``'s), stored as their ordinals (or None); a date
#: anywhere else, or anything but a date or None at one of these, is stored as JSON.
_DATE_AT = tuple(map(LIGHT_KEYS.index, ("close_date", "next_milestone_due", "last_checkin", "last_reviewed")))
#: Each kind of row, in the order of ``LIGHT_KEYS``: where it sits, its type, its length, where it holds dates (the
#: fields typed ``dt.date | None``) and how it is made (``_MAKE``).
_ROW_KINDS = tuple((LIGHT_KEYS.index(key), row_type, len(row_type._fields),
                    tuple(i for i, f in enumerate(row_type._fields) if f in ("due", "start", "completed")), _MAKE[key])
                   for key, row_type in ROW_TYPES.items())
_date = dt.date


def _storable(types: tuple[type, ...]) -> bool:
    """Whether the types of a light summary's values, in order, are what ``_marshalled`` stores: plain values, a date
    or None at each place of dates, lists of rows at the rows'."""
    rows, dates = {at for at, *_ in _ROW_KINDS}, (_date, type(None))
    return len(types) == len(LIGHT_KEYS) and all(
        t is list if i in rows else t in dates if i in _DATE_AT else t in _PLAIN for i, t in enumerate(types))


_STORABLE = Memo(_storable)  # each shape met, judged once


def _marshalled(light: dict[str, Any]) -> bytes | None:
    """A read plan's light summary (its keys ``LIGHT_KEYS``) by marshal: the list of its values, its rows plain
    tuples, each date (at ``_DATE_AT`` and the rows' date fields) as its ordinal; None when a value would load
    otherwise than from JSON (anything but a plain value, a date elsewhere, a datetime, a subclass), to be stored as
    JSON. Made where plans are read."""
    values = list(light.values())
    if not _STORABLE[tuple(map(type, values))]:
        return None
    for i in _DATE_AT:
        if values[i] is not None:
            values[i] = values[i].toordinal()
    for i, row_type, _, dates, _ in _ROW_KINDS:
        if rows := values[i]:
            if set(map(type, rows)) != {row_type}:
                return None
            rows = values[i] = [_ordinals(r, dates) for r in rows] if dates else list(map(tuple, rows))
            if None in rows or not _PLAIN.issuperset(map(type, chain.from_iterable(rows))):
                return None
    return _MARSHALLED + marshal.dumps(values, _FORMAT)


def _ordinals(row: tuple, dates: tuple[int, ...]) -> tuple | None:
    """A row as a plain tuple with the dates at ``dates`` as their ordinals; None if one holds another value."""
    values = list(row)
    for i in dates:
        d = values[i]
        if type(d) is _date:
            values[i] = d.toordinal()
        elif d is not None:
            return None
    return tuple(values)


def _date_of(ordinal: int | None) -> dt.date | None:
    if ordinal is None:
        return None
    if type(ordinal) is not int:
        raise ValueError(f"a stored date that is not one ({ordinal!r})")
    try:
        return _date.fromordinal(ordinal)
    except OverflowError:
        raise ValueError(f"a stored date past the calendar ({ordinal})") from None


_DATES = Memo(_date_of)  # each stored date's, made once (the same few come back plan after plan)


def _made(name: str, args: str, body: list[str], namespace: dict[str, Any]) -> Callable:
    """A function ``name(args)`` of the lines ``body``, written out for what it is made of (a light summary's keys,
    a row's fields), as ``parse._values`` is: per value, the least a Python function can do."""
    exec(f"def {name}({args}):\n" + "\n".join(f"    {line}" for line in body), namespace)  # noqa: S102
    return namespace[name]


def _rows_maker(size: int, at: tuple[int, ...], make: Callable) -> Callable[[list], list]:
    """How stored rows of a kind (``size`` values each, dates at ``at``) are made its named tuples: each unpacked
    (a row of another length is refused, ValueError) and made with its dates, once its values are seen to be plain."""
    names = [f"r{i}" for i in range(size)]
    made = ", ".join(f"dates[{n}]" if i in at else n for i, n in enumerate(names))
    return _made("rows", "stored", [
        "if not plain.issuperset(map(type, chain.from_iterable(stored))):",
        "    raise ValueError('stored rows with values that are not plain')",
        f"return [make(({made},)) for {', '.join(names)} in stored]"],
        {"plain": _PLAIN, "chain": chain, "dates": _DATES, "make": make})


def _summary_maker() -> Callable[[list], dict[str, Any]]:
    """A function of a light summary's stored values that gives the summary, or refuses them (ValueError) unless
    there are as many as ``LIGHT_KEYS`` and each is of its place's types (``_storable``'s, each date an ordinal):
    unpacked, the type of each asked, then each set into a copy of a dict that has the keys already (10.6K
    instructions a summary, against 15.6K for ``dict(zip(LIGHT_KEYS, values))`` and 16.6K for one dict display),
    each date made of its ordinal and each kind of rows made by its ``_rows_maker``."""
    names = [f"v{i}" for i in range(len(LIGHT_KEYS))]
    rows = {at: f"rows{at}" for at, *_ in _ROW_KINDS}
    namespace: dict[str, Any] = {"plain": _PLAIN, "dated": frozenset({int, type(None)}), "dates": _DATES,
                                 "copy": dict.fromkeys(LIGHT_KEYS).copy}
    namespace |= {rows[at]: _rows_maker(size, dates, make) for at, _, size, dates, make in _ROW_KINDS}
    shape = " and ".join(f"type({n}) is list" if i in rows else f"type({n}) in dated" if i in _DATE_AT else
                         f"type({n}) in plain" for i, n in enumerate(names))
    body = [f"{', '.join(names)}, = values", f"if not ({shape}):", "    raise ValueError('not a light summary')",
            "s = copy()"]
    for i, (key, n) in enumerate(zip(LIGHT_KEYS, names)):
        value = f"{rows[i]}({n}) if {n} else []" if i in rows else f"dates[{n}]" if i in _DATE_AT else n
        body.append(f"s[{key!r}] = {value}")
    return _made("summary", "values", [*body, "return s"], namespace)


_SUMMARY = _summary_maker()


def _unmarshalled(blob: bytes) -> dict[str, Any]:
    """A light summary from what ``_marshalled`` stored; ValueError (as for any stored summary that does not load)
    for anything else: marshal's data of other values, or of another shape."""
    try:
        values = marshal.loads(blob[len(_MARSHALLED):])
        if type(values) is list:
            return _SUMMARY(values)
    except (EOFError, TypeError, ValueError) as exc:
        raise ValueError(f"a stored light summary that does not load ({exc})") from None
    raise ValueError("a stored light summary that is not a list of values")


_DECODER = json.JSONDecoder(object_hook=_decode)  # made once: ``json.loads`` with a hook makes one a call


def loads(blob: bytes) -> dict[str, Any]:
    """A summary from its stored form, told by its first bytes: a read plan's light summary by marshal
    (``_MARSHALLED``), ``dumps`` (compressed: zlib's header), or JSON text (``dumps_light``); as JSON, either the
    list of a read plan's values, or a summary with its keys (as every summary was stored before)."""
    if blob[:2] == _MARSHALLED:
        return _unmarshalled(blob)
    decoded = _DECODER.decode(blob.decode() if blob[:1] in (b"[", b"{") else deflate.decompress(blob).decode())
    return named(dict(zip(LIGHT_KEYS, decoded, strict=True)) if type(decoded) is list else decoded)


def named(summary: dict[str, Any]) -> dict[str, Any]:
    """``summary`` with its rows (sequences of their values) made their named tuples again (``ROW_TYPES``)."""
    for key, row_type in ROW_TYPES.items():
        rows = summary.get(key)
        if rows:  # as row_type._make makes each, with one call for all
            if set(map(len, rows)) != {len(row_type._fields)}:
                raise TypeError(f"Expected {len(row_type._fields)} arguments in each of {key}")
            summary[key] = list(map(_MAKE[key], rows))
    return summary


def unnamed(summary: dict[str, Any]) -> dict[str, Any]:
    """``summary`` with its rows as plain tuples (``named`` makes it again): a named tuple pickles through two
    Python calls of its class (``__getnewargs__``, then ``__new__`` where it is unpickled), a plain one through
    none."""
    return summary | {key: list(map(tuple, rows)) for key in ROW_TYPES if (rows := summary.get(key))}
