"""The fake's small parts: A1 ranges, field masks and Drive queries, as Google documents them."""
from __future__ import annotations

import pytest

from fake import FakeGoogle
from fake import fields
from fake.errors import ApiError
from fake.query import compile_query
from fake.ranges import resolve


@pytest.fixture(scope="module")
def book():
    g = FakeGoogle(strict=False)
    sid = g.add_spreadsheet("Plan", {"Actions": [["a"]], "Deal Summary": [["b"]], "It's": [["c"]]})
    return g.spreadsheet(sid)


@pytest.mark.parametrize("text,bounds,canonical", [
    ("Actions!A1:B2", (0, 2, 0, 2), "Actions!A1:B2"),
    ("Actions!B2", (1, 2, 1, 2), "Actions!B2"),
    ("Actions", (0, 1000, 0, 26), "Actions!A1:Z1000"),
    ("'Deal Summary'!C:D", (0, 1000, 2, 4), "'Deal Summary'!C1:D1000"),
    ("'It''s'!2:3", (1, 3, 0, 26), "'It''s'!A2:Z3"),
    ("Actions!A5:B", (4, 1000, 0, 2), "Actions!A5:B1000"),
    ("A1:A3", (0, 3, 0, 1), "Actions!A1:A3"),  # no sheet: the first one
    ("Actions!B2:A1", (0, 2, 0, 2), "Actions!A1:B2"),
])
def test_a1_ranges(book, text, bounds, canonical):
    area = resolve(book, text)
    assert (area.r0, area.r1, area.c0, area.c1) == bounds
    assert area.a1() == canonical


@pytest.mark.parametrize("text", ["Nope!A1", "Actions!A0", "Actions!1A", "Actions!A1:B2:C3"])
def test_bad_ranges(book, text):
    with pytest.raises(ApiError, match="Unable to parse range"):
        resolve(book, text)


def test_nested_masks_and_paths_mean_the_same():
    answer = {"sheets": [{"properties": {"sheetId": 1, "title": "A", "index": 0},
                          "data": [{"rowData": [{"values": [{"note": "n", "formattedValue": "x"}]}]}]}]}
    nested = fields.apply(answer, fields.parse("sheets(properties(sheetId,title),data(rowData(values(note))))"))
    dotted = fields.apply(answer, fields.parse("sheets.properties.sheetId,sheets.properties.title,"
                                               "sheets/data/rowData/values/note"))
    assert nested == dotted == {"sheets": [{"properties": {"sheetId": 1, "title": "A"},
                                            "data": [{"rowData": [{"values": [{"note": "n"}]}]}]}]}
    assert fields.apply(answer, fields.parse("sheets(properties(*))")) == {
        "sheets": [{"properties": {"sheetId": 1, "title": "A", "index": 0}}]}


def test_unbalanced_mask():
    with pytest.raises(fields.MaskError):
        fields.parse("sheets(properties(title)")


@pytest.mark.parametrize("q,expected", [
    ("'F' in parents and trashed = false", {"a", "b"}),
    ("'F' in parents and trashed = false and modifiedTime > '2026-11-27T10:00:00'", {"b"}),
    ("mimeType != 'application/vnd.google-apps.folder' and (name contains 'acm' or name = 'c')", {"a", "c"}),
    ("name contains 'plan'", {"a", "b"}),
    ("name contains 'lan'", set()),  # prefix matching on words, as Drive does
    ("not name contains 'Glo' and 'F' in parents", {"a"}),
    ('parents in "F" and trashed = false', {"a", "b"}),  # how gspread writes it
    ("'G' in parents", {"c"}),
])
def test_drive_queries(q, expected):
    files = [
        {"name": "Acme plan", "parents": ["F"], "trashed": False, "modifiedTime": "2026-11-27T09:00:00.000Z",
         "mimeType": "x"},
        {"name": "Globex plan", "parents": ["F"], "trashed": False, "modifiedTime": "2026-11-27T11:00:00.000Z",
         "mimeType": "application/vnd.google-apps.folder"},
        {"name": "c", "parents": ["G"], "trashed": True, "modifiedTime": "2026-11-27T11:00:00.000Z", "mimeType": "x"},
    ]
    predicate = compile_query(q)
    short = {"Acme plan": "a", "Globex plan": "b", "c": "c"}
    assert {short[f["name"]] for f in files if predicate(f)} == expected


def test_a_bad_query_is_a_400():
    with pytest.raises(ApiError) as caught:
        compile_query("'F' in parents and")
    assert caught.value.code == 400
