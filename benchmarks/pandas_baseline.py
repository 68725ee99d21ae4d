"""The plain pandas consolidation a RevOps analyst would write: the baseline `mapsheet sync` is timed against.

Every sheet of every workbook with pd.read_excel(sheet_name=None) (its default engine, openpyxl, named
to keep pandas quiet), one frame per sheet name concatenated
across files (with the file name as a column), all written to one workbook with DataFrame.to_excel.
Usage: python benchmarks/pandas_baseline.py PLANS_FOLDER OUT.xlsx
"""

import sys
from pathlib import Path

import pandas as pd


def main(folder: str, out: str) -> None:
    sheets: dict[str, list[pd.DataFrame]] = {}
    for path in sorted(Path(folder).rglob("*.xlsx")):
        for name, frame in pd.read_excel(path, sheet_name=None, engine="openpyxl").items():
            sheets.setdefault(name, []).append(frame.assign(file=path.name))
    with pd.ExcelWriter(out) as writer:
        for name, frames in sheets.items():
            pd.concat(frames, ignore_index=True).to_excel(writer, sheet_name=name[:31], index=False)


if __name__ == "__main__":
    main(*sys.argv[1:3])
