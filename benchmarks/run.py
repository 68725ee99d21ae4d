"""mapsheet's benchmarks, side by side with their baselines, in one run.

    python benchmarks/run.py              # all of them (./dev bench does this): about 5-10 minutes
    python benchmarks/run.py startup      # `mapsheet check` of one plan vs `python -c "import openpyxl"`
    python benchmarks/run.py sync         # 1,000 plans: read floor, full sync, pandas, re-syncs (no change, 10 edited)
    python benchmarks/run.py memory       # 10,000 plans: time (linear?) and peak memory
    python benchmarks/run.py check        # reading one plan vs openpyxl/pandas; checking a 150-action plan
    python benchmarks/run.py write        # writing the 1,000-plan roll-up, in process, with each .xlsx writer
    python benchmarks/run.py --rounds 5 sync

Every command runs as its own process, timed end to end (start-up and imports included); what is compared runs
side by side in the same run (alternating, medians of the rounds), so the ratios hold on a busy machine even when
the seconds do not. Each figure is printed against its goal (issue #16) with OK or MISSED, and all of them again
at the end. The generated plans are kept in benchmarks/.data/ between runs (1,000 sample plans take about 80 s to
write). The 10,000 plans are the 1,000 hard-linked ten times into subfolders under other names: same content, so
reading them costs what reading 10,000 distinct plans costs, in a fraction of the set-up time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
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
ROUNDS = 3  # side-by-side rounds of the 1,000-plan commands (medians)
STARTUP_PAIRS = 7  # alternating runs of `mapsheet check` and `import openpyxl`
EDITED = 10  # plans edited before the "10 edited" re-sync
ROLLUP_SHEETS = ("Deals", "Actions", "Overdue", "Milestones", "Risks", "Problems")  # what the pandas script writes too

# The goals of issue #16 (a figure at or under its goal is met, except "x faster" ones: at or over).
GOALS = {
    "sync_vs_floor": 2.0,  # full sync / the 2-process calamine read floor
    "pandas_calamine": 5.0,  # pandas (engine="calamine") / full sync
    "resync_edited": 0.15,  # re-sync after 10 of 1,000 plans were edited / full sync
    "resync_unchanged": 0.05,  # re-sync with nothing changed / full sync
    "startup": 1.6,  # `mapsheet check` of one plan / `python -c "import openpyxl"`
    "linear": 1.1,  # time per plan at 10,000 plans / time per plan at 1,000
    "memory_mb": 300,  # peak memory of the 10,000-plan sync
}

FIGURES: list[str] = []  # every line with a verdict, repeated at the end of the run


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


# -- running and timing ------------------------------------------------------------------------------------

def sync_command(folder: Path, work: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mapsheet", "sync", str(folder), "--out", str(work / "rollup.xlsx"),
            "--history", str(work / "history.sqlite"), "--today", TODAY.isoformat(), "--quiet", *extra]


def timed(cmd: list[str], ok: tuple[int, ...] = (0, 1)) -> tuple[float, str]:
    """Seconds the command took, end to end, and what it printed. Exit 1 is fine for a sync (some sample plans
    drifted from the template on purpose) and for a check (findings)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed, proc.stdout


def timed_side_by_side(cmds: list[list[str]]) -> float:
    """Seconds from starting all of ``cmds`` at once until the last one ended."""
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL) for cmd in cmds]
    if any(p.wait() for p in procs):
        raise SystemExit(f"{' '.join(cmds[0])} failed")
    return time.perf_counter() - start


def floor_commands(folder: Path, processes: int) -> list[list[str]]:
    return [[sys.executable, str(HERE / "calamine_floor.py"), str(folder), "--part", f"{k}/{processes}"]
            for k in range(processes)]


def pandas_command(folder: Path, out: Path, engine: str) -> list[str]:
    return [sys.executable, str(HERE / "pandas_baseline.py"), str(folder), str(out), "--engine", engine,
            "--today", TODAY.isoformat()]


