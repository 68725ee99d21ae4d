"""Annotating plans in place: only mapsheet's own marks change, twice is once, clean restores exactly,
and a plan is never half-written or replaced while Excel has it open."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
import time
from pathlib import Path

import openpyxl
import pytest
import xlwings
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from mapsheet import WorkbookBusy, api
from mapsheet.annotate import marked_cell
from mapsheet.backends.xlsx_write import AnnotationUnsafe
from cli.runner import run_cli
from mapsheet.edits import CHECK_SHEET, NOTE_MARKER, STATE_SHEET
from mapsheet.fill import default_template_path
from workbook_dump import diff_dumps, dump_workbook

from conftest import TODAY

OWN_SHEETS = (CHECK_SHEET, STATE_SHEET)


def _with_user_marks(path: Path, result) -> tuple[str, str]:
    """Give two cells mapsheet will mark a user's own note and fill; return their addresses."""
    cells = sorted({marked_cell(f.location) for f in result.findings if marked_cell(f.location)
                    and f.location.sheet in result.plan.sheet_names})
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    noted = filled = None
    if cells:
        sheet, row, col = cells[0]
        wb[sheet].cell(row + 1, col + 1).comment = Comment("Checked with Lee on Monday", "Dana Reyes")
        noted = f"{sheet}!{wb[sheet].cell(row + 1, col + 1).coordinate}"
        sheet, row, col = cells[-1]
        wb[sheet].cell(row + 1, col + 1).fill = PatternFill("solid", fgColor="FFD966")
        filled = f"{sheet}!{wb[sheet].cell(row + 1, col + 1).coordinate}"
    # A user note on a cell mapsheet never marks, which must never be touched either.
    wb["Instructions"]["A30"].comment = Comment("keep me", "Lee Park")
    wb.save(path)
    return noted, filled


def _marked(result) -> set[tuple[str, str]]:
    out = set()
    for f in result.findings:
        cell = marked_cell(f.location)
        if cell and cell[0] in result.plan.sheet_names:
            out.add((cell[0], openpyxl.utils.get_column_letter(cell[2] + 1) + str(cell[1] + 1)))
    return out


def _only_own_marks_differ(before: dict, after: dict, marked: set[tuple[str, str]]) -> None:
    assert [s for s in after["sheets"] if s not in OWN_SHEETS] == before["sheets"]
    assert after["sheets"][0] == CHECK_SHEET
    for sheet in before["sheets"]:
        b, a = before[sheet], after[sheet]
        for key in b:
            if key != "cells":
                assert a[key] == b[key], f"{sheet}: {key} changed"
        assert set(a["cells"]) >= set(b["cells"])
        for ref in set(a["cells"]) | set(b["cells"]):
            if (sheet, ref) in marked:
                va, vb = a["cells"][ref], b["cells"].get(ref)
                assert vb is None or va[0] == vb[0], f"{sheet}!{ref} value changed"
                assert NOTE_MARKER in va[2][0]
                if vb is not None and vb[2]:
                    assert va[2][0].startswith(vb[2][0]) and va[2][1] == vb[2][1], "the user's note was lost"
            else:
                assert a["cells"][ref] == b["cells"].get(ref), f"{sheet}!{ref} changed but has no finding"
    assert after["active"] == CHECK_SHEET
    for key in ("names", "custom_props", "vba"):
        assert after.get(key) == before.get(key)


def _round_trip(path: Path):
    result = api.check(path, today=TODAY)
    noted, filled = _with_user_marks(path, result)
    before = dump_workbook(path)
    api.annotate_file(path, result)
    once = dump_workbook(path)
    _only_own_marks_differ(before, once, _marked(result))
    api.annotate_file(path, result)
    assert diff_dumps(once, dump_workbook(path)) == [], "annotating twice differs from once"
    target, changed = api.clean_file(path)
    assert changed
    assert diff_dumps(before, dump_workbook(path)) == [], "clean did not restore the plan exactly"
    return noted, filled


def test_round_trip_on_every_demo_plan(sample_plans, tmp_path):
    for sample, original in sample_plans:
        path = tmp_path / original.name
        shutil.copy(original, path)
        _round_trip(path)


def test_round_trip_on_the_template(tmp_path):
    path = tmp_path / "template.xlsx"
    shutil.copy(default_template_path(), path)
    _round_trip(path)


