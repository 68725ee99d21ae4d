"""Google Sheets plans end to end against the local Google: one read to check, one read and one write to
annotate or clean, annotate/clean round-trip exactly, and faults that leave the Sheet whole."""

from __future__ import annotations

import datetime as dt

import pytest

from fake import FakeGoogle

from mapsheet import api
from mapsheet.edits import CHECK_SHEET, NOTE_MARKER, STATE_SHEET
from mapsheet.google.client import GoogleError

from conftest import TODAY
from plans import snapshot, source, upload_plan


@pytest.fixture
def google():
    return FakeGoogle()


@pytest.fixture
def plan_path(sample_plans):
    return next(p for s, p in sample_plans if s.profile == "neglected")


def findings(result):
    return sorted((f.code, str(f.location), f.message) for f in result.findings)


def test_checking_a_sheet_is_one_read_and_judges_it_as_the_file(google, plan_path):
    sid = upload_plan(google, plan_path)
    result = api.check(source(google, sid), today=TODAY)
    assert google.count(api="sheets") == 1 and google.count(kind="read") == 1
    assert not google.violations
    assert findings(result) == findings(api.check(plan_path, today=TODAY))
    assert result.score.total == api.check(plan_path, today=TODAY).score.total


def test_annotating_is_one_read_and_one_write(google, plan_path):
    sid = upload_plan(google, plan_path)
    plan = source(google, sid)
    result = api.check(plan, today=TODAY)
    api.annotate(plan, result)
    assert [(r.method, r.operation) for r in google.requests] == [("GET", "sheets.spreadsheets.get"),
                                                                  ("POST", "sheets.spreadsheets.batchUpdate")]
    assert not google.violations
    tabs = snapshot(google, sid)["tabs"]
    assert tabs[0] == (CHECK_SHEET, False) and tabs[-1] == (STATE_SHEET, True)


def test_cleaning_is_one_read_and_one_write_and_nothing_when_clean(google, plan_path):
    sid = upload_plan(google, plan_path)
    api.annotate(source(google, sid), today=TODAY)
    google.reset_log()
    assert api.clean(source(google, sid))[1] is True
    assert google.count(kind="read") == 1 and google.count(kind="write") == 1
    google.reset_log()
    assert api.clean(source(google, sid))[1] is False
    assert google.count(kind="read") == 1 and google.count(kind="write") == 0


def _checked_at_noon(src):
    """A check of ``src`` stamped at one fixed time: the Plan check tab says when it was checked (to the
    minute), so two runs a minute apart differ there by design."""
    result = api.check(src, today=TODAY)
    result.checked_at = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.timezone.utc)
    return result


def test_annotate_twice_is_once_and_clean_restores_the_users_notes_and_fills_exactly(google, plan_path):
    sid = upload_plan(google, plan_path)
    result = api.check(plan_path, today=TODAY)
    marked = sorted({(f.location.sheet, f.location.row, f.location.col or 0) for f in result.findings
                     if f.location.row is not None and f.location.sheet in result.plan.sheet_names})
    book = google.spreadsheet(sid)
    sheet, row, col = marked[0]
    book.sheet_by_title(sheet).cell(row, col)["note"] = "Checked with Lee on Monday"
    before = snapshot(google, sid)
    api.annotate(source(google, sid), _checked_at_noon(source(google, sid)))
    once = snapshot(google, sid)
    assert once["cells"][sheet][(row, col)]["note"].startswith("Checked with Lee on Monday\n\n" + NOTE_MARKER)
    api.annotate(source(google, sid), _checked_at_noon(source(google, sid)))
    assert snapshot(google, sid) == once
    api.clean(source(google, sid))
    assert snapshot(google, sid) == before


def test_the_plan_check_tab_looks_as_in_excel_and_links_to_cells_by_tab_id(google, plan_path):
    sid = upload_plan(google, plan_path)
    api.annotate(source(google, sid), today=TODAY)
    book = google.spreadsheet(sid)
    check = book.sheet_by_title(CHECK_SHEET)
    assert check.properties["tabColorStyle"]["rgbColor"]  # the tab colour
    assert check.properties["gridProperties"]["hideGridlines"] is True
    title = check.cells[(0, 0)]
    assert title["userEnteredValue"] == {"stringValue": "Plan check"}
    assert title["userEnteredFormat"]["textFormat"]["bold"] and title["userEnteredFormat"]["textFormat"]["fontSize"] == 18
    links = [c["userEnteredFormat"]["textFormat"]["link"]["uri"] for c in check.cells.values()
             if "link" in c.get("userEnteredFormat", {}).get("textFormat", {})]
    ids = {s.title: s.sheet_id for s in book.sheets}
    assert links and all(u.startswith("#gid=") and "&range=" in u for u in links)
    assert any(u.startswith(f"#gid={ids['Milestones']}&range=") for u in links)
    bars = [c["userEnteredValue"]["stringValue"] for c in check.cells.values()
            if c.get("userEnteredValue", {}).get("stringValue", "").startswith("█")]
    assert bars  # the family bars


