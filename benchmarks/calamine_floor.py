"""The read floor: every sheet of every plan read with python-calamine (``to_python``), and nothing else done.

A sync cannot cost less than reading its plans. ``run.py`` starts N of these processes side by side, each with
its share of the plans (``--part K/N``), and times them end to end, start-up included.

Usage: python benchmarks/calamine_floor.py PLANS_FOLDER [--part K/N]
"""

from __future__ import annotations

import sys
from pathlib import Path

from python_calamine import CalamineWorkbook


def main(folder: str, part: str = "0/1") -> None:
    k, n = map(int, part.split("/"))
    rows = 0
    for path in sorted(Path(folder).rglob("*.xlsx"))[k::n]:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows += len(book.get_sheet_by_name(name).to_python())
    print(rows)


if __name__ == "__main__":
    main(sys.argv[1], *(sys.argv[3:4] if sys.argv[2:3] == ["--part"] else []))
