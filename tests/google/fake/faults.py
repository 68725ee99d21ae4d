"""Injected faults, Google's per-minute quota and a latency model, all on the fake's clock."""
from __future__ import annotations

import collections
import re
from dataclasses import dataclass, field
from typing import Callable

from . import errors


def _fault_error(kind: str, api: str) -> errors.ApiError | None:
    if kind == "429":
        return errors.quota_exhausted("Read", retry_after=None)
    if kind in ("500", "502", "503", "504"):
        return errors.server_error(int(kind))
    if kind in ("rate_limit", "rateLimitExceeded"):
        return errors.drive_rate_limit("rateLimitExceeded")
    if kind in ("user_rate_limit", "userRateLimitExceeded"):
        return errors.drive_rate_limit("userRateLimitExceeded")
    if kind in ("storage_quota", "storageQuotaExceeded"):
        return errors.storage_quota()
    if kind == "404":
        return errors.not_found() if api == "sheets" else errors.drive_not_found("unknown")
    if kind == "403":
        return errors.no_permission()
    if kind == "400":
        return errors.invalid("Invalid request (injected fault).")
    return None


FAULT_KINDS = ("429", "500", "502", "503", "504", "rate_limit", "user_rate_limit", "storage_quota", "404", "403",
               "400", "timeout", "connection")


@dataclass
class Fault:
    """One injected fault: answers `times` matching requests (None: every one) after skipping `after` of them.

    kind: one of FAULT_KINDS or an errors.ApiError. `timeout` raises requests' ReadTimeout; with applied=True the
    request is carried out first and only its answer is lost (a write that landed but timed out).
    """

    kind: object
    times: int | None = 1
    method: str | None = None
    url: str | None = None  # a regular expression searched in the URL
    api: str | None = None  # "sheets" | "drive"
    after: int = 0
    applied: bool = False
    retry_after: int | None = None
    hits: int = 0
    seen: int = 0

    def matches(self, method: str, url: str, api: str) -> bool:
        if self.method and self.method.upper() != method:
            return False
        if self.url and not re.search(self.url, url):
            return False
        if self.api and self.api != api:
            return False
        return True

    def fire(self) -> bool:
        """Called for each matching request: whether the fault answers this one."""
        self.seen += 1
        if self.seen <= self.after:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        self.hits += 1
        return True

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def error(self, api: str) -> errors.ApiError | None:
        if isinstance(self.kind, errors.ApiError):
            return self.kind
        err = _fault_error(str(self.kind), api)
        if err is not None and self.retry_after is not None:
            err.headers["Retry-After"] = str(self.retry_after)
        return err


@dataclass
class Quota:
    """Sheets API: `reads` read and `writes` write requests per `window` seconds per user (Google: 60/60/60 s)."""

    reads: int = 60
    writes: int = 60
    window: float = 60.0
    history: dict = field(default_factory=lambda: collections.defaultdict(collections.deque))
    rejected: int = 0
    peak: dict = field(default_factory=dict)

    def admit(self, user: str, kind: str, now: float) -> bool:
        limit = self.reads if kind == "read" else self.writes
        times = self.history[(user, kind)]
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= limit:
            self.rejected += 1
            return False
        times.append(now)
        self.peak[(user, kind)] = max(self.peak.get((user, kind), 0), len(times))
        return True


Latency = Callable[[str, str], float]  # (method, url) -> seconds


def constant_latency(seconds: float) -> Latency:
    return lambda method, url: seconds