def test_api_bodies_are_what_the_button_applies(google, plan_path):
    """google_check_body / google_clear_body: the read answer in, one batchUpdate body out."""
    from mapsheet.google.grid import READ_FIELDS

    sid = upload_plan(google, plan_path)
    plan = source(google, sid)
    response = plan.client.get(sid, fields=READ_FIELDS)
    result, body = api.google_check_body(response, today=TODAY)
    assert findings(result) == findings(api.check(plan_path, today=TODAY))
    plan.client.batch_update(sid, body)
    assert snapshot(google, sid)["tabs"][0][0] == CHECK_SHEET
    clear = api.google_clear_body(plan.client.get(sid, fields=READ_FIELDS))
    assert [next(iter(r)) for r in clear["requests"]].count("deleteSheet") == 2
    assert api.google_clear_body(response) == {"requests": []}  # the read before annotating had nothing


# -- faults ------------------------------------------------------------------------------------------------

def test_a_429_storm_gives_up_at_the_deadline_with_a_quota_message_and_the_sheet_untouched(google, plan_path):
    sid = upload_plan(google, plan_path)
    before = snapshot(google, sid)
    plan = source(google, sid, deadline=30)
    google.inject("429", times=None)
    with pytest.raises(GoogleError, match="60 reads and 60 writes a minute") as err:
        api.annotate(plan, today=TODAY)
    assert sid in str(err.value)
    assert sum(plan.client.retry.waited) <= 30  # bounded, in simulated time
    assert 3 <= google.count() <= 10
    google.clear_faults()
    assert snapshot(google, sid) == before


def test_retry_after_is_honoured(google, plan_path):
    sid = upload_plan(google, plan_path)
    plan = source(google, sid)
    google.inject("429", times=1, retry_after=7)
    api.check(plan, today=TODAY)
    assert plan.client.retry.waited == [7.0]


def test_a_500_burst_is_ridden_out_and_the_sheet_fully_annotated(google, plan_path):
    sid = upload_plan(google, plan_path)
    plan = source(google, sid)
    google.inject("500", times=3, method="GET")
    result = api.check(plan, today=TODAY)
    google.inject("503", times=1, method="POST")
    api.annotate(plan, result)
    reference = FakeGoogle()
    ref_id = upload_plan(reference, plan_path)
    api.annotate(source(reference, ref_id), result)
    assert snapshot(google, sid)["tabs"] == snapshot(reference, ref_id)["tabs"]
    assert snapshot(google, sid)["cells"] == snapshot(reference, ref_id)["cells"]


def test_a_timeout_mid_annotate_after_the_write_landed_leaves_it_annotated_once(google, plan_path):
    sid = upload_plan(google, plan_path)
    result = api.check(source(google, sid), today=TODAY)
    once = FakeGoogle()
    once_id = upload_plan(once, plan_path)
    api.annotate(source(once, once_id), result)
    google.inject("timeout", times=1, method="POST", applied=True)
    api.annotate(source(google, sid), result)
    assert snapshot(google, sid) == snapshot(once, once_id)


def test_a_timeout_before_the_write_landed_then_annotates_fully(google, plan_path):
    sid = upload_plan(google, plan_path)
    google.inject("timeout", times=1, method="POST")
    api.annotate(source(google, sid), today=TODAY)
    assert snapshot(google, sid)["tabs"][0][0] == CHECK_SHEET


def test_revoked_access_says_whom_to_share_with_and_leaves_the_sheet_untouched(google, plan_path):
    robot = "mapsheet@acme-plans.iam.gserviceaccount.com"
    sid = upload_plan(google, plan_path)
    google.share(sid, robot, "writer")
    plan = source(google, sid, user=robot)
    result = api.check(plan, today=TODAY)
    before = snapshot(google, sid)
    google.revoke(sid, robot)
    with pytest.raises(GoogleError) as err:
        api.annotate(plan, result)
    message = str(err.value)
    assert sid in message and f"share it with the service account {robot}" in message
    assert snapshot(google, sid) == before


def test_a_sheet_that_does_not_exist_is_named(google):
    missing = "1" + "x" * 43
    with pytest.raises(GoogleError, match="no Google Sheet with this id") as err:
        api.check(source(google, missing), today=TODAY)
    assert missing in str(err.value)


def test_a_plan_annotated_as_a_file_and_uploaded_to_drive_cleans_in_google(google, plan_path, tmp_path):
    """The state sheet is shared: a Sheet converted from an annotated .xlsx is cleaned back to the plan."""
    import shutil

    annotated = tmp_path / "annotated.xlsx"
    shutil.copy(plan_path, annotated)
    api.annotate_file(annotated, today=TODAY)
    original = FakeGoogle()
    sid_original = upload_plan(original, plan_path)
    sid = upload_plan(google, annotated)
    assert snapshot(google, sid)["tabs"][0][0] == CHECK_SHEET
    api.clean(source(google, sid))
    assert snapshot(google, sid) == snapshot(original, sid_original)


def test_a_sheet_annotated_in_google_and_downloaded_as_xlsx_cleans_as_a_file(google, plan_path, tmp_path):
    from fake.xlsx import export_xlsx
    from mapsheet.backends.xlsx_read import read_workbook

    sid = upload_plan(google, plan_path)
    api.annotate(source(google, sid), today=TODAY)
    downloaded = tmp_path / "downloaded.xlsx"
    downloaded.write_bytes(export_xlsx(google.spreadsheet(sid)))
    assert api.clean_file(downloaded)[1] is True
    import openpyxl

    wb = openpyxl.load_workbook(downloaded)
    assert CHECK_SHEET not in wb.sheetnames and STATE_SHEET not in wb.sheetnames
    assert not any(c.comment is not None and NOTE_MARKER in c.comment.text
                   for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    assert [s.name for s in read_workbook(downloaded).sheets] == [s.name for s in read_workbook(plan_path).sheets]
