"""Kill ``mapsheet check --annotate`` with SIGKILL at random moments and look at the plan each time: it must
be the original, byte for byte, or fully annotated; never anything else.

    python -m tests.corpus.kill PLAN.xlsx [N]   # N kills (default 50), prints original/annotated/broken
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import openpyxl

from mapsheet.edits import CHECK_SHEET

TODAY = "2026-11-27"


def _annotate(path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mapsheet", "check", str(path), "--annotate", "--today", TODAY],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def state_of(path: Path, original: bytes) -> str:
    if path.read_bytes() == original:
        return "original"
    try:
        return "annotated" if CHECK_SHEET in openpyxl.load_workbook(path, read_only=True).sheetnames else "broken"
    except Exception:
        return "broken"


def kill_annotate(plan: Path, kills: int, seed: int = 15) -> Counter:
    """``kills`` runs of annotate on a copy of ``plan``, each killed after a random share of the time an
    undisturbed run takes: how many left the original, a fully annotated plan, or a broken file."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / plan.name
        shutil.copy(plan, path)
        original = path.read_bytes()
        started = time.monotonic()
        _annotate(path).wait()
        whole = time.monotonic() - started
        counts: Counter = Counter()
        for _ in range(kills):
            path.write_bytes(original)
            proc = _annotate(path)
            time.sleep(rng.uniform(0.2, 1.0) * whole)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            counts[state_of(path, original)] += 1
        return counts


if __name__ == "__main__":
    counts = kill_annotate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 50)
    print(", ".join(f"{k} {counts[k]}" for k in ("original", "annotated", "broken")))
    sys.exit(1 if counts["broken"] else 0)
