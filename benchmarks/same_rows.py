"""Proof that the roll-up's detail rows render to the same bytes as another checkout's, and what rendering
them costs there and here (issue #16).

    python benchmarks/same_rows.py --baseline /path/to/a/checkout/of/main [--pairs 5] [--work DIR]

The rows of a plan (``xlsx_rows.plan_rows``: each detail sheet's rows with their order, digest and
SpreadsheetML) are compared as the roll-up writes them: their order, and their bytes with the formats put in
(``xlsx_rows.styled``, the same format numbers both sides). Their digests, of the text before its formats go
in, change with how a format is marked there: kept blocks hold rows with their formats in, so a mark that
changed costs nothing but the rows of plans read again, whose digests change anyway. The summaries of the
1,000 sample plans (benchmarks/.data/plans-1000, written by run.py) are made once, here, then each of them
also with its free text made unique (the samples draw theirs from short lists; a column remembers the cells
of values it has seen) and with hostile values in its rows (text with markup, ``_xHHHH_``, edge spaces,
control characters, newlines, 40,000 characters; numbers and dates Excel cannot hold; values of an
unexpected type), seeded so every run is the same. Both checkouts render every summary; the outputs are
compared row by row. Then baseline and candidate time one pass of ``plan_rows`` over the sample summaries,
and over them with unique text, each in a fresh process, runs
alternating (CPU time, medians), in ms per plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMATS = list(range(101, 126))  # a format number for each column a detail sheet may have (three digits each)
ROOT = HERE.parent
PLANS = HERE / ".data" / "plans-1000"
TODAY = dt.date(2026, 11, 27)

TEXTS = ["", " ", "a", "Tom & Jerry", "<b>bold</b>", "x > y", "_x0041_", "a_x00e9_b_X00E9_", "_x12", " lead",
         "trail ", "\tTab", "line\nbreak", "crlf\r\n", "bell\x07", "del\x7f", "nul\x00", "\x1b[31m", "café ☕",
         "\u00a0nbsp", "wide\u3000", "surrogate\udcff", "\ufffe\uffffnon", "x" * 70, "word " * 30, "y" * 40_000,
         "a\n" * 9, "\n", "&amp;", "]]>", "é" * 65]
ODD = [None, 0, 1, -1, 2 ** 53, 2 ** 53 + 1, -(2 ** 53) - 1, 10 ** 400, 0.5, -0.0, 1e308, math.nan, math.inf,
       True, False, dt.date(1, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(9999, 12, 31),
       dt.datetime(2026, 5, 4, 13, 30), dt.time(9, 30), Exception("odd"), ("a", 1)]
DATES = [None, dt.date(1900, 3, 1), dt.date(9999, 12, 31), dt.date(2026, 2, 29 - 1), dt.datetime(2026, 1, 5, 8)]
DAYS = [0, 1, 7, 2 ** 53, 10 ** 400, True, 3.5]


def summaries(count: int | None = None) -> list[dict]:
    """The sample plans' summaries as a sync worker makes them, read ones only (an unreadable one has no rows)."""
    sys.path.insert(0, str(ROOT))
    from mapsheet.config import Config
    from mapsheet.sync import summary

    paths = sorted(PLANS.rglob("*.xlsx"))[:count]
    config = Config.default()
    made = [summary.summarize(str(p), TODAY, config) for p in paths]
    return [s for s in made if not s["error"]]


def hostile(s: dict, rng: random.Random) -> dict:
    """``s`` with odd values in the fields its detail rows show (types the sort keys need kept)."""
    def text():
        return rng.choice(TEXTS + ODD if rng.random() < 0.2 else TEXTS)

    def swap(record, dates=(), days=()):
        return record._replace(**{f: rng.choice(DATES) if f in dates else rng.choice(DAYS) if f in days
                                  else text() for f in record._fields})

    return s | {"deal": text(), "owner": text(), "close_date": rng.choice(DATES),
                "actions": [swap(a, ("due",), ("days_overdue",)) for a in s["actions"]],
                "milestones": [swap(m, ("start", "due", "completed"), ("days_overdue",)) for m in s["milestones"]],
                "risks": [swap(r) for r in s["risks"]]}


