"""The fake's Drive v3 where the cassettes do not reach: folder queries, paging, Shared Drives, export,
uploads, permissions, versions. Held only to the discovery documents (strict mode) and Drive's documented
behaviour."""
from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from fake import SPREADSHEET_MIME, XLSX_MIME, FakeGoogle
from fake.fixtures import fake_google  # noqa: F401 (the fixture)

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
FILES = "https://www.googleapis.com/drive/v3/files"
UPLOAD = "https://www.googleapis.com/upload/drive/v3/files"


@pytest.fixture
def g(fake_google):
    return fake_google


def _list_all(session, q, **extra):
    names, token, pages = [], None, 0
    while True:
        params = {"q": q, "pageSize": 1000, "fields": "nextPageToken,files(id,name,version,modifiedTime)", **extra}
        if token:
            params["pageToken"] = token
        page = session.get(FILES, params=params).json()
        pages += 1
        names += [f["name"] for f in page["files"]]
        token = page.get("nextPageToken")
        if not token:
            return names, pages


def test_folder_query_pages_past_a_thousand_files(g):
    folder = g.add_folder("Plans")
    other = g.add_folder("Elsewhere")
    for i in range(2100):
        g.add_spreadsheet(f"Plan {i:04d}", parents=[folder])
    g.add_spreadsheet("Not here", parents=[other])
    names, pages = _list_all(g.session(), f"'{folder}' in parents and trashed = false and mimeType = '{SPREADSHEET_MIME}'")
    assert pages == 3 and len(names) == 2100 and "Not here" not in names


def test_trashed_and_modified_since_filters(g):
    folder = g.add_folder("Plans")
    old = g.add_spreadsheet("Old", parents=[folder])
    gone = g.add_spreadsheet("Gone", parents=[folder])
    g.clock.advance(3600)
    watermark = g.now().strftime("%Y-%m-%dT%H:%M:%S")
    g.clock.advance(60)
    fresh = g.add_spreadsheet("Fresh", parents=[folder])
    g.edit(old, "Sheet1!A1", "changed")  # a user edits in the browser: modifiedTime moves
    g.trash(gone)
    session = g.session()
    live, _ = _list_all(session, f"'{folder}' in parents and trashed=false")
    assert sorted(live) == ["Fresh", "Old"]
    changed, _ = _list_all(session, f"'{folder}' in parents and trashed=false and modifiedTime > '{watermark}'")
    assert sorted(changed) == ["Fresh", "Old"]
    assert g.file(fresh).version == 1 and g.file(old).version == 2


def test_every_write_bumps_version_and_modified_time_and_reads_do_not(g):
    sid = g.add_spreadsheet("Plan", {"Actions": [["Action"]]})
    session = g.session()

    def stamp():
        meta = session.get(f"{FILES}/{sid}", params={"fields": "version,modifiedTime"}).json()
        return int(meta["version"]), meta["modifiedTime"]

    v0, t0 = stamp()
    session.get(f"{SHEETS}/{sid}", params={"includeGridData": "true"})
    session.get(f"{SHEETS}/{sid}/values/Actions!A1")
    assert stamp() == (v0, t0)
    session.put(f"{SHEETS}/{sid}/values/Actions!A2", params={"valueInputOption": "RAW"}, json={"values": [["x"]]})
    v1, t1 = stamp()
    session.post(f"{SHEETS}/{sid}:batchUpdate", json={"requests": [{"updateCells": {
        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0}, "rows": [{"values": [{"note": "n"}]}],
        "fields": "note"}}]})
    v2, t2 = stamp()
    assert v0 < v1 < v2 and t0 < t1 < t2


def test_shared_drive_files_need_supports_all_drives(g):
    drive = g.add_folder("Sales team drive", shared_drive=True)
    sid = g.add_spreadsheet("Plan", parents=[drive])
    session = g.session()
    assert session.get(f"{FILES}/{sid}").status_code == 404
    assert session.get(f"{FILES}/{sid}", params={"supportsAllDrives": "true"}).json()["name"] == "Plan"
    q = f"'{drive}' in parents and trashed=false"
    assert _list_all(session, q)[0] == []
    assert _list_all(session, q, supportsAllDrives="true", includeItemsFromAllDrives="true")[0] == ["Plan"]


def test_export_as_xlsx_reads_back_with_calamine(g):
    sid = g.add_spreadsheet("Plan", {"Deal": [["Customer", "Acme"], ["Close date", "2026-12-15"], ["Value", "1,250"]],
                                     "Actions": [["Action", "Done"], ["Kick-off", "TRUE"]]},
                            notes={"Deal!B1": "key account"})
    answer = g.session().get(f"{FILES}/{sid}/export", params={"mimeType": XLSX_MIME})
    assert answer.status_code == 200 and answer.headers["Content-Type"] == XLSX_MIME
    book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
    assert book.sheet_names == ["Deal", "Actions"]
    deal = book.get_sheet_by_name("Deal").to_python()
    assert deal[0] == ["Customer", "Acme"]
    assert deal[1][1] in (dt.date(2026, 12, 15), dt.datetime(2026, 12, 15))
    assert deal[2][1] == 1250
    assert book.get_sheet_by_name("Actions").to_python()[1] == ["Kick-off", True]
    assert openpyxl.load_workbook(io.BytesIO(answer.content))["Deal"]["B1"].comment.text == "key account"


