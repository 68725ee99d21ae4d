"""tests/google/discovery.py: requests and answers held to the sheets.v4 / drive.v3 discovery documents.

The validator is itself held to recorded truth: every request Google accepted in gspread's cassettes passes
it, every answer Google gave passes it, and the requests Google refused with 400 fail it.
"""
from __future__ import annotations

import json

import pytest

import discovery
import replay
from fake import FakeGoogle

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
FILES = "https://www.googleapis.com/drive/v3/files"
READ_FIELDS = ("sheets(properties(sheetId,title,index,hidden,gridProperties),"
               "data(startRow,startColumn,rowData(values(effectiveValue,formattedValue,note,"
               "userEnteredFormat(backgroundColor,numberFormat)))))")


def _recorded():
    folder = replay.cassette_dir()
    if folder is None:
        pytest.skip("no cassettes (see test_conformance_cassettes.test_cassettes_are_present)")
    for path in sorted(folder.glob("*.json")):
        for interaction in json.loads(path.read_text())["interactions"]:
            yield path.name, interaction["request"], interaction["response"]


def _body(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text.encode()


def test_every_request_google_accepted_validates():
    checked, problems = 0, []
    for name, request, response in _recorded():
        if response["status"]["code"] >= 300 or "/drive/v2/" in request["uri"]:
            continue  # Drive v2 (gspread's import_csv) is outside sheets v4 / drive v3
        checked += 1
        for problem in discovery.validate_request(request["method"], request["uri"], _body(request["body"])):
            problems.append(f"{name}: {request['method']} {request['uri'][:80]}: {problem}")
    assert checked > 2000
    assert not problems, "\n".join(problems[:20])


def test_every_answer_google_gave_validates():
    checked, problems = 0, []
    for name, request, response in _recorded():
        method = discovery.find_method(request["method"], request["uri"])
        text = response["body"]["string"]
        if method is None or response["status"]["code"] >= 300 or not text or not text.lstrip().startswith("{"):
            continue
        checked += 1
        for problem in discovery.validate_response(method.id, json.loads(text)):
            problems.append(f"{name}: {method.id}: {problem}")
    assert checked > 1500
    assert not problems, "\n".join(problems[:20])


def test_requests_google_refused_as_invalid_fail():
    refused = [(n, r) for n, r, resp in _recorded()
               if resp["status"]["code"] == 400 and "data.values" in resp["body"]["string"]]
    assert refused
    for name, request in refused:
        problems = discovery.validate_request(request["method"], request["uri"], _body(request["body"]))
        assert any("body.values: expected an array" in p for p in problems), (name, problems)


# ---- good requests mapsheet sends ---------------------------------------------------------------------

GOOD = [
    ("GET", f"{SHEETS}/abc?includeGridData=true&ranges=Actions!A1:Z200&ranges=Deal!A1:H40&fields={READ_FIELDS}", None),
    ("POST", f"{SHEETS}/abc:batchUpdate", {"requests": [
        {"updateCells": {"range": {"sheetId": 5, "startRowIndex": 3, "endRowIndex": 4, "startColumnIndex": 2,
                                   "endColumnIndex": 3},
                         "rows": [{"values": [{"note": "Overdue", "userEnteredFormat": {
                             "backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}}}]}],
                         "fields": "note,userEnteredFormat.backgroundColor"}},
        {"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [{"sheetId": 5, "startRowIndex": 1, "startColumnIndex": 4, "endColumnIndex": 5}],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=$E2<TODAY()"}]},
                            "format": {"backgroundColor": {"red": 1}}}}}},
        {"setDataValidation": {"range": {"sheetId": 5, "startRowIndex": 1, "startColumnIndex": 5, "endColumnIndex": 6},
                               "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Done"}]},
                                        "strict": True, "showCustomUi": True}}},
    ]}),
    ("PUT", f"{SHEETS}/abc/values/Actions!A1?valueInputOption=RAW", {"values": [["a", 1, True, None]]}),
    ("GET", f"{SHEETS}/abc/values:batchGet?ranges=A1:B2&ranges=C1&valueRenderOption=UNFORMATTED_VALUE"
            "&dateTimeRenderOption=SERIAL_NUMBER", None),
    ("GET", f"{FILES}?q='folder1'+in+parents+and+trashed%3Dfalse&pageSize=1000&supportsAllDrives=true"
            "&includeItemsFromAllDrives=true&fields=nextPageToken,files(id,name,mimeType,modifiedTime,version)", None),
    ("GET", f"{FILES}/abc/export?mimeType=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None),
    ("POST", f"{FILES}/abc/copy?supportsAllDrives=true", {"name": "Plan - Acme", "parents": ["folder1"]}),
]


