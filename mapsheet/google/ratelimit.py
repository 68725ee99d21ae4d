"""Staying under Google's per-minute quotas instead of discovering them by 429s (pure: no HTTP).

A ``RateLimiter`` hands out send times: at most ``limit`` requests in any ``window`` seconds, in the order
asked. Each caller sleeps until its slot, outside the lock, so concurrent readers queue fairly and the
quota is never exceeded even when replies are slow. Google counts a request when it arrives; a slot is
taken before sending, so the window is widened by ``margin`` seconds for the time a request travels.

``Limits`` holds one limiter per quota mapsheet meets: Sheets reads, Sheets writes (60 a minute per user
each) and Drive requests (12,000 a minute per user; mapsheet keeps to 10,000).
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

SHEETS_PER_MINUTE = 60
DRIVE_PER_MINUTE = 10_000


class RateLimiter:
    def __init__(self, limit: int, window: float = 60.0, *, margin: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.limit, self.window, self.margin = limit, window, margin
        self.clock, self.sleep = clock, sleep
        self._slots: collections.deque[float] = collections.deque(maxlen=limit)
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds callers spent waiting for a slot, for reports and tests

    def acquire(self) -> float:
        """Wait for a slot to send one request; returns the seconds waited."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._slots[-1] if self._slots else now)
            if len(self._slots) == self.limit:
                slot = max(slot, self._slots[0] + self.window + self.margin)
            self._slots.append(slot)
            self.waited += slot - now
        if slot > now:
            self.sleep(slot - now)
        return slot - now


@dataclass
class Limits:
    """One limiter per Google quota; ``for_request`` picks the one a request counts against."""

    sheets_read: RateLimiter
    sheets_write: RateLimiter
    drive: RateLimiter
    _all: list = field(default_factory=list, repr=False)

    @classmethod
    def google(cls, *, clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep, sheets: int = SHEETS_PER_MINUTE,
               drive: int = DRIVE_PER_MINUTE) -> "Limits":
        def make(n: int) -> RateLimiter:
            return RateLimiter(n, 60.0, clock=clock, sleep=sleep)

        return cls(make(sheets), make(sheets), make(drive))

    def for_request(self, method: str, url: str) -> RateLimiter:
        if url.startswith("https://sheets.googleapis.com/"):
            return self.sheets_read if method.upper() == "GET" else self.sheets_write
        return self.drive