def test_round_trip_keeps_the_macros_of_an_xlsm(sample_plans, tmp_path):
    macros = openpyxl.load_workbook(Path(xlwings.__file__).parent / "quickstart.xlsm", keep_vba=True)
    wb = openpyxl.load_workbook(sample_plans[2][1])
    wb.vba_archive = macros.vba_archive
    path = tmp_path / "plan.xlsm"
    wb.save(path)
    before = dump_workbook(path)
    assert "vba" in before
    _round_trip(path)
    assert dump_workbook(path)["vba"] == before["vba"]
    api.annotate_file(path, today=TODAY)
    with zipfile.ZipFile(path) as zf:  # openpyxl's keep_vba once wrote note drawings twice
        names = zf.namelist()
    assert len(names) == len(set(names)) and "xl/vbaProject.bin" in names


def test_user_note_and_fill_survive_and_come_back(sample_plans, tmp_path):
    path = tmp_path / "p.xlsx"
    shutil.copy(sample_plans[2][1], path)  # a neglected plan: plenty of findings
    result = api.check(path, today=TODAY)
    noted, filled = _with_user_marks(path, result)
    api.annotate_file(path, result)
    wb = openpyxl.load_workbook(path)
    sheet, ref = noted.split("!")
    note = wb[sheet][ref].comment
    assert note.text.startswith("Checked with Lee on Monday") and NOTE_MARKER in note.text
    assert note.author == "Dana Reyes"
    sheet, ref = filled.split("!")
    assert wb[sheet][ref].fill.fgColor.rgb[-6:] in ("FFC7CE", "FFEB9C", "DDEBF7")
    assert wb[STATE_SHEET].sheet_state == "hidden"
    assert wb.active.title == CHECK_SHEET
    api.clean_file(path)
    wb = openpyxl.load_workbook(path)
    assert wb[sheet][ref].fill.fgColor.rgb[-6:] == "FFD966"
    sheet, ref = noted.split("!")
    assert wb[sheet][ref].comment.text == "Checked with Lee on Monday"
    assert CHECK_SHEET not in wb.sheetnames and STATE_SHEET not in wb.sheetnames


def test_plan_check_sheet_says_score_band_and_links_each_finding(sample_plans, tmp_path):
    path = tmp_path / "p.xlsx"
    shutil.copy(sample_plans[2][1], path)
    result = api.check(path, today=TODAY)
    api.annotate_file(path, result)
    ws = openpyxl.load_workbook(path)[CHECK_SHEET]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    score_row = next(r for r in values if r[0] == "Score")
    assert score_row[1] == result.score.total and result.score.band.value in score_row
    links = {c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink}
    for f in result.findings:
        if f.location.row is not None and f.location.col is not None:
            assert f"'{f.location.sheet}'!{f.location.a1}" in links
    assert any(str(v).startswith("27 Nov 2026") or "judged as of 27 Nov 2026" in str(v) for r in values for v in r if v)


def test_refuses_while_excel_has_the_plan_open(sample_plans, tmp_path):
    path = tmp_path / "deal.xlsx"
    shutil.copy(sample_plans[1][1], path)
    (tmp_path / "~$deal.xlsx").write_bytes(b"lock")
    original = path.read_bytes()
    with pytest.raises(WorkbookBusy, match="--output"):
        api.annotate_file(path, today=TODAY)
    r = run_cli(["check", str(path), "--annotate", "--today", "2026-11-27"])
    assert r.exit_code == 2 and "open in a spreadsheet program" in r.output
    assert path.read_bytes() == original
    copy = tmp_path / "annotated.xlsx"
    r = run_cli(["check", str(path), "--output", str(copy), "--today", "2026-11-27", "--fail-on", "never"])
    assert r.exit_code == 0, r.output
    assert CHECK_SHEET in openpyxl.load_workbook(copy).sheetnames and path.read_bytes() == original