@pytest.mark.parametrize("method,url,body", GOOD, ids=[g[1].split("?")[0].rsplit("/", 1)[-1] for g in GOOD])
def test_requests_mapsheet_sends_validate(method, url, body):
    assert discovery.validate_request(method, url, body) == []


# ---- bad requests -----------------------------------------------------------------------------------------

BAD = [
    ("unknown field in a sub-request", "POST", f"{SHEETS}/abc:batchUpdate",
     {"requests": [{"updateCells": {"rowz": [], "fields": "note"}}]}, "unknown field 'rowz'"),
    ("unknown kind of request", "POST", f"{SHEETS}/abc:batchUpdate",
     {"requests": [{"addNote": {"note": "x"}}]}, "unknown field 'addNote'"),
    ("wrong type through $refs", "POST", f"{SHEETS}/abc:batchUpdate",
     {"requests": [{"deleteSheet": {"sheetId": "Plan"}}]}, "expected an integer"),
    ("enum in the body", "POST", f"{SHEETS}/abc:batchUpdate",
     {"requests": [{"mergeCells": {"range": {"sheetId": 0}, "mergeType": "MERGE_EVERYTHING"}}]}, "is not one of"),
    ("enum in a parameter", "PUT", f"{SHEETS}/abc/values/A1?valueInputOption=TYPED", {"values": [["x"]]},
     "valueInputOption='TYPED' is not one of"),
    ("unknown parameter", "GET", f"{SHEETS}/abc?includeGridData=true&gridData=true", None, "unknown parameter 'gridData'"),
    ("a parameter given twice that is not repeated", "GET", f"{SHEETS}/abc?includeGridData=true&includeGridData=false",
     None, "given 2 times"),
    ("boolean parameter", "GET", f"{SHEETS}/abc?includeGridData=yes", None, "is not a boolean"),
    ("fields mask naming what the answer lacks", "GET", f"{SHEETS}/abc?fields=sheets(data(rowData(values(nte))))",
     None, "fields mask names Spreadsheet.sheets.data.rowData.values.nte"),
    ("no such method", "GET", f"{SHEETS}/abc/valuez/A1", None, "is not a method"),
    ("wrong HTTP method", "DELETE", f"{SHEETS}/abc", None, "is not a method"),
    ("integer parameter", "GET", f"{FILES}?pageSize=many", None, "is not an integer"),
    ("body where none is taken", "GET", f"{FILES}/abc", {"name": "x"}, "takes no request body"),
]


@pytest.mark.parametrize("what,method,url,body,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_requests_fail(what, method, url, body, expected):
    problems = discovery.validate_request(method, url, body)
    assert any(expected in p for p in problems), problems


def test_unknown_field_in_an_answer_fails():
    answer = {"spreadsheetId": "abc", "sheets": [{"properties": {"sheetId": 0, "titel": "Plan"}}]}
    assert discovery.validate_response("sheets.spreadsheets.get", answer) == [
        "answer.sheets[0].properties: unknown field 'titel'"]


def test_the_fake_refuses_an_invalid_request_in_strict_mode():
    g = FakeGoogle()
    sid = g.add_spreadsheet("Plan")
    session = g.session()
    with pytest.raises(discovery.DiscoveryError, match="unknown field 'rowz'"):
        session.post(f"{SHEETS}/{sid}:batchUpdate", json={"requests": [{"updateCells": {"rowz": []}}]})
    assert g.violations and "rowz" in g.violations[0]
    assert g.file(sid).version == 1  # nothing applied


def test_every_answer_of_the_fake_is_checked_in_strict_mode():
    g = FakeGoogle()
    sid = g.add_spreadsheet("Plan", {"Actions": [["Action", "Due"], ["Kick-off", "2026-12-01"]]})
    answer = g.session().get(f"{SHEETS}/{sid}", params={"includeGridData": "true"})
    assert answer.status_code == 200 and not g.violations
    assert discovery.validate_response("sheets.spreadsheets.get", answer.json()) == []
