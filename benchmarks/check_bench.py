"""Reading and checking one plan, timed side by side with baselines in the same run.

    python benchmarks/check_bench.py [--plans 200] [--repeat 200]

1. Reading a template-sized plan: mapsheet's reader (python-calamine + parse) against openpyxl
   (read-only) and pandas.read_excel of every sheet, on the same files. Reported as ms per plan and as
   ratios (how many times faster mapsheet's reader is).
2. Checking a plan of 150 actions in-process (every rule, scoring included), against the time to read
   that plan: the check should cost well under 10 ms, and less than reading it.
Figures are medians; the machine is whatever runs it (CI: 2 cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402

from mapsheet import api  # noqa: E402
from mapsheet.check import check_plan  # noqa: E402
from mapsheet.fill import write_plan  # noqa: E402
from mapsheet.samples import generate_samples, write_samples  # noqa: E402

TODAY = dt.date(2026, 11, 27)


def _median_ms(func, items) -> float:
    times = []
    for item in items:
        t = time.perf_counter()
        func(item)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _openpyxl_read(path: Path) -> None:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    wb.close()


def bench_read(folder: Path, count: int) -> dict[str, float]:
    paths = [p for _, p in write_samples(folder, count, seed=11, today=TODAY)]
    api.read_plan(paths[0])  # warm imports and caches for every contender alike
    _openpyxl_read(paths[0])
    pd.read_excel(paths[0], sheet_name=None, engine="openpyxl")
    return {
        "mapsheet (calamine + parse)": _median_ms(api.read_plan, paths),
        "openpyxl read-only": _median_ms(_openpyxl_read, paths),
        "pandas.read_excel (all sheets, default engine)": _median_ms(lambda p: pd.read_excel(p, sheet_name=None, engine="openpyxl"), paths),
    }


def big_plan(folder: Path) -> Path:
    sample = next(s for s in generate_samples(25, seed=7, today=TODAY) if s.profile == "bloated")
    actions = sample.draft.tables["actions"]
    while len(actions) < 150:
        extra = dict(actions[len(actions) % 22])
        extra["id"] = f"A{len(actions) + 1}"
        actions.append(extra)
    del actions[150:]
    return write_plan(sample.draft, folder / "150-actions.xlsx")


def bench_check(folder: Path, repeat: int) -> dict[str, float]:
    path = big_plan(folder)
    plan = api.read_plan(path)
    assert len(plan.actions) == 150
    check_plan(plan, today=TODAY)
    return {
        "check a 150-action plan (in-process)": _median_ms(lambda _: check_plan(plan, today=TODAY), range(repeat)),
        "read the same plan (baseline)": _median_ms(lambda _: api.read_plan(path), range(max(repeat // 4, 10))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=200, help="plans to read (default 200)")
    parser.add_argument("--repeat", type=int, default=200, help="checks to time (default 200)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reads = bench_read(folder / "plans", args.plans)
        checks = bench_check(folder, args.repeat)
    ours = reads["mapsheet (calamine + parse)"]
    print(f"Reading a template-sized plan (median of {args.plans} plans):")
    for name, ms in reads.items():
        ratio = "" if ms == ours else f"   {ms / ours:5.1f}x slower than mapsheet"
        print(f"  {name:<48} {ms:7.2f} ms{ratio}")
    check_ms, read_ms = checks["check a 150-action plan (in-process)"], checks["read the same plan (baseline)"]
    print(f"Checking (median of {args.repeat} runs):")
    print(f"  check a 150-action plan                          {check_ms:7.2f} ms   goal: well under 10 ms")
    print(f"  read the same plan (baseline)                    {read_ms:7.2f} ms   check/read = {check_ms / read_ms:.2f}")
    return 0 if check_ms < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
