"""Full syncs of two checkouts side by side, in alternating pairs, each pair with the calamine read floor (issue #16).

    python benchmarks/full_pairs.py CHECKOUT_A CHECKOUT_B [--pairs 8]

Each checkout needs its own .venv (a symlink to this one's will do) with its bytecode compiled
(``.venv/bin/python -m compileall -q mapsheet``). Per pair: the 2-process floor (``calamine_floor.py``), then a full
sync (fresh history) of the 1,000 sample plans (benchmarks/.data/plans-1000, written by run.py) by A and by B,
in an order that alternates pair by pair. Prints each one's wall times, each against its pair's floor, and B's time
over A's per pair: on a host whose speed drifts during a run, the ratio of neighbours says more than either.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLANS = HERE / ".data" / "plans-1000"


def floor() -> float:
    started = time.perf_counter()
    parts = [subprocess.Popen([sys.executable, str(HERE / "calamine_floor.py"), str(PLANS), "--part", f"{k}/2"],
                              stdout=subprocess.DEVNULL) for k in range(2)]
    for part in parts:
        part.wait()
    return time.perf_counter() - started


def full_sync(checkout: Path, work: Path) -> float:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    command = [str(checkout / ".venv" / "bin" / "python"), "-m", "mapsheet", "sync", str(PLANS),
               "--out", str(work / "rollup.xlsx"), "--history", str(work / "history.sqlite"),
               "--today", "2026-11-27", "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=checkout, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if "1,000 read" not in done.stdout:
        raise SystemExit(f"{checkout}: the sync did not read the 1,000 plans:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--pairs", type=int, default=8)
    args = parser.parse_args()
    if not PLANS.is_dir():
        raise SystemExit(f"no sample plans in {PLANS}: run `python benchmarks/run.py sync` once first")
    checkouts = [args.a.resolve(), args.b.resolve()]
    times: dict[Path, list[float]] = {c: [] for c in checkouts}
    floors = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.pairs):
            floors.append(floor())
            for checkout in checkouts if n % 2 == 0 else checkouts[::-1]:
                times[checkout].append(full_sync(checkout, Path(tmp) / "work"))
    print(f"floor: median {statistics.median(floors):.3f} s ({' '.join(f'{f:.2f}' for f in floors)})")
    for checkout in checkouts:
        own = times[checkout]
        print(f"{checkout}: median {statistics.median(own):.3f} s ({' '.join(f'{t:.2f}' for t in own)}); "
              f"x the floor: {' '.join(f'{t / f:.2f}' for t, f in zip(own, floors))}")
    ratios = [b / a for a, b in zip(*times.values())]
    print(f"B / A per pair: {' '.join(f'{r:.3f}' for r in ratios)}; median {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
