"""The sync history: an SQLite file beside the roll-up (``rollup.xlsx`` -> ``rollup.history.sqlite``).

It keeps, per sync and plan, the key fields and the score (so the Changes sheet and close-date pushes need
no CRM), and the last summary of every plan keyed by its plan reference key (``sources.PlanRef.key``: a
file's absolute path, so histories written before references existed read unchanged; the column is still
named ``path``), size and modification time (so a plan that has not changed is not read again). Summaries are also keyed by the *context* they were made in (reference
date, configuration, mapsheet version): a new day can move a plan's band, so it is checked again.

A plan's state is written when it changed (or the plan is new): ``plan_last`` says which sync's row is each
plan's latest, for the plans of the last sync; a sync that changed 10 plans of 1,000 adds 10 rows, not 1,000, so
the history grows with what changes (it grew by about 0.7 MB a re-sync of 1,000 plans when every sync wrote every
plan's state: schema 1, made schema 2 when first opened).

Everything a sync learned is recorded in one transaction after the roll-up is written: a sync that fails
or is interrupted leaves the history as it was, and the next sync compares with the last roll-up written.
What the plans read gave is staged as they arrive (``stage``: a temporary table, on disk, gone with the
connection), so a sync of 10,000 plans does not hold their stored summaries in memory until the end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Mapping, NamedTuple

from ..errors import MapsheetError
from ..memo import Memo

SCHEMA_VERSION = "2"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS syncs (
    id INTEGER PRIMARY KEY, at TEXT, today TEXT, version TEXT, fingerprint TEXT,
    rollup TEXT, rollup_size INTEGER, rollup_mtime_ns INTEGER, plans INTEGER, unreadable INTEGER,
    drifted INTEGER);
CREATE TABLE IF NOT EXISTS plan_state (
    sync_id INTEGER, path TEXT, deal TEXT, owner TEXT, close_date TEXT, score INTEGER, band TEXT,
    pct_done REAL, pushes INTEGER, milestones TEXT, readable INTEGER, PRIMARY KEY (sync_id, path));
-- Each plan of the last sync and the sync whose plan_state row is its state (the last that changed it).
CREATE TABLE IF NOT EXISTS plan_last (path TEXT PRIMARY KEY, sync_id INTEGER);
CREATE TABLE IF NOT EXISTS plan_cache (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, context TEXT, summary BLOB, light BLOB, rows BLOB);
-- What tells a re-sync which plans changed (cache_keys), read from this index alone: 5x quicker than from the
-- table, whose rows are spread over a page or more each by their summaries.
CREATE INDEX IF NOT EXISTS plan_cache_keys ON plan_cache (path, size, mtime_ns, context);
CREATE TABLE IF NOT EXISTS rollup_blocks (key BLOB PRIMARY KEY, crc INTEGER, size INTEGER, rows BLOB, data BLOB);
"""
_CACHE_COLUMNS = "path, size, mtime_ns, context, summary, light, rows"
_STATE_COLUMNS = "path, deal, owner, close_date, score, band, pct_done, pushes, milestones, readable"
_LAST_STATES = (f"SELECT {', '.join('s.' + c for c in _STATE_COLUMNS.split(', '))} FROM plan_last l "
                "JOIN plan_state s ON s.sync_id = l.sync_id AND s.path = l.path")
#: A history of schema 1 (every plan's state written at every sync) made one of schema 2: its last sync's plans.
_MIGRATE_1 = ("BEGIN; INSERT OR REPLACE INTO plan_last SELECT path, sync_id FROM plan_state "
              "WHERE sync_id = (SELECT max(id) FROM syncs); UPDATE meta SET value = '2' WHERE key = 'schema'; COMMIT;")


def default_history_path(rollup: Path) -> Path:
    return rollup.with_name(f"{rollup.stem}.history.sqlite")


class PlanState(NamedTuple):
    """What a sync remembers of one plan, to compare the next sync with."""

    path: str
    deal: str
    owner: str
    close_date: dt.date | None
    score: int | None
    band: str
    pct_done: float | None
    pushes: int  # times the close date moved later, over the whole history
    milestones: Mapping[str, tuple[str, dt.date | None]]  # id -> (name, due)
    readable: bool = True


_state = partial(tuple.__new__, PlanState)  # a PlanState from a tuple of its fields, without namedtuple's __new__


class LastSync(NamedTuple):
    id: int
    at: str
    fingerprint: str
    rollup: str
    rollup_size: int | None
    rollup_mtime_ns: int | None
    unreadable: int
    drifted: int


