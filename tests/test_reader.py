"""The reader: headers by meaning, located problems for bad values, one clear error for bad files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapsheet import ProblemKind, UnreadableWorkbook, read_plan
from mapsheet.fill import PlanDraft, load_template, write_plan

TODAY = dt.date(2026, 11, 27)


def _draft() -> PlanDraft:
    d = PlanDraft()
    d.overview = {"deal": "Acme – Analytics", "customer": "Acme", "seller_owner": "Dana Reyes",
                  "close_date": dt.date(2027, 2, 26), "goals": "Halve reporting effort", "template_version": "1.0"}
    d.tables["milestones"] = [
        {"id": "M1", "name": "Demo", "side": "Vendor", "owner": "Dana Reyes", "due": dt.date(2027, 1, 8), "status": "Done"},
        {"id": "M2", "name": "Signature", "side": "Joint", "owner": "Lee Park", "due": dt.date(2027, 2, 26),
         "status": "Not started", "depends_on": "M1"},
    ]
    d.tables["actions"] = [
        {"id": "A1", "action": "Run demo", "milestone": "M1", "party": "Vendor", "owner": "Dana Reyes",
         "due": dt.date(2027, 1, 8), "status": "Done", "completed": dt.date(2027, 1, 7)},
        {"id": "A2", "action": "Sign order form", "milestone": "M2", "party": "Customer", "owner": "Lee Park",
         "due": dt.date(2027, 2, 26), "status": "Not started"},
    ]
    return d


def _edit(path, edit):
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)


def test_reads_what_was_written(tmp_path):
    path = write_plan(_draft(), tmp_path / "p.xlsx")
    plan = read_plan(path)
    assert plan.problems == []
    assert plan.deal == "Acme – Analytics" and plan.close_date == dt.date(2027, 2, 26)
    a2 = plan.actions[1]
    assert (a2.id, a2.party, a2.owner, a2.due, a2.status) == ("A2", "Customer", "Lee Park", dt.date(2027, 2, 26), "Not started")
    assert a2.loc("owner").a1 == "E5" and a2.loc("owner").sheet == "Actions"
    assert plan.milestones[1].depends_on == ["M1"]
    assert plan.field_loc("close_date").a1 == "B13"


def test_renamed_reordered_and_extra_columns(tmp_path):
    path = write_plan(_draft(), tmp_path / "p.xlsx")

    def shuffle(wb):
        ws = wb["Actions"]
        ws.move_range("E3:E5", cols=10)  # Owner -> column O
        ws["O3"] = "Responsible"  # a synonym
        ws["E3"] = "Internal notes"  # an extra column, kept
        ws["E5"] = "ask procurement"
        ws["F3"] = "  DEADLINE "  # case and spacing
    _edit(path, shuffle)
    plan = read_plan(path)
    a2 = plan.actions[1]
    assert a2.owner == "Lee Park" and a2.loc("owner").a1 == "O5"
    assert a2.due == dt.date(2027, 2, 26)
    assert a2.extra == {"Internal notes": "ask procurement"}
    kinds = {(p.kind, p.location.a1) for p in plan.problems}
    assert (ProblemKind.RENAMED_COLUMN, "O3") in kinds and (ProblemKind.RENAMED_COLUMN, "F3") in kinds
    assert (ProblemKind.EXTRA_COLUMN, "E3") in kinds


def test_bad_values_become_located_problems(tmp_path):
    path = write_plan(_draft(), tmp_path / "p.xlsx")

    def spoil(wb):
        ws = wb["Actions"]
        ws["F4"] = "next week"  # not a date
        ws["G5"] = "Waiting on legal"  # not a status
        ws["A5"] = "A1"  # duplicate id
        ws["C5"] = "M9"  # dangling milestone
        wb["Overview"]["B10"] = "lots"  # deal value, not a number
    _edit(path, spoil)
    plan = read_plan(path)
    found = {(p.kind, str(p.location)) for p in plan.problems}
    assert found == {
        (ProblemKind.BAD_DATE, "Actions!F4"),
        (ProblemKind.NOT_IN_LIST, "Actions!G5"),
        (ProblemKind.DUPLICATE_ID, "Actions!A5"),
        (ProblemKind.DANGLING_REFERENCE, "Actions!C5"),
        (ProblemKind.BAD_NUMBER, "Overview!B10"),
    }
    bad_date = next(p for p in plan.problems if p.kind is ProblemKind.BAD_DATE)
    assert bad_date.value == "next week" and "a date" in bad_date.expected
    assert plan.actions[0].due is None and plan.actions[0].raw["due"] == "next week"


def test_forgiving_values(tmp_path):
    path = write_plan(_draft(), tmp_path / "p.xlsx")

    def loosen(wb):
        ws = wb["Actions"]
        ws["G4"] = "completed"  # alias of Done
        ws["D5"] = "customer"  # case
        ws["F5"] = "2027-03-01"  # ISO text date
        wb["Overview"]["B10"] = "$120,000"
    _edit(path, loosen)
    plan = read_plan(path)
    assert plan.problems == []
    assert plan.actions[0].status == "Done" and plan.actions[1].party == "Customer"
    assert plan.actions[1].due == dt.date(2027, 3, 1) and plan.field("value") == 120000


def test_missing_required_column_and_tab_are_problems_not_crashes(tmp_path):
    path = write_plan(_draft(), tmp_path / "p.xlsx")

    def remove(wb):
        wb["Actions"]["G3"] = None  # the Status header is gone
        del wb["Risks"]
    _edit(path, remove)
    plan = read_plan(path)
    kinds = {(p.kind, str(p.location), p.field) for p in plan.problems}
    assert (ProblemKind.MISSING_COLUMN, "Actions!3", "status") in kinds
    assert (ProblemKind.MISSING_SHEET, "Risks", "") in kinds
    assert plan.risks == [] and len(plan.actions) == 2


def test_addresses_stay_absolute_when_the_sheet_starts_low(tmp_path):
    """python-calamine skips leading empty rows unless told not to; findings must still point right."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Actions"
    ws["C8"], ws["D8"], ws["E8"], ws["F8"], ws["G8"] = "Action", "Party", "Owner", "Due", "Status"
    ws["C9"], ws["D9"], ws["E9"], ws["F9"], ws["G9"] = "Sign", "Customer", "Lee", "soon", "Done"
    wb.save(tmp_path / "low.xlsx")
    plan = read_plan(tmp_path / "low.xlsx")
    assert plan.actions[0].loc("owner").a1 == "E9"
    assert any(p.kind is ProblemKind.BAD_DATE and p.location.a1 == "F9" for p in plan.problems)


