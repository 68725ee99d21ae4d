"""mapsheet's benchmarks, side by side with their baselines, in one run.

    python benchmarks/run.py            # all of them (./dev bench does this)
    python benchmarks/run.py sync       # full sync of 1,000 plans vs a plain pandas consolidation
    python benchmarks/run.py resync     # a re-sync where nothing changed vs a full sync
    python benchmarks/run.py memory     # peak memory of a sync of 10,000 plans
    python benchmarks/run.py check      # reading one plan vs openpyxl/pandas; checking a 150-action plan
    python benchmarks/run.py write      # writing the 1,000-plan roll-up, in process, with each .xlsx writer

The generated plans are kept in benchmarks/.data/ between runs (1,000 sample plans take about 80 s to
write). The 10,000 plans are the 1,000 hard-linked ten times into subfolders under other names: same
content, so reading them costs what reading 10,000 distinct plans costs, in a fraction of the set-up time.
Every command runs as its own process, timed end to end (start-up and imports included).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
TODAY = dt.date(2026, 11, 27)
SEED = 7
GOALS = {"sync": 15.0, "resync": 0.10, "memory_mb": 1024}


def plans(count: int = 1000) -> Path:
    """The folder of ``count`` sample plans (seed 7, judged on 2026-11-27), generated once and kept."""
    folder = DATA / f"plans-{count}"
    marker = folder / ".complete"
    if marker.exists() and marker.read_text() == f"{count} {SEED} {TODAY}":
        return folder
    from mapsheet.samples import write_samples

    shutil.rmtree(folder, ignore_errors=True)
    print(f"Generating {count} sample plans into {folder} (once; about {count * 0.08:.0f} s)...", flush=True)
    write_samples(folder, count, seed=SEED, today=TODAY)
    marker.write_text(f"{count} {SEED} {TODAY}")
    return folder


def ten_thousand() -> Path:
    folder = DATA / "plans-10000"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    source = plans(1000)
    shutil.rmtree(folder, ignore_errors=True)
    for batch in range(10):
        sub = folder / f"team-{batch:02d}"
        sub.mkdir(parents=True)
        for plan in source.glob("*.xlsx"):
            os.link(plan, sub / f"t{batch:02d} {plan.name}")
    marker.write_text("10000")
    return folder


def sync_command(folder: Path, work: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mapsheet", "sync", str(folder), "--out", str(work / "rollup.xlsx"),
            "--history", str(work / "history.sqlite"), "--today", TODAY.isoformat(), "--quiet", *extra]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: some sample plans drifted, on purpose
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def bench_sync(work: Path) -> dict:
    folder = plans(1000)
    mapsheet = timed(sync_command(folder, work / "sync"))
    pandas = timed([sys.executable, str(HERE / "pandas_baseline.py"), str(folder), str(work / "pandas.xlsx")])
    ratio = pandas / mapsheet
    print(f"sync 1,000 plans: mapsheet {mapsheet:.1f} s, pandas consolidation {pandas:.1f} s -> "
          f"{ratio:.1f}x faster (goal >= {GOALS['sync']:.0f}x) {_verdict(ratio >= GOALS['sync'])}")
    return {"mapsheet_s": mapsheet, "pandas_s": pandas, "ratio": ratio}


def bench_resync(work: Path) -> dict:
    folder = plans(1000)
    full = timed(sync_command(folder, work / "resync"))
    again = timed(sync_command(folder, work / "resync"))
    ratio = again / full
    startup = min(timed([sys.executable, "-m", "mapsheet", "--help"]) for _ in range(3))
    print(f"re-sync with nothing changed: {again:.2f} s vs full sync {full:.1f} s -> {ratio:.1%} "
          f"(goal < {GOALS['resync']:.0%}) {_verdict(ratio < GOALS['resync'])}")
    own = again - startup
    tail = (f"the re-sync itself {own:.2f} s = {own / (full - startup):.1%} of the full sync's own work" if own > 0
            else "the re-sync's own work is within the noise of that start-up")
    print(f"  of which starting the mapsheet command (imports; `mapsheet --help`) {startup:.2f} s; {tail}")
    return {"full_s": full, "resync_s": again, "ratio": ratio, "startup_s": startup}


def bench_memory(work: Path) -> dict:
    folder = ten_thousand()
    cmd = sync_command(folder, work / "memory")
    # The largest single process (ru_maxrss of the children of a fresh wrapper), and the whole process tree
    # (the sync and its reader processes) sampled every 50 ms.
    wrapper = [sys.executable, "-c", "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)", *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(wrapper, stdout=subprocess.PIPE, text=True)
    tree_peak = _sample_tree(proc)
    out, _ = proc.communicate()
    elapsed = time.perf_counter() - start
    largest = int(out.strip().splitlines()[-1]) / 1024
    print(f"sync 10,000 plans: {elapsed:.1f} s; peak memory {largest:.0f} MB in the largest process, "
          f"{tree_peak:.0f} MB for all its processes together (goal < {GOALS['memory_mb']} MB) "
          f"{_verdict(max(largest, tree_peak) < GOALS['memory_mb'])}")
    return {"seconds": elapsed, "largest_mb": largest, "tree_mb": tree_peak}


# Builds the roll-up of the plans once (as a sync does), then times each writer on it: the median of three.
WRITE_SCRIPT = """
import datetime as dt, statistics, sys, time
from pathlib import Path
from mapsheet.sync import excel, run
write, captured = excel.write_rollup, []
excel.write_rollup = lambda rollup, path, writer=None: captured.append(rollup)
run._by_blocks = lambda *args: False  # the whole roll-up laid out as data, for each writer to write it all
work = Path(sys.argv[2])
run.sync([sys.argv[1]], work / "rollup.xlsx", today=dt.date.fromisoformat(sys.argv[3]), history=work / "h.sqlite")
rollup = captured[0]
print(sum(len(t.rows) for t in rollup.tables), sum(len(t.rows) * len(t.columns) for t in rollup.tables))
for writer in excel.WRITERS:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        write(rollup, work / f"{writer}.xlsx", writer)
        times.append(time.perf_counter() - start)
    print(writer, statistics.median(times), (work / f"{writer}.xlsx").stat().st_size)