def test_a_lock_file_that_appears_while_annotate_runs_stops_the_final_replace(sample_plans, tmp_path, monkeypatch):
    """Excel opens the plan while mapsheet is saving it: the lock is looked at again just before the replace."""
    import mapsheet.backends.xlsx_write as xlsx_write

    path = tmp_path / "deal.xlsx"
    shutil.copy(sample_plans[1][1], path)
    original = path.read_bytes()
    saving = xlsx_write.keep_cached_results

    def excel_opens_the_plan_meanwhile(source, saved):
        (tmp_path / "~$deal.xlsx").write_bytes(b"lock")
        saving(source, saved)

    monkeypatch.setattr(xlsx_write, "keep_cached_results", excel_opens_the_plan_meanwhile)
    r = run_cli(["check", str(path), "--annotate", "--today", "2026-11-27"])
    assert r.exit_code == 2 and "open in a spreadsheet program" in r.output and "deal.xlsx" in r.output
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deal.xlsx", "~$deal.xlsx"]  # no temporary file left


def _rows_inserted_as_excel_does(path: Path, out: Path, rows: int = 3) -> Path:
    """``rows`` rows inserted above the tables' first row: values, notes and fills move down together."""
    wb = openpyxl.load_workbook(path)
    for name in ("Actions", "Milestones"):
        ws = wb[name]
        ws.move_range(f"A4:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}", rows=rows)
    wb.save(out)
    return out


def _fills(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): (c.fill.fill_type, c.fill.fgColor.rgb)
            for ws in wb.worksheets if ws.title not in OWN_SHEETS for c in ws._cells.values()}


def _cleaned_after_rows_moved(plan: Path, tmp_path: Path):
    plan = _with_a_fill_on_every_row(plan, tmp_path / "plan.xlsx")
    expected = _rows_inserted_as_excel_does(plan, tmp_path / "expected.xlsx")
    api.annotate_file(plan, output=tmp_path / "annotated.xlsx", today=TODAY)
    moved = _rows_inserted_as_excel_does(tmp_path / "annotated.xlsx", tmp_path / "moved.xlsx")
    r = run_cli(["clean", str(moved), "--output", str(tmp_path / "cleaned.xlsx")])
    assert r.exit_code == 0, r.output
    return _fills(expected), _fills(tmp_path / "cleaned.xlsx"), r.output


def test_rows_inserted_after_annotating_clean_puts_every_fill_back_where_its_row_went(sample_plans, tmp_path):
    expected, cleaned, said = _cleaned_after_rows_moved(sample_plans[1][1], tmp_path)
    assert cleaned == {cell: fill for cell, fill in expected.items() if cell in cleaned}
    assert "warning" not in said


def _with_a_fill_on_every_row(plan: Path, out: Path) -> Path:
    """The plan with a colour of the user's own, a different one on each row, on the tables' cells."""
    wb = openpyxl.load_workbook(plan)
    for name in ("Actions", "Milestones"):
        ws = wb[name]
        for row in range(4, ws.max_row + 1):
            for col in range(1, ws.max_column + 1):
                ws.cell(row, col).fill = PatternFill("solid", fgColor=f"{(row * 37) % 256:02X}80{(row * 11) % 256:02X}")
    wb.save(out)
    return out


def test_a_marked_cell_the_user_fixed_gets_its_fill_back_in_place(sample_plans, tmp_path):
    plan = _with_a_fill_on_every_row(sample_plans[1][1], tmp_path / "plan.xlsx")
    annotated = tmp_path / "annotated.xlsx"
    result = api.check(plan, today=TODAY)
    api.annotate_file(plan, result, output=annotated)
    sheet, row, col = next(marked_cell(f.location) for f in result.findings
                           if f.location.sheet == "Actions" and marked_cell(f.location))
    for path in (plan, annotated):  # the user types into the marked cell, in the plan and its annotated copy
        wb = openpyxl.load_workbook(path)
        wb[sheet].cell(row + 1, col + 1).value = "Fixed by the user"
        wb.save(path)
    r = run_cli(["clean", str(annotated), "--output", str(tmp_path / "cleaned.xlsx")])
    assert r.exit_code == 0 and "warning" not in r.output, r.output
    assert _fills(tmp_path / "cleaned.xlsx") == _fills(plan)


