"""Folders of plans in the local Google, for the Drive sync tests and benchmarks/drive_bench.py.

A plan here is small on purpose (the template's tabs, each with its caption, header and three rows; the Overview
whole): 1,000 of them sync in seconds, and the fake stores only the cells that hold something."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from fake import FakeGoogle

from mapsheet.backends.xlsx_read import read_workbook


def small_plan(path: Path, rows: int = 6) -> dict[str, list[list]]:
    """The values of the plan file at ``path``, every tab cut to its first ``rows`` rows (Overview whole)."""
    sheets = {}
    for sheet in read_workbook(path).sheets:
        kept = [list(r) for r in sheet.rows]
        while kept and not any(v not in ("", None) for v in kept[-1]):
            kept.pop()
        sheets[sheet.name] = kept if sheet.name == "Overview" else kept[:rows]
    return sheets


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """The same values as an .xlsx file (an uploaded plan)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v != "":
                    cell = ws.cell(r, c, v)
                    if isinstance(v, str):
                        cell.data_type = "s"  # text stays text, even text that starts with "="
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fill_folder(g: FakeGoogle, folder: str, templates: list[Path], count: int, *, native_every: int = 10,
                subfolder: str | None = None) -> list[str]:
    """``count`` plans in ``folder``: every ``native_every``-th a native Google Sheet, the others uploaded
    .xlsx files, cycling through ``templates``; each third one in ``subfolder`` when given. Their ids."""
    values = [small_plan(p) for p in templates]
    content = [xlsx_bytes(v) for v in values]
    ids = []
    for n in range(count):
        k = n % len(templates)
        parent = subfolder if subfolder and n % 3 == 2 else folder
        name = f"{n:04d} {templates[k].stem}"
        if n % native_every == 0:
            ids.append(g.add_spreadsheet(name, values[k], parents=[parent]))
        else:
            ids.append(g.add_file(name + ".xlsx", content[k], parents=[parent]))
    return ids
