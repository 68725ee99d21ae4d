"""The history's writing: states whose rows were made early (``prepare``) are recorded as those made at the
end, and what was staged is cached by the record that follows it only."""

from __future__ import annotations

import datetime as dt
import sqlite3

from mapsheet.sync.history import CacheEntry, History, PlanState

TODAY = dt.date(2026, 11, 27)


def states() -> list[PlanState]:
    return [PlanState(f"/plans/{n}.xlsx", f"Deal {n}", "Ann", TODAY + dt.timedelta(days=n), 70 + n, "On track",
                      0.5, n % 2, {"M1": ("Kick-off", TODAY), "M2": ("Sign", None)}) for n in range(5)]


def record(store: History, states: list[PlanState]) -> int:
    return store.record(today=TODAY, version="1", fingerprint="f", rollup=None, states=states, cache=[], forget=[],
                        unreadable=0, drifted=0)


def rows(path, sync_id: int) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM plan_state WHERE sync_id = ? ORDER BY path", (sync_id,)).fetchall()


def test_rows_prepared_early_are_those_recorded_at_the_end(tmp_path):
    with History(tmp_path / "a.sqlite") as store:
        a = record(store, states())
    with History(tmp_path / "b.sqlite") as store:
        prepared = states()
        store.prepare(prepared)
        b = record(store, prepared)
    assert rows(tmp_path / "a.sqlite", a) == rows(tmp_path / "b.sqlite", b) != []


def test_what_was_staged_is_cached_by_the_next_record_only(tmp_path):
    path = tmp_path / "h.sqlite"
    with History(path) as store:
        store.stage([CacheEntry("/plans/1.xlsx", 1, 1, "c", b"first")])
        record(store, [])
        with sqlite3.connect(path) as db:  # the plan is removed from the cache by another sync meanwhile
            db.execute("DELETE FROM plan_cache")
        store.stage([CacheEntry("/plans/2.xlsx", 2, 2, "c", b"second")])
        record(store, [])
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT path, summary FROM plan_cache").fetchall() == [("/plans/2.xlsx", b"second")]


def test_cached_summaries_are_those_asked_for_and_none_when_none_are(tmp_path):
    with History(tmp_path / "h.sqlite") as store:
        store.cache([CacheEntry(f"/plans/{n}.xlsx", n, n, "c", b"summary %d" % n) for n in range(3)])
        assert store.cached_summaries(["/plans/1.xlsx", "/plans/9.xlsx"]) == {"/plans/1.xlsx": b"summary 1"}
        assert store.cached_summaries([]) == {}


def test_states_read_back_are_the_states_recorded(tmp_path):
    """``states`` gives back what ``record`` kept: PlanStates equal to those recorded, field for field and type
    for type (dates as dates, undated as None, a path whose name is not UTF-8 as it was), read again unchanged."""
    odd = PlanState("/plans/caf\udce9.xlsx", "Odd", "", None, None, "Not checkable", None, 0, {}, readable=False)
    kept = [*states(), odd]
    with History(tmp_path / "h.sqlite") as store:
        sync_id = record(store, kept)
    with History(tmp_path / "h.sqlite") as store:
        back = store.last_states()
        assert back.keys() == {s.path for s in kept}
        for s in kept:
            got = back[s.path]
            assert type(got) is PlanState and got._replace(milestones=dict(got.milestones)) == s
            assert [type(v) for v in got[:-2]] == [type(v) for v in s[:-2]]
        record(store, back.values())
    with History(tmp_path / "h.sqlite") as store:
        assert store.last_states() == back


def test_a_sync_writes_the_states_that_changed_and_forgets_the_plans_gone(tmp_path):
    """A sync adds a row for each plan whose state changed or that is new, none for the others (the history grows
    with what changes, not with every plan at every sync); its last states are then this sync's plans, as they are,
    whether recorded by this sync or an earlier one; a plan no longer synced is not among them."""
    path = tmp_path / "h.sqlite"
    first = states()
    with History(path) as store:
        one = record(store, first)
    moved = first[1]._replace(close_date=TODAY + dt.timedelta(days=40), pushes=2)
    new = PlanState("/plans/new.xlsx", "New", "Bo", None, 55, "At risk", 0.0, 0, {})
    with History(path) as store:
        last = store.last_states()
        now = [last[first[0].path], moved, last[first[2].path], last[first[3].path], new]  # plan 4 is gone
        two = record(store, now)
    assert [r[1] for r in rows(path, two)] == [moved.path, new.path]
    assert len(rows(path, one)) == 5
    with History(path) as store:
        back = store.last_states()
        assert back.keys() == {s.path for s in now}
        assert back[moved.path].close_date == TODAY + dt.timedelta(days=40) and back[moved.path].pushes == 2
        assert dict(back[first[0].path].milestones) == first[0].milestones
        three = record(store, back.values())  # nothing changed: no row
    assert rows(path, three) == []
    with History(path) as store:
        assert store.last_states() == back


def test_a_history_of_schema_1_reads_its_last_sync_and_goes_on_by_changes(tmp_path):
    """A history written when every sync wrote every plan's state (schema 1, no ``plan_last``) gives its last sync's
    states when first opened, and is then written by changes (schema 2)."""
    path = tmp_path / "h.sqlite"
    with History(path) as store:
        record(store, states())
    old = states()
    with sqlite3.connect(path) as db:  # as schema 1 left it: two syncs, each with a row for every plan
        db.execute("DROP TABLE plan_last")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
        db.execute("INSERT INTO syncs (id, plans) VALUES (2, 5)")
        db.executemany("INSERT INTO plan_state SELECT 2, path, deal, owner, close_date, score + 1, band, pct_done, "
                       "pushes, milestones, readable FROM plan_state WHERE sync_id = 1 AND path = ?",
                       [(s.path,) for s in old])
    with History(path) as store:
        back = store.last_states()
        assert {p: s.score for p, s in back.items()} == {s.path: s.score + 1 for s in old}
        record(store, back.values())
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("2",)
        assert db.execute("SELECT count(*) FROM plan_state").fetchone() == (10,)


def test_a_new_history_has_large_pages_and_one_made_before_keeps_its_own(tmp_path):
    """A new history is made with 16 KB pages (fewer writes for a first sync); a history made with SQLite's
    4 KB pages (before) is used as it is: its states and cache read back, a new sync recorded in it."""
    with History(tmp_path / "new.sqlite") as store:
        record(store, states())
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as db:
        db.execute("PRAGMA page_size = 4096")
        db.execute("CREATE TABLE made_before (x)")
    with History(old) as store:
        store.stage([CacheEntry("/plans/1.xlsx", 1, 1, "c", b"summary")])
        first = record(store, states())
        assert store.last_states() == {s.path: s for s in states()}
        assert store.cached_summaries(["/plans/1.xlsx"]) == {"/plans/1.xlsx": b"summary"}
    for path, size in ((tmp_path / "new.sqlite", 16384), (old, 4096)):
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA page_size").fetchone() == (size,)
