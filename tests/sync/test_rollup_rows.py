"""A plan's detail rows as the roll-up stores them (xlsx_rows.plan_rows): the bytes are kept in the history by
digest, so they must not depend on which values a reading process rendered before (each column remembers the
cells of values it has seen), and every value must come out as Excel shows it: text escaped, numbers and dates
as numbers, a True as the text it is, never as the number 1."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mapsheet.sync.summary import ActionRow, RiskRow
from mapsheet.sync.xlsx_rows import MARKS, plan_rows, styled


def actions_xml(*actions: ActionRow, deal: str = "Tom & Jerry", owner: str = " Ann") -> list[bytes]:
    summary = {"deal": deal, "owner": owner, "close_date": None, "actions": list(actions), "milestones": [],
               "risks": []}
    return [row.xml for row in plan_rows(summary)["Actions"]]


def cells(*xml: str) -> bytes:
    """A row's cells, the format mark of column A, B, ... written as "@A", "@B", ..."""
    return re.sub("@([A-Z])", lambda m: chr(MARKS[ord(m[1]) - 65]), "".join(xml)).encode()


DEAL = cells('<c s="@A" t="inlineStr"><is><t>Tom &amp; Jerry</t></is></c>',
             '<c s="@B" t="inlineStr"><is><t xml:space="preserve"> Ann</t></is></c>')
NOV_20 = "46346.0"  # Excel's serial number of 20 Nov 2026


def test_text_numbers_and_dates_come_out_as_excel_shows_them():
    first = ActionRow("A1", "Use _x0041_ here", "", "Vendor", "", dt.date(2026, 11, 20), "Open", 7)
    assert actions_xml(first) == [
        b"<row>" + DEAL + cells(
            '<c s="@C" t="inlineStr"><is><t>A1</t></is></c>',
            '<c s="@D" t="inlineStr"><is><t>Use _x005F_x0041_ here</t></is></c>',  # not read back as "A"
            '<c s="@E"/>', '<c s="@F" t="inlineStr"><is><t>Vendor</t></is></c>', '<c s="@G"/>',
            f'<c s="@H"><v>{NOV_20}</v></c>', '<c s="@I" t="inlineStr"><is><t>Open</t></is></c>',
            '<c s="@J"><v>7.0</v></c>') + b"</row>"]


def test_a_value_renders_the_same_whatever_was_rendered_before():
    one = ActionRow("A1", "x" * 70, "M1\tcall", "Customer", "Bo", dt.datetime(2026, 11, 20, 9, 30), "Open", 1)
    true = one._replace(days_overdue=True, due=dt.date(2026, 11, 20))
    expected = {
        int: '<c s="@J"><v>1.0</v></c>',
        bool: '<c s="@J" t="inlineStr"><is><t>True</t></is></c>',  # a True is not the number 1
    }
    for order in ((one, true), (true, one), (one, true)):
        rows = actions_xml(*order)
        for action, xml in zip(order, rows):
            # 70 characters in a 48-wide column (57 characters a line): two lines, 30 points
            assert xml == b'<row ht="30.0" customHeight="1">' + DEAL + cells(
                '<c s="@C" t="inlineStr"><is><t>A1</t></is></c>',
                f'<c s="@D" t="inlineStr"><is><t>{"x" * 70}</t></is></c>',
                '<c s="@E" t="inlineStr"><is><t>M1\tcall</t></is></c>',
                '<c s="@F" t="inlineStr"><is><t>Customer</t></is></c>',
                '<c s="@G" t="inlineStr"><is><t>Bo</t></is></c>',
                f'<c s="@H"><v>{NOV_20}</v></c>',  # a date and a time: the day, as Excel stores it
                '<c s="@I" t="inlineStr"><is><t>Open</t></is></c>', expected[type(action.days_overdue)]) + b"</row>"


def test_empty_cells_at_the_end_of_a_row_are_left_out():
    quiet = RiskRow("R1", "Budget", "", "Low", "Low", "Weekly check", "Ann", "")  # nothing needs attention
    summary = {"deal": "D", "owner": "", "close_date": None, "actions": [], "milestones": [], "risks": [quiet]}
    assert [row.xml for row in plan_rows(summary)["Risks"]] == [cells(
        '<row><c s="@A" t="inlineStr"><is><t>D</t></is></c>', '<c s="@B"/>',
        '<c s="@C" t="inlineStr"><is><t>R1</t></is></c>', '<c s="@D" t="inlineStr"><is><t>Budget</t></is></c>',
        '<c s="@E"/>', '<c s="@F" t="inlineStr"><is><t>Low</t></is></c>',
        '<c s="@G" t="inlineStr"><is><t>Low</t></is></c>',
        '<c s="@H" t="inlineStr"><is><t>Weekly check</t></is></c>', '<c s="@I" t="inlineStr"><is><t>Ann</t></is></c>',
        "</row>")]  # no Status, no Attention: their cells are not written


