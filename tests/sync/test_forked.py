"""Work done in a forked copy of the sync's process (``sync.forked``): what it puts comes back in order, a
copy that dies gives back what it put whole before, and a copy no longer wanted is stopped."""

from __future__ import annotations

import os
import time

import pytest

from mapsheet.sync import forked

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="no forked work where a process cannot fork")


def test_what_the_copy_puts_comes_back_in_order():
    child = forked.start(lambda put: [put({"plan": n, "rows": b"<row/>" * n}) for n in range(3)])
    assert child.results() == [{"plan": n, "rows": b"<row/>" * n} for n in range(3)]


def test_a_copy_that_dies_gives_back_what_it_put_before():
    def work(put):
        put("read")
        put("read too")
        os._exit(70)  # as a reader library's crash ends its process

    assert forked.start(work).results() == ["read", "read too"]


def test_a_copy_that_fails_gives_back_what_it_put_and_this_process_goes_on():
    def work(put):
        put(1)
        raise RuntimeError("a bug in the work")

    assert forked.start(work).results() == [1]


def test_a_copy_no_longer_wanted_is_stopped():
    child = forked.start(lambda put: time.sleep(60))
    pid = child.pid
    started = time.monotonic()
    child.close()
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):  # ended and reaped: no process left behind
        os.waitpid(pid, 0)


def test_a_value_the_copy_died_while_putting_is_not_given_back():
    class DiesWhilePickled:
        def __reduce__(self):
            os._exit(70)  # part of the value is in the file, its length is not

    def work(put):
        put(b"whole" * 100_000)  # large: pickled straight into the file
        put(["half", b"x" * 100_000, DiesWhilePickled()])

    assert forked.start(work).results() == [b"whole" * 100_000]


def test_results_come_back_when_the_work_is_done_not_once_the_copy_has_ended(monkeypatch):
    """Ending a copy (giving its memory back) takes a few milliseconds that this process need not wait for."""
    real_exit = os._exit
    monkeypatch.setattr(os, "_exit", lambda code: (time.sleep(3), real_exit(code)))  # a copy slow to end
    started = time.monotonic()
    assert forked.start(lambda put: put("made")).results() == ["made"]
    assert time.monotonic() - started < 2


def test_a_copy_whose_results_were_taken_is_not_left_behind_once_it_has_ended():
    child = forked.start(lambda put: put(1))
    pid = child.pid
    assert child.results() == [1]
    deadline = time.monotonic() + 10
    while True:  # waited for by the next copy started once it has ended: not left a zombie
        forked.start(lambda put: None).results()
        try:  # asked without waiting for it here (WNOWAIT): only forked may have waited for it
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            break
        assert time.monotonic() < deadline, "the copy was never waited for"
        time.sleep(0.05)