def test_a_plan_not_made_from_the_template_is_still_read(tmp_path):
    """One sheet: deal fields as label/value pairs, then a table of steps with owner, date and status."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    rows = [["Customer:", "Globex"], ["Opportunity", "Globex CRM"], ["Close date", dt.date(2027, 1, 15)], [],
            ["Step", "Who", "Side", "Deadline", "State"],
            ["Security review", "Hank Scorpio", "Customer", dt.date(2026, 12, 10), "In progress"],
            ["Send order form", "Dana Reyes", "Vendor", dt.date(2027, 1, 5), "Not started"]]
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / "loose.xlsx")
    plan = read_plan(tmp_path / "loose.xlsx")
    assert plan.field("customer") == "Globex" and plan.close_date == dt.date(2027, 1, 15)
    assert [(a.action, a.owner, a.party) for a in plan.actions] == [
        ("Security review", "Hank Scorpio", "Customer"), ("Send order form", "Dana Reyes", "Vendor")]
    assert plan.actions[0].loc("due").a1 == "D6"


# -- files that are not workbooks ---------------------------------------------------------------------

def _corrupt_zip(path):
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)


def _truncated(path, tmp_path):
    write_plan(_draft(), tmp_path / "good.xlsx")
    data = (tmp_path / "good.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _encrypted(path, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    write_plan(_draft(), tmp_path / "plain.xlsx")
    with open(tmp_path / "plain.xlsx", "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt("secret", out)


def _xls(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def _ods(path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    path.write_bytes(buf.getvalue())


def _broken_inside(path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<not really>")
    path.write_bytes(buf.getvalue())


@pytest.mark.parametrize("name, make, says", [
    ("empty.xlsx", lambda p, t: p.write_bytes(b""), "empty"),
    ("data.xlsx", lambda p, t: p.write_text("deal,owner\nAcme,Dana\n"), "text file (CSV?)"),
    ("corrupt.xlsx", lambda p, t: _corrupt_zip(p), "damaged"),
    ("half.xlsx", _truncated, "damaged"),
    ("locked.xlsx", _encrypted, "password-protected"),
    ("old.xlsx", lambda p, t: _xls(p), "Excel 97-2003"),
    ("calc.xlsx", lambda p, t: _ods(p), "OpenDocument"),
    ("inside.xlsx", lambda p, t: _broken_inside(p), "could not be read"),
    ("plan.ods", lambda p, t: p.write_text("a,b\n"), "not '.ods' files"),
])
def test_unreadable_files_give_one_clear_error_naming_the_file(tmp_path, name, make, says):
    path = tmp_path / name
    make(path, tmp_path)
    with pytest.raises(UnreadableWorkbook) as info:
        read_plan(path)
    message = str(info.value)
    assert message.startswith(str(path)) and says in message
    assert "\n" not in message and "Traceback" not in message


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableWorkbook, match="no such file"):
        read_plan(tmp_path / "nope.xlsx")


def test_template_itself_reads_without_problems():
    from mapsheet.fill import default_template_path

    plan = read_plan(default_template_path())
    assert [p.kind for p in plan.problems] == []
    assert plan.actions == [] and plan.field("template_version") == "1.0"


def test_xlsm_is_read(tmp_path):
    wb = load_template()
    wb["Overview"]["B5"] = "Macro deal"
    wb.save(tmp_path / "m.xlsm")
    assert read_plan(tmp_path / "m.xlsm").deal == "Macro deal"


def test_a_bad_value_repeated_over_rows_and_plans_is_reported_at_each_cell(tmp_path):
    # Columns are typed at once and list values remembered across plans: neither may hide a problem.
    def spoil(wb):
        ws = wb["Actions"]
        ws["G4"] = ws["G5"] = "Waiting on legal"  # not a status, twice
        ws["A4"] = "   "  # an id of spaces is an empty cell, not a value
    plans = []
    for name in ("one.xlsx", "two.xlsx"):
        path = write_plan(_draft(), tmp_path / name)
        _edit(path, spoil)
        plans.append(read_plan(path))
    for plan in plans:
        assert [(p.kind, str(p.location), p.value) for p in plan.problems] == [
            (ProblemKind.NOT_IN_LIST, "Actions!G4", "Waiting on legal"),
            (ProblemKind.NOT_IN_LIST, "Actions!G5", "Waiting on legal")]
        assert [a.status for a in plan.actions] == [None, None]
        assert [a.raw["status"] for a in plan.actions] == ["Waiting on legal"] * 2
        assert plan.actions[0].id is None and plan.actions[1].id == "A2"
    path = write_plan(_draft(), tmp_path / "three.xlsx")
    _edit(path, lambda wb: wb["Actions"].__setitem__("G5", "completed"))  # an alias, after the bad plans
    assert [a.status for a in read_plan(path).actions] == ["Done", "Done"]


def test_a_header_row_met_again_maps_and_reports_as_the_first_time(tmp_path):
    # A header row is mapped once and remembered (a sync meets the same ones in every plan): a second plan with
    # it gets its columns and its own problems, a plan whose header row differs only by a value's type or by its
    # tab's name gets its own, and a missing column is still matched to its look-alike in each plan.
    def renamed(wb):
        ws = wb["Actions"]
        ws["E3"] = "Responsible"  # a synonym
        ws["J3"] = "Internal notes"  # an extra column
        ws["J4"] = "ask procurement"
    def no_party(wb):
        ws = wb["Actions"]
        ws["D3"] = "Company"  # Party renamed beyond recognition: a look-alike of the missing column
    def numbered(wb):
        wb["Actions"]["J3"] = 2027  # the extra column's header a number, not a text
    plans = {}
    for name, edit in (("a", renamed), ("b", renamed), ("c", no_party), ("d", no_party), ("e", numbered)):
        path = write_plan(_draft(), tmp_path / f"{name}.xlsx")
        _edit(path, edit)
        if name == "e":
            _edit(path, renamed)
            _edit(path, numbered)
        plans[name] = read_plan(path)

    def problems(plan):
        return [(p.kind, str(p.location), p.value, p.expected) for p in plan.problems]
    assert problems(plans["a"]) == problems(plans["b"]) == [
        (ProblemKind.RENAMED_COLUMN, "Actions!E3", "Responsible", "the template's header 'Owner'"),
        (ProblemKind.EXTRA_COLUMN, "Actions!J3", "Internal notes", "a column the template does not have (kept, not checked)")]
    assert plans["b"].actions[0].extra == {"Internal notes": "ask procurement"} and plans["b"].actions[1].extra == {}
    assert plans["b"].actions[1].owner == "Lee Park"
    assert problems(plans["c"]) == problems(plans["d"])
    assert [(p.kind, p.value) for p in plans["d"].problems if p.kind is ProblemKind.MISSING_COLUMN] == [
        (ProblemKind.MISSING_COLUMN, "Company")]
    assert [(p.kind, str(p.location), p.value) for p in plans["e"].problems if p.kind is ProblemKind.EXTRA_COLUMN] == [
        (ProblemKind.EXTRA_COLUMN, "Actions!J3", 2027)]
    assert plans["e"].actions[0].extra == {"2027.0": "ask procurement"}  # the header as read (a number)


def test_each_record_is_the_one_its_dataclass_makes_with_dicts_of_its_own(tmp_path):
    from mapsheet.model import Record
    from mapsheet.parse import _FAST_RECORDS

    assert _FAST_RECORDS  # the reader makes records without Record's __init__: only while its fields are as known
    plan = read_plan(write_plan(_draft(), tmp_path / "p.xlsx"))
    first, second = plan.actions
    assert first == Record(first.table, first.sheet, first.row, dict(first.values), dict(first.columns))
    first.extra["note"] = "x"
    first.raw["due"] = "x"
    first.inferred["party"] = "x"
    assert second.extra == second.raw == second.inferred == {}


_CELLS = st.sampled_from([
    None, "", "  ", "Done", " done ", "completed", "Waiting on legal", "#REF!", "#N/A ", "#hashtag", "A1", " A2 ",
    "M1, M2", "M1;M1", ",;", "Vendor", "customer", "Lee Park", 3.0, 2.5, 7, True, 46000, dt.date(2027, 1, 8),
    dt.datetime(2027, 1, 8, 10, 30), "2027-01-08", "next week", "1,200"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_CELLS, min_size=9, max_size=9), min_size=1, max_size=6),
       st.sampled_from([None, "milestone", "notes"]))
def test_columns_typed_at_once_read_as_each_cell_typed_alone(rows, left_out):
    # The reader types a column at once (closed lists and ids by look-ups remembered from earlier plans) and makes a
    # row's values by a function written once per layout; each value (a column left out: None, or [] for ids), each
    # value kept as written and each problem must be what typing the cells one by one gives, caches cold or warm.
    from mapsheet.grid import Location, Sheet, Workbook
    from mapsheet.parse import convert, parse_plan
    from mapsheet.template.spec import SPEC

    table = SPEC.table("actions")
    fields = [f for f in table.fields if f.key != left_out]
    rows = [[v for f, v in zip(table.fields, row) if f.key != left_out] for row in rows]
    header = [f.header for f in fields]
    expected, problems = [], []
    for r, row in enumerate(rows, start=1):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue  # a blank row is no record
        values = {f.key: convert(v, f, Location("Actions", r, c), problems) for c, (f, v) in enumerate(zip(fields, row))}
        raw = {f.key: v for f, v in zip(fields, row) if values[f.key] in (None, []) and v is not None
               and not (isinstance(v, str) and not v.strip())}
        if left_out:
            values[left_out] = [] if left_out == "milestone" else None
        expected.append((r, values, raw))
    value_kinds = {ProblemKind.ERROR_VALUE, ProblemKind.BAD_DATE, ProblemKind.BAD_NUMBER, ProblemKind.NOT_IN_LIST}
    for _ in range(2):
        plan = parse_plan(Workbook("p.xlsx", [Sheet("Actions", [header, *map(list, rows)])]))
        assert [(a.row, a.values, a.raw) for a in plan.actions] == expected
        order = [f.key for f in fields] + ([left_out] if left_out else [])  # the tab's columns, then those it lacks
        assert all(list(a.values) == order for a in plan.actions)
        assert [p for p in plan.problems if p.kind in value_kinds] == problems