def test_export_of_an_uploaded_file_is_refused_and_media_download_works(g):
    content = _xlsx({"Actions": [["Action", "Owner"], ["Kick-off", "Ann"]]})
    fid = g.add_file("plan.xlsx", content)
    session = g.session()
    refused = session.get(f"{FILES}/{fid}/export", params={"mimeType": XLSX_MIME})
    assert refused.status_code == 403 and refused.json()["error"]["errors"][0]["reason"] == "fileNotExportable"
    assert session.get(f"{FILES}/{fid}", params={"alt": "media"}).content == content


def test_multipart_upload_converts_an_xlsx_into_a_sheet(g):
    folder = g.add_folder("Plans")
    content = _xlsx({"Actions": [["Action", "Owner"], ["Kick-off", "Ann"]]})
    metadata = json.dumps({"name": "Plan", "mimeType": SPREADSHEET_MIME, "parents": [folder]})
    body = (b"--BOUNDARY\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" + metadata.encode()
            + b"\r\n--BOUNDARY\r\nContent-Type: " + XLSX_MIME.encode() + b"\r\n\r\n" + content
            + b"\r\n--BOUNDARY--")
    answer = g.session().post(UPLOAD, params={"uploadType": "multipart", "fields": "id,name,mimeType,parents"},
                              data=body, headers={"Content-Type": 'multipart/related; boundary="BOUNDARY"'})
    meta = answer.json()
    assert meta["mimeType"] == SPREADSHEET_MIME and meta["parents"] == [folder]
    assert g.values(meta["id"], "Actions!A1:B2") == [["Action", "Owner"], ["Kick-off", "Ann"]]


def test_copy_into_a_folder_and_service_accounts_have_no_storage(g):
    template = g.add_spreadsheet("Template", {"Actions": [["Action"]]})
    folder = g.add_folder("Plans")
    session = g.session()
    copy = session.post(f"{FILES}/{template}/copy", params={"fields": "id,name,parents"},
                        json={"name": "Plan - Acme", "parents": [folder]}).json()
    assert copy["parents"] == [folder] and g.values(copy["id"], "Actions!A1") == [["Action"]]
    robot = "mapsheet@project.iam.gserviceaccount.com"
    g.share(folder, robot)
    g.share(template, robot, role="reader")
    refused = g.session(robot).post(f"{FILES}/{template}/copy", json={"parents": [folder]})
    assert refused.status_code == 403
    assert refused.json()["error"]["errors"][0] == {
        "message": "The user's Drive storage quota has been exceeded.", "domain": "usageLimits",
        "reason": "storageQuotaExceeded"}
    drive = g.add_folder("Team drive", shared_drive=True)
    g.share(drive, robot)
    made = g.session(robot).post(FILES, params={"supportsAllDrives": "true"},
                                 json={"name": "Plan", "mimeType": SPREADSHEET_MIME, "parents": [drive]})
    assert made.status_code == 200


def test_a_sheet_not_shared_with_the_caller(g):
    sid = g.add_spreadsheet("Private", owner="owner@example.com")
    robot = "mapsheet@project.iam.gserviceaccount.com"
    session = g.session(robot)
    sheets = session.get(f"{SHEETS}/{sid}")
    assert sheets.status_code == 403 and sheets.json()["error"] == {
        "code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}
    assert session.get(f"{FILES}/{sid}").status_code == 404  # Drive hides what you cannot see
    g.share(sid, robot, role="reader")
    assert session.get(f"{SHEETS}/{sid}").status_code == 200
    write = session.post(f"{SHEETS}/{sid}:batchUpdate", json={"requests": [{"addSheet": {}}]})
    assert write.status_code == 403
    g.share(sid, robot, role="writer")
    assert session.post(f"{SHEETS}/{sid}:batchUpdate", json={"requests": [{"addSheet": {}}]}).status_code == 200
    g.revoke(sid, robot)
    assert session.get(f"{SHEETS}/{sid}").status_code == 403


def test_permissions_through_the_api(g):
    sid = g.add_spreadsheet("Plan")
    session = g.session()
    made = session.post(f"{FILES}/{sid}/permissions",
                        json={"type": "user", "role": "writer", "emailAddress": "bob@example.com"}).json()
    listed = session.get(f"{FILES}/{sid}/permissions").json()["permissions"]
    assert {p.get("emailAddress") for p in listed} == {"me@example.com", "bob@example.com"}
    assert g.session("bob@example.com").get(f"{SHEETS}/{sid}").status_code == 200
    assert session.delete(f"{FILES}/{sid}/permissions/{made['id']}").status_code == 204
    assert g.session("bob@example.com").get(f"{SHEETS}/{sid}").status_code == 403


def _xlsx(sheets: dict) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_form_upload_is_not_a_drive_upload(g):
    answer = g.session().post(UPLOAD, params={"uploadType": "multipart"},
                              files={"metadata": (None, '{"name": "x"}', "application/json"), "file": ("x", b"x")})
    assert answer.status_code == 400
