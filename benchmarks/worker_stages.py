"""Where one sync worker's time goes, per plan, side by side with a baseline checkout (issue #16).

    python benchmarks/worker_stages.py --baseline /path/to/a/checkout/of/main [--plans 300] [--pairs 3]

Each run reads and summarises the same sample plans (benchmarks/.data/plans-1000, written by run.py) the way
a sync worker does (``sync.summary.summarize``, then ``sync.details.read``, then pickling what it returns),
on one core, timing each stage in CPU time by wrapping the functions that do it: the package checks (the
quick pass, or ``sniff`` and ``inspect``), opening the workbook with python-calamine, reading its sheets
(``to_python``), parsing, checking (scoring apart), the summary, its roll-up rows and stored forms
(``details.read``) and the pickle. Baseline and candidate runs alternate; the table
gives each stage's median in ms per plan. CPU time, not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLANS = HERE / ".data" / "plans-1000"
TODAY = dt.date(2026, 11, 27)
STAGES = ("package checks", "calamine: open", "calamine: sheets (to_python)", "parse", "check (scoring included)",
          "  of which scoring", "summary", "rows and stored forms", "pickle", "worker total")


def _instrument(times: dict[str, float]) -> None:
    """Wrap the module globals each stage goes through (old and new code alike) with a CPU-time counter."""
    import importlib

    import python_calamine

    def timed(name, func):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                times[name] = times.get(name, 0.0) + time.process_time() - started
        return wrapper

    class Sheet:
        def __init__(self, sheet):
            self._sheet = sheet

        def to_python(self, *args, **kwargs):
            return timed("calamine: sheets (to_python)", self._sheet.to_python)(*args, **kwargs)

    class Book:
        def __init__(self, book):
            self._book = book

        def __getattr__(self, name):
            return getattr(self._book, name)

        def get_sheet_by_name(self, name):
            return Sheet(timed("calamine: sheets (to_python)", self._book.get_sheet_by_name)(name))

    class Calamine:
        class CalamineWorkbook:
            @staticmethod
            def from_path(path):
                return Book(timed("calamine: open", python_calamine.CalamineWorkbook.from_path)(path))

            @staticmethod
            def from_filelike(handle):
                return Book(timed("calamine: open", python_calamine.CalamineWorkbook.from_filelike)(handle))

    xlsx_read = importlib.import_module("mapsheet.backends.xlsx_read")
    xlsx_read.python_calamine = Calamine
    for name in ("sniff", "inspect", "quick_package"):
        if hasattr(xlsx_read, name):
            setattr(xlsx_read, name, timed("package checks", getattr(xlsx_read, name)))
    api = importlib.import_module("mapsheet.api")
    summary = importlib.import_module("mapsheet.sync.summary")
    check = importlib.import_module("mapsheet.check")
    api.parse_plan = timed("parse", api.parse_plan)
    api.check_plan = timed("check (scoring included)", api.check_plan)
    if hasattr(summary, "check_plan"):
        summary.check_plan = timed("check (scoring included)", summary.check_plan)
    else:  # imported where it is called (a worker's rules are loaded with it)
        check.check_plan = timed("check (scoring included)", check.check_plan)
    check.score_findings = timed("  of which scoring", check.score_findings)
    summary.plan_summary = timed("summary", summary.plan_summary)


def _details():
    try:
        from mapsheet.sync import details
    except ImportError:  # a checkout from before the roll-up by blocks
        return None
    return details


def child(limit: int) -> None:
    sys.path.insert(0, os.getcwd())
    times: dict[str, float] = {}
    _instrument(times)
    from mapsheet.config import Config
    from mapsheet.sync import summary

    paths = sorted(PLANS.glob("*.xlsx"))[:limit]
    config = Config.default()
    summary.summarize(str(paths[0]), TODAY, config)  # imports and caches warm, as in a worker
    times.clear()
    started = time.process_time()
    details = _details()
    for path in paths:
        result = summary.summarize(str(path), TODAY, config)
        if details is not None:  # the roll-up's rows and the stored summaries, made where the plan is read
            t = time.process_time()
            result = details.read(result, True)
            times["rows and stored forms"] = times.get("rows and stored forms", 0.0) + time.process_time() - t
        t = time.process_time()
        pickle.dumps(result)
        times["pickle"] = times.get("pickle", 0.0) + time.process_time() - t
    times["worker total"] = time.process_time() - started
    print(json.dumps({k: v * 1000 / len(paths) for k, v in times.items()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout to compare with (e.g. main)")
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.plans)
    if not PLANS.exists():
        sys.exit(f"{PLANS} is missing: run benchmarks/run.py once to write the sample plans")
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for _ in range(args.pairs):
        for name, root in (("before", args.baseline), ("after", HERE.parent)):
            out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", "--baseline", ".",
                                  "--plans", str(args.plans)], cwd=root, capture_output=True, text=True, check=True)
            runs[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{args.plans} plans, {args.pairs} pairs, medians of CPU ms per plan on one core")
    print(f"{'stage':32s} {'before':>8s} {'after':>8s}")
    for stage in STAGES:
        before = statistics.median(r.get(stage, 0.0) for r in runs["before"])
        after = statistics.median(r.get(stage, 0.0) for r in runs["after"])
        print(f"{stage:32s} {before:8.3f} {after:8.3f}")
    ratios = [a["worker total"] / b["worker total"] for b, a in zip(runs["before"], runs["after"])]
    print(f"worker total after/before, per pair: {', '.join(f'{r:.2f}' for r in ratios)}")


if __name__ == "__main__":
    main()
