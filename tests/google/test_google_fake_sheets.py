"""The fake's Sheets v4 where the cassettes do not reach (read masks with grid data, conditional formats,
render options, atomic batchUpdate). Held only to the discovery documents (strict mode checks every
request and answer) and to Google's documented behaviour."""
from __future__ import annotations

import gspread
import pytest

from fake import FakeGoogle
from fake.fixtures import fake_google  # noqa: F401 (the fixture)

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
READ_FIELDS = ("sheets(properties(sheetId,title),data(startRow,rowData(values(effectiveValue,formattedValue,note,"
               "userEnteredFormat.backgroundColor))))")


@pytest.fixture
def g(fake_google):
    return fake_google


@pytest.fixture
def plan(g):
    return g.add_spreadsheet("Acme plan", {
        "Deal": [["Customer", "Acme"], ["Close date", "2026-12-15"]],
        "Actions": [["Action", "Owner", "Due", "Status"], ["Kick-off", "Ann", "2026-11-20", "Done"],
                    ["Security review", "Bob", "2026-11-25", "Open"]],
    }, notes={"Actions!C3": "moved twice"})


def test_one_read_returns_values_notes_and_fills_through_a_nested_mask(g, plan):
    answer = g.session().get(f"{SHEETS}/{plan}", params={
        "ranges": ["Deal!A1:B2", "Actions!A1:D3"], "includeGridData": "true", "fields": READ_FIELDS}).json()
    assert set(answer) == {"sheets"}
    deal, actions = answer["sheets"]
    assert deal["properties"] == {"sheetId": 0, "title": "Deal"}
    rows = actions["data"][0]["rowData"]
    # the date's format has no backgroundColor: the masked format stays as {} (as recorded for
    # `sheets.properties.tabColorStyle` on a sheet without a tab colour: "properties": {})
    assert rows[2]["values"][2] == {"effectiveValue": {"numberValue": 46351}, "formattedValue": "2026-11-25",
                                    "note": "moved twice", "userEnteredFormat": {}}
    assert rows[1]["values"][3] == {"effectiveValue": {"stringValue": "Done"}, "formattedValue": "Done"}
    assert g.count(operation="sheets.spreadsheets.get") == 1


def test_notes_and_fills_written_in_one_batch_update_read_back(g, plan):
    actions = g.spreadsheet(plan).sheet_by_title("Actions").sheet_id
    body = {"requests": [{"updateCells": {
        "range": {"sheetId": actions, "startRowIndex": 2, "endRowIndex": 3, "startColumnIndex": 2, "endColumnIndex": 3},
        "rows": [{"values": [{"note": "moved twice\n— mapsheet —\nOverdue", "userEnteredFormat": {
            "backgroundColor": {"red": 1, "green": 199 / 255, "blue": 206 / 255}}}]}],  # FFC7CE
        "fields": "note,userEnteredFormat.backgroundColor"}}]}
    before = g.file(plan).version
    assert g.session().post(f"{SHEETS}/{plan}:batchUpdate", json=body).json()["replies"] == [{}]
    cell = g.cell(plan, "Actions!C3")
    assert cell["note"].endswith("Overdue")
    assert cell["userEnteredFormat"]["backgroundColor"] == {"red": 1, "green": 0.78039217, "blue": 0.80784315}
    assert cell["userEnteredFormat"]["backgroundColorStyle"] == {"rgbColor": cell["userEnteredFormat"]["backgroundColor"]}
    assert g.values(plan, "Actions!C3") == [["2026-11-25"]]  # the value is untouched
    assert g.file(plan).version == before + 1


