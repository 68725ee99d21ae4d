"""The roll-up as data: sheets of typed columns and rows, and a dashboard of figures and charts.

This is the core of the roll-up. It knows what a manager reads (which sheets, columns, order, captions)
and nothing about a file format: ``xlsx`` writes it as a workbook, ``export`` as CSV or Parquet files.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from enum import Enum
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..levels import CLOSED_STATUSES, Band
from .summary import DRIFT_VALUES, NOT_CHECKABLE, has_synonyms, needs_attention

if TYPE_CHECKING:  # the reading processes lay out rows with this module, never a Changes sheet
    from .changes import Change

BANDS = [b.value for b in sorted(Band, key=lambda b: b.rank)]
LEVEL_RANK = {"High": 3, "Medium": 2, "Low": 1}


class Kind(str, Enum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"
    DATE = "date"
    PERCENT = "percent"
    DAYS_LATE = "days late"  # an int, highlighted when above zero
    DAYS_LEFT = "days left"  # an int, highlighted when below zero
    BAND = "band"  # a health band, coloured by its value
    LINK = "link"  # a Link to a plan file
    FILE = "file"  # a plan file's path, relative to the roll-up's folder where possible (a writer may link it)


class Column(NamedTuple):
    header: str
    kind: Kind = Kind.TEXT
    width: int = 14  # in characters, as Excel counts; widths are chosen so that each printed part fits a page
    wrap: bool = False  # long text (a deal, a why, an action): wrapped within the width, the row grows


class Link(NamedTuple):
    text: str
    target: str  # a path, relative to the roll-up's folder where possible


@dataclass
class Table:
    """One sheet of the roll-up: a caption, a header row and its rows, laid out as data."""

    sheet: str
    caption: str
    columns: list[Column]
    rows: list[tuple]
    loud: bool = False  # a caption to shout (problems)
    printed: int = 0  # how many leading columns go on paper (0: up to the plan file path, a screen's link)

    @property
    def print_columns(self) -> int:
        """The number of leading columns a printed page holds (the print area's width)."""
        if self.printed:
            return self.printed
        files = [i for i, c in enumerate(self.columns) if c.kind is Kind.FILE]
        return files[0] if files else len(self.columns)


@dataclass
class Chart:
    """A chart of the Dashboard, drawn from the numbers under its title."""

    title: str
    kind: str  # "pie", "bar" (horizontal) or "column"
    categories: list[str]
    series: list[tuple[str, list[int]]]  # (name, one value per category); band names get band colours
    stacked: bool = False


@dataclass
class Dashboard:
    """The roll-up's first sheet: its figures and charts."""

    title: str
    alert: str  # said at the top when plans have problems ("" when none)
    figures: list[tuple[str, Any, Kind]]
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Rollup:
    """Every sheet of the roll-up, as data (``build_rollup``); the writers make the workbook of it."""

    today: dt.date
    dashboard: Dashboard
    tables: list[Table]


def build_rollup(summaries: list[dict], pushes: dict[str, int], changes: list[Change] | None,
                 today: dt.date, out_dir: Path, last_sync_at: str | None = None, details: bool = True,
                 deal_rows: bool = True) -> Rollup:
    """Every sheet of the roll-up from the plans' summaries (unreadable ones have ``error`` set).
    ``details`` False: the detail sheets (``DETAILS``) come without rows, for a writer that has them already
    (each plan's rows of each ``DETAILS`` sheet, in its ``order``); ``deal_rows`` False: the Deals sheet too (a
    writer that lays its rows out itself: ``xlsx_blocks.KEYED``), and the plans' links worked out only for the
    sheets that show some (``_Links``: about 0.015 s of a roll-up's skeleton of 1,000 plans)."""
    links = _Links(summaries, out_dir)
    read = deal_order(summaries)
    as_of = _as_of(today)
    problems = problems_table(summaries, links, as_of)
    # Only Deals, Changes and Problems link to the plans: Excel holds at most 65,530 links a sheet, and a
    # manager opens a plan from its deal.
    detail = read if details else []
    tables = [deals_table(read if deal_rows else [], pushes, links, as_of), actions_table(detail, as_of),
              overdue_table(read, as_of),
              milestones_table(detail, as_of), risks_table(detail, as_of),
              changes_table(changes, links, last_sync_at), problems]
    with_problems = sum(1 for s in summaries if s["error"] or needs_attention(s))
    return Rollup(today, dashboard(read, changes or [], problems, today, with_problems), tables)


def deals(read: list[dict], pushes: dict[str, int], today: dt.date, out_dir: Path) -> Table:
    """The Deals sheet alone, as ``build_rollup`` lays it out: ``read`` are the plans in ``deal_order``."""
    return deals_table(read, pushes, _Links(read, out_dir), _as_of(today))


class _Links(dict):
    """Each plan's link (``_link``) by path, each worked out when first asked for (a sheet that shows none asks for
    none); ``in`` tells the plans."""

    def __init__(self, summaries: list[dict], out_dir: Path):
        super().__init__()
        self.plans = {s["path"]: s for s in summaries}
        self.base = out_dir.resolve()  # once: resolving is a system call per folder level
        self.folders: dict[str, str | None] = {}

    def __missing__(self, path: str) -> Link:
        link = self[path] = _link(self.plans[path], self.base, self.folders)
        return link

    def __contains__(self, path: object) -> bool:
        return path in self.plans


def _as_of(today: dt.date) -> str:
    return f"as of {today:%d %b %Y}"


def deal_order(summaries: list[dict]) -> list[dict]:
    """The plans that were read, in the order of the Deals sheet: worst band first, then close date, deal.
    Every sheet lists plans in this order before sorting its own rows."""
    return sorted((s for s in summaries if not s["error"]),
                  key=lambda s: (_WORST_FIRST.get(s["band"], 1), s["close_date"] or dt.date.max, s["deal"]))


_WORST_FIRST = {band: -rank for rank, band in enumerate(BANDS)}  # a band's place, worst first (1: not a band, last)


def _link(summary: dict, out_dir: Path, folders: dict[str, str | None]) -> Link:
    path = summary["path"]
    if summary.get("link"):  # a plan in Google Drive: keyed by file id, linked by its URL
        return Link(summary.get("deal") or summary.get("name") or path, summary["link"])
    return Link(summary.get("deal") or Path(path).stem, _relative(path, out_dir, folders))


def _relative(path: str, out_dir: Path, folders: dict[str, str | None]) -> str:
    """``os.path.relpath(path, out_dir)``, worked out once per folder (``folders``: folder -> its relative
    path and a separator, None on another drive (Windows): then ``path`` itself)."""
    folder, name = os.path.split(path)
    if not folder:  # not a path (a key with no folder)
        return _relpath(path, out_dir) or path
    if folder not in folders:  # what goes before a file's name: the folder's relative path and a separator
        rel = _relpath(folder, out_dir)
        folders[folder] = None if not rel else "" if rel == os.curdir else os.path.join(rel, "")
    before = folders[folder]
    return path if before is None else before + name


def _relpath(path: str, start: Path) -> str:
    try:
        return os.path.relpath(path, start)
    except ValueError:  # another drive (Windows): kept absolute
        return ""


# -- the sheets ------------------------------------------------------------------------------------------

# What a manager reads on paper first (one landscape page wide at a readable size), then what the screen adds.
DEALS = [Column("Deal", Kind.LINK, 28, wrap=True), Column("Owner", width=14), Column("Stage", width=12),
         Column("Value", Kind.MONEY, 11), Column("Currency", width=8), Column("Close date", Kind.DATE, 11),
         Column("Days to close", Kind.DAYS_LEFT, 8), Column("Score", Kind.INT, 6), Column("Band", Kind.BAND, 10),
         Column("Why", width=36, wrap=True), Column("% done", Kind.PERCENT, 7),
         Column("Overdue vendor", Kind.DAYS_LATE, 8), Column("Overdue customer", Kind.DAYS_LATE, 9),
         Column("Next milestone", width=20, wrap=True), Column("Next milestone due", Kind.DATE, 11),
         # screen only:
         Column("Customer", width=22), Column("Grade", width=7), Column("Last check-in", Kind.DATE, 12),
         Column("Last reviewed", Kind.DATE, 12), Column("Close-date pushes", Kind.DAYS_LATE, 10),
         Column("Plan file", Kind.FILE, 40)]
DEALS_PRINTED = 15


#: A Deals row's values from its plan's summary, between its link and its pushes (one call, not 18 look-ups).
_DEAL_VALUES = itemgetter("owner", "stage", "value", "currency", "close_date", "days_to_close", "score", "band", "why",
                          "pct_done", "overdue_vendor", "overdue_customer", "next_milestone", "next_milestone_due",
                          "customer", "grade", "last_checkin", "last_reviewed")


def deals_table(read: list[dict], pushes: dict[str, int], links: dict[str, Link], as_of: str) -> Table:
    rows = []
    for s in read:
        link = links[s["path"]]
        rows.append((link, *_DEAL_VALUES(s), pushes.get(s["path"], 0), link.target))
    return Table("Deals", f"Every deal, worst band first, {as_of}. Each row links to its plan.", DEALS, rows,
                 printed=DEALS_PRINTED)


def deal_row_rest(row: tuple) -> str:
    """What a Deals row holds besides its plan's summary's values (``_DEAL_VALUES``): its link and its pushes."""
    link = row[0]
    return f"{link.text}\0{link.target}\0{row[-2]}\0{row[-1]}"


ACTIONS = [Column("Deal", width=28, wrap=True), Column("Deal owner", width=14), Column("ID", width=5),
           Column("Action", width=48, wrap=True), Column("Milestone", width=22, wrap=True), Column("Party", width=9),
           Column("Owner", width=16), Column("Due", Kind.DATE, 11), Column("Status", width=11),
           Column("Days overdue", Kind.DAYS_LATE, 8)]


def action_rows(s: dict) -> list[tuple]:
    return [(s["deal"], s["owner"], *a) for a in s["actions"]]  # every field of an ActionRow, in its order


def action_order(row: tuple) -> tuple:
    """Most overdue first, then by due date."""
    return (-row[9], _day(row[7]))


def actions_table(read: list[dict], as_of: str) -> Table:
    rows = detail_rows(read, "Actions")
    return Table("Actions", f"Every open action of every plan, most overdue first, {as_of}. "
                 "Filter by owner, party or deal.", ACTIONS, rows)


OVERDUE = [Column("Party", width=10), Column("Owner", width=20), Column("Overdue items", Kind.DAYS_LATE, 9),
           Column("1-6 days late", Kind.INT, 9), Column("7+ days late", Kind.DAYS_LATE, 9),
           Column("Oldest (days)", Kind.DAYS_LATE, 9), Column("Deals", Kind.INT, 7),
           Column("Which deals", width=60, wrap=True)]


NO_PARTY = "(no party)"


def overdue_table(read: list[dict], as_of: str) -> Table:
    late: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for s in read:
        for a in s["actions"]:
            if a.days_overdue:
                late[(a.party or NO_PARTY, a.owner or "(no owner)")].append((a.days_overdue, s["deal"]))
    rows = []
    for (party, owner), items in late.items():
        days = [d for d, _ in items]
        deals = sorted(set(deal for _, deal in items))
        rows.append((party, owner, len(items), sum(1 for d in days if d < 7), sum(1 for d in days if d >= 7),
                     max(days), len(deals), ", ".join(deals)))
    rows.sort(key=lambda r: (r[0] != "Customer", -r[2], -r[5]))
    sideless = sum(r[2] for r in rows if r[0] == NO_PARTY)
    note = (f" {sideless} of them say no side (Vendor or Customer) and are counted apart, under {NO_PARTY}: "
            "give them a party (`mapsheet import` does it for a sheet made elsewhere)." if sideless else "")
    return Table("Overdue", f"Who owes what: overdue open actions by party and owner, {as_of}.{note}", OVERDUE, rows)


MILESTONES = [Column("Due", Kind.DATE, 11), Column("Week of", Kind.DATE, 11), Column("Deal", width=24, wrap=True),
              Column("Deal owner", width=14), Column("ID", width=5), Column("Milestone", width=26, wrap=True),
              Column("Side", width=9), Column("Owner", width=16), Column("Start", Kind.DATE, 11),
              Column("Status", width=11), Column("Days overdue", Kind.DAYS_LATE, 8),
              Column("Deal close date", Kind.DATE, 11)]


def milestone_rows(s: dict) -> list[tuple]:
    deal, owner, close = s["deal"], s["owner"], s["close_date"]
    return [(due, due - _BACK[due.weekday()] if due else None, deal, owner, m_id, name, side, m_owner, start, status,
             overdue, close)
            for m_id, name, side, m_owner, start, due, status, _, overdue in s["milestones"]  # a MilestoneRow
            if status not in CLOSED_STATUSES]


_BACK = [dt.timedelta(days=n) for n in range(7)]  # from a day back to its week's Monday (date.weekday())


def milestone_order(row: tuple) -> tuple:
    """By due date (undated last), then deal."""
    return (_day(row[0]), row[2])


def milestones_table(read: list[dict], as_of: str) -> Table:
    rows = detail_rows(read, "Milestones")
    return Table("Milestones", f"Open milestones of every deal in date order: the cross-deal timeline, {as_of}.",
                 MILESTONES, rows)


RISKS = [Column("Deal", width=22, wrap=True), Column("Deal owner", width=14), Column("ID", width=5),
         Column("Risk", width=34, wrap=True), Column("Category", width=12), Column("Likelihood", width=11),
         Column("Impact", width=8), Column("Mitigation / contingency", width=36, wrap=True),
         Column("Risk owner", width=16), Column("Status", width=9), Column("Attention", width=20, wrap=True)]


def risk_rows(s: dict) -> list[tuple]:
    return [(s["deal"], s["owner"], *r, _risk_attention(r)) for r in s["risks"]]


def risk_order(row: tuple) -> tuple:
    """Likeliest and biggest first, then by deal."""
    return (-LEVEL_RANK.get(row[5], 0) * LEVEL_RANK.get(row[6], 0), row[0])


def risks_table(read: list[dict], as_of: str) -> Table:
    rows = detail_rows(read, "Risks")
    return Table("Risks", f"Open risks of every deal, likeliest and biggest first, {as_of}.", RISKS, rows)


def _risk_attention(risk) -> str:
    notes = []
    if risk.likelihood == "High" and risk.impact == "High":
        notes.append("high likelihood and impact")
    if not risk.mitigation:
        notes.append("no mitigation")
    if not risk.owner:
        notes.append("no owner")
    return "; ".join(notes)


CHANGES = [Column("Change", width=18, wrap=True), Column("Deal", Kind.LINK, 28, wrap=True),
           Column("Deal owner", width=14), Column("What", width=28, wrap=True), Column("Before", width=13),
           Column("After", width=13), Column("Move", Kind.INT, 7), Column("Plan file", Kind.FILE, 40)]


def changes_table(changes: list[Change] | None, links: dict[str, Link], last_sync_at: str | None) -> Table:
    if last_sync_at:
        last_sync_at = f"{dt.datetime.fromisoformat(last_sync_at):%d %b %Y %H:%M}"
    if changes is None:
        return Table("Changes", "First sync: nothing to compare with yet. From the next sync on, this sheet lists "
                     "slipped dates, score and band moves, new and vanished plans.", CHANGES, [])
    targets = {c.path: links[c.path].target if c.path in links else _gone(c.path) for c in changes}
    rows = [(c.change, Link(c.deal or Path(c.path).stem, targets[c.path]), c.owner, c.item, _show(c.before),
             _show(c.after), c.move, targets[c.path]) for c in changes]
    caption = (f"Since the last sync ({last_sync_at}): {len(rows)} change{'s' if len(rows) != 1 else ''}; "
               "Move is in days for dates, points for scores, percentage points for progress.")
    return Table("Changes", caption if rows else f"Nothing changed since the last sync ({last_sync_at}).",
                 CHANGES, rows)


def _gone(key: str) -> str:
    """Where a plan no longer read was: its path, or its Drive address (a ``google:<id>`` key, sources.py)."""
    return f"https://drive.google.com/open?id={key[7:]}" if key.startswith("google:") else key


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value:%d %b %Y}"
    if isinstance(value, float):
        return f"{value:.0%}"
    return "" if value is None else str(value)


