"""How much of each corpus file mapsheet understands, against the file's ground truth.

A step row is *fully understood* when every fact the sheet states about it (text, owners, party, due date,
status, or done-ness for a layout of ticks) reads back as the truth says. ``python -m tests.foreign.measure``
prints the figures for the closing note.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mapsheet import api
from mapsheet.model import Plan, Record

from .deal import TODAY
from .generate import write_all


@dataclass
class FileResult:
    name: str
    steps: int
    understood: int
    band_expected: str
    band_got: str
    misses: list[str] = field(default_factory=list)

    @property
    def band_right(self) -> bool:
        return self.band_expected == self.band_got


def _party(records: list[Record]) -> str | None:
    sides = {r.values.get("party") for r in records} - {None}
    if any(r.inferred.get("party", "").startswith("both sides") for r in records) or sides == {"Vendor", "Customer"}:
        return "Joint"
    return sides.pop() if len(sides) == 1 else None


def compare(records: list[Record], truth: dict) -> list[str]:
    """The facts of one step read wrong (empty: fully understood). A step both sides own may be one row
    or, after import, one row per side: its facts are those of its rows together."""
    if not records:
        return ["not read at all"]
    first = records[0]
    owners = " / ".join(str(r.values.get("owner") or "") for r in records)
    got = {"text": first.values.get("action"), "owners": owners, "party": _party(records),
           "due": first.values.get("due"), "status": first.values.get("status"),
           "done": first.values.get("status") == "Done"}
    checks = {
        "text": got["text"] == truth["text"],
        "owners": "owners" in truth and bool(truth["owners"]) and all(n in owners for n in truth["owners"]),
        "party": got["party"] == truth.get("party"),
        "due": got["due"] == (dt.date.fromisoformat(truth["due"]) if "due" in truth else None),
        "status": got["status"] == truth.get("status"),
        "done": got["done"] == truth.get("done"),
    }
    return [f"{key}: {got[key]!r} (truth {truth[key]!r})" for key, ok in checks.items() if key in truth and not ok]


def matching(plan: Plan, text: str) -> list[Record]:
    """The plan's rows of the step whose text is ``text``."""
    return [r for r in plan.actions if r.values.get("action") == text]


def measure_file(path: Path) -> FileResult:
    truth = json.loads(path.with_name(path.stem + ".truth.json").read_text())
    result = api.check(path, today=TODAY)
    understood, misses = 0, []
    for step in truth["steps"]:
        wrong = compare(matching(result.plan, step["text"]), step)
        if wrong:
            misses.append(f"{step['text'][:40]}: " + "; ".join(wrong))
        else:
            understood += 1
    return FileResult(path.name, len(truth["steps"]), understood, truth["band"], result.score.band.value, misses)


def measure_all(folder: Path) -> list[FileResult]:
    files = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".csv"))
    return [measure_file(p) for p in files]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_all(Path(tmp))
        results = measure_all(Path(tmp))
    steps = sum(r.steps for r in results)
    understood = sum(r.understood for r in results)
    bands = sum(r.band_right for r in results)
    for r in results:
        flag = "" if r.band_right else f"  band {r.band_got} (expected {r.band_expected})"
        print(f"{r.name}: {r.understood}/{r.steps} steps{flag}")
        for miss in r.misses:
            print(f"    {miss}")
    print(f"files {len(results)}; step rows fully understood {understood}/{steps} ({understood / steps:.0%}); "
          f"bands right {bands}/{len(results)}")


if __name__ == "__main__":
    sys.exit(main())
