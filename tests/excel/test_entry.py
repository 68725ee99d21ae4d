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
        calls.append((workbook, today))
        return "result", [ClearOwnMarks(), SetNote("Actions", 4, 1, "No owner."),
                          ReplaceSheet(CHECK_SHEET, 0, ((Cell("Plan check", "title"),),))]

    monkeypatch.setattr(api, "annotation_edits", annotation_edits, raising=False)
    return calls


def plan():
    return book_with({"Overview": {"A1": "Mutual action plan"}, "Actions": {"B5": "Send the security pack"}})


def test_check_plan_reads_the_calling_book_and_marks_it(core):
    book = plan()
    entry.check_plan(book, today=dt.date(2026, 11, 27))
    (grid, today), = core
    assert grid.sheet("Actions").value(4, 1) == "Send the security pack" and today == dt.date(2026, 11, 27)
    assert book.sheets["Actions"].range("B5").note.text == f"{NOTE_MARKER}\nNo owner."
    assert book.sheets[0].name == CHECK_SHEET
    assert book.app.alerts == []
    assert book.app.screen_updating is True


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
