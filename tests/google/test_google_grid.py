"""Google's read answer as mapsheet's grid (pure): the shapes Google really answers with."""

from __future__ import annotations

import datetime as dt

from mapsheet.google.grid import READ_FIELDS, sheet_today, workbook_from_response


def sheet(title, rows=None, *, index=0, start_row=None, start_col=None, data=True):
    block = {}
    if start_row is not None:
        block["startRow"] = start_row
    if start_col is not None:
        block["startColumn"] = start_col
    if rows is not None:
        block["rowData"] = [{"values": r} if r is not None else {} for r in rows]
    out = {"properties": {"sheetId": index, "title": title, "index": index}}
    if data:
        out["data"] = [block]
    return out


def text(s):
    return {"effectiveValue": {"stringValue": s}, "formattedValue": s}


def number(n, kind=None):
    cell = {"effectiveValue": {"numberValue": n}}
    if kind:
        cell["effectiveFormat"] = {"numberFormat": {"type": kind}}
    return cell


def test_serial_dates_count_from_1899_12_30_and_keep_a_time_of_day():
    wb = workbook_from_response({"sheets": [sheet("Milestones", [[number(46477, "DATE"), number(46477.75, "DATE_TIME"),
                                                                   number(46477), number(1, "DATE")]])]}, source="s")
    assert wb.sheet("Milestones").rows[0] == [dt.date(2027, 3, 31), dt.datetime(2027, 3, 31, 18, 0), 46477.0,
                                              dt.date(1899, 12, 31)]


def test_omitted_trailing_cells_empty_rows_and_cells_read_as_empty():
    wb = workbook_from_response({"sheets": [sheet("Actions", [[text("ID"), {}, text("Owner")], None, [{}, text("x")]])]},
                                source="s")
    s = wb.sheet("Actions")
    assert s.value(0, 0) == "ID" and s.value(0, 1) is None and s.value(0, 2) == "Owner"
    assert s.value(1, 0) is None and s.value(2, 1) == "x" and s.value(2, 5) is None


def test_an_empty_sheet_has_no_rowdata_and_a_range_read_may_have_no_data():
    wb = workbook_from_response({"sheets": [sheet("Risks", None), sheet("Outcomes", data=False, index=1)]}, source="s")
    assert [(s.name, s.rows) for s in wb.sheets] == [("Risks", []), ("Outcomes", [])]


def test_a_range_read_keeps_absolute_a1_addresses():
    wb = workbook_from_response({"sheets": [sheet("Overview", [[text("Deal name"), text("Acme")]], start_row=4,
                                                  start_col=1)]}, source="s")
    assert wb.sheet("Overview").value(4, 1) == "Deal name" and wb.sheet("Overview").value(4, 2) == "Acme"


def test_tabs_come_in_tab_order_with_booleans_and_errors_as_the_file_reader_gives_them():
    answer = {"sheets": [sheet("B", [[{"effectiveValue": {"boolValue": True}}]], index=1),
                         sheet("A", [[{"effectiveValue": {"errorValue": {"type": "N_A"}}, "formattedValue": "#N/A"}]])]}
    wb = workbook_from_response(answer, source="s")
    assert wb.sheet_names == ["A", "B"]
    assert wb.sheet("A").rows == [["#N/A"]] and wb.sheet("B").rows == [[True]]


def test_today_is_the_sheets_own_day_in_its_time_zone():
    late = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.timezone.utc)
    assert sheet_today({"properties": {"timeZone": "Asia/Tokyo"}}, late) == dt.date(2026, 11, 28)
    assert sheet_today({"properties": {"timeZone": "America/Los_Angeles"}}, late) == dt.date(2026, 11, 27)


def test_the_fields_mask_asks_for_values_formats_notes_backgrounds_and_tab_ids():
    for part in ("effectiveValue", "numberFormat(type)", "note", "backgroundColorStyle", "sheetId", "title", "timeZone",
                 "startRow", "startColumn"):
        assert part in READ_FIELDS


def test_the_timeline_and_mapsheets_own_tabs_are_listed_without_values_as_the_file_reader_does():
    """Google computes the Timeline's formulas (milestone rows with a Status column): they must not be
    read as a second milestone table."""
    answer = {"sheets": [sheet("Milestones", [[text("ID")]]), sheet("Timeline", [[text("ID"), text("Status")]], index=1),
                         sheet("Plan check", [[text("Plan check")]], index=2)]}
    wb = workbook_from_response(answer, source="s")
    assert [(s.name, s.rows) for s in wb.sheets] == [("Milestones", [["ID"]]), ("Timeline", []), ("Plan check", [])]