def unique(s: dict, n: int) -> dict:
    """``s`` with its free text (actions, milestones, risks, mitigations) made unique to it, as in real plans:
    the sample plans draw theirs from short lists."""
    return s | {"actions": [a._replace(action=f"{a.action} ({n}.{i})") for i, a in enumerate(s["actions"])],
                "milestones": [m._replace(name=f"{m.name} ({n}.{i})") for i, m in enumerate(s["milestones"])],
                "risks": [r._replace(risk=f"{r.risk} ({n}.{i})", mitigation=f"{r.mitigation} ({n}.{i})")
                          for i, r in enumerate(s["risks"])]}


def render(inputs: Path, out: Path) -> None:
    """Run in the checkout under test (its own mapsheet first on sys.path): every summary's rows."""
    sys.path.insert(0, ".")
    from mapsheet.sync.xlsx_rows import plan_rows, styled

    found = []
    for s in pickle.loads(inputs.read_bytes()):
        try:
            found.append({sheet: [(r.order, styled(r.xml, FORMATS)) for r in rows]
                          for sheet, rows in plan_rows(s).items()})
        except Exception as exc:  # a hostile value the sort key cannot take: the same error both sides
            found.append(f"{type(exc).__name__}: {exc}")
    out.write_bytes(pickle.dumps(found))


def timing(inputs: Path) -> None:
    """Run in the checkout under test: one pass of plan_rows over every summary in a fresh process (as a
    reading process starts), in CPU ms per plan, printed."""
    sys.path.insert(0, ".")
    from mapsheet.sync.xlsx_rows import plan_rows

    plans = pickle.loads(inputs.read_bytes())
    started = time.process_time()
    for s in plans:
        plan_rows(s)
    print((time.process_time() - started) / len(plans) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--work", type=Path, help="a folder for its files (default: a new temporary "
                        "one: two runs at once never share it)")
    parser.add_argument("--plans", type=int, default=None, help="the first N sample plans (default: all)")
    parser.add_argument("--pairs", type=int, default=5, help="alternating timing runs of each checkout")
    parser.add_argument("--render", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--time", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render:
        return render(*args.render)
    if args.time:
        return timing(args.time)
    if args.work is None:
        args.work = Path(tempfile.mkdtemp(prefix="mapsheet-same-rows-"))
    args.work.mkdir(parents=True, exist_ok=True)
    sample = summaries(args.plans)
    rng = random.Random(16)
    distinct = [unique(s, n) for n, s in enumerate(sample)]
    (args.work / "sample.pkl").write_bytes(pickle.dumps(sample))
    (args.work / "unique.pkl").write_bytes(pickle.dumps(distinct))
    (args.work / "all.pkl").write_bytes(pickle.dumps(sample + distinct + [hostile(s, rng) for s in sample]))
    results = {}
    for name, root in (("before", args.baseline), ("after", ROOT)):
        target = args.work / f"{name}.pkl"
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--baseline", ".", "--render",
                        str(args.work / "all.pkl"), str(target)], cwd=root, check=True)
        results[name] = pickle.loads(target.read_bytes())
    before, after = results["before"], results["after"]
    rows = sum(len(r) for plan in before if isinstance(plan, dict) for r in plan.values())
    # compared by repr: a NaN in a sort key is not equal to itself
    bad = [i for i, (b, a) in enumerate(zip(before, after)) if repr(b) != repr(a)]
    bad += list(range(len(before), len(after)))
    print(f"{len(before)} summaries ({len(sample)} sample plans, each also with unique text and with hostile "
          f"values), {rows} rows "
          f"compared: {len(bad)} differ" + "".join(f"\n  summary {i}" for i in bad[:10]))
    for plans, what in (("sample", "sample plans"), ("unique", "sample plans, free text unique to each")):
        ms: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(args.pairs):
            for name, root in (("before", args.baseline), ("after", ROOT)):
                proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--baseline", ".", "--time",
                                       str(args.work / f"{plans}.pkl")], cwd=root, check=True, capture_output=True,
                                      text=True)
                ms[name].append(float(proc.stdout))
        b, a = statistics.median(ms["before"]), statistics.median(ms["after"])
        print(f"plan_rows, CPU ms per plan, {what} (median of {args.pairs}): before {b:.3f}, after {a:.3f} "
              f"({b / a:.2f}x)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
