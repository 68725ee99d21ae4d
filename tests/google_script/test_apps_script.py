"""The Google Sheets button, end to end and offline: the real mapsheet.gs (as `mapsheet google script`
makes it) runs under node against fakes of Apps Script; its UrlFetchApp reaches a real `mapsheet serve`
over 127.0.0.1 with an ID token from the local key, and its Sheets service reaches the local Google fake.
The marks it leaves must be those `mapsheet check --annotate` writes into the same plan as a file, and
Clear check must give the sheet back exactly as it was."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from cli.runner import run_cli
from mapsheet.edits import CHECK_SHEET, STATE_SHEET
from mapsheet.google.grid import READ_FIELDS, sheet_today
from mapsheet.serve.script import committed_block, settings_block, skipped_tabs
from mapsheet.serve.settings import ServeSettings

from serve.google_signer import AUDIENCE, CertServer, GoogleSigner
from serve.live_server import LiveServer
from .harness import PUBLIC_URL, SHEETS, made_script, node_or_skip, read_state, run_node_tests, type_check, upload_plan
from .sheet_state import xlsx_state
from .sheets_bridge import SheetsBridge

#: A note and a colour of the seller's own, on a cell the check marks too: both must survive.
OWN_NOTE, OWN_FILL, OWN_CELL = "Lee confirms the budget on Friday", "C6EFCE", (1, 4)  # Actions!E2


def test_the_committed_script_carries_the_settings_python_writes():
    assert committed_block() == settings_block(""), "run: python -m mapsheet.serve.script (see README)"


def test_the_script_type_checks_against_the_apps_script_types(tmp_path):
    node_or_skip()
    proc = type_check(made_script(), tmp_path / "tsc")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_google_script_writes_a_ready_script_and_manifest(tmp_path):
    out = tmp_path / "script"
    result = run_cli(["google", "script", "--url", "https://mapsheet-abc-ew.a.run.app",
                                      "--out", str(out), "--script-id", "1AbC-script"])
    assert result.exit_code == 0, result.output
    script = (out / "mapsheet.gs").read_text()
    assert 'var MAPSHEET_URL = "https://mapsheet-abc-ew.a.run.app";' in script
    manifest = json.loads((out / "appsscript.json").read_text())
    assert set(manifest["oauthScopes"]) == {
        "https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/script.external_request",
        "openid", "https://www.googleapis.com/auth/userinfo.email"}
    assert manifest["dependencies"]["enabledAdvancedServices"][0]["serviceId"] == "sheets"
    assert json.loads((out / ".clasp.json").read_text())["scriptId"] == "1AbC-script"


@pytest.mark.parametrize("url", ["http://mapsheet.example.com", "https://", "https://x.test/a b", "javascript:x"])
def test_google_script_refuses_an_address_apps_script_cannot_call(tmp_path, url):
    result = run_cli(["google", "script", "--url", url, "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "https://" in result.output
    assert not (tmp_path / "s" / "mapsheet.gs").exists()


@pytest.fixture
def google():
    from fake import FakeGoogle  # the local Google (tests/google/fake)

    return FakeGoogle(user="dana@acme.com")


def _with_own_marks(path):
    book = openpyxl.load_workbook(path)
    cell = book["Actions"].cell(OWN_CELL[0] + 1, OWN_CELL[1] + 1)
    cell.comment = Comment(OWN_NOTE, "Dana")
    cell.fill = PatternFill("solid", fgColor="FF" + OWN_FILL)
    book.save(path)


def _own_marks_in_google(session, sid):
    actions = next(s["properties"]["sheetId"] for s in session.get(SHEETS + sid, params={"fields": "sheets.properties"},
                                                                   timeout=10).json()["sheets"]
                   if s["properties"]["title"] == "Actions")
    rgb = {k: int(OWN_FILL[i:i + 2], 16) / 255 for k, i in (("red", 0), ("green", 2), ("blue", 4))}
    r, c = OWN_CELL
    body = {"requests": [{"updateCells": {
        "range": {"sheetId": actions, "startRowIndex": r, "endRowIndex": r + 1, "startColumnIndex": c,
                  "endColumnIndex": c + 1},
        "rows": [{"values": [{"note": OWN_NOTE, "userEnteredFormat": {"backgroundColor": rgb}}]}],
        "fields": "note,userEnteredFormat.backgroundColor"}}]}
    session.post(SHEETS + sid + ":batchUpdate", json=body, timeout=10).raise_for_status()


def _changes(before: dict, after: dict) -> dict:
    """Marks that differ, on the plan's own tabs (the Plan check and state tabs are compared apart)."""
    keys = set(before["marks"]) | set(after["marks"])
    return {k: after["marks"].get(k) for k in keys
            if k[0] not in (CHECK_SHEET, STATE_SHEET) and before["marks"].get(k) != after["marks"].get(k)}


def test_check_plan_and_clear_check_from_the_sheet(google, sample_plans, tmp_path):
    node = node_or_skip()
    _sample, original = sample_plans[3]
    plan = tmp_path / "plan.xlsx"
    shutil.copy(original, plan)
    _with_own_marks(plan)
    session = google.session()
    sid = upload_plan(session, plan)
    _own_marks_in_google(session, sid)
    before = read_state(session, sid)

    signer = GoogleSigner()
    certs = CertServer(signer)
    server = LiveServer(ServeSettings(audiences=(AUDIENCE,), allowed=("acme.com",), certs_url=certs.url))
    bridge = SheetsBridge(session, lambda spreadsheet_id: read_state(session, spreadsheet_id))
    try:
        proc = run_node_tests(node, {
            "MAPSHEET_SERVER": server.url, "MAPSHEET_PUBLIC_URL": PUBLIC_URL, "MAPSHEET_BRIDGE": bridge.url,
            "MAPSHEET_SPREADSHEET_ID": sid, "MAPSHEET_TOKEN": signer.token("dana@acme.com"),
            "MAPSHEET_OTHER_TOKEN": signer.token("sam@other.com"),
            "MAPSHEET_READ_FIELDS": json.dumps(READ_FIELDS), "MAPSHEET_SKIPPED_TABS": json.dumps(skipped_tabs()),
        }, made_script(), tmp_path / "node")
    finally:
        bridge.close()
        server.close()
        certs.close()
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    after_check, after_second_check, after_clear = bridge.states

    # the same plan checked as a file through the CLI, judged as of the sheet's own today
    answer = session.get(SHEETS + sid, params={"fields": "properties"}, timeout=10).json()
    today = sheet_today(answer)
    cli = run_cli(["check", str(plan), "--annotate", "--today", today.isoformat()])
    assert cli.exit_code in (0, 1), cli.output
    file_after = xlsx_state(plan)
    marked = _changes(before, after_check)
    assert len(marked) > 10, marked  # this plan has findings on many cells
    assert marked == _changes(xlsx_state_with_own_marks(original, tmp_path), file_after)
    assert after_check["check"] == file_after["check"]
    assert [t for t, _ in after_check["tabs"]] == [t for t, _ in file_after["tabs"]]
    assert after_check["marks"][("Actions", *OWN_CELL)][0].startswith(OWN_NOTE)

    assert after_second_check == after_check
    assert after_clear == before


def xlsx_state_with_own_marks(original, tmp_path):
    copy = tmp_path / "own-marks-only.xlsx"
    shutil.copy(original, copy)
    _with_own_marks(copy)
    return xlsx_state(copy)
