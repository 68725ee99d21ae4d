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