def test_a_failing_sub_request_applies_nothing(g, plan):
    body = {"requests": [
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                         "rows": [{"values": [{"note": "half"}]}], "fields": "note"}},
        {"deleteSheet": {"sheetId": 999}},
    ]}
    before = g.file(plan).version
    answer = g.session().post(f"{SHEETS}/{plan}:batchUpdate", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "Invalid requests[1].deleteSheet: No grid with id: 999"
    assert "note" not in g.cell(plan, "Deal!A1") and g.file(plan).version == before


def test_conditional_format_rules_are_kept_in_order_and_deleted_by_index(g, plan):
    sid = g.spreadsheet(plan).sheet_by_title("Actions").sheet_id
    overdue = {"ranges": [{"sheetId": sid, "startRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3}],
               "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=$C2<TODAY()"}]},
                               "format": {"backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}}}}
    done = {"ranges": [{"sheetId": sid, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 4}],
            "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "Done"}]},
                            "format": {"textFormat": {"strikethrough": True}}}}
    session = g.session()
    session.post(f"{SHEETS}/{plan}:batchUpdate", json={"requests": [
        {"addConditionalFormatRule": {"rule": overdue, "index": 0}},
        {"addConditionalFormatRule": {"rule": done, "index": 0}}]})
    rules = session.get(f"{SHEETS}/{plan}", params={"fields": "sheets(properties.title,conditionalFormats)"}).json()
    listed = rules["sheets"][1]["conditionalFormats"]
    assert [r["booleanRule"]["condition"]["type"] for r in listed] == ["TEXT_EQ", "CUSTOM_FORMULA"]
    reply = session.post(f"{SHEETS}/{plan}:batchUpdate", json={"requests": [
        {"deleteConditionalFormatRule": {"sheetId": sid, "index": 1}}]}).json()
    assert reply["replies"][0]["deleteConditionalFormatRule"]["rule"]["booleanRule"]["condition"]["type"] == "CUSTOM_FORMULA"
    assert len(g.spreadsheet(plan).sheet_by_title("Actions").conditional_formats) == 1
    bad = session.post(f"{SHEETS}/{plan}:batchUpdate", json={"requests": [
        {"deleteConditionalFormatRule": {"sheetId": sid, "index": 5}}]})
    assert bad.status_code == 400


def test_render_options_for_dates_and_numbers(g, plan):
    session = g.session()
    url = f"{SHEETS}/{plan}/values/Actions!C2:C3"
    assert session.get(url).json()["values"] == [["2026-11-20"], ["2026-11-25"]]
    serial = session.get(url, params={"valueRenderOption": "UNFORMATTED_VALUE"}).json()["values"]
    assert serial == [[46346], [46351]]  # days since 1899-12-30
    text = session.get(url, params={"valueRenderOption": "UNFORMATTED_VALUE",
                                    "dateTimeRenderOption": "FORMATTED_STRING"}).json()["values"]
    assert text == [["2026-11-20"], ["2026-11-25"]]
    batch = session.get(f"{SHEETS}/{plan}/values:batchGet", params={
        "ranges": ["Deal!B2", "Actions!A1:B1"], "valueRenderOption": "UNFORMATTED_VALUE"}).json()
    assert [v["values"] for v in batch["valueRanges"]] == [[[46371]], [["Action", "Owner"]]]


def test_structure_requests_show_in_the_spreadsheet(g, plan):
    sid = g.spreadsheet(plan).sheet_by_title("Actions").sheet_id
    rng = {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 4}
    session = g.session()
    answer = session.post(f"{SHEETS}/{plan}:batchUpdate", json={"requests": [
        {"addSheet": {"properties": {"title": "Plan check", "index": 0, "gridProperties": {"frozenRowCount": 1}}}},
        {"repeatCell": {"range": rng, "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
        {"setDataValidation": {"range": {**rng, "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 3},
                               "rule": {"condition": {"type": "ONE_OF_LIST", "values": [
                                   {"userEnteredValue": "Open"}, {"userEnteredValue": "Done"}]}, "strict": True}}},
        {"mergeCells": {"range": {**rng, "startRowIndex": 5, "endRowIndex": 6}, "mergeType": "MERGE_ALL"}},
        {"updateDimensionProperties": {"range": {"sheetId": sid, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                                       "properties": {"pixelSize": 240}, "fields": "pixelSize"}},
        {"addChart": {"chart": {"spec": {"title": "Progress"}, "position": {"overlayPosition": {
            "anchorCell": {"sheetId": sid, "rowIndex": 10, "columnIndex": 1}}}}}},
        {"addProtectedRange": {"protectedRange": {"range": rng, "warningOnly": True}}},
    ]}).json()
    new_sheet = answer["replies"][0]["addSheet"]["properties"]
    assert new_sheet["title"] == "Plan check" and new_sheet["index"] == 0
    assert answer["replies"][5]["addChart"]["chart"]["chartId"]
    book = session.get(f"{SHEETS}/{plan}", params={
        "ranges": "Actions!A1:D3", "includeGridData": "true",
        "fields": "sheets(properties.title,merges,charts.spec.title,protectedRanges.warningOnly,"
                  "data(columnMetadata.pixelSize,rowData.values(userEnteredFormat.textFormat.bold,dataValidation)))"}).json()
    actions = book["sheets"][0]
    assert actions["properties"]["title"] == "Actions"
    assert actions["merges"] == [{"sheetId": sid, "startRowIndex": 5, "endRowIndex": 6, "startColumnIndex": 0,
                                  "endColumnIndex": 4}]
    assert actions["charts"] == [{"spec": {"title": "Progress"}}]
    assert actions["protectedRanges"] == [{"warningOnly": True}]
    data = actions["data"][0]
    assert data["columnMetadata"][0] == {"pixelSize": 240} and data["columnMetadata"][1] == {"pixelSize": 100}
    assert data["rowData"][0]["values"][0] == {"userEnteredFormat": {"textFormat": {"bold": True}}}
    assert data["rowData"][1]["values"][3]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert [s["properties"]["title"] for s in session.get(f"{SHEETS}/{plan}").json()["sheets"]] == [
        "Plan check", "Deal", "Actions"]


def test_spreadsheets_create_and_gspread_round_trip(g):
    client = gspread.Client(auth=None, session=g.session())
    answer = g.session().post(SHEETS, json={"properties": {"title": "Roll-up"},
                                            "sheets": [{"properties": {"title": "Deals"}}]}).json()
    ws = client.open_by_key(answer["spreadsheetId"]).worksheet("Deals")
    ws.update([["Deal", "Score"], ["Acme", 72]], "A1", value_input_option="RAW")
    ws.append_row(["Globex", 40])
    assert ws.get_all_values() == [["Deal", "Score"], ["Acme", "72"], ["Globex", "40"]]
    ws.update_note("A2", "from mapsheet")
    assert ws.get_note("A2") == "from mapsheet"
    assert g.file(answer["spreadsheetId"]).name == "Roll-up"


def test_range_and_input_errors_answer_as_google_does(g, plan):
    session = g.session()
    bad_range = session.get(f"{SHEETS}/{plan}/values/Nope!A1")
    assert bad_range.status_code == 400
    assert bad_range.json()["error"] == {"code": 400, "message": "Unable to parse range: Nope!A1",
                                         "status": "INVALID_ARGUMENT"}
    missing = session.get(f"{SHEETS}/no-such-sheet")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == "NOT_FOUND"


def test_links_show_their_label_and_answer_the_hyperlink(g, plan):
    sid = g.spreadsheet(plan).sheet_by_title("Deal").sheet_id
    g.session().post(f"{SHEETS}/{plan}:batchUpdate", json={"requests": [{"updateCells": {
        "start": {"sheetId": sid, "rowIndex": 3, "columnIndex": 0},
        "rows": [{"values": [
            {"userEnteredValue": {"formulaValue": '=HYPERLINK("https://docs.google.com/spreadsheets/d/x", "Acme plan")'}},
            {"userEnteredValue": {"stringValue": "Overdue (3)"},
             "userEnteredFormat": {"textFormat": {"link": {"uri": "#gid=7&range=C3"}}}}]}],
        "fields": "userEnteredValue,userEnteredFormat"}}]})
    assert g.values(plan, "Deal!A4:B4") == [["Acme plan", "Overdue (3)"]]
    cells = g.session().get(f"{SHEETS}/{plan}", params={"ranges": "Deal!A4:B4",
                                                        "fields": "sheets.data.rowData.values(formattedValue,hyperlink)"})
    assert cells.json()["sheets"][0]["data"][0]["rowData"][0]["values"] == [
        {"formattedValue": "Acme plan", "hyperlink": "https://docs.google.com/spreadsheets/d/x"},
        {"formattedValue": "Overdue (3)", "hyperlink": "#gid=7&range=C3"}]


def test_a_service_account_cannot_create_a_spreadsheet(g):
    answer = g.session("robot@p.iam.gserviceaccount.com").post(SHEETS, json={"properties": {"title": "New plan"}})
    assert answer.status_code == 403
    assert answer.json()["error"]["errors"][0]["reason"] == "storageQuotaExceeded"
