"""`mapsheet new --google`: the plan `new` writes, made in Google Sheets from the same template description."""

from __future__ import annotations

from pathlib import Path


from fake import FakeGoogle

from mapsheet import api
from mapsheet.backends.xlsx_read import UNREAD_SHEETS, read_workbook
from cli.runner import run_cli
from mapsheet.google.client import GoogleError
from mapsheet.template.spec import SPEC

from conftest import TODAY
from plans import source, upload_plan
from test_google_cli import google_obj

ARGS = ["--customer", "Northwind", "--deal", "ERP rollout", "--owner", "Dana Reyes", "--close", "2027-03-31",
        "--start", TODAY.isoformat(), "--value", "120000", "--currency", "EUR", "--champion", "Lee Park"]


def new_google(g: FakeGoogle, *extra: str, user: str | None = None):
    out = run_cli(["new", *ARGS, "--google", *extra], obj=google_obj(g, user))
    return out, "".join(out.stdout.split())


def created_id(g: FakeGoogle) -> str:
    return next(fid for fid, f in g.files.items() if f.name == "Northwind - ERP rollout MAP")


def values(workbook, names) -> dict:
    def trimmed(rows):
        rows = [list(r) for r in rows]
        for r in rows:
            while r and r[-1] in ("", None):
                r.pop()
        while rows and not rows[-1]:
            rows.pop()
        return [[None if v == "" else v for v in r] for r in rows]

    return {s.name: trimmed(s.rows) for s in workbook.sheets if s.name in names}


def test_new_google_reads_back_as_new_xlsx_and_is_judged_the_same(tmp_path):
    g = FakeGoogle()
    out, flat = new_google(g)
    assert out.exit_code == 0, out.output
    sid = created_id(g)
    assert f"Createdhttps://docs.google.com/spreadsheets/d/{sid}/edit" in flat
    assert g.count(kind="write") == 2 and g.count(kind="read") == 0  # create + one batchUpdate
    xlsx = tmp_path / "plan.xlsx"
    assert run_cli(["new", *ARGS, "--out", str(xlsx)]).exit_code == 0
    from_file = read_workbook(xlsx)
    plan = source(g, sid)
    from_google = plan.read()
    assert from_google.sheet_names == from_file.sheet_names
    plan_tabs = [n for n in from_file.sheet_names if n not in UNREAD_SHEETS]
    assert values(from_google, plan_tabs) == values(from_file, plan_tabs)
    google_result, file_result = api.check(plan, today=TODAY), api.check(xlsx, today=TODAY)
    assert [(f.code, f.location) for f in google_result.findings] == [(f.code, f.location) for f in file_result.findings]
    assert google_result.score.total == file_result.score.total


def test_new_google_has_the_templates_dropdowns_formats_frozen_headers_and_version():
    g = FakeGoogle()
    assert new_google(g)[0].exit_code == 0
    book = g.spreadsheet(created_id(g))
    milestones = book.sheet_by_title("Milestones")
    assert milestones.grid["frozenRowCount"] == 3
    status = [f.header for f in SPEC.table("milestones").fields].index("Status")
    rule = milestones.cells[(3, status)]["dataValidation"]
    assert rule["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == list(SPEC.table("milestones").field("status").choices)
    due = [f.header for f in SPEC.table("milestones").fields].index("Due")
    assert milestones.cells[(3, due)]["userEnteredFormat"]["numberFormat"] == {"type": "DATE", "pattern": "d mmm yyyy"}
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in milestones.conditional_formats]
    assert any("TODAY()" in f for f in formulas) and any('"Done"' in f for f in formulas)  # overdue, done
    timeline = book.sheet_by_title("Timeline")
    assert len(timeline.conditional_formats) == 5  # the Gantt: done, overdue, planned, close week, this week
    assert milestones.basic_filter is not None
    version = next(n for n in book.named_ranges if n["name"] == "mapsheet_template_version")
    overview = book.sheet_by_title("Overview")
    cell = overview.cells[(version["range"]["startRowIndex"], version["range"]["startColumnIndex"])]
    assert cell["userEnteredValue"] == {"stringValue": SPEC.version}
    assert [s.title for s in book.sheets] == [s.name for s in read_workbook(Path(__file__).resolve().parents[2]
                                                                         / "templates" / "mutual-action-plan.xlsx").sheets]


def test_new_google_from_a_teams_template_copies_it_and_fills_it_in(sample_plans, tmp_path):
    g = FakeGoogle()
    team = upload_plan(g, Path(__file__).resolve().parents[2] / "templates" / "mutual-action-plan.xlsx")
    out, _ = new_google(g, "--template-id", f"https://docs.google.com/spreadsheets/d/{team}/edit")
    assert out.exit_code == 0, out.output
    assert [r.operation for r in g.requests] == ["drive.files.copy", "sheets.spreadsheets.get",
                                                 "sheets.spreadsheets.batchUpdate"]
    xlsx = tmp_path / "plan.xlsx"
    run_cli(["new", *ARGS, "--out", str(xlsx)])
    plan = source(g, created_id(g))
    google_result, file_result = api.check(plan, today=TODAY), api.check(xlsx, today=TODAY)
    assert [(f.code, f.location) for f in google_result.findings] == [(f.code, f.location) for f in file_result.findings]


def test_a_service_account_cannot_create_and_is_told_what_to_do():
    g = FakeGoogle()
    out, flat = new_google(g, user="mapsheet@acme-plans.iam.gserviceaccount.com")
    assert out.exit_code == 2
    assert "cannot create files" in out.stderr and "OAuth" in out.stderr
    assert not any(f.name == "Northwind - ERP rollout MAP" for f in g.files.values())


def test_new_google_into_a_folder():
    g = FakeGoogle()
    folder = g.add_folder("Acme deals")
    out, _ = new_google(g, "--folder", folder)
    assert out.exit_code == 0, out.output
    assert g.file(created_id(g)).parents == [folder]
