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

from ..errors import MapsheetError

_TIMER = hasattr(signal, "setitimer")  # POSIX: Windows has no interval timer, and no limit
#: Whether this process keeps the budget's SIGALRM handler installed for good (``keep_handler``).
_KEPT = False
#: The budget of the plan being read, which the handler names.
_seconds: float = 0


class OverBudget(MapsheetError):
    """A plan took longer to read and check than ``limits.plan_seconds``."""


def _over(signum, frame):
    raise OverBudget(f"reading and checking this plan took longer than {_seconds:g} s (limits.plan_seconds); "
                     "it is skipped: make it smaller or raise the limit in mapsheet.toml")


def keep_handler() -> None:
    """Install the SIGALRM handler for good in a process that only reads plans (a sync's reading process): each
    plan's ``time_budget`` then only arms and disarms the timer, rather than swapping handlers twice a plan."""
    global _KEPT
    if _TIMER and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGALRM, _over)
        _KEPT = True


class time_budget:
    """``with time_budget(seconds):`` raises OverBudget in the block once ``seconds`` have passed (main thread on
    POSIX; else no limit). The handler it installs is put back after the block, unless the process keeps it
    (``keep_handler``). A class, not a generator: a sync enters one for each plan."""

    __slots__ = ("seconds", "previous")

    def __init__(self, seconds: float):
        self.seconds, self.previous = seconds, None

    def __enter__(self) -> None:
        global _seconds
        if not self.seconds or not _TIMER or threading.current_thread() is not threading.main_thread():
            self.seconds = 0
            return
        if not _KEPT:
            self.previous = (signal.signal(signal.SIGALRM, _over),)
        _seconds = self.seconds
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc) -> None:
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self.previous is not None:
                signal.signal(signal.SIGALRM, self.previous[0])


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
