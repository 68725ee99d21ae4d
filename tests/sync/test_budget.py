"""The per-plan time budget (``limits.plan_seconds``): a plan over it is skipped with a sentence naming the
setting, the sync goes on, and the alarm's handler is put back where a process reads more than plans."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time

import pytest

from mapsheet.sync import budget, run, summary

from .conftest import TODAY, RollupBook
from mapsheet.sync import sync

needs_timer = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no interval timer (Windows): no limit")


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@needs_timer
def test_a_block_over_its_budget_is_stopped_and_the_handler_put_back():
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(budget.OverBudget) as raised:
        with budget.time_budget(0.05):
            _spin(5)
    assert str(raised.value) == ("reading and checking this plan took longer than 0.05 s (limits.plan_seconds); "
                                 "it is skipped: make it smaller or raise the limit in mapsheet.toml")
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with budget.time_budget(0.05):  # within its budget: nothing raised, the timer disarmed after it
        pass
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_budget_outside_the_main_thread_or_when_unset():
    outcome = []

    def block():
        with budget.time_budget(0.01):
            time.sleep(0.05)
        outcome.append("done")

    thread = threading.Thread(target=block)
    thread.start()
    thread.join()
    with budget.time_budget(0):
        time.sleep(0.02)
    assert outcome == ["done"]


def _kept_in_a_process(queue) -> None:
    """A reading process: the handler installed once, each plan its own budget, named in its sentence."""
    budget.keep_handler()
    handler, messages = signal.getsignal(signal.SIGALRM), []
    for seconds in (0.05, 0.1):
        try:
            with budget.time_budget(seconds):
                _spin(5)
        except budget.OverBudget as exc:
            messages.append(str(exc).split(" (")[0])
        messages.append(signal.getsignal(signal.SIGALRM) is handler and signal.getitimer(signal.ITIMER_REAL) == (0, 0))
    queue.put(messages)


@needs_timer
@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the process is forked")
def test_a_reading_process_keeps_its_handler_and_names_each_plans_budget():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_kept_in_a_process, args=(queue,))
    process.start()
    messages = queue.get(timeout=30)
    process.join(30)
    assert messages == ["reading and checking this plan took longer than 0.05 s", True,
                        "reading and checking this plan took longer than 0.1 s", True]


@needs_timer
@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the test's slow plan reaches pool readers that fork")
def test_a_plan_over_its_budget_in_a_pool_is_reported_and_the_others_synced(plans_dir, tmp_path, monkeypatch):
    slow = sorted(plans_dir.glob("*.xlsx"))[5]
    summarize = summary.summarize

    def slowly(path, today, config, read=None):
        if path == str(slow):
            _spin(30)
        return summarize(path, today, config, read)

    (plans_dir / "mapsheet.toml").write_text("[limits]\nplan_seconds = 0.5\n")
    monkeypatch.setattr(summary, "summarize", slowly)
    monkeypatch.setattr(run, "IN_PROCESS", 4)  # 25 plans are many, for the test
    report = sync([plans_dir], tmp_path / "rollup.xlsx", today=TODAY, jobs=2)
    assert (report.read, report.unreadable) == (25, 1)
    problems = RollupBook(tmp_path / "rollup.xlsx").rows("Problems")
    assert [(p["Plan"], p["Detail"]) for p in problems if p["Problem"] == "Could not be read"] == [
        (slow.name, "reading and checking this plan took longer than 0.5 s (limits.plan_seconds); it is skipped: "
                    "make it smaller or raise the limit in mapsheet.toml")]