PROBLEMS = [Column("Plan", Kind.LINK, 30, wrap=True), Column("Deal owner", width=14),
            Column("Problem", width=20, wrap=True), Column("Where", width=18), Column("Detail", width=60, wrap=True),
            Column("Plan file", Kind.FILE, 40)]
SYNONYM_NOTE = " For information:"  # starts the Problems caption's note on accepted synonyms (not a problem)
PROBLEM_NAMES = {"missing-sheet": "Missing tab", "missing-column": "Missing column",
                 "renamed-column": "Renamed column (accepted)",
                 "extra-column": "Extra column", "unknown-template-version": "Unknown template version"}


def problems_table(summaries: list[dict], links: dict[str, Link], as_of: str) -> Table:
    rows, notes, unreadable, drifted, renamed = [], [], 0, 0, 0
    for s in sorted(summaries, key=itemgetter("path")):
        link = links[s["path"]]
        if s["error"]:
            unreadable += 1
            rows.append((link._replace(text=s.get("name") or Path(s["path"]).name), "", "Could not be read", "", s["error"],
                         link.target))
            continue
        drifted += needs_attention(s)
        renamed += has_synonyms(s)
        for d in s["drift"]:
            row = (link, s["owner"], PROBLEM_NAMES.get(d.kind, d.kind), d.cell, d.detail, link.target)
            (rows if d.kind in DRIFT_VALUES else notes).append(row)
        if s["band"] == NOT_CHECKABLE:
            rows.append((link, s["owner"], NOT_CHECKABLE, "", s["why"], link.target))
    note = (f"{SYNONYM_NOTE} {renamed} plan{'s' if renamed != 1 else ''} name{'s' if renamed == 1 else ''} "
            "some columns by accepted synonyms (listed below); they are read in full." if renamed else "")
    if not rows:
        return Table("Problems", f"No problems: every plan was read and follows the template ({as_of}).{note}",
                     PROBLEMS, notes)
    parts = [f"{n} plan{'s' if n != 1 else ''} {what}" for n, what in
             ((unreadable, "could not be read and are missing from every other sheet"),
              (drifted, "no longer follow the template or cannot be judged, so some of their values may be "
                        "missing")) if n]
    return Table("Problems", "ATTENTION: " + "; ".join(parts) + ". Fix them in the plans and sync again." + note,
                 PROBLEMS, rows + notes, loud=True)


