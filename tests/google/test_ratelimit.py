"""The rate limiter (mapsheet/google/ratelimit.py): never more than its limit in any window, in the order
asked, waiting only as long as needed; the slots it hands out are checked against a sliding window."""

from __future__ import annotations

import threading

from fake import ThreadClock

from mapsheet.google.ratelimit import Limits, RateLimiter


def worst_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


def test_a_burst_is_spread_so_no_window_holds_more_than_the_limit():
    clock = ThreadClock()
    limiter = RateLimiter(60, 60.0, margin=1.0, clock=clock.monotonic, sleep=clock.sleep)
    sent: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(25):
            limiter.acquire()
            with lock:
                sent.append(clock.monotonic())
            clock.sleep(0.15)  # the request's own latency

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 200
    assert worst_window(sent, 60.0) <= 60
    # 200 requests at 60 a minute (plus a second's margin each minute): just over three minutes, not more
    assert 3 * 61 <= clock.elapsed() < 3 * 61 + 5


def test_under_the_limit_nobody_waits():
    clock = ThreadClock()
    limiter = RateLimiter(60, 60.0, clock=clock.monotonic, sleep=clock.sleep)
    assert [limiter.acquire() for _ in range(60)] == [0.0] * 60
    assert limiter.acquire() == 61.0  # the 61st waits for the first to leave the window (and the margin)


def test_each_request_counts_against_its_own_quota():
    limits = Limits.google()
    assert limits.for_request("GET", "https://sheets.googleapis.com/v4/spreadsheets/x") is limits.sheets_read
    assert limits.for_request("POST", "https://sheets.googleapis.com/v4/spreadsheets/x:batchUpdate") \
        is limits.sheets_write
    assert limits.for_request("GET", "https://www.googleapis.com/drive/v3/files/x/export") is limits.drive
