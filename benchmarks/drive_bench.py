"""Syncing a Google Drive folder of plans, against the local Google with Google's latency and quotas.

    python benchmarks/drive_bench.py                 # 1,000 native Sheets, 150 ms a request, both strategies
    python benchmarks/drive_bench.py --plans 200     # quicker
    python benchmarks/drive_bench.py --latency 0.3 --changed 25

For each way of reading a native Sheet ("export": Drive's files.export to .xlsx, read by the calamine reader;
"sheets": the Sheets API's one spreadsheets.get), a cold sync (fresh history) and then a warm one where
``--changed`` plans were edited, each into a roll-up Google Sheet. The fake answers in process on a virtual
clock (tests/google/fake ThreadClock: every thread has its own timeline, so 8 concurrent requests of 150 ms
take 150 ms), so the "Google time" column is what the sync would take against Google at that latency and
under its quotas (60 Sheets reads and 60 writes a minute per user, enforced by the fake: a request past
them is a 429), while "CPU time" is this machine's own work (mapsheet and the fake together).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests" / "google"), str(HERE.parent)]

from fake import FakeGoogle, ThreadClock  # noqa: E402

from drive_plans import fill_folder  # noqa: E402
from mapsheet.google.client import Caller, Retry  # noqa: E402
from mapsheet.samples import write_samples  # noqa: E402
from mapsheet.sync import sync  # noqa: E402
from mapsheet.sync.drive import client_factory  # noqa: E402
from mapsheet.sync.gsheet import GoogleRollup  # noqa: E402

TODAY = dt.date(2026, 11, 27)
OPERATIONS = {"drive.files.export": "export", "sheets.spreadsheets.get": "sheets get",
              "drive.files.list": "list", "sheets.spreadsheets.batchUpdate": "batchUpdate"}


def run(strategy: str, plans: int, latency: float, changed: int, templates: list[Path], work: Path) -> list[dict]:
    clock = ThreadClock()
    g = FakeGoogle(quota=True, latency=latency, clock=clock, strict=False)  # strict: see the tests (slower)
    folder = g.add_folder("Team plans")
    ids = fill_folder(g, folder, templates, plans, native_every=1)
    rollup_id = g.add_spreadsheet("Roll-up", parents=[folder])
    retry = Retry(sleep=clock.sleep, clock=clock.monotonic)
    google = client_factory(session=g.session(), caller=Caller(g.user), retry=retry)
    target = GoogleRollup(google(), rollup_id)
    rows = []
    for phase in ("cold", "warm"):
        if phase == "warm":
            for file_id in ids[:: max(1, plans // changed)][:changed]:
                g.edit(file_id, "Overview!B30", "edited")
        g.reset_log()
        start_virtual, start_cpu = clock.elapsed(), time.process_time()
        report = sync([folder], target, today=TODAY, google=google, history=work / f"{strategy}.sqlite",
                      read_via=strategy)
        kinds = Counter(OPERATIONS.get(r.operation, "other") for r in g.requests)
        rows.append({"strategy": strategy, "phase": phase, "plans read": report.read,
                     "Google time": clock.elapsed() - start_virtual, "CPU time": time.process_time() - start_cpu,
                     "requests": len(g.requests), "kinds": dict(kinds), "429s": g.quota.rejected,
                     "peak reads/min": g.quota.peak.get((g.user, "read"), 0),
                     "batchUpdates": report.google.requests if report.google else 0})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.15, help="seconds a Google request takes")
    parser.add_argument("--changed", type=int, default=10, help="plans edited before the warm sync")
    parser.add_argument("--strategy", choices=("export", "sheets"), action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        templates = [p for _, p in write_samples(work / "samples", 25, seed=7, today=TODAY)]
        results = []
        for strategy in args.strategy or ["export", "sheets"]:
            results += run(strategy, args.plans, args.latency, args.changed, templates, work)
    print(f"{args.plans:,} native Google Sheets, {args.latency * 1000:.0f} ms a request, {args.changed} changed "
          "before the warm sync; roll-up written to a Google Sheet\n")
    print("| strategy | sync | plans read | Google time | requests | by kind | 429s | peak Sheets reads/min | "
          "CPU time here |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(r["kinds"].items(), key=lambda kv: -kv[1]))
        print(f"| {r['strategy']} | {r['phase']} | {r['plans read']:,} | {_time(r['Google time'])} | {r['requests']:,} "
              f"| {kinds} | {r['429s']} | {r['peak reads/min']} | {r['CPU time']:.1f} s |")


def _time(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


if __name__ == "__main__":
    main()
