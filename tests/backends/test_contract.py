"""One edit contract, every backend: the same edit lists (annotate, annotate again, clean) give the same
cell states (values, notes, fills, tabs) in the openpyxl file, the xlwings double, memory and Google."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from mapsheet import api
from mapsheet.annotate import marked_cell, plan_edits
from mapsheet.backends import memory
from mapsheet.backends.xlsx_read import read_workbook
from mapsheet.backends.xlsx_write import edit_file
from mapsheet.edits import CHECK_SHEET, NOTE_MARKER, STATE_SHEET, ClearOwnMarks
from mapsheet.excel import backend as excel_backend
from mapsheet.samples import generate_samples, write_sample

from conftest import TODAY

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "excel"))  # the xlwings double
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "google"))  # the local Google

USER_NOTE, USER_FILL = "Checked with Lee on Monday", "FFD966"


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> tuple[Path, Any, tuple, tuple]:
    """A sample plan as a file, its check result, and two cells mapsheet marks: one with the user's note,
    one with the user's fill."""
    folder = tmp_path_factory.mktemp("contract")
    path = write_sample(generate_samples(3, today=TODAY)[1], folder)
    result = api.check(path, today=TODAY)
    cells = sorted({marked_cell(f.location) for f in result.findings if marked_cell(f.location)
                    and f.location.sheet in result.plan.sheet_names})
    assert len(cells) >= 2, "the sample must have findings on cells"
    return path, result, cells[0], cells[-1]


class FileBackend:
    def __init__(self, plan, tmp: Path):
        src, _, noted, filled = plan
        self.path = tmp / "plan.xlsx"
        wb = openpyxl.load_workbook(src)
        wb[noted[0]].cell(noted[1] + 1, noted[2] + 1).comment = Comment(USER_NOTE, "Dana Reyes")
        wb[filled[0]].cell(filled[1] + 1, filled[2] + 1).fill = PatternFill("solid", fgColor=USER_FILL)
        wb.save(self.path)

    def apply(self, edits) -> None:
        edit_file(self.path, edits)

    def state(self) -> dict:
        wb = openpyxl.load_workbook(self.path)
        cells = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    fill = _fill_hex(c)
                    note = c.comment.text if c.comment is not None else None
                    cells[(ws.title, c.row - 1, c.column - 1)] = (c.value, note, fill)
        return normal([(ws.title, ws.sheet_state != "visible") for ws in wb.worksheets], cells)


class XlwingsBackend:
    def __init__(self, plan, tmp: Path):
        from fake_xlwings import book_with

        src, _, noted, filled = plan
        grid = read_workbook(src)
        self.book = book_with({s.name: {f"{_col(c)}{r + 1}": v for r, row in enumerate(s.rows)
                                        for c, v in enumerate(row) if v not in (None, "")} for s in grid.sheets})
        for (sheet, r, c), rgb in solid_fills(src).items():
            self.book.sheets[sheet].range((r + 1, c + 1)).color = _rgb(rgb)
        self.book.sheets[noted[0]].range((noted[1] + 1, noted[2] + 1)).add_note(USER_NOTE)
        self.book.sheets[filled[0]].range((filled[1] + 1, filled[2] + 1)).color = _rgb(USER_FILL)

    def apply(self, edits) -> None:
        excel_backend.apply_edits(self.book, edits)

    def state(self) -> dict:
        cells = {}
        for s in self.book._sheets:
            keys = set(s.values) | set(s.fills) | set(s.note_impls)
            for r, c in keys:
                fill = s.fills.get((r, c))
                cells[(s.name, r - 1, c - 1)] = (s.values.get((r, c)), s.note_impls[(r, c)].text
                                                 if (r, c) in s.note_impls else None,
                                                 "{:02X}{:02X}{:02X}".format(*fill) if fill else "")
        return normal([(s.name, not s.visible) for s in self.book._sheets], cells)


class MemoryBackend:
    def __init__(self, plan, tmp: Path):
        src, _, noted, filled = plan
        self.book = memory.MemoryBook.from_workbook(read_workbook(src))
        for (sheet, r, c), rgb in solid_fills(src).items():
            self.book.sheet(sheet).fills[(r, c)] = rgb
        self.book.sheet(noted[0]).notes[noted[1:]] = USER_NOTE
        self.book.sheet(filled[0]).fills[filled[1:]] = USER_FILL

    def apply(self, edits) -> None:
        memory.apply_edits(self.book, edits)

    def state(self) -> dict:
        cells = {}
        for s in self.book.sheets:
            for key in set(s.values) | set(s.notes) | set(s.fills):
                cells[(s.name, *key)] = (s.values.get(key), s.notes.get(key), s.fills.get(key, ""))
        return normal([(s.name, s.hidden) for s in self.book.sheets], cells)


