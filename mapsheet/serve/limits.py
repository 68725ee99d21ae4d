"""Limits that keep one caller from tiring the server: requests per user per minute, body size, and how
long a body may take to arrive."""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import deque
from typing import AsyncIterator, Callable

from .errors import Refused

WINDOW_SECONDS = 60.0


class RateLimiter:
    """At most ``per_minute`` requests per key in any sliding minute."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> None:
        now = self._clock()
        with self._lock:
            stamps = self._seen.setdefault(key, deque())
            while stamps and stamps[0] <= now - WINDOW_SECONDS:
                stamps.popleft()
            if len(stamps) >= self.per_minute:
                wait = max(1, math.ceil(stamps[0] + WINDOW_SECONDS - now))
                raise Refused(429, "rate-limited", f"{key} has checked {self.per_minute} times in the last minute, "
                              f"the most this server allows; try again in {wait} s",
                              headers={"Retry-After": str(wait)})
            stamps.append(now)
            if len(self._seen) > 10_000:  # forget callers idle for a minute
                for idle in [k for k, v in self._seen.items() if not v or v[-1] <= now - WINDOW_SECONDS]:
                    del self._seen[idle]


async def read_body(chunks: AsyncIterator[bytes], declared_length: str | None, max_bytes: int,
                    timeout: float) -> bytes:
    """The whole request body, refused when it is (or says it will be) over ``max_bytes``, or when it has
    not all arrived within ``timeout`` seconds (a slow or stalled client)."""
    limit_mb = max_bytes / 1_048_576
    too_large = Refused(413, "too-large", f"the plan sent is larger than this server accepts ({limit_mb:g} MB); "
                        "it sends only the plan's tabs, so a plan this large needs trimming, or the admin can "
                        "raise --max-body-mb")
    if declared_length is not None:
        if not declared_length.isdigit():
            raise Refused(400, "bad-request", "the request's Content-Length is not a number")
        if int(declared_length) > max_bytes:
            raise too_large

    async def collect() -> bytes:
        parts, size = [], 0
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise too_large
            parts.append(chunk)
        return b"".join(parts)

    try:
        return await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        raise Refused(408, "too-slow", f"the plan did not arrive within {timeout:g} s; check the connection and "
                      "try again") from None
