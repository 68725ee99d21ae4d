"""What one plan may cost a sync: seconds to read and check it, and memory for the process reading it.

Both are settings (``limits.plan_seconds`` and ``limits.plan_memory_mb`` in mapsheet.toml). A plan over
its time becomes that plan's Problem and the sync goes on. The memory ceiling is set on each reading
process of a parallel sync (``RLIMIT_AS``, POSIX only): a plan that needs more fails in that process alone
(a ``MemoryError``, or the process dies and the plan is read again on its own, then reported), never the
sync. The guards of ``backends.xlsx_guard`` keep known hostile files far below either budget.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from ..errors import MapsheetError


class OverBudget(MapsheetError):
    """A plan took longer to read and check than ``limits.plan_seconds``."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise OverBudget in the block once ``seconds`` have passed (main thread on POSIX; else no limit)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def over(signum, frame):
        raise OverBudget(f"reading and checking this plan took longer than {seconds:g} s (limits.plan_seconds); "
                         "it is skipped: make it smaller or raise the limit in mapsheet.toml")

    previous = signal.signal(signal.SIGALRM, over)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def limit_memory(megabytes: float) -> None:
    """Cap this process's address space (a reading worker's, never the main process's)."""
    try:
        import resource
    except ImportError:  # Windows: no per-process ceiling
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = int(megabytes * (1 << 20))
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