class Detail(NamedTuple):
    """A detail sheet: rows of many plans, each plan's rows made alone, then all put in one order (a plan's
    place among the plans breaks ties, as a stable sort of all rows would)."""

    columns: list[Column]
    rows: Any  # summary -> its rows
    order: Any  # row -> sort key of ints and text (JSON round-trips it unchanged)


DETAILS = {"Actions": Detail(ACTIONS, action_rows, action_order),
           "Milestones": Detail(MILESTONES, milestone_rows, milestone_order),
           "Risks": Detail(RISKS, risk_rows, risk_order)}


def detail_rows(read: list[dict], sheet: str) -> list[tuple]:
    detail = DETAILS[sheet]
    rows = [r for s in read for r in detail.rows(s)]
    rows.sort(key=detail.order)
    return rows


_LAST_DAY = dt.date.max.toordinal()


def _day(d: dt.date | None) -> int:
    """A date as a sort key, undated last."""
    return d.toordinal() if d else _LAST_DAY


# -- the dashboard -----------------------------------------------------------------------------------------

def dashboard(read: list[dict], changes: list[Change], problems: Table, today: dt.date,
              with_problems: int) -> Dashboard:
    bands = Counter(map(_BAND, read))
    figures: list[tuple[str, Any, Kind]] = [("Plans rolled up", len(read), Kind.INT)]
    figures += [(f"{band}", bands.get(band, 0), Kind.INT) for band in BANDS]
    value: dict[str, float] = defaultdict(float)
    for s in read:
        if isinstance(s["value"], (int, float)) and math.isfinite(s["value"]):
            value[s["currency"] or "(no currency)"] += s["value"]
    figures += [(f"Pipeline value ({cur})", total, Kind.MONEY) for cur, total in sorted(value.items())]
    sideless = sum(s.get("overdue_no_party", 0) for s in read)  # said only when a plan has some
    figures += [("Overdue actions, vendor side", sum(map(itemgetter("overdue_vendor"), read)), Kind.DAYS_LATE),
                ("Overdue actions, customer side", sum(map(itemgetter("overdue_customer"), read)), Kind.DAYS_LATE),
                *([("Overdue actions, side not said", sideless, Kind.DAYS_LATE)] if sideless else []),
                ("Close dates slipped since the last sync",
                 sum(1 for c in changes if c.change == "Close date slipped"), Kind.DAYS_LATE),
                ("Plans with problems", with_problems, Kind.DAYS_LATE)]
    alert = problems.caption.split(SYNONYM_NOTE)[0] if problems.loud else ""
    return Dashboard(f"Mutual action plans: the roll-up, as of {today:%d %b %Y}", alert, figures,
                     charts(read))


