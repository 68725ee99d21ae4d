"""Work done meanwhile in a forked copy of this process: a re-sync's main process hands it the reading of the
few changed plans and goes on with its own work (loading the writer and the cached summaries) meanwhile; a
sync hands it the roll-up's skeleton while it orders the rows (``xlsx_blocks.Skeleton``), and half of the new
blocks of rows.

A plain ``os.fork`` (about 2 ms), not a process pool (whose imports alone cost the main process about 40 ms):
the copy writes each result, pickled after its length, to a private file (``scratch``; a file, not a pipe: it
never waits for this process to take them) and ends without running what this process runs at its exit.
Pickle, as a process pool sends its results: the file lives as long as the work and nothing else can open it
(the history, which may sit in a shared folder, never holds a pickle). Where a process cannot fork safely
(Windows, macOS), ``start`` gives None and the caller does the work itself.
"""

from __future__ import annotations

import os
import pickle
import sys
from typing import Any, Callable

Put = Callable[[Any], None]


def can_fork() -> bool:
    """Whether a copy of this process can be forked to work beside it (not on macOS, where forking without
    exec is unsafe, nor where there is no fork)."""
    return hasattr(os, "fork") and sys.platform != "darwin"


def scratch():
    """A private file (read and written, gone once closed) for what a forked copy of this process and this one hand
    each other: made in memory where the system makes such files (Linux's ``memfd_create``: no file on disk, and
    ``tempfile`` not imported, with ``shutil``, ``random``, ``bz2`` and ``lzma``: about 4 ms of a re-sync before it
    forks its reading process), else a temporary file."""
    if hasattr(os, "memfd_create"):
        return open(os.memfd_create("mapsheet-work", os.MFD_CLOEXEC), "w+b")
    import tempfile

    return tempfile.TemporaryFile()


def start(work: Callable[[Put], None]) -> "Forked | None":
    """``work(put)`` run in a forked copy of this process, each value it ``put``s kept for ``results``; None
    where this process cannot fork."""
    if not can_fork():
        return None
    return Forked(work)


class Forked:
    def __init__(self, work: Callable[[Put], None]):
        _reap()
        self.file = scratch()
        # Closed by the copy once its work is done, before it ends: ending takes a few milliseconds more (its
        # memory given back), which this process need not wait for (``results``).
        done, self.done = os.pipe()
        self.pid: int | None = os.fork()
        if self.pid == 0:
            os.close(done)
            _run(work, self.file.fileno(), self.done)  # never returns
        os.close(self.done)
        self.done = done

    def results(self) -> list:
        """What the work put, in order, once it has ended (up to where it stopped: a value it died before
        putting whole is not there)."""
        try:
            if self.pid is not None:
                os.read(self.done, 1)  # nothing comes: it returns when the copy has closed its end, or died
                _ENDING.append(self.pid)
                self.pid = None
                _reap()
            # Each value loaded from the file itself: a roll-up's skeleton of 10,000 plans is 20 MB, which a read of
            # the whole file and a slice of it would hold twice more.
            out, at, size = [], 0, os.fstat(self.file.fileno()).st_size
            while at + 8 <= size:
                self.file.seek(at)
                length = int.from_bytes(self.file.read(8), "big")
                if not length or at + 8 + length > size:
                    break
                out.append(pickle.load(self.file))
                at += 8 + length
            return out
        finally:
            self.close()

    def close(self) -> None:
        """Stop the work, if it still runs (the caller failed before taking its results)."""
        if self.pid is not None:
            import signal

            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        if self.done >= 0:
            os.close(self.done)
            self.done = -1
        self.file.close()


#: Copies whose work is done that may not have ended yet: waited for without waiting (``_reap``), so that none is
#: left a zombie for long in a process that forks many (the tests, the HTTP service).
_ENDING: list[int] = []


def _reap() -> None:
    for pid in list(_ENDING):
        try:
            ended, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # already waited for (by a handler of this process's own)
            ended = pid
        if ended:
            _ENDING.remove(pid)


def _run(work: Callable[[Put], None], fd: int, done: int) -> None:
    import gc

    # What the copy inherited is never its garbage, and a collection that walks it writes to every object it
    # visits, so each page the two processes shared is copied: the copy, short-lived, collects nothing.
    gc.disable()
    code = 1
    try:
        with open(os.dup(fd), "wb") as out:
            def put(value: Any) -> None:
                """The value pickled into the file after its length, written once the value is whole (a value
                pickled straight into the file, not into bytes held first)."""
                start = out.tell()
                out.write(bytes(8))
                pickle.dump(value, out, pickle.HIGHEST_PROTOCOL)
                end = out.tell()
                out.seek(start)
                out.write((end - start - 8).to_bytes(8, "big"))
                out.seek(end)
                out.flush()

            work(put)
        code = 0
    finally:
        os.close(done)
        os._exit(code)