def test_rows_that_cannot_be_followed_keep_mapsheets_colour_with_a_warning_never_another_cells_fill(
        sample_plans, tmp_path):
    """Rows inserted and every marked row edited as well: no row holds what it held when marked, so no fill
    can follow its row; none is put on a cell another marked row moved to."""
    from mapsheet.backends.base import OWN_FILLS

    plan = _with_a_fill_on_every_row(sample_plans[1][1], tmp_path / "plan.xlsx")
    # As many rows as lie between two marked cells of one column: one then sits where the other was
    result = api.check(plan, today=TODAY)
    marked = sorted(marked_cell(f.location) for f in result.findings if marked_cell(f.location))
    shift = min(b[1] - a[1] for a, b in zip(marked, marked[1:]) if a[0] == b[0] == "Actions" and a[2] == b[2])
    expected = _fills(_rows_inserted_as_excel_does(plan, tmp_path / "expected.xlsx", rows=shift))
    api.annotate_file(plan, result, output=tmp_path / "annotated.xlsx")
    moved = _rows_inserted_as_excel_does(tmp_path / "annotated.xlsx", tmp_path / "moved.xlsx", rows=shift)
    wb = openpyxl.load_workbook(moved)
    for name in ("Actions", "Milestones"):
        for row in range(4 + shift, wb[name].max_row + 1):
            wb[name].cell(row, 2).value = f"edited {row}"  # the Description / Milestone column
    wb.save(moved)
    r = run_cli(["clean", str(moved), "--output", str(tmp_path / "cleaned.xlsx")])
    assert r.exit_code == 0, r.output
    cleaned = _fills(tmp_path / "cleaned.xlsx")
    wrong = {cell: (fill, expected.get(cell)) for cell, fill in cleaned.items()
             if fill != expected.get(cell, (None, "00000000")) and str(fill[1])[-6:] not in OWN_FILLS}
    assert not wrong, wrong  # every fill is the user's, or mapsheet's colour left where the row took it
    assert "no longer shows mapsheet's colour (rows moved" in " ".join(r.output.split())


def test_refuses_what_openpyxl_would_drop(sample_plans, tmp_path):
    path = tmp_path / "chart.xlsx"
    wb = openpyxl.load_workbook(sample_plans[0][1])
    ws = wb["Outcomes"]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=3, max_row=5))
    ws.add_chart(chart, "H3")
    wb.save(path)
    original = path.read_bytes()
    with pytest.raises(AnnotationUnsafe, match="charts"):
        api.annotate_file(path, today=TODAY)
    assert path.read_bytes() == original


def test_a_crash_while_saving_leaves_the_original_intact(sample_plans, tmp_path):
    """Kill the process in the middle of writing the workbook: the plan must be exactly as it was."""
    path = tmp_path / "deal.xlsx"
    shutil.copy(sample_plans[4][1], path)  # the bloated plan: the biggest file
    original = path.read_bytes()
    started = tmp_path / "writing"
    script = textwrap.dedent(f"""
        import time, openpyxl
        from pathlib import Path
        real_save = openpyxl.Workbook.save
        def slow_save(self, filename):
            with open(filename, "wb") as fh:
                fh.write(b"PK" + b"half a workbook" * 1000)
                fh.flush()
            Path({str(started)!r}).write_text("yes")
            time.sleep(60)
            real_save(self, filename)
        openpyxl.Workbook.save = slow_save
        from mapsheet import api
        import datetime as dt
        api.annotate_file({str(path)!r}, today=dt.date(2026, 11, 27))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert proc.poll() is None, "the annotating process ended before it started saving"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    assert path.read_bytes() == original
    assert api.read_plan(path).deal
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("deal.xlsx", "writing")]
    assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers), leftovers


def test_cli_check_annotate_and_clean(sample_plans, tmp_path):
    path = tmp_path / "deal.xlsx"
    shutil.copy(sample_plans[2][1], path)
    r = run_cli(["check", str(path), "--annotate", "--today", "2026-11-27"])
    assert r.exit_code == 1 and "Annotated" in r.output
    assert CHECK_SHEET in openpyxl.load_workbook(path).sheetnames
    r = run_cli(["clean", str(path)])
    assert r.exit_code == 0 and "Cleaned" in r.output
    r = run_cli(["clean", str(path)])
    assert r.exit_code == 0 and "Nothing to clean" in r.output


@pytest.mark.libreoffice
def test_libreoffice_opens_annotated_plans(libreoffice, sample_plans, tmp_path):
    paths = []
    for sample, original in sample_plans[:6]:
        path = tmp_path / original.name
        shutil.copy(original, path)
        api.annotate_file(path, today=TODAY)
        paths.append(path)
    for pdf in libreoffice.convert(paths, tmp_path / "pdf"):
        assert pdf.stat().st_size > 10_000