def test_a_value_equal_to_one_met_before_but_of_another_type_is_not_taken_for_it():
    """Cells are remembered by value: 1 met first must not give a later True (equal to it) the cell of 1, nor
    a date the cell of the same day met as a datetime."""
    due = dt.date(2026, 11, 20)
    plain = ActionRow("A1", "Call", "", "Vendor", "Bo", due, "Open", 1)
    odd = plain._replace(days_overdue=True)
    assert actions_xml(plain)[0].endswith(cells('<c s="@J"><v>1.0</v></c>') + b"</row>")
    assert actions_xml(odd)[0].endswith(cells('<c s="@J" t="inlineStr"><is><t>True</t></is></c>') + b"</row>")
    assert actions_xml(plain, odd) == actions_xml(plain) + actions_xml(odd)  # in one sheet too
    assert actions_xml(plain._replace(days_overdue=1.0)) == actions_xml(plain)  # a float is written as a number


def test_a_rows_digest_is_eight_bytes_of_blake2b_of_its_text():
    # The history keeps rows by digest: a row's digest must be what every earlier sync stored for its text.
    import hashlib

    first = ActionRow("A1", "Send the order form", "", "Vendor", "Ann", dt.date(2026, 11, 20), "Open", 7)
    second = first._replace(id="A2", action="Countersign the contract")
    rows = plan_rows({"deal": "Acme", "owner": "Bo", "close_date": None, "actions": [first, second],
                      "milestones": [], "risks": []})["Actions"]
    assert len(rows) == 2 and rows[0].digest != rows[1].digest
    for row in rows:
        assert row.digest == hashlib.blake2b(row.xml, digest_size=8).digest()


def test_each_columns_format_number_takes_its_marks_place_and_a_row_wider_than_the_formats_is_refused():
    """``styled``: every cell gets its own column's format number, however many digits it has; a row with more
    cells than formats given is refused, never written with a control character for a format."""
    first = ActionRow("A1", "Call", "M1", "Vendor", "Bo", dt.date(2026, 11, 20), "Open", 7)
    row = actions_xml(first)[0]
    formats = [5, 123, 7, 40, 8, 9, 10, 11, 12, 1000]
    out = styled(row, formats)
    assert re.findall(rb' s="([^"]*)"', out) == [b"5", b"123", b"7", b"40", b"8", b"9", b"10", b"11", b"12", b"1000"]
    assert out.count(b"<c ") == 10 and not any(bytes([m]) in out for m in MARKS)
    assert styled(out, [1, 2]) == out  # rows styled already (a kept block's) are left as they are
    with pytest.raises(ValueError, match="more than the 9 columns"):
        styled(row, formats[:9])



def test_rows_of_one_sheet_each_lose_only_their_own_trailing_empty_cells():
    """Rendered together, each row leaves out its own empty cells at its end and no others, as a row made cell by
    cell (``_Cells.cell``) is: a row whose cells are all empty, an empty cell between two filled ones, rows ending
    filled, on every detail sheet."""
    from mapsheet.sync import xlsx_rows

    base = RiskRow("R1", "Budget", "", "Low", "Low", "Weekly check", "Ann", "Open")
    risks = [base, base._replace(owner="", status=""), RiskRow(*[""] * 8), base._replace(status=""),
             base._replace(mitigation="", status="Mitigated")]
    action = ActionRow("A1", "Call", "", "Vendor", "", None, "Open", 0)
    actions = [action, action._replace(days_overdue=3), ActionRow("", "", "", "", "", None, "", 0)]
    for deal, owner in (("D", ""), ("", "")):
        summary = {"deal": deal, "owner": owner, "close_date": None, "actions": actions, "milestones": [],
                   "risks": risks}
        for sheet, (detail, columns) in xlsx_rows._SHEETS.items():
            expected = []
            for row in detail.rows(summary):
                made = [c.cell(v) for c, v in zip(columns, row)]
                while made and made[-1][0] is columns[len(made) - 1].empty:
                    made.pop()
                start = xlsx_rows._row_start(max([lines for _, lines in made], default=1))
                expected.append(b"".join([start, *[cell for cell, _ in made], xlsx_rows.ROW_END]))
            assert [row.xml for row in plan_rows(summary)[sheet]] == expected
