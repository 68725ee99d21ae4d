"""Drive folders as sync sources: which arguments name Drive, listing them, and reading the changed plans
side by side within Google's quotas (the client's rate limiter paces every request).

Plans are keyed by Drive file id (``google:<id>``, the plan reference key), so a plan renamed or moved to
another folder keeps its history; its cache entry is its Drive ``version`` and ``modifiedTime`` (every
edit moves both), so an unchanged plan costs nothing beyond its share of the listing (1 request per
1,000 files). A plan read is a summary cached at once: a sync killed half way resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from ..google import DEFAULT_STRATEGY, STRATEGIES

if TYPE_CHECKING:
    from ..config import Config
    from ..google.client import GoogleClient
    from ..google.drive import DriveFile

#: Plans read at once from Drive. Reads wait on Google, not on the CPU; the Sheets strategy is paced by
#: its 60-a-minute quota whatever this is.
DRIVE_JOBS = 8
TIME_LIMIT = 30 * 60.0  # seconds of reading from Drive after which the plans left wait for the next sync
CHECKPOINT = 50  # summaries cached per history transaction while reading


def split_sources(sources: Iterable[str | os.PathLike]) -> tuple[list, list[str]]:
    """(local paths, folders and globs; Drive ids) in their order. An argument that exists on disk is local."""
    local, drive = [], []
    for source in sources:
        if Path(source).exists():
            local.append(source)
            continue
        from ..google.drive import drive_id  # only for an argument that is no file: a sync of files needs no Drive

        found = drive_id(str(source))
        (drive.append(found) if found else local.append(source))
    return local, drive


def client_factory(credentials=None, *, session=None, retry=None, caller=None, limits=None,
                   ) -> Callable[[], "GoogleClient"]:
    """One client for the whole sync, signed in when Drive is first needed, paced by Google's quotas."""
    made: dict = {}

    def client() -> "GoogleClient":
        if "client" not in made:
            from ..google.client import connect
            from ..google.ratelimit import Limits

            chosen = limits
            if chosen is None:
                chosen = Limits.google(clock=retry.clock, sleep=retry.sleep) if retry is not None else Limits.google()
            made["client"] = connect(credentials, session=session, retry=retry, caller=caller, limits=chosen)
        return made["client"]

    return client


def check_strategy(strategy: str | None) -> str:
    from ..errors import MapsheetError

    chosen = strategy or DEFAULT_STRATEGY
    if chosen not in STRATEGIES:
        raise MapsheetError(f"--read-via {chosen}: choose {' or '.join(STRATEGIES)}")
    return chosen


def list_files(client: "GoogleClient", ids: list[str], exclude: Iterable[str] = ()) -> list[DriveFile]:
    from ..google.drive import list_plans

    return list_plans(client, ids, exclude=frozenset(exclude))


def read_files(client: "GoogleClient", files: list[DriveFile], *, strategy: str, today: dt.date,
               config: "Config", jobs: int | None = None, progress=None,
               checkpoint: Callable[[list[tuple[DriveFile, dict]]], None] | None = None,
               time_limit: float | None = None) -> dict[str, dict]:
    """Summaries of ``files`` by ref key, read ``jobs`` at a time; unreadable plans come back with
    ``error`` set (the reason Google or the reader gave). ``checkpoint`` is handed every ``CHECKPOINT``
    summaries as they arrive (the sync caches them), so an interrupted sync loses little. Past
    ``time_limit`` seconds (default ``TIME_LIMIT``; a storm of 429s could otherwise hold every plan up to
    its own deadline) the plans not started are not read: they come back with the reason."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from ..google.drive import read_plan
    from . import summary

    report = progress or (lambda done, total: None)
    results: dict[str, dict] = {}
    pending: list[tuple[DriveFile, dict]] = []
    report(0, len(files))
    clock = client.retry.clock
    stop_at = clock() + (TIME_LIMIT if time_limit is None else time_limit)

    def one(f: DriveFile) -> dict:
        if clock() >= stop_at:
            minutes = (TIME_LIMIT if time_limit is None else time_limit) / 60
            return {"path": f.ref.key, "error": f"not read: the sync's time limit ({minutes:g} min) passed while "
                    "Google was slow to answer; it is read at the next sync", "name": f.name, "link": f.link}
        s = summary.summarize(f.ref.key, today, config, read=lambda: read_plan(client, f, strategy))
        return s | {"name": f.name, "link": f.link}

    with ThreadPoolExecutor(max_workers=max(1, min(jobs or DRIVE_JOBS, len(files) or 1))) as pool:
        futures = {pool.submit(one, f): f for f in files}
        try:
            for future in as_completed(futures):
                f = futures[future]
                results[f.ref.key] = s = future.result()
                if not s["error"]:
                    pending.append((f, s))
                if checkpoint and len(pending) >= CHECKPOINT:
                    checkpoint(pending)
                    pending = []
                report(len(results), len(files))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            if checkpoint and pending:
                checkpoint(pending)
    return results