def verdict(text: str, ok: bool) -> None:
    line = f"{text} {'OK' if ok else 'MISSED'}"
    FIGURES.append(line)
    print(line, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


# -- start-up ------------------------------------------------------------------------------------------------

def bench_startup(work: Path, results: dict) -> None:
    """`mapsheet check` of one template-sized plan against importing openpyxl, whole processes, alternating."""
    plan = next(iter(sorted(plans(1000).glob("*.xlsx"))))
    check = [sys.executable, "-m", "mapsheet", "check", str(plan), "--today", TODAY.isoformat()]
    openpyxl = [sys.executable, "-c", "import openpyxl"]
    bare = [sys.executable, "-c", "pass"]
    times: dict[str, list[float]] = {"check": [], "openpyxl": [], "python": []}
    for _ in range(STARTUP_PAIRS):
        times["check"].append(timed(check)[0])
        times["openpyxl"].append(timed(openpyxl, ok=(0,))[0])
        times["python"].append(timed(bare, ok=(0,))[0])
    check_s, openpyxl_s, python_s = (median(times[k]) for k in ("check", "openpyxl", "python"))
    ratio = check_s / openpyxl_s
    results["startup"] = {"check_s": check_s, "openpyxl_s": openpyxl_s, "python_s": python_s, "ratio": ratio}
    verdict(f"mapsheet check of one plan: {check_s * 1000:.0f} ms vs python -c 'import openpyxl' "
            f"{openpyxl_s * 1000:.0f} ms -> {ratio:.2f}x (goal <= {GOALS['startup']}x; python alone "
            f"{python_s * 1000:.0f} ms; medians of {STARTUP_PAIRS} alternating runs)", ratio <= GOALS["startup"])


# -- 1,000 plans: floor, full sync, pandas, re-syncs ---------------------------------------------------------

def bench_sync(work: Path, results: dict) -> None:
    """Per round, side by side: the calamine read floor in 1 and 2 processes, a full sync (fresh history), the
    pandas script with engine="calamine", a re-sync with nothing changed, and a re-sync after 10 plans were
    edited. Then the pandas script with its openpyxl engine, once (about 100 s)."""
    folder = work / "plans"  # a copy: the edits must not touch the kept sample plans
    shutil.copytree(plans(1000), folder, ignore=shutil.ignore_patterns(".complete"))
    out = work / "sync"
    t: dict[str, list[float]] = {k: [] for k in ("floor1", "floor2", "full", "pandas_calamine", "unchanged", "edited")}
    for round_ in range(ROUNDS):
        t["floor1"].append(timed_side_by_side(floor_commands(folder, 1)))
        t["floor2"].append(timed_side_by_side(floor_commands(folder, 2)))
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        t["full"].append(timed(sync_command(folder, out))[0])
        rollup_rows = _rollup_rows(out / "rollup.xlsx")
        seconds, printed = timed(pandas_command(folder, work / "pandas-calamine.xlsx", "calamine"), ok=(0,))
        t["pandas_calamine"].append(seconds)
        _same_rows(rollup_rows, printed, "calamine")
        t["unchanged"].append(timed(sync_command(folder, out))[0])
        edited = edit_plans(folder, round_)
        seconds, _ = timed(sync_command(folder, out))
        t["edited"].append(seconds)
        _read_again(out, edited)
        print(f"  round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in t.items()), flush=True)
    pandas_openpyxl, printed = timed(pandas_command(folder, work / "pandas-openpyxl.xlsx", "openpyxl"), ok=(0,))
    _same_rows(_rollup_rows(out / "rollup.xlsx"), printed, "openpyxl")  # the plans as edited, the roll-up as re-synced

    m = {k: median(v) for k, v in t.items()}
    full = m["full"]
    results["sync"] = {**m, "pandas_openpyxl": pandas_openpyxl, "rows": rollup_rows}
    print(f"1,000 plans, medians of {ROUNDS} rounds side by side (roll-up: "
          + ", ".join(f"{k} {n:,}" for k, n in rollup_rows.items()) + " rows; the pandas script wrote the same):")
    print(f"  calamine read floor: 1 process {m['floor1']:.2f} s, 2 processes {m['floor2']:.2f} s")
    verdict(f"  full sync {full:.2f} s = {full / m['floor2']:.2f}x the 2-process floor "
            f"(goal <= {GOALS['sync_vs_floor']}x)", full / m["floor2"] <= GOALS["sync_vs_floor"])
    verdict(f"  pandas, engine='calamine': {m['pandas_calamine']:.1f} s -> sync {m['pandas_calamine'] / full:.1f}x "
            f"faster (goal >= {GOALS['pandas_calamine']}x)", m["pandas_calamine"] / full >= GOALS["pandas_calamine"])
    print(f"  pandas, engine='openpyxl' (its default until pandas 3.x; once): {pandas_openpyxl:.1f} s -> "
          f"sync {pandas_openpyxl / full:.1f}x faster")
    verdict(f"  re-sync after editing {EDITED} plans: {m['edited']:.2f} s = {m['edited'] / full:.1%} of a full sync "
            f"(goal <= {GOALS['resync_edited']:.0%})", m["edited"] / full <= GOALS["resync_edited"])
    verdict(f"  re-sync with nothing changed: {m['unchanged']:.2f} s = {m['unchanged'] / full:.1%} of a full sync "
            f"(goal <= {GOALS['resync_unchanged']:.0%})", m["unchanged"] / full <= GOALS["resync_unchanged"])


def edit_plans(folder: Path, round_: int) -> list[Path]:
    """A user's edit, saved by openpyxl, in ``EDITED`` plans (other ones each round): a status and a date. The
    first open action is marked Done, and the first open milestone is due a week later."""
    import openpyxl

    paths = sorted(folder.glob("*.xlsx"))[round_ * EDITED:(round_ + 1) * EDITED]
    for path in paths:
        book = openpyxl.load_workbook(path)
        actions, milestones = _first_open(book["Actions"]), _first_open(book["Milestones"])
        if actions:
            actions["Status"].value = "Done"
        if milestones:
            due = milestones.get("Due") or milestones["Deadline"]  # a synonym some sample plans use
            due.value += dt.timedelta(days=7)
        book.save(path)
    return paths


def _first_open(sheet) -> dict | None:
    """The cells of the first row under the header (row 3) whose status is open, by header."""
    header = [cell.value for cell in sheet[3]]
    for row in sheet.iter_rows(min_row=4):
        cells = dict(zip(header, row))
        if row[0].value and cells["Status"].value not in ("Done", "Cancelled") and \
                isinstance((cells.get("Due") or cells.get("Deadline")).value, dt.datetime):
            return cells
    return None


def _rollup_rows(path: Path) -> dict[str, int]:
    """Rows under the caption and header of each roll-up sheet the pandas script also writes."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: len(book.get_sheet_by_name(name).to_python(skip_empty_area=False)) - 2 for name in ROLLUP_SHEETS}


def _same_rows(rollup: dict[str, int], printed: str, engine: str) -> None:
    theirs = json.loads(printed.strip().splitlines()[-1])
    if theirs != rollup:
        raise SystemExit(f"the pandas script ({engine}) wrote other rows than the sync: {theirs} vs {rollup}")


def _read_again(out: Path, edited: list[Path]) -> None:
    """The re-sync after the edits did read them: its Changes sheet lists each edited plan."""
    from python_calamine import CalamineWorkbook

    changes = CalamineWorkbook.from_path(str(out / "rollup.xlsx")).get_sheet_by_name("Changes").to_python()
    files = {str(row[-1]) for row in changes[2:]}
    missing = [p.name for p in edited if not any(f.endswith(p.name) for f in files)]
    if missing:
        raise SystemExit(f"the re-sync after the edits does not list {missing} on its Changes sheet")


# -- 10,000 plans --------------------------------------------------------------------------------------------

def bench_memory(work: Path, results: dict) -> None:
    folder = ten_thousand()
    cmd = sync_command(folder, work / "memory")
    (work / "memory").mkdir()
    # The largest single process (ru_maxrss of the children of a fresh wrapper), and the whole process tree
    # (the sync and its reader processes, pages they share counted once: Pss) sampled every 50 ms.
    wrapper = [sys.executable, "-c", "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)", *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(wrapper, stdout=subprocess.PIPE, text=True)
    tree_peak = _sample_tree(proc)
    out, _ = proc.communicate()
    elapsed = time.perf_counter() - start
    largest = int(out.strip().splitlines()[-1]) / 1024
    peak = max(largest, tree_peak)
    one_thousand = results.get("sync", {}).get("full")
    if one_thousand is None:  # the sync benchmark did not run: one full sync of 1,000 plans, just before
        (work / "one-thousand").mkdir()
        one_thousand = timed(sync_command(plans(1000), work / "one-thousand"))[0]
    per_plan = (elapsed / 10) / one_thousand
    results["memory"] = {"seconds": elapsed, "largest_mb": largest, "tree_mb": tree_peak, "linear": per_plan}
    verdict(f"sync 10,000 plans: {elapsed:.1f} s = {elapsed / one_thousand:.1f}x the full sync of 1,000 "
            f"({one_thousand:.2f} s): {per_plan:.2f}x its time per plan (goal <= {GOALS['linear']}x)",
            per_plan <= GOALS["linear"])
    verdict(f"  peak memory {largest:.0f} MB in the largest process, {tree_peak:.0f} MB for all its processes "
            f"together (goal < {GOALS['memory_mb']} MB)", peak < GOALS["memory_mb"])


def _sample_tree(proc: subprocess.Popen) -> float:
    peak = 0.0

    def rss_tree(pid: int) -> float:
        """The tree's memory: each process's proportional set size (Pss: a page shared by n processes, as the
        reader processes share what they were forked with, counts 1/n in each), its RSS where Pss is not
        available."""
        total, stack = 0, [pid]
        while stack:
            p = stack.pop()
            try:
                try:
                    status = Path(f"/proc/{p}/smaps_rollup").read_text()
                    total += int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("Pss:")))
                except (OSError, StopIteration):
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


# -- in process: reading, checking, writing ------------------------------------------------------------------

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


def bench_write(work: Path, results: dict) -> None:
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
    results["write"] = {name: t for name, (t, _) in times.items()}


def bench_check(work: Path, results: dict) -> None:
    """Reading a plan (vs openpyxl and pandas) and checking a 150-action plan: benchmarks/check_bench.py."""
    proc = subprocess.run([sys.executable, str(HERE / "check_bench.py")], capture_output=True, text=True)
    print(proc.stdout.rstrip())
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    results["check"] = {"ok": proc.returncode == 0}


BENCHES = {"startup": bench_startup, "sync": bench_sync, "memory": bench_memory, "check": bench_check,
           "write": bench_write}


def compiled_as_installed() -> None:
    """mapsheet's bytecode written beforehand, as ``pip install`` writes it for an installed package: a run from
    a checkout (an editable install) would otherwise compile every module it imports in every command it
    times when bytecode is not written (``PYTHONDONTWRITEBYTECODE``, set on some machines), about 0.2 s a
    command that no user pays. openpyxl and pandas, the baselines, were compiled when pip installed them."""
    import compileall

    import mapsheet

    compileall.compile_dir(Path(mapsheet.__file__).parent, quiet=1)


#: The reference loop for ``python_speed``: rows made as dicts and tuples, text compared and lowered, a dict of
#: totals, a sort by key; the kinds of work a plan's parse, check and rows are made of, in pure Python.
_REFERENCE = """
import time
def row(i, names):
    d = {"id": f"A{i}", "owner": names[i % 7], "status": ("Open", "Done", "Blocked")[i % 3], "due": i % 365}
    return (d["id"], d["owner"].lower(), d["status"] == "Done", d.get("due", 0) + 1)
names = ["Ana", "Ben", "Cy", "Dee", "Eve", "Fay", "Gus"]
started = time.process_time()
for _ in range(4):
    rows = [row(i, names) for i in range(50_000)]
    owners = {}
    for r in rows:
        owners[r[1]] = owners.get(r[1], 0) + r[3]
    rows.sort(key=lambda r: (r[2], r[0]))
print(time.process_time() - started)
"""


def python_speed(runs: int = 5) -> float:
    """CPU seconds this interpreter takes for a fixed pure-Python loop (``_REFERENCE``), median of ``runs``
    processes: not a goal, a measure of the host. The full sync's ratio to the calamine floor is Python's speed
    against Rust's; two hosts, or two builds of one Python version, differ in it (a build without profile-guided
    optimisation, as pyenv makes by default, took about 1.2x as long as one with it on the same machine)."""
    return median([float(subprocess.run([sys.executable, "-c", _REFERENCE], capture_output=True, text=True,
                                        check=True).stdout) for _ in range(runs)])


def main(argv: list[str]) -> int:
    global ROUNDS
    if argv[:1] == ["--rounds"]:
        ROUNDS, argv = int(argv[1]), argv[2:]
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    load = os.getloadavg()[0]
    speed = python_speed()
    host = (f"Python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} cores; Python's own speed here: "
            f"{speed:.3f} s for the reference loop (run.py's _REFERENCE, lower is faster)")
    print(f"{host}; load average {load:.2f} at the start")
    compiled_as_installed()
    started, results = time.perf_counter(), {}
    with tempfile.TemporaryDirectory(prefix="mapsheet-bench-") as tmp:
        for name in names:
            BENCHES[name](Path(tmp), results)
    print(f"\nAll goals ({time.perf_counter() - started:.0f} s; load average {load:.2f} at the start, "
          f"{os.getloadavg()[0]:.2f} at the end):")
    for line in FIGURES:
        print("  " + line.strip())
    print(f"  ({host})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
