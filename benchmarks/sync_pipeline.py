"""Two checkouts of mapsheet side by side on the same plans: a full sync, a re-sync after editing some plans,
and a re-sync with nothing changed, each as a whole `mapsheet sync` process, alternating which checkout runs
first; medians of the rounds, in wall time and in CPU time (the process and its reader processes: what a
machine shared with other jobs changes least).

    python benchmarks/sync_pipeline.py --baseline /work/main --plans benchmarks/.data/plans-1000

Each checkout runs with its own .venv (``<checkout>/.venv/bin/python -m mapsheet``) into its own roll-up and
history. The plans are copied once into a temporary folder; before each re-sync the same plans are edited
for both (an action's status and another's due date, with openpyxl), other plans each round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parents[1]


def run(checkout: Path, plans: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the sync and its reader processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([str(checkout / ".venv/bin/python"), "-m", "mapsheet", "sync", str(plans), "--out", str(out)],
                          cwd=checkout, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{checkout}: sync failed\n{proc.stdout}\n{proc.stderr}")
    return took, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def edit(plans: Path, count: int, offset: int) -> None:
    files = sorted(plans.glob("*.xlsx"))
    step = max(1, len(files) // count)
    for i in range(count):
        path = files[(i * step + offset) % len(files)]
        wb = openpyxl.load_workbook(path)
        ws = wb["Actions"]
        ws.cell(4, 7).value = "Done" if ws.cell(4, 7).value != "Done" else "In progress"
        due = ws.cell(5, 6).value
        ws.cell(5, 6).value = (due if isinstance(due, dt.datetime) else dt.datetime(2026, 12, 1)) + dt.timedelta(days=3)
        wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--candidate", type=Path, default=HERE)
    parser.add_argument("--plans", type=Path, default=HERE / "benchmarks/.data/plans-1000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    checkouts = {"baseline": args.baseline.resolve(), "candidate": args.candidate.resolve()}
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="sync-pipeline-") as tmp:
        plans = Path(tmp) / "plans"
        shutil.copytree(args.plans, plans)
        for n in range(args.rounds):
            names = list(checkouts) if n % 2 == 0 else list(reversed(checkouts))
            outs = {name: Path(tmp) / name / "rollup.xlsx" for name in names}
            for name in names:
                shutil.rmtree(outs[name].parent, ignore_errors=True)
                times.setdefault((name, "full"), []).append(run(checkouts[name], plans, outs[name]))
            edit(plans, args.edits, n)
            for step in (f"{args.edits} edited", "no change"):
                for name in names:
                    times.setdefault((name, step), []).append(run(checkouts[name], plans, outs[name]))
            print(f"round {n + 1}: " + ", ".join(f"{k[0]} {k[1]} {v[-1][0]:.2f}s (CPU {v[-1][1]:.2f}s)"
                                                 for k, v in times.items()), flush=True)
    print(f"\nmedians of {args.rounds} rounds, {len(list(args.plans.glob('*.xlsx')))} plans:")
    for i, what in enumerate(("wall", "CPU")):
        for step in ("full", f"{args.edits} edited", "no change"):
            base, cand = (statistics.median(t[i] for t in times[(name, step)]) for name in checkouts)
            full_b, full_c = (statistics.median(t[i] for t in times[(name, "full")]) for name in checkouts)
            print(f"  {what:>4} {step:>10}: baseline {base:.2f}s ({base / full_b:.0%} of its full), "
                  f"candidate {cand:.2f}s ({cand / full_c:.0%} of its full); candidate/baseline {cand / base:.2f}")


if __name__ == "__main__":
    main()
