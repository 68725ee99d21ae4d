"""What a seller sees after clicking "Check plan": marks, or one clear message box."""

from __future__ import annotations

import datetime as dt
import importlib
import sys

import pytest
from fake_xlwings import book_with, snapshot

from mapsheet import api
from mapsheet.edits import CHECK_SHEET, NOTE_MARKER, Cell, ClearOwnMarks, ReplaceSheet, SetNote
from mapsheet.errors import NotAPlan
from mapsheet.excel import entry
from mapsheet.excel.settings import RUNPYTHON_DIR


@pytest.fixture
def core(monkeypatch):
    """Stands in for mapsheet.api.annotation_edits; records the grid it was given."""
    calls = []

    def annotation_edits(workbook, *, today=None, config=None):
        calls.append((workbook, today, config))
        return "result", [ClearOwnMarks(), SetNote("Actions", 4, 1, "No owner."),
                          ReplaceSheet(CHECK_SHEET, 0, ((Cell("Plan check", "title"),),))]

    monkeypatch.setattr(api, "annotation_edits", annotation_edits, raising=False)
    return calls


def plan():
    return book_with({"Overview": {"A1": "Mutual action plan"}, "Actions": {"B5": "Send the security pack"}})


def test_check_plan_reads_the_calling_book_and_marks_it(core):
    book = plan()
    entry.check_plan(book, today=dt.date(2026, 11, 27))
    (grid, today, config), = core
    assert grid.sheet("Actions").value(4, 1) == "Send the security pack" and today == dt.date(2026, 11, 27)
    assert book.sheets["Actions"].range("B5").note.text == f"{NOTE_MARKER}\nNo owner."
    assert book.sheets[0].name == CHECK_SHEET
    assert book.app.alerts == []
    assert book.app.screen_updating is True
    assert config is None  # an unsaved book: the defaults


def test_the_teams_settings_next_to_the_plan_apply_as_in_the_cli(core, tmp_path):
    (tmp_path / "mapsheet.toml").write_text("ignore = []\n")
    (tmp_path / "acme.xlsx").write_bytes(b"")
    book = plan()
    book.fullname = str(tmp_path / "acme.xlsx")
    entry.check_plan(book)
    (_grid, _today, config), = core
    assert config.source == str(tmp_path / "mapsheet.toml")


def test_a_plan_opened_from_sharepoint_is_checked_with_the_defaults(core):
    book = plan()
    book.fullname = "https://acme.sharepoint.com/sites/Sales/Shared Documents/acme.xlsx"
    entry.check_plan(book)
    (_grid, _today, config), = core
    assert config is None and book.app.alerts == []
    assert book.sheets[0].name == CHECK_SHEET


def test_a_workbook_that_is_not_a_plan_gets_a_message_box_and_is_left_alone(monkeypatch):
    def not_a_plan(workbook, **_):
        raise NotAPlan(f"{workbook.source}: no Overview, Milestones or Actions sheet")

    monkeypatch.setattr(api, "annotation_edits", not_a_plan, raising=False)
    book = book_with({"Budget": {"A1": "Q1"}}, name="budget.xlsx")
    before = snapshot(book)
    entry.check_plan(book)
    (alert,) = book.app.alerts
    assert alert["title"] == "mapsheet: not a plan" and alert["mode"] == "critical"
    assert "budget.xlsx does not look like a mutual action plan" in alert["prompt"]
    assert "no Overview, Milestones or Actions sheet" in alert["prompt"]
    assert snapshot(book) == before


def test_an_unexpected_error_becomes_a_message_box_naming_the_log(monkeypatch, tmp_path):
    def broken(workbook, **_):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(api, "annotation_edits", broken, raising=False)
    monkeypatch.setattr(entry, "LOG_FILE", tmp_path / "mapsheet-excel.log")
    book = plan()
    entry.check_plan(book)
    (alert,) = book.app.alerts
    assert "ZeroDivisionError: division by zero" in alert["prompt"]
    assert str(tmp_path / "mapsheet-excel.log") in alert["prompt"]
    assert "Traceback" in (tmp_path / "mapsheet-excel.log").read_text()


def test_clear_check_removes_what_check_plan_added(core):
    book = plan()
    before = snapshot(book)
    entry.check_plan(book)
    entry.clear_check(book)
    assert snapshot(book)["sheets"] == before["sheets"]


def test_the_buttons_module_runs_check_plan(monkeypatch):
    """RunMain runs `import mapsheet_addin; mapsheet_addin.main()` with RUNPYTHON_DIR on sys.path."""
    ran = []
    monkeypatch.setattr(entry, "check_plan", lambda: ran.append(True))
    monkeypatch.syspath_prepend(str(RUNPYTHON_DIR))
    sys.modules.pop("mapsheet_addin", None)
    module = importlib.import_module("mapsheet_addin")
    module.main()
    assert ran == [True]
    sys.modules.pop("mapsheet_addin", None)


def test_the_buttons_folder_holds_nothing_that_could_shadow_another_module():
    assert sorted(p.name for p in RUNPYTHON_DIR.iterdir() if p.name != "__pycache__") == ["mapsheet_addin.py"]


def book_from_file(path):
    """A live-Excel stand-in holding the values of a plan file, as Excel would show them."""
    from fake_xlwings import Book, Sheet

    from mapsheet.backends.xlsx_read import read_workbook as read_file

    book = Book(path.name)
    for file_sheet in read_file(path).sheets:
        sheet = Sheet(book, file_sheet.name)
        book._sheets.append(sheet)
        for r, row in enumerate(file_sheet.rows):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    sheet.values[(r + 1, c + 1)] = value  # stored as Excel holds it, not retyped
    book.active_sheet = book._sheets[0]
    return book


def test_the_button_sees_the_plan_the_file_reader_sees(sample_plans):
    from mapsheet.backends.xlsx_read import read_workbook as read_file
    from mapsheet.excel.backend import read_workbook

    for _sample, path in sample_plans[:5]:
        from_file, from_excel = read_file(path), read_workbook(book_from_file(path))
        assert from_excel.sheet_names == from_file.sheet_names
        for sheet in from_file.sheets:
            live = from_excel.sheet(sheet.name)
            cells = {(r, c): v for r, row in enumerate(sheet.rows) for c, v in enumerate(row) if v not in (None, "")}
            assert {k: live.value(*k) for k in cells} == cells, f"{path.name}!{sheet.name}"


def test_check_plan_end_to_end_with_the_real_core(sample_plans, today):
    if not hasattr(api, "annotation_edits"):
        pytest.skip("mapsheet.api.annotation_edits is not written yet")
    for _sample, path in sample_plans[:5]:
        book = book_from_file(path)
        before = snapshot(book)
        entry.check_plan(book, today=today)
        assert book.app.alerts == [], book.app.alerts[0]["prompt"] if book.app.alerts else ""
        assert book.sheets[0].name == CHECK_SHEET
        once = snapshot(book)
        entry.check_plan(book, today=today)
        assert snapshot(book) == once, f"{path.name}: checking twice differs from checking once"
        entry.clear_check(book)
        assert snapshot(book)["sheets"] == before["sheets"], f"{path.name}: clear did not restore the plan"
