"""`mapsheet serve` on real plans, over a real socket: what the button gets back, what it refuses, and
what the server's log never holds."""

from __future__ import annotations

import copy
import logging
import shutil
import sys
from pathlib import Path

import pytest
import requests

from mapsheet.rules.base import Band

from google_script.harness import script_read, upload_plan

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "google"))
from fake import FakeGoogle  # noqa: E402  (the local Google, tests/google/fake)

SECRET_TEXT = "Project Nightingale budget 4.2M"


@pytest.fixture(scope="module")
def plan_answer(sample_plans, tmp_path_factory):
    """A sample plan as Google holds it, read the way the script reads it; one action says SECRET_TEXT."""
    import openpyxl

    path = tmp_path_factory.mktemp("serve") / "plan.xlsx"
    shutil.copy(sample_plans[3][1], path)
    book = openpyxl.load_workbook(path)
    book["Actions"]["B2"] = SECRET_TEXT
    book.save(path)
    session = FakeGoogle(user="dana@acme.com").session()
    sid = upload_plan(session, path)
    return sid, script_read(session, sid)


def post(server, token, path, sid, answer, **kwargs):
    return requests.post(server.url + path, json={"spreadsheetId": sid, "spreadsheet": answer},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs)


def test_check_answers_one_batch_update_body_with_the_score_band_and_a_summary(serve, signer, plan_answer):
    sid, answer = plan_answer
    reply = post(serve(), signer.token(), "/check", sid, answer)
    assert reply.status_code == 200, reply.text
    got = reply.json()
    assert got["spreadsheetId"] == sid
    assert isinstance(got["body"]["requests"], list) and got["body"]["requests"]
    assert 0 <= got["score"] < 100 and got["grade"] in "ABCDF"
    assert got["band"] in {b.value for b in Band}
    assert got["reasons"] and all(isinstance(r, str) for r in got["reasons"])
    assert got["summary"].startswith(f"Score {got['score']}/100 ({got['grade']}), {got['band']}.")
    assert "Plan check" in got["summary"]


def test_clear_answers_the_body_that_removes_the_marks(serve, signer, plan_answer):
    sid, answer = plan_answer
    reply = post(serve(), signer.token(), "/clear", sid, answer)
    assert reply.status_code == 200, reply.text
    assert set(reply.json()) == {"spreadsheetId", "body"}


def test_a_sheet_that_is_no_plan_is_a_422_the_seller_can_read(serve, signer):
    answer = {"spreadsheetId": "1NotAPlanAtAll", "properties": {"title": "Lunch rota", "timeZone": "Europe/London"},
              "sheets": [{"properties": {"sheetId": 0, "title": "Rota", "index": 0},
                          "data": [{"rowData": [{"values": [{"formattedValue": "Monday",
                                                             "effectiveValue": {"stringValue": "Monday"}}]}]}]}]}
    reply = post(serve(), signer.token(), "/check", "1NotAPlanAtAll", answer)
    assert reply.status_code == 422, reply.text
    assert "does not look like a mutual action plan" in reply.json()["error"]["message"]


def test_a_check_that_runs_past_the_time_limit_is_stopped_with_504(serve, signer, plan_answer):
    sid, answer = plan_answer
    huge = copy.deepcopy(answer)
    actions = next(s for s in huge["sheets"] if s["properties"]["title"] == "Actions")
    rows = actions["data"][0]["rowData"]
    rows += [copy.deepcopy(r) for r in rows[1:]] * 200  # thousands of actions: seconds of checking
    reply = post(serve(timeout_seconds=0.5, max_body_bytes=200_000_000), signer.token(), "/check", sid, huge)
    assert reply.status_code == 504, reply.text[:300]
    assert "took more than 0.5 s" in reply.json()["error"]["message"]


def test_the_log_names_the_caller_and_never_the_plan(serve, signer, plan_answer, caplog):
    sid, answer = plan_answer
    server = serve()
    with caplog.at_level(logging.INFO, logger="mapsheet.serve"):
        assert post(server, signer.token(), "/check", sid, answer).status_code == 200
        broken = copy.deepcopy(answer)
        broken["sheets"][0]["data"] = SECRET_TEXT  # the reader fails on it: an internal error
        failed = post(server, signer.token(), "/check", sid, broken)
    assert failed.status_code in (422, 500)
    if failed.status_code == 500:
        assert "reference" in failed.json()["error"]["message"]
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /check 200" in text and "caller=dana@acme.com" in text
    assert SECRET_TEXT not in text and "Nightingale" not in text
