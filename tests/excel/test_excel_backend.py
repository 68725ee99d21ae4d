"""The live-Excel backend against a test double of xlwings' object model (tests/excel/fake_xlwings.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from fake_xlwings import Formula, book_with, snapshot

from mapsheet.edits import (CHECK_SHEET, NOTE_MARKER, STATE_SHEET, STYLES, Cell, ClearOwnMarks, ReplaceSheet, SetFill,
                            SetNote)
from mapsheet.excel.backend import apply_edits, read_state, read_workbook
from mapsheet.excel.styles import FORMATS
from mapsheet.grid import Location
from mapsheet.levels import SEVERITY_FILLS

USER_FILL = (0, 176, 80)  # the seller's own green on Milestones!B4


def plan_book():
    book = book_with({
        "Overview": {"A1": "Mutual action plan", "A5": "Deal name", "B5": "Acme rollout"},
        "Milestones": {"A3": "ID", "B3": "Milestone", "A4": "M1", "B4": "Kickoff", "C4": "Legal review"},
    })
    milestones = book.sheets["Milestones"]
    milestones.range("B4").color = USER_FILL
    milestones.range("C4").add_note("Ana: ask procurement first")
    return book


def check_edits():
    milestones = Location("Milestones", 3, 1)
    return [
        ClearOwnMarks(),
        SetNote("Milestones", 3, 1, "Owner missing: every milestone needs a named owner."),
        SetNote("Milestones", 3, 2, "Due date is in the past."),
        SetFill("Milestones", 3, 1, SEVERITY_FILLS["error"]),
        SetFill("Milestones", 3, 2, SEVERITY_FILLS["warning"]),
        ReplaceSheet(
            CHECK_SHEET, 0,
            rows=(
                (Cell("Plan check", "title"),),
                (Cell("Score", "label"), Cell(72, "score"), Cell("At risk", "band-at-risk")),
                (Cell("Where", "header"), Cell("Problem", "header"), Cell("Done", "header")),
                (Cell("Milestones!B4", "link", link=milestones), Cell("Owner missing", "error"), Cell("3/4")),
                (Cell("000000"), Cell("=SUM(1,2)"), Cell(dt.date(2026, 12, 1), "date")),
            ),
            column_widths=(18, 60), freeze_rows=3, tab_color="1F4E78", merges=((0, 0, 0, 2),),
        ),
    ]


def test_notes_keep_the_users_text_above_mapsheets_marker():
    book = plan_book()
    apply_edits(book, check_edits())
    milestones = book.sheets["Milestones"]
    assert milestones.range("B4").note.text == f"{NOTE_MARKER}\nOwner missing: every milestone needs a named owner."
    assert milestones.range("C4").note.text == f"Ana: ask procurement first\n\n{NOTE_MARKER}\nDue date is in the past."


def test_two_notes_for_one_cell_in_one_batch_are_both_shown():
    book = plan_book()
    apply_edits(book, [ClearOwnMarks(), SetNote("Milestones", 3, 1, "First."), SetNote("Milestones", 3, 1, "Second.")])
    assert book.sheets["Milestones"].range("B4").note.text == f"{NOTE_MARKER}\nFirst.\nSecond."


def test_fills_colour_cells_and_the_state_sheet_remembers_the_users_own_fill():
    book = plan_book()
    apply_edits(book, check_edits())
    milestones = book.sheets["Milestones"]
    assert milestones.range("B4").color == (0xFF, 0xC7, 0xCE)
    assert milestones.range("C4").color == (0xFF, 0xEB, 0x9C)
    state = book.sheets[STATE_SHEET]
    assert state.visible is False
    assert state.range("A1:C1").value == ["sheet", "cell", "fill"]  # the file backend's layout
    assert read_state(state) == [("Milestones", "B4", "00B050"), ("Milestones", "C4", "")]


def test_plan_check_sheet_is_first_active_and_formatted():
    book = plan_book()
    apply_edits(book, check_edits())
    check = book.sheets[0]
    assert check.name == CHECK_SHEET and book.sheets.active is check
    assert check.range("A1").value == "Plan check"
    assert check.range("B2").value == 72
    assert check.range("A1").font.bold and check.range("A1").font.size == FORMATS["title"].size
    assert [check.range(a).font.bold for a in ("A3", "B3", "C3")] == [True, True, True]
    assert check.range("C2").color == (0xFF, 0xEB, 0x9C)
    assert check.hyperlinks[(4, 1)] == ("#'Milestones'!B4", "Milestones!B4")
    assert check.range("C5").number_format == FORMATS["date"].number_format
    assert check.column_widths == {1: 18, 2: 60}
    assert check.merged == ["A1:C1"]


def test_text_stays_text_in_what_mapsheet_writes():
    """Excel would read "3/4" as a date, "000000" as 0 and "=SUM(..)" as a formula."""
    book = plan_book()
    apply_edits(book, check_edits())
    check = book.sheets[CHECK_SHEET]
    assert check.range("C4").value == "3/4"
    assert check.range("A5").value == "000000"
    assert check.range("B5").value == "=SUM(1,2)" and not isinstance(check.range("B5").value, Formula)


def test_applying_twice_looks_the_same_as_applying_once():
    once, twice = plan_book(), plan_book()
    apply_edits(once, check_edits())
    apply_edits(twice, check_edits())
    apply_edits(twice, check_edits())
    assert snapshot(twice) == snapshot(once)


def test_clear_own_marks_gives_back_the_plan_as_it_was():
    book = plan_book()
    before = snapshot(book)
    apply_edits(book, check_edits())
    apply_edits(book, [ClearOwnMarks()])
    after = snapshot(book)
    assert after["order"] == before["order"]  # Plan check and the hidden state sheet are gone
    assert after["sheets"] == before["sheets"]  # the user's fill and note are back, mapsheet's are gone


def test_clear_restores_fills_remembered_by_the_file_backend():
    """A plan annotated by `mapsheet annotate` (openpyxl) and opened in Excel: its state sheet may hold
    ARGB colours as openpyxl spells them."""
    book = book_with({"Milestones": {"B4": "Kickoff"}, STATE_SHEET: {
        "A1": "sheet", "B1": "cell", "C1": "fill", "A2": "Milestones", "B2": "B4", "C2": "FF00B050"}})
    book.sheets[STATE_SHEET].visible = False
    book.sheets["Milestones"].range("B4").color = "#FFC7CE"
    book.sheets["Milestones"].range("B4").add_note(f"{NOTE_MARKER}\nOwner missing.")
    apply_edits(book, [ClearOwnMarks()])
    assert book.sheets["Milestones"].range("B4").color == USER_FILL
    assert book.sheets["Milestones"].range("B4").note is None
    assert [s.name for s in book.sheets] == ["Milestones"]


def test_fills_without_clear_first_keep_the_remembered_original():
    book = plan_book()
    apply_edits(book, check_edits())
    apply_edits(book, [SetFill("Milestones", 3, 1, SEVERITY_FILLS["info"])])  # no ClearOwnMarks
    apply_edits(book, [ClearOwnMarks()])
    assert book.sheets["Milestones"].range("B4").color == USER_FILL


def test_screen_updating_is_off_while_editing_and_restored_after_a_failure():
    book = plan_book()
    with pytest.raises(KeyError):
        apply_edits(book, [SetFill("No such sheet", 0, 0, "FFC7CE")])
    assert book.app.screen_updating_seen == [False, True]
    assert book.app.screen_updating is True


def test_every_named_style_has_an_excel_format():
    assert set(FORMATS) == set(STYLES)


def test_read_workbook_addresses_cells_from_a1_even_when_the_used_range_starts_later():
    book = book_with({"Milestones": {"C4": "ID", "D5": "Kickoff"}})
    assert book.sheets["Milestones"].used_range.address == "C4:D5"
    wb = read_workbook(book)
    sheet = wb.sheet("Milestones")
    assert sheet.value(3, 2) == "ID" and sheet.value(4, 3) == "Kickoff"
    assert sheet.value(0, 0) is None
    assert wb.source == "plan.xlsx"


def test_read_workbook_of_an_empty_sheet():
    wb = read_workbook(book_with({"Empty": {}}))
    assert wb.sheet("Empty").rows == [[None]]
