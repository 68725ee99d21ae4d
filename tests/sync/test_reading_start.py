"""A sync with no history yet reads every plan: its reading processes start as soon as the plans are listed
(``run._Early``), the first loading the checker while the sync works out the plans' settings and opens the
history. The roll-up must be the one a sync whose processes started later writes, and a sync that fails meanwhile
must leave no process behind."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from mapsheet.errors import MapsheetError
from mapsheet.sync import forked, run, sync
from mapsheet.sync.history import History

from .conftest import TODAY

sys.path.insert(0, str(Path(__file__).parents[1]))
from workbook_dump import dump_workbook  # noqa: E402

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="the early processes are forked (forkpool)")


class _Started(run._Early):
    """``run._Early``, counting its starts, the last one kept."""

    starts = 0
    last = None

    def __init__(self, jobs):
        type(self).starts += 1
        super().__init__(jobs)
        type(self).last = self


def test_a_first_sync_reads_with_processes_started_early_and_writes_the_same_rollup(plans_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "IN_PROCESS", 4)  # 25 plans are many, for the test
    monkeypatch.setattr(run, "_Early", _Started)
    early = sync([plans_dir], tmp_path / "early.xlsx", today=TODAY, jobs=2)
    assert _Started.starts == 1
    assert len(_Started.last.items) == 25  # every plan, handed over as soon as the plans' settings were known
    later_history = tmp_path / "later.history.sqlite"
    History(later_history).close()  # a history, empty: every plan is read, by processes started when it is known
    # (not as soon as the plans are listed, as a re-sync's are: ``_Early.changed``)
    monkeypatch.setattr(_Started, "changed", classmethod(lambda cls, stats, keys, jobs: None))
    later = sync([plans_dir], tmp_path / "later.xlsx", today=TODAY, jobs=2, history=later_history)
    assert _Started.starts == 1
    assert (early.read, early.cached, early.unreadable) == (later.read, later.cached, later.unreadable) == (25, 0, 0)
    assert dump_workbook(tmp_path / "early.xlsx") == dump_workbook(tmp_path / "later.xlsx")


def test_a_sync_that_fails_after_its_processes_started_leaves_none_running(plans_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "IN_PROCESS", 4)
    monkeypatch.setattr(run, "_Early", _Started)
    before = _Started.starts
    broken = tmp_path / "mapsheet.toml"
    broken.write_text("[thresholds\n")  # the configuration given cannot be read: the sync stops
    with pytest.raises(MapsheetError, match="not valid TOML") as failed:
        sync([plans_dir], tmp_path / "rollup.xlsx", today=TODAY, jobs=2, config=broken)
    assert _Started.starts == before + 1
    # While the error is held (its traceback keeps the sync's frame, and so the pool object, alive), the processes
    # must have been stopped by the sync itself, not by the pool's collection as garbage.
    _gone(_Started.last.pool.group)
    assert failed.traceback
    assert not (tmp_path / "rollup.xlsx").exists()


def test_a_sync_that_fails_after_handing_its_plans_over_leaves_no_process_running(plans_dir, tmp_path, monkeypatch):
    """A first sync hands its plans to the early processes before it makes its history (``_Early.hand``): a history
    that cannot be made stops the sync, and the processes, busy with the plans, with it."""
    monkeypatch.setattr(run, "IN_PROCESS", 4)
    monkeypatch.setattr(run, "_Early", _Started)
    (tmp_path / "a file").write_text("")
    with pytest.raises(OSError):
        sync([plans_dir], tmp_path / "rollup.xlsx", today=TODAY, jobs=2, history=tmp_path / "a file" / "h.sqlite")
    assert len(_Started.last.items) == 25  # the plans were handed over before the history failed
    _gone(_Started.last.pool.group)
    assert not (tmp_path / "rollup.xlsx").exists()


def _gone(group: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        forked._reap()
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail("the early reading processes were left running")


def test_a_first_sync_on_one_process_reads_in_this_one(plans_dir, tmp_path, monkeypatch):
    """``jobs=1``: the plans are read in the sync's own process, as before; no process is started for them."""
    monkeypatch.setattr(run, "IN_PROCESS", 4)
    monkeypatch.setattr(run, "_Early", _Started)
    before = _Started.starts
    report = sync([plans_dir], tmp_path / "rollup.xlsx", today=TODAY, jobs=1)
    assert report.read == 25 and _Started.starts == before


def test_where_a_process_cannot_fork_a_process_pool_reads_the_same_rollup(plans_dir, tmp_path, monkeypatch):
    """Windows and macOS: the reading processes are a ``concurrent.futures`` pool's (``run._Futures``), each loading
    the checker itself; the roll-up is the one the forked processes write."""
    monkeypatch.setattr(run, "IN_PROCESS", 4)
    forked_report = sync([plans_dir], tmp_path / "forked.xlsx", today=TODAY, jobs=2)
    pools = []

    class Counted(run._Futures):
        def __init__(self, jobs):
            pools.append(jobs)
            super().__init__(jobs)

    monkeypatch.setattr(run, "_Futures", Counted)
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    pooled = sync([plans_dir], tmp_path / "pooled.xlsx", today=TODAY, jobs=2)
    assert pools == [2]
    assert (pooled.read, pooled.unreadable) == (forked_report.read, forked_report.unreadable) == (25, 0)
    assert dump_workbook(tmp_path / "pooled.xlsx") == dump_workbook(tmp_path / "forked.xlsx")