_BAND = itemgetter("band")


def charts(read: list[dict]) -> list[Chart]:
    bands = Counter(map(_BAND, read))
    by_owner: dict[str, Counter] = defaultdict(Counter)
    by_month: dict[tuple[int, int], Counter] = defaultdict(Counter)
    # The plans counted by (owner, band) and (close date, band) in one call each, then the few pairs gathered.
    for (owner, band), count in Counter(map(itemgetter("owner", "band"), read)).items():
        by_owner[owner or "(no owner)"][band] += count
    for (close, band), count in Counter(map(itemgetter("close_date", "band"), read)).items():
        if close:
            by_month[(close.year, close.month)][band] += count
    owners = sorted(by_owner, key=lambda o: (-sum(by_owner[o].values()), o))
    months = sorted(by_month)
    late = {p: Counter() for p in ("Vendor", "Customer")}
    for s in read:
        for a in s["actions"]:
            if a.days_overdue and a.party in late:
                late[a.party]["7+ days late" if a.days_overdue >= 7 else "1-6 days late"] += 1
    return [
        Chart("Plans by health band", "column", BANDS, [("Plans", [bands.get(b, 0) for b in BANDS])]),
        Chart("Plans by owner and band", "bar", owners,
              [(b, [by_owner[o].get(b, 0) for o in owners]) for b in BANDS], stacked=True),
        Chart("Close dates by month", "column", [dt.date(y, m, 1).strftime("%b %Y") for y, m in months],
              [(b, [by_month[k].get(b, 0) for k in months]) for b in BANDS], stacked=True),
        Chart("Overdue actions by party", "bar", list(late),
              [(k, [late[p].get(k, 0) for p in late]) for k in ("1-6 days late", "7+ days late")], stacked=True),
    ]


# -- fitting a sheet's row limit ---------------------------------------------------------------------------

def split(table: Table, max_rows: int) -> list[Table]:
    """``table`` as one or more sheets of at most ``max_rows`` rows each, every one saying which part it is:
    rows are never dropped to fit a format's limit."""
    if len(table.rows) <= max_rows:
        return [table]
    parts = [table.rows[i:i + max_rows] for i in range(0, len(table.rows), max_rows)]
    names = [table.sheet] + [f"{table.sheet} ({n})" for n in range(2, len(parts) + 1)]
    out = []
    for n, rows in enumerate(parts):
        first = n * max_rows + 1
        more = f" Continued on '{names[n + 1]}'." if n + 1 < len(parts) else ""
        note = f"Part {n + 1} of {len(parts)}: rows {first:,}-{first + len(rows) - 1:,} of {len(table.rows):,}.{more} "
        out.append(replace(table, sheet=names[n], rows=rows, caption=note + table.caption))
    return out
