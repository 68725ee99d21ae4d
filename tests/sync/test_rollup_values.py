"""The roll-up's values and row heights found a column at a time (``excel._cell_values``, ``excel.row_heights``,
``xlsx_rust._records``) are exactly what the same work a value at a time gives: on clean columns (the fast
path) and on columns with one hostile value anywhere (the slow path)."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from xml.etree import ElementTree

import pytest

from mapsheet.styles import LINE_HEIGHT
from mapsheet.sync import excel, xlsx_rust
from mapsheet.sync.tables import Column, Kind, Link, Table
from mapsheet.sync.xlsx_rows import plain, text as _text

CLEAN = {
    Kind.TEXT: ["Dana Reyes", "", None, "café ☕ – Ünïcode", "word " * 30],
    Kind.INT: [0, 1, -7, 2 ** 53, -(2 ** 53), None],
    Kind.MONEY: [0.5, 337000.0, -0.0, 1e300, None, 12],
    Kind.DATE: [dt.date(2026, 11, 27), dt.date(1900, 3, 1), dt.date(9999, 12, 31), None],
    Kind.LINK: [Link("Adventure Works – Retail analytics", "plans/a.xlsx"), Link("", "b.xlsx"), None],
}
HOSTILE = [
    "bell\x07", "line\nbreak", "\x1b[31m", "surrogate\udcff", "y" * 40_000, "\u00a0nbsp", "tab\t",
    2 ** 53 + 1, -(2 ** 53) - 1, 10 ** 400, math.nan, math.inf, -math.inf, 1e308 * 10, 9.999e307, True, False,
    dt.date(1, 1, 1), dt.date(1900, 2, 28), dt.datetime(2026, 1, 2, 3, 4), Link("line\nbreak", "x.xlsx"),
    Link(42, "y.xlsx"), ("a", "tuple"), 3 + 4j,
]


def columns():
    """(kind, values): each clean column, then each with one hostile value put first, in the middle, last."""
    for kind, clean in CLEAN.items():
        yield kind, tuple(clean)
        for bad in HOSTILE:
            for at in (0, len(clean) // 2, len(clean)):
                yield kind, tuple(clean[:at] + [bad] + clean[at:])
    yield Kind.MONEY, (1e308, 1e308)  # each within Excel's numbers, their sum not
    yield Kind.TEXT, ("x" * 20_000, "y" * 20_000)  # each short enough, together not


@pytest.mark.parametrize("kind,values", list(columns()))
def test_cell_values_of_a_column_are_cell_value_of_each(kind, values):
    expected = [excel.cell_value(v, kind) for v in values]
    got = excel._cell_values(values, kind)
    assert got == expected or _same_with_nan(got, expected)
    assert [type(v) for v in got] == [type(v) for v in expected]


def test_a_clean_column_is_found_unchanged_and_a_hostile_one_is_not():
    for values in CLEAN.values():
        assert excel._unchanged(tuple(values))
    for bad in HOSTILE:
        assert not excel._unchanged(("fine", bad, None)), bad


def _same_with_nan(a, b):
    return len(a) == len(b) and all(x == y or (x != x and y != y) for x, y in zip(a, b))


def _table(rows, kinds, wraps):
    cols = [Column(f"c{i}", kind, 12, wrap=wrap) for i, (kind, wrap) in enumerate(zip(kinds, wraps))]
    return Table("Sheet", "Caption", cols, [tuple(r) for r in rows])


def test_row_heights_are_the_lines_of_each_rows_tallest_wrapped_value():
    texts = [None, "", "short", "x" * 14, "x" * 15, "word " * 30, "a\n" * 9, "\n", "long line\n" + "y" * 40,
             Link("z" * 50, "p.xlsx"), Link("a\nb\nc", "q.xlsx"), 12345678901234567890, dt.date(2026, 1, 1)]
    rows = [(a, b, c) for a in texts for b in texts[::3] for c in ("q" * 100, None)]
    table = _table(rows, [Kind.TEXT, Kind.LINK, Kind.TEXT], [True, True, False])
    expected = _heights_a_value_at_a_time(table)
    got = excel.row_heights(table)
    assert got == expected and list(got) == sorted(got)
    assert len(got) > len(rows) // 3  # many rows are taller than a line


def test_records_are_each_value_as_rust_takes_it():
    kinds = [Kind.LINK, Kind.TEXT, Kind.BAND, Kind.INT, Kind.MONEY, Kind.DATE, Kind.FILE]
    rows = [(Link("Deal", "a.xlsx"), "", "On track", 3, 1.5, dt.date(2026, 1, 2), "plans/a b.xlsx"),
            (Link("", "b.xlsx"), None, None, None, None, None, None),
            (Link("Deal 3", "c.xlsx"), "text", "Off track", 7, 200, dt.datetime(2026, 1, 2, 3), "mailto:x"),
            (None, "x", "At risk", -1, 0.0, dt.date(2026, 3, 4), "https://drive.example/file")]
    odd = (Link(7, "d.xlsx"), 12, True, "n/a", "n/a", "someday", 42)
    for table_rows in (rows, rows + [odd], [odd] + rows, []):
        table = _table(table_rows, kinds, [False] * len(kinds))
        headers = [c.header for c in table.columns]
        links = [0]
        file = xlsx_rust._file_links(links)
        convert = [file if k is Kind.FILE else (lambda v: None if v is None else _text(v.text)) if k is Kind.LINK
                   else plain(k) for k in kinds]
        expected = [dict(zip(headers, (f(v) for f, v in zip(convert, row)))) for row in table.rows] \
            or [dict.fromkeys(headers)]
        got = list(xlsx_rust._records(table))
        assert got == expected
        assert [[type(v) for v in r.values()] for r in got] == [[type(v) for v in r.values()] for r in expected]


@pytest.mark.parametrize("texts", [
    ["short", "x" * 14, "x" * 15, "word " * 30, "é" * 25, "", "y" * 12],  # text only, no line feed: at once
    ["short", "word " * 30, "a\nb", "x" * 15],  # a line feed: a text at a time
    ["short", None, "word " * 30],  # no text in a cell
])
def test_row_heights_of_clean_and_odd_text_columns_are_the_lines_of_each_value(texts):
    rows = [(a, b) for a in texts for b in texts[::-1]]
    table = _table(rows, [Kind.TEXT, Kind.TEXT], [True, True])
    for width in (0.5, 1, 12, 14.4):
        table.columns[1] = Column("c1", Kind.TEXT, width / excel.PROSE_CHARS, wrap=True)
        assert excel.row_heights(table) == _heights_a_value_at_a_time(table)


def _heights_a_value_at_a_time(table):
    wrapped = excel.wrapped_columns(table.columns)
    expected = {}
    for r, row in enumerate(table.rows, start=excel.HEADER_ROWS):
        lines = max(excel.value_lines(row[i], width) for i, width in wrapped)
        if lines > 1:
            expected[r] = LINE_HEIGHT * lines
    return expected


@pytest.mark.parametrize("paths", [
    ("plans/a b.xlsx", "plans/é – ü.xlsx", "deals/c.xlsx"),  # the usual column: links at once
    ("plans/a.xlsx", "/srv/plans/b.xlsx", r"C:\plans\c.xlsx", r"plans\d.xlsx", "https://drive.example/file/1"),
    ("plans/a.xlsx", "plans/b#2.xlsx", "x" * 300, "bell\x07.xlsx", "tab\t.xlsx", "mailto:x", ""),  # some not links
    ("plans/a.xlsx", None, 42),
])
def test_a_plan_file_column_is_each_path_as_rust_takes_it(paths):
    for linked_before in (0, excel.MAX_LINKS - 2):
        expected_links, got_links = [linked_before], [linked_before]
        expected = list(map(xlsx_rust._file_links(expected_links), paths))
        got = list(xlsx_rust._column(paths, Kind.FILE, got_links))
        assert got == expected and got_links == expected_links
    assert excel.all_linkable(paths) == all(type(p) is str and p and excel.linkable(p) for p in paths)


@pytest.mark.parametrize("paths", [
    ("plans/a b.xlsx", "plans/é – ü & <x>.xlsx", "deals/c.xlsx", "plans/x%20y.xlsx"),  # links at once
    ("plans/a.xlsx", "/srv/plans/b.xlsx", "//srv/share/b.xlsx", r"C:\plans\c.xlsx", r"plans\d.xlsx",
     "https://docs.google.com/spreadsheets/d/1/edit", "../up/e.xlsx"),
    ("plans/a.xlsx", "plans/b#2.xlsx", "x" * 300, "bell\x07.xlsx", "tab\t.xlsx", "mailto:x", "internal:y", ""),
    ("plans/a.xlsx", None, 42),
    ("plans/[x] {y} ^z `w`.xlsx", 'plans/"q".xlsx', "plans/100%.xlsx", "plans/a%5Bb.xlsx", r"\\srv\share\e.xlsx",
     "https://docs.google.com/spreadsheets/d/1/edit#gid=0", "::odd.xlsx"),
])
def test_a_deals_row_rendered_by_blocks_shows_what_the_rust_writer_writes(paths, tmp_path):
    """The Deals rows written by blocks (``xlsx_rust.shown``, then ``xlsx_rows.render``) show what the Rust writer
    writes in their cells: a deal's name, a plan file's link as the text rust_xlsxwriter gives it, or its text; and
    their links (``xlsx_rust.links``) are those it writes: the same targets, escaped alike, and places."""
    import openpyxl

    from mapsheet.sync import xlsx_blocks, xlsx_rows, xlsx_rust

    table = Table("Deals", "caption", [Column("Deal", Kind.LINK, 20, wrap=True), Column("Plan file", Kind.FILE, 30)],
                  [(Link(f"deal {i} \x07" if i % 2 else f"deal {i}", str(p)), p) for i, p in enumerate(paths)])
    book = xlsx_rust._Book()
    for part in excel.parts(table):  # as xlsx_rust._package hands a table to Rust
        xlsx_rust._table(book, part, xlsx_rust._Formats())
    xlsx_rust._write_book(book, tmp_path / "rust.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "rust.xlsx")["Deals"]
    written = [tuple(sheet.cell(3 + r, 1 + c).value for c in range(2)) for r in range(len(paths))]
    with zipfile.ZipFile(tmp_path / "rust.xlsx") as z:
        rust = _hyperlinks(z.read("xl/worksheets/sheet1.xml"), z.read("xl/worksheets/_rels/sheet1.xml.rels")
                           if "xl/worksheets/_rels/sheet1.xml.rels" in z.namelist() else None)
    if xlsx_rust.links(table):  # the links written beside rows rendered by blocks, read alike
        tail, rels = xlsx_blocks._linked(b'xmlns:r="x"', b"<pageMargins/></worksheet>", xlsx_rust.links(table))
        assert _hyperlinks(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                           b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                           + tail, rels) == rust
    else:
        assert rust == []
    columns, shown = xlsx_rust.shown(table)
    assert [c.kind for c in columns] == [Kind.TEXT, Kind.TEXT]
    _, texts = xlsx_rows.render(columns, shown)
    body = b"".join(xlsx_rows.styled(t, [0, 0]) for t in texts).decode()
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rendered = []
    for row in ElementTree.fromstring(f'<sheetData xmlns="{ns[1:-1]}">{body}</sheetData>'):
        values = [None if (t := c.find(f"{ns}is/{ns}t")) is None else t.text for c in row]
        rendered.append(tuple(values + [None] * (2 - len(values))))  # a row's empty last cells are left out
    assert rendered == written


def _hyperlinks(sheet: bytes, rels: bytes | None) -> list[tuple[str, str, str | None]]:
    """(cell, target, place) of each link of a sheet, from its XML and its relationships' (None: it has none)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    targets = {} if rels is None else {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(rels)}
    return [(h.get("ref"), targets[h.get(f"{{{ns['r']}}}id")], h.get("location"))
            for h in ElementTree.fromstring(sheet).iterfind("m:hyperlinks/m:hyperlink", ns)]


def test_parts_of_a_clean_table_keep_its_rows_and_of_an_odd_one_make_its_values_safe():
    kinds = [Kind.LINK, Kind.TEXT, Kind.INT, Kind.DATE, Kind.FILE]
    clean = [(Link("Deal", "a.xlsx"), "text", 3, dt.date(2026, 1, 2), "plans/a.xlsx"),
             (None, None, None, None, "bell\x07.xlsx")]  # a plan file's path is the writer's to make safe
    odd = [(Link("bell\x07", "b.xlsx"), "bell\x07", 10 ** 400, dt.date(1, 1, 1), None)]
    for rows in (clean, clean + odd):
        table = _table(rows, kinds, [False] * len(kinds))
        expected = [tuple(v if k is Kind.FILE else excel.cell_value(v, k) for v, k in zip(row, kinds)) for row in rows]
        [part] = excel.parts(table)
        assert part.rows == expected and all(type(row) is tuple for row in part.rows)