class CacheEntry(NamedTuple):
    path: str
    size: int
    mtime_ns: int
    context: str
    summary: bytes
    light: bytes | None = None  # summary.light, stored (a roll-up by blocks reads this, not the summary)
    rows: bytes | None = None  # the plan's detail rows: their order and digests (plan_rows.index)


#: The page size of a new history (``History``), in bytes.
PAGE_SIZE = 16384


class History:
    def __init__(self, path: Path):
        self.path = path
        self._staged = False  # whether the temporary table of staged summaries exists
        self._recorded = False  # whether what it holds was recorded (then it is emptied before staging more)
        self._pending: list[CacheEntry] = []  # staged, not yet written to it
        # The states ``last_states`` gave, with their rows as stored, and those ``prepare`` made rows of (by id: a
        # state recorded is written from its row, not serialised again; the state is kept so its id is not reused).
        self._loaded: dict[int, tuple[PlanState, tuple]] = {}
        self._last: dict[str, tuple] | None = None  # the last sync's states as stored, by stored path (``last_states``)
        self._isos = Memo(_iso)  # close dates as stored (``_row``)
        import sqlite3  # here: a sync forks its reading processes before it opens its history (~2 ms)

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30)
            # A new history's pages are 16 KB, not SQLite's 4 KB: a first sync of 1,000 plans writes its ~7 MB in
            # a quarter of the calls (about 430, not 1,900) and keeps its staged summaries without spilling them to a
            # temporary file; a history made before keeps its own pages (this only applies to an empty file).
            self.db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            # One transaction, the schema's version in it: a new history waits for the disk once, not six times nor
            # twice (about 15 ms each here), and an existing one writes nothing.
            self.db.executescript(f"BEGIN; {_SCHEMA} INSERT OR IGNORE INTO meta VALUES ('schema', '{SCHEMA_VERSION}'); "
                                  "COMMIT;")
            if self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("1",):
                self.db.executescript(_MIGRATE_1)
            columns = {r[1] for r in self.db.execute("PRAGMA table_info(plan_cache)")}
            for column in ("light", "rows"):  # a history written before roll-ups by blocks
                if column not in columns:
                    self.db.execute(f"ALTER TABLE plan_cache ADD COLUMN {column} BLOB")
        except sqlite3.DatabaseError as exc:
            raise MapsheetError(f"{path}: the sync history cannot be opened ({exc}); move it away to start a new "
                                "history (the roll-up is rebuilt from the plans, the Changes sheet starts over)") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading --------------------------------------------------------------------------------------
    def cache_keys(self) -> dict[str, tuple[int, int, str]]:
        """path -> (size, mtime_ns, context) of every cached summary: enough to tell what changed."""
        return {_path(p): (s, m, c)
                for p, s, m, c in self.db.execute("SELECT path, size, mtime_ns, context FROM plan_cache")}

    def cached_summaries(self, paths: Iterable[str]) -> dict[str, bytes]:
        wanted = set(paths)
        if not wanted:  # a re-sync asks for none (every plan cached light): no pass over every stored summary
            return {}
        return {_path(p): blob for p, blob in self.db.execute("SELECT path, summary FROM plan_cache")
                if _path(p) in wanted}

    def cached_light(self, paths: Iterable[str]) -> dict[str, tuple[bytes, bytes]]:
        """path -> (light summary, detail rows) of the plans ``paths`` whose cache has both."""
        wanted = set(paths)
        return {_path(p): (light, rows) for p, light, rows in
                self.db.execute("SELECT path, light, rows FROM plan_cache WHERE light IS NOT NULL AND rows IS NOT NULL")
                if _path(p) in wanted}

    def staged_summaries(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The whole summaries of the plans ``paths`` read in this sync (``stage``)."""
        wanted = set(paths)
        self._flush()
        return {_path(p): blob for p, blob in self.db.execute("SELECT path, summary FROM temp.staged")
                if _path(p) in wanted}

    def blocks(self) -> tuple[dict[bytes, tuple], str, bytes]:
        """The blocks of rows of the last roll-up written by blocks (xlsx_blocks), the formats they hold, and the
        keys of its Deals rows (``xlsx_blocks.keyed_rows``)."""
        meta = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('block_styles', 'block_keyed')"))
        keyed = meta.get("block_keyed")
        return ({key: rest for key, *rest in self.db.execute("SELECT key, crc, size, rows, data FROM rollup_blocks")},
                meta.get("block_styles") or "", keyed if isinstance(keyed, bytes) else b"")

    def last_sync(self) -> LastSync | None:
        row = self.db.execute("SELECT id, at, fingerprint, rollup, rollup_size, rollup_mtime_ns, unreadable, drifted FROM syncs "
                              "ORDER BY id DESC LIMIT 1").fetchone()
        return LastSync(*row) if row else None

    def last_states(self) -> dict[str, PlanState]:
        """The state of every plan of the last sync (each as the last sync that changed it recorded it)."""
        out, dates, last = {}, Memo(_date), {}
        for r in self.db.execute(_LAST_STATES):  # a re-sync's 1,000: each state made without a Python call
            path = _path(r[0]) if r[0].startswith(_BYTES) else r[0]
            state = out[path] = _state((path, r[1], r[2], dates[r[3]], r[4], r[5], r[6], r[7], Milestones(r[8]),
                                        bool(r[9])))
            self._loaded[id(state)] = (state, r)
            last[r[0]] = r
        self._last = last
        return out

    # -- writing (one transaction) --------------------------------------------------------------------
    def stage(self, entries: Iterable[CacheEntry]) -> None:
        """Keep what plans read in this sync gave until ``record`` caches it; a sync that ends before leaves
        the cache as it was (the next sync's plans keep the states the last sync recorded with them).
        Written to the temporary table a few hundred at a time."""
        self._pending += entries
        if len(self._pending) >= 256:
            self._flush()

    def _flush(self) -> None:
        if not self._staged:
            self.db.execute("CREATE TEMP TABLE staged AS SELECT * FROM plan_cache WHERE 0")
            self._staged = True
        elif self._recorded:
            self.db.execute("DELETE FROM temp.staged")
            self._recorded = False
        with self.db:
            self._put("INSERT INTO temp.staged", self._pending)
        self._pending = []

    def _put(self, into: str, entries: Iterable[CacheEntry]) -> None:
        """Cache entries written by ``into`` ("INSERT [OR REPLACE] INTO table"), paths stored as SQLite holds them."""
        self.db.executemany(f"{into} ({_CACHE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(_stored(c[0]), *c[1:]) for c in entries])

    def cache(self, entries: Iterable[CacheEntry]) -> None:
        """Keep summaries as they are read (a cache keyed by version and context: safe before the sync ends)."""
        with self.db:
            self._put("INSERT OR REPLACE INTO plan_cache", entries)

    def record(self, *, today: dt.date, version: str, fingerprint: str, rollup: Path | None,
               states: Iterable[PlanState], cache: Iterable[CacheEntry], forget: Iterable[str],
               unreadable: int, drifted: int, rollup_stat: tuple[int, int] | None = None,
               blocks: tuple[dict[bytes, tuple], str, bytes] | None = None,
               before_commit: Callable[[], object] | None = None) -> int:
        """``cache``: summaries to keep besides those staged (``stage``), which are kept first; ``rollup_stat``:
        what marks the roll-up unchanged when it is not (yet) at ``rollup`` (a Google Sheet; a workbook not yet put
        in place); ``blocks``: the roll-up's blocks of rows, their formats and its Deals rows' keys, when it was
        written by blocks (they replace the blocks kept); ``before_commit``: called once all is written but not
        committed (the roll-up put in place: ``safeio.Staged.replace``); what it raises leaves the history as it
        was."""
        states = list(states)
        if rollup_stat is not None:
            stat = _Stat(*rollup_stat)
        else:
            stat = rollup.stat() if rollup is not None and rollup.exists() else None
        self._flush()
        with self.db:
            cur = self.db.execute(
                "INSERT INTO syncs (at, today, version, fingerprint, rollup, rollup_size, rollup_mtime_ns, plans, "
                "unreadable, drifted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (dt.datetime.now().astimezone().isoformat(timespec="seconds"), today.isoformat(), version,
                 fingerprint, _stored(str(rollup or "")), stat and stat.st_size, stat and stat.st_mtime_ns, len(states), unreadable,
                 drifted))
            sync_id = cur.lastrowid
            last = self._record_states(sync_id, states)
            self.db.execute(f"INSERT OR REPLACE INTO plan_cache ({_CACHE_COLUMNS}) "
                            f"SELECT {_CACHE_COLUMNS} FROM temp.staged")
            self._recorded = True  # its rows are cached now (emptied only if more are staged: 0.02 s for 1,000)
            self._put("INSERT OR REPLACE INTO plan_cache", cache)
            self.db.executemany("DELETE FROM plan_cache WHERE path = ?", [(_stored(p),) for p in forget])
            if blocks is not None:
                self._keep_blocks(*blocks)
            if before_commit is not None:
                before_commit()
        self._last = last
        return sync_id

    def _record_states(self, sync_id: int, states: list[PlanState]) -> dict[str, tuple]:
        """The rows of the states that changed since the last sync (or are new), and which row is each plan's latest;
        the plans of the last sync not in this one are no longer among the last sync's. Gives the rows of this
        sync's states by stored path (what ``last_states`` would read back)."""
        last = self._last if self._last is not None else {r[0]: r for r in self.db.execute(_LAST_STATES)}
        rows = list(map(self._row, states))  # a state carried over unchanged gives the row it was read from
        changed = [row for row in rows if last.get(row[0]) != row]
        self.db.executemany(f"INSERT INTO plan_state (sync_id, {_STATE_COLUMNS}) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [(sync_id, *row) for row in changed])
        self.db.executemany("INSERT OR REPLACE INTO plan_last VALUES (?, ?)", [(row[0], sync_id) for row in changed])
        made = {row[0]: row for row in rows}
        self.db.executemany("DELETE FROM plan_last WHERE path = ?", [(p,) for p in last if p not in made])
        return made

    def prepare(self, states: Iterable[PlanState]) -> None:
        """Make now the rows ``record`` will write for ``states`` (about 0.04 s for 1,000 plans read afresh), while
        this process would otherwise wait (the roll-up's skeleton made apart: ``xlsx_blocks.write_rollup``)."""
        for s in states:
            if id(s) not in self._loaded:
                self._loaded[id(s)] = (s, self._row(s))

    def _row(self, s: PlanState) -> tuple:
        """A state as ``plan_state`` holds it (but its sync): as it was read, when it is one ``last_states`` gave."""
        loaded = self._loaded.get(id(s))
        if loaded is not None and loaded[0] is s:
            return loaded[1]
        milestones = s.milestones
        text = milestones.text if type(milestones) is Milestones and milestones.text is not None \
            else stored_milestones(milestones)
        return (_stored(s.path), _text(s.deal), _text(s.owner), self._isos[s.close_date], s.score, s.band, s.pct_done,
                s.pushes, text, int(s.readable))

    def _keep_blocks(self, blocks: dict[bytes, tuple], styles: str, keyed: bytes = b"") -> None:
        kept = {key for key, in self.db.execute("SELECT key FROM rollup_blocks")}
        self.db.executemany("DELETE FROM rollup_blocks WHERE key = ?", [(k,) for k in kept - blocks.keys()])
        self.db.executemany("INSERT INTO rollup_blocks VALUES (?, ?, ?, ?, ?)",
                            [(k, *b) for k, b in blocks.items() if k not in kept])
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                            [("block_styles", styles), ("block_keyed", keyed)])


class _Stat(NamedTuple):
    st_size: int
    st_mtime_ns: int


_BYTES = "\x00bytes:"  # a stored path whose name is not UTF-8: its bytes in hex, after this prefix


def _stored(path: str) -> str:
    """A plan path as SQLite can hold it (UTF-8), reversibly: a file name with bytes that are not UTF-8
    (os.fsdecode's surrogate escapes) is stored as its bytes in hex."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return _BYTES + os.fsencode(path).hex()
    return path


def _path(stored: str) -> str:
    return os.fsdecode(bytes.fromhex(stored[len(_BYTES):])) if stored.startswith(_BYTES) else stored


def _text(value: str | None) -> str | None:
    return value.encode("utf-8", "backslashreplace").decode("utf-8") if isinstance(value, str) else value


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _milestones(text: str | None) -> dict[str, tuple[str, dt.date | None]]:
    return {k: (n, _date(d)) for k, (n, d) in json.loads(text or "{}").items()}


def stored_milestones(milestones: Mapping[str, tuple[str, dt.date | None]]) -> str:
    """A state's milestones as ``plan_state`` holds them (JSON: id -> [name, ISO date or null])."""
    return json.dumps({k: [n, _iso(d)] for k, (n, d) in milestones.items()})


class Milestones(Mapping):
    """A state's milestones (``PlanState.milestones``) as stored (``stored_milestones``), read from their JSON when
    first looked at: the states of plans not read again are carried to the next sync as stored, never looked at;
    those of plans read come so from where they were read (``details.Read.milestones``), and are written as they
    came."""

    __slots__ = ("text", "read")

    def __init__(self, text: str | None):
        self.text = text
        self.read: dict[str, tuple[str, dt.date | None]] | None = None

    def _read(self) -> dict[str, tuple[str, dt.date | None]]:
        if self.read is None:
            self.read = _milestones(self.text)
        return self.read

    def __getitem__(self, key: str) -> tuple[str, dt.date | None]:
        return self._read()[key]

    def __iter__(self):
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())
