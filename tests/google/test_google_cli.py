"""The CLI takes Google Sheet URLs and ids wherever it takes files, mixed with files."""

from __future__ import annotations

import json


from fake import FakeGoogle

from cli.runner import run_cli
from mapsheet.edits import CHECK_SHEET
from mapsheet.google.client import Caller, Retry

from conftest import TODAY
from plans import snapshot, upload_plan



def google_obj(g: FakeGoogle, user: str | None = None) -> dict:
    who = user or g.user
    return {"google": {"session": g.session(user), "caller": Caller(who, who.endswith(".gserviceaccount.com")),
                       "retry": Retry(deadline=5, sleep=lambda s: None)}}


def test_check_json_mixes_a_sheet_url_and_a_file(sample_plans):
    g = FakeGoogle()
    path = sample_plans[2][1]
    sid = upload_plan(g, path)
    url = f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0"
    out = run_cli(["check", url, str(path), "--format", "json", "--today", TODAY.isoformat(),
                              "--fail-on", "never"], obj=google_obj(g))
    assert out.exit_code == 0, out.output
    plans = json.loads(out.stdout)["plans"]
    assert [p["file"] for p in plans] == [f"https://docs.google.com/spreadsheets/d/{sid}/edit", str(path)]
    assert plans[0]["score"] == plans[1]["score"] and plans[0]["counts"] == plans[1]["counts"]
    assert g.count() == 1


def test_annotate_then_clean_a_sheet_by_id(sample_plans):
    g = FakeGoogle()
    sid = upload_plan(g, sample_plans[4][1])
    before = snapshot(g, sid)
    out = run_cli(["check", sid, "--annotate", "--today", TODAY.isoformat(), "--fail-on", "never"],
                        obj=google_obj(g))
    assert out.exit_code == 0, out.output
    assert f"Annotatedhttps://docs.google.com/spreadsheets/d/{sid}/edit" in "".join(out.stdout.split())
    assert snapshot(g, sid)["tabs"][0][0] == CHECK_SHEET
    assert g.count(kind="read") == 1 and g.count(kind="write") == 1
    out = run_cli(["clean", sid], obj=google_obj(g))
    assert out.exit_code == 0 and "Cleaned" in out.stdout
    assert snapshot(g, sid) == before


def test_a_sheet_not_shared_with_the_service_account_is_one_clear_error_and_files_still_run(sample_plans):
    g = FakeGoogle()
    robot = "mapsheet@acme-plans.iam.gserviceaccount.com"
    sid = upload_plan(g, sample_plans[0][1])
    out = run_cli(["check", sid, str(sample_plans[0][1]), "--today", TODAY.isoformat()],
                        obj=google_obj(g, robot))
    assert out.exit_code == 2
    assert f"share it with the service account {robot}" in out.stderr.replace("\n", " ")
    assert "Score" in out.stdout  # the file was still checked


def test_output_is_refused_for_a_sheet(sample_plans, tmp_path):
    g = FakeGoogle()
    sid = upload_plan(g, sample_plans[0][1])
    out = run_cli(["check", sid, "--output", str(tmp_path / "copy.xlsx"), "--today", TODAY.isoformat()],
                        obj=google_obj(g))
    assert out.exit_code == 2 and "annotated in place" in out.stderr.replace("\n", " ")