class GoogleBackend:
    """A native Google Sheet in the local Google, converted from the same file (with the user's note and
    fill), annotated and cleaned through the CLI's own source: one read, one batchUpdate each."""

    def __init__(self, plan, tmp: Path):
        from fake import FakeGoogle
        from plans import upload_plan

        self.google = FakeGoogle()
        self.sid = upload_plan(self.google, FileBackend(plan, tmp).path)

    def apply(self, edits) -> None:
        from plans import source

        source(self.google, self.sid).apply(edits)

    def state(self) -> dict:
        from fake import render
        from mapsheet.google.formats import rgb_of
        from mapsheet.google.grid import cell_value

        cells = {}
        for s in self.google.spreadsheet(self.sid).sheets:
            for (r, c), data in s.cells.items():
                fmt = data.get("userEnteredFormat") or {}
                value = cell_value({"effectiveValue": render.effective(data), "effectiveFormat": fmt})
                cells[(s.title, r, c)] = (value, data.get("note"), rgb_of(fmt.get("backgroundColorStyle")))
        return normal([(s.title, bool(s.properties.get("hidden"))) for s in self.google.spreadsheet(self.sid).sheets],
                      cells)


def solid_fills(path: Path) -> dict[tuple[str, int, int], str]:
    """The template's own fills (header rows, bands), so every backend starts from the same colours."""
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.row - 1, c.column - 1): _fill_hex(c) for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if _fill_hex(c)}


def _fill_hex(c) -> str:
    fill = c.fill
    if fill is None or fill.fill_type != "solid" or fill.fgColor.type != "rgb":
        return ""
    return fill.fgColor.rgb[-6:]


def _col(c: int) -> str:
    from mapsheet.grid import column_letter
    return column_letter(c)


def _rgb(hex6: str) -> tuple[int, int, int]:
    return tuple(int(hex6[i:i + 2], 16) for i in (0, 2, 4))


def normal(tabs: list[tuple[str, bool]], cells: dict) -> dict:
    """What a user sees, in one shape for every backend: tabs (name, hidden) in order, and per cell
    (value, note, fill). Empty cells are left out; numbers compare as numbers; dates as dates."""
    out = {}
    for key, (value, note, fill) in cells.items():
        if isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() else value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = round(float(value), 12)  # a file stores 17 significant digits
        if value == "":
            value = None
        if value is None and not note and not fill:
            continue
        if key[0] == STATE_SHEET and key[2] > 2:
            continue  # columns a backend adds after the shared state header (the file's exact fill, active tab)
        if key[0] == STATE_SHEET and value is None:
            continue
        out[key] = (value, note or None, fill or "")
    return {"tabs": tabs, "cells": out}


BACKENDS = {"file": FileBackend, "xlwings": XlwingsBackend, "memory": MemoryBackend, "google": GoogleBackend}


def run_contract(backend, result) -> list[dict]:
    annotate = plan_edits(result)
    states = [backend.state()]
    for edits in (annotate, annotate, [ClearOwnMarks()]):
        backend.apply(edits)
        states.append(backend.state())
    return states


@pytest.fixture(scope="module")
def runs(plan, tmp_path_factory) -> dict[str, list[dict]]:
    return {name: run_contract(cls(plan, tmp_path_factory.mktemp(name)), plan[1]) for name, cls in BACKENDS.items()}


@pytest.mark.parametrize("name", list(BACKENDS))
def test_annotating_twice_is_annotating_once_and_clean_restores_exactly(runs, name):
    before, once, twice, cleaned = runs[name]
    assert twice == once
    assert cleaned == before
    assert once["tabs"][0] == (CHECK_SHEET, False) and once["tabs"][-1] == (STATE_SHEET, True)


@pytest.mark.parametrize("name", list(BACKENDS))
def test_the_users_note_and_fill_survive_under_mapsheets_marks(runs, plan, name):
    _, _, noted, filled = plan
    _, once, _, cleaned = runs[name]
    note = once["cells"][noted][1]
    assert note.startswith(USER_NOTE + "\n\n" + NOTE_MARKER)
    assert cleaned["cells"][noted][1] == USER_NOTE
    assert once["cells"][filled][2] != USER_FILL and cleaned["cells"][filled][2] == USER_FILL
    state_rows = {v[0] for k, v in once["cells"].items() if k[0] == STATE_SHEET}
    assert USER_FILL in state_rows  # remembered in the hidden state sheet


@pytest.mark.parametrize("name", [n for n in BACKENDS if n != "file"])
def test_every_backend_leaves_the_same_cells_as_the_file_backend(runs, name):
    """Each backend starts from the plan as its library holds it (the file also has the template's
    formulas and header fills); what the edits change must be the same everywhere."""
    for step in (1, 2, 3):
        theirs, file = runs[name][step], runs["file"][step]
        assert theirs["tabs"] == file["tabs"], f"step {step}: tabs differ"
        ours, reference = changes(runs[name][0], theirs), changes(runs["file"][0], file)
        differ = {k: (ours.get(k), reference.get(k)) for k in set(ours) | set(reference)
                  if ours.get(k) != reference.get(k)}
        assert not differ, f"step {step}: {len(differ)} cells differ, e.g. {sorted(differ.items(), key=str)[:3]}"
    assert len(changes(runs[name][0], runs[name][1])) > 50  # the Plan check sheet, notes and fills


def changes(before: dict, after: dict) -> dict:
    keys = set(before["cells"]) | set(after["cells"])
    return {k: after["cells"].get(k) for k in keys if before["cells"].get(k) != after["cells"].get(k)}
