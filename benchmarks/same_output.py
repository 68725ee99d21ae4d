"""Proof that a speed-up changed nothing a user sees: every output of this checkout against another's.

    python benchmarks/same_output.py --baseline /path/to/a/checkout/of/main [--work DIR]

On the 1,000 sample plans (benchmarks/.data/plans-1000), the verdict corpus, the foreign layouts and the
hostile corpus (with its LibreOffice round trips when soffice is installed), both checkouts run
`mapsheet check --format json` (the time of the check left out) and compute sync's per-plan summary; the
two sets of outputs are compared file by file. Exit 0 when all are identical.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TODAY = "2026-11-27"


def build_inputs(work: Path) -> list[Path]:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from tests.corpus.generate import build
    from tests.foreign.generate import write_all
    from tests.verdict.corpus import PLANS
    from tests.verdict.measure import write_plan

    (work / "verdict").mkdir(parents=True)
    for plan_id in PLANS:
        write_plan(plan_id, work / "verdict")
    write_all(work / "foreign")
    build(work / "corpus", soffice=shutil.which("soffice"))
    return [HERE / ".data" / "plans-1000", work / "verdict", work / "foreign", work / "corpus", work / "corpus.lo"]


def outputs(folders: list[Path], out: Path) -> None:
    """Run in the checkout under test (its own mapsheet on sys.path first)."""
    sys.path.insert(0, ".")
    try:  # the hostile corpus holds bombs: a reader that fell for one must fail here, not take the machine down
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    except (ImportError, ValueError):
        pass
    from mapsheet.config import Config
    from mapsheet.sync import summary

    found: dict[str, dict] = {"check": {}, "exit": {}, "summary": {}}
    for folder in (f for f in folders if f.exists()):
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        for i in range(0, len(files), 200):
            proc = subprocess.run([sys.executable, "-m", "mapsheet", "check", "--format", "json", "--today", TODAY,
                                   *map(str, files[i:i + 200])], capture_output=True, text=True)
            found["exit"][f"{folder.name}:{i}"] = [proc.returncode, proc.stderr]
            for plan in json.loads(proc.stdout)["plans"]:
                plan.pop("checked_at", None)
                found["check"][f"{folder.name}/{plan['file']}"] = plan
        for path in files:
            result = summary.summarize(str(path), dt.date.fromisoformat(TODAY), Config.default())
            found["summary"][f"{folder.name}/{path.relative_to(folder)}"] = repr(sorted(result.items()))
    out.write_text(json.dumps(found, sort_keys=True, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--work", type=Path, help="a folder for its files (default: a new temporary "
                        "one: two runs at once never share it)")
    parser.add_argument("--outputs", nargs="+", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.outputs:
        return outputs(args.outputs[1:], args.outputs[0])
    if args.work is None:
        args.work = Path(tempfile.mkdtemp(prefix="mapsheet-same-output-"))
    shutil.rmtree(args.work, ignore_errors=True)
    folders = build_inputs(args.work)
    results = {}
    for name, root in (("before", args.baseline), ("after", ROOT)):
        target = args.work / f"{name}.json"
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--baseline", ".", "--outputs", str(target),
                        *map(str, folders)], cwd=root, check=True)
        results[name] = json.loads(target.read_text())
    differ = 0
    for part in ("check", "exit", "summary"):
        before, after = results["before"][part], results["after"][part]
        keys = sorted(set(before) | set(after))
        bad = [k for k in keys if before.get(k) != after.get(k)]
        differ += len(bad)
        print(f"{part}: {len(keys)} compared, {len(bad)} differ" + "".join(f"\n  {k}" for k in bad[:10]))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