def _edited_resync(plans_dir: Path, tmp_path: Path, name: str, edits: int = 3) -> tuple[Path, Path]:
    """The 25 plans synced, then ``edits`` of them given other plans' contents (changed size and time): the
    roll-up and history of that sync, copied under ``name``, for a re-sync to read the edited plans."""
    import shutil

    first = tmp_path / "first.xlsx"
    if not first.exists():
        sync([plans_dir], first, today=TODAY, jobs=2)
        files = sorted(plans_dir.iterdir())
        for target, source in zip(files[:edits], files[-edits:]):
            shutil.copy(source, target)
    out = tmp_path / f"{name}.xlsx"
    shutil.copy(first, out)
    shutil.copy(tmp_path / "first.history.sqlite", tmp_path / f"{name}.history.sqlite")
    return out, tmp_path / f"{name}.history.sqlite"


def test_a_resync_reads_its_changed_plans_with_a_process_started_early_and_writes_the_same_rollup(
        plans_dir, tmp_path, monkeypatch):
    """A re-sync whose plans changed by size or time starts its reading process as soon as they are listed
    (``_Early.changed``: one process for a few plans), hands it the plans once their settings are known, and
    writes the roll-up a re-sync reading them in a process started later writes."""
    monkeypatch.setattr(run, "_Early", _Started)
    out, history = _edited_resync(plans_dir, tmp_path, "early")
    before = _Started.starts
    early = sync([plans_dir], out, today=TODAY, jobs=2, history=history)
    assert _Started.starts == before + 1 and _Started.last.jobs == 1
    assert len(_Started.last.items) == 3  # the edited plans, handed over
    later_out, later_history = _edited_resync(plans_dir, tmp_path, "later")
    monkeypatch.setattr(_Started, "changed", classmethod(lambda cls, stats, keys, jobs: None))
    later = sync([plans_dir], later_out, today=TODAY, jobs=2, history=later_history)
    assert (early.read, early.cached) == (later.read, later.cached) == (3, 22)
    assert dump_workbook(out) == dump_workbook(later_out)


def test_a_resync_of_many_changed_plans_reads_them_with_a_pool_started_early(plans_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "IN_PROCESS", 4)  # 6 plans are many, for the test
    monkeypatch.setattr(run, "_Early", _Started)
    out, history = _edited_resync(plans_dir, tmp_path, "early", edits=6)
    report = sync([plans_dir], out, today=TODAY, jobs=2, history=history)
    assert _Started.last.jobs == 2 and len(_Started.last.items) == 6
    assert (report.read, report.cached) == (6, 19)


def test_a_resync_where_nothing_changed_starts_no_process(plans_dir, tmp_path, monkeypatch):
    """Nothing changed by size or time: no reading process is started (a no-change re-sync costs little more than
    the listing), and none is forked later either."""
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY, jobs=2)
    monkeypatch.setattr(run, "_Early", _Started)
    forks = []
    monkeypatch.setattr(forked, "start", lambda work: forks.append(work))
    before = _Started.starts
    again = sync([plans_dir], out, today=TODAY, jobs=2)
    assert (again.written, again.read) == (False, 0)
    assert _Started.starts == before and forks == []


def test_a_resync_that_fails_after_its_early_process_started_leaves_none_running(plans_dir, tmp_path, monkeypatch):
    """The process is started before the plans' settings are worked out: settings that cannot be read stop the
    sync, and the process with it (as the history failing to open stops a first sync's: ``_Early.taken``)."""
    monkeypatch.setattr(run, "_Early", _Started)
    out, history = _edited_resync(plans_dir, tmp_path, "failing")
    before = _Started.starts
    broken = tmp_path / "mapsheet.toml"
    broken.write_text("[thresholds\n")
    with pytest.raises(MapsheetError, match="not valid TOML"):
        sync([plans_dir], out, today=TODAY, jobs=2, history=history, config=broken)
    assert _Started.starts == before + 1
    _gone(_Started.last.pool.group)


def test_a_resync_on_a_new_day_reads_every_plan_whatever_was_started_early(plans_dir, tmp_path, monkeypatch):
    """A new reference date changes every plan's context, not its size or time: the plans are all read again, by
    the processes ``start_reading`` starts when the early one was started for fewer (its reader then stopped)."""
    import datetime as dt

    monkeypatch.setattr(run, "IN_PROCESS", 4)  # 3 edited plans are few, the 25 plans many, for the test
    monkeypatch.setattr(run, "_Early", _Started)
    out, history = _edited_resync(plans_dir, tmp_path, "newday")
    before = _Started.starts
    report = sync([plans_dir], out, today=TODAY + dt.timedelta(days=1), jobs=2, history=history)
    assert _Started.starts == before + 1 and _Started.last.jobs == 1 and _Started.last.items is None
    _gone(_Started.last.pool.group)
    assert (report.read, report.cached) == (25, 0)
    again = sync([plans_dir], out, today=TODAY + dt.timedelta(days=2), jobs=2, history=history)
    assert _Started.starts == before + 1  # nothing changed by size or time: none started early
    assert (again.read, again.cached) == (25, 0)