"""


def bench_write(work: Path) -> dict:
    folder = plans(1000)
    (work / "write").mkdir()
    proc = subprocess.run([sys.executable, "-c", WRITE_SCRIPT, str(folder), str(work / "write"), TODAY.isoformat()],
                          capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"the write benchmark failed:\n{proc.stderr}")
    lines = proc.stdout.split("\n")
    rows, cells = map(int, lines[0].split())
    times = {name: (float(t), int(size)) for name, t, size in (ln.split() for ln in lines[1:] if ln)}
    print(f"writing the 1,000-plan roll-up ({rows:,} rows, {cells:,} cells), in process, median of 3: " +
          ", ".join(f"{name} {t:.2f} s ({size / 1e6:.1f} MB)" for name, (t, size) in times.items()))
    return {name: t for name, (t, _) in times.items()}


def _sample_tree(proc: subprocess.Popen) -> float:
    peak = 0.0

    def rss_tree(pid: int) -> float:
        total, stack = 0, [pid]
        while stack:
            p = stack.pop()
            try:
                status = Path(f"/proc/{p}/status").read_text()
                total += int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmRSS")))
                for task in Path(f"/proc/{p}/task").iterdir():
                    stack += [int(c) for c in (task / "children").read_text().split()]
            except (OSError, StopIteration):
                continue
        return total / 1024

    def watch() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, rss_tree(proc.pid))
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    proc.wait()
    thread.join()
    return peak


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def bench_check(work: Path) -> dict:
    """Reading a plan (vs openpyxl and pandas) and checking a 150-action plan: benchmarks/check_bench.py."""
    proc = subprocess.run([sys.executable, str(HERE / "check_bench.py")], capture_output=True, text=True)
    print(proc.stdout.rstrip())
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    return {"ok": proc.returncode == 0}


BENCHES = {"check": bench_check, "sync": bench_sync, "resync": bench_resync, "memory": bench_memory,
           "write": bench_write}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="mapsheet-bench-") as tmp:
        for name in names:
            BENCHES[name](Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
