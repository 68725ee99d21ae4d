"""Write a ``Rollup`` as an .xlsx workbook with XlsxWriter: the only module of sync that knows a file format.

Why XlsxWriter: writing dominates a sync (PRODUCT.md), and XlsxWriter with ``constant_memory`` streams rows
to disk, so 10,000 plans fit in little memory; it writes charts; it is mature. rustpy-xlsxwriter measured
about 7x faster on plain rows but is young and offers less control over each cell (benchmarks/README.md).

Safety: every text cell is written with ``write_string`` (never ``write``), and the workbook is opened with
``strings_to_formulas``/``strings_to_urls``/``strings_to_numbers`` off, so text copied from a plan that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return stays text: no formula injection.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

import xlsxwriter

from ..safeio import atomic_write
from .tables import BANDS, Chart, Dashboard, Kind, Link, Rollup, Table, split

EXCEL_MAX_ROWS = 1_048_576
HEADER_ROWS = 2  # the caption, then the column headers
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_URL = 255  # Excel refuses longer hyperlinks
MAX_LINKS = 65_530  # hyperlinks a worksheet may hold; XlsxWriter drops the rest with a warning

BAND_FILL = {"On track": ("#C8E6C9", "#1B5E20"), "At risk": ("#FFE082", "#7A4F01"), "Off track": ("#FFCDD2", "#B71C1C")}
SERIES_COLOUR = {"On track": "#43A047", "At risk": "#F9A825", "Off track": "#E53935", "Plans": "#1E88E5",
                 "1-6 days late": "#F9A825", "7+ days late": "#E53935"}


def write_rollup(rollup: Rollup, path: Path) -> Path:
    """Write the roll-up workbook to ``path`` atomically (an interrupted write leaves the old file)."""
    return atomic_write(path, lambda tmp: _write(rollup, tmp))


def _write(rollup: Rollup, target: Path) -> None:
    book = xlsxwriter.Workbook(str(target), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "max_url_length": MAX_URL})
    book.set_properties({"title": rollup.dashboard.title, "comments": "Written by mapsheet sync"})
    fmt = _Formats(book)
    _write_dashboard(book, rollup.dashboard, fmt)
    limit = EXCEL_MAX_ROWS - HEADER_ROWS
    for table in rollup.tables:
        for part in split(table, limit):
            _write_table(book, part, fmt)
    book.close()


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        add = book.add_format
        self.title = add({"bold": True, "font_size": 15})
        self.caption = add({"italic": True, "font_color": "#455A64"})
        self.loud = add({"bold": True, "font_color": "#FFFFFF", "bg_color": "#C62828", "font_size": 12,
                         "text_wrap": True, "valign": "vcenter"})
        self.header = add({"bold": True, "bg_color": "#ECEFF1", "bottom": 1, "text_wrap": True, "valign": "top"})
        self.text = add({})
        self.date = add({"num_format": "d mmm yyyy", "align": "left"})
        self.money = add({"num_format": "#,##0"})
        self.percent = add({"num_format": "0%"})
        self.int = add({"num_format": "0"})
        self.days_left = add({"num_format": "0;[Red]-0"})
        self.late = add({"num_format": "0", "bold": True, "font_color": "#B71C1C"})
        self.link = add({"font_color": "#1565C0", "underline": 1})
        self.band = {b: add({"bg_color": bg, "font_color": fg, "bold": True}) for b, (bg, fg) in BAND_FILL.items()}
        self.label = add({"bold": False})


# -- the sheets ----------------------------------------------------------------------------------------------

def _write_table(book: xlsxwriter.Workbook, table: Table, fmt: _Formats) -> None:
    ws = book.add_worksheet(table.sheet)
    if table.loud:
        ws.set_tab_color("#C62828")
        ws.set_row(0, 36)
    if table.loud:
        ws.merge_range(0, 0, 0, len(table.columns) - 1, table.caption, fmt.loud)
    else:
        ws.write_string(0, 0, table.caption, fmt.caption)
    ws.set_row(1, 32)
    for c, column in enumerate(table.columns):
        ws.set_column(c, c, column.width)
        ws.write_string(1, c, column.header, fmt.header)
    links = [0]  # links written on this sheet
    writers = [_cell_writer(ws, column.kind, fmt, links) for column in table.columns]
    for r, row in enumerate(table.rows, start=HEADER_ROWS):
        for c, value in enumerate(row):
            if value is not None and value != "":
                writers[c](r, c, value)
    ws.freeze_panes(HEADER_ROWS, 1 if table.columns[0].kind is Kind.LINK else 0)
    _print_setup(ws)
    ws.repeat_rows(0, HEADER_ROWS - 1)
    ws.autofilter(1, 0, max(1, len(table.rows) + 1), len(table.columns) - 1)


def _cell_writer(ws, kind: Kind, fmt: _Formats, links: list[int]) -> Callable[[int, int, Any], None]:
    def text(r: int, c: int, v: Any) -> None:
        ws.write_string(r, c, str(v), fmt.text)

    def number(f):
        return lambda r, c, v: ws.write_number(r, c, v, f) if isinstance(v, (int, float)) else text(r, c, v)

    def date(r: int, c: int, v: Any) -> None:
        if isinstance(v, dt.date):
            ws.write_number(r, c, (v - EXCEL_EPOCH).days, fmt.date)
        else:
            text(r, c, v)

    def late(r: int, c: int, v: Any) -> None:
        ws.write_number(r, c, v, fmt.late if v > 0 else fmt.int)

    def band(r: int, c: int, v: Any) -> None:
        ws.write_string(r, c, v, fmt.band.get(v, fmt.text))

    def link(r: int, c: int, v: Link) -> None:
        url = "external:" + v.target
        if len(url) > MAX_URL or "#" in v.target or links[0] >= MAX_LINKS:  # Excel cannot link it: the name only
            text(r, c, v.text)
        else:
            links[0] += 1
            ws.write_url(r, c, url, fmt.link, string=str(v.text) or v.target, tip=v.target)

    return {Kind.TEXT: text, Kind.INT: number(fmt.int), Kind.DAYS_LEFT: number(fmt.days_left), Kind.MONEY: number(fmt.money),
            Kind.PERCENT: number(fmt.percent), Kind.DATE: date, Kind.DAYS_LATE: late, Kind.BAND: band,
            Kind.LINK: link}[kind]


# -- the dashboard -------------------------------------------------------------------------------------------

def _write_dashboard(book: xlsxwriter.Workbook, board: Dashboard, fmt: _Formats) -> None:
    ws = book.add_worksheet("Dashboard")
    ws.set_column(0, 0, 38)
    ws.set_column(1, 4, 13)
    ws.write_string(0, 0, board.title, fmt.title)
    if board.alert:
        ws.set_row(1, 48)
        ws.merge_range(1, 0, 1, 4, board.alert + " See the Problems sheet.", fmt.loud)
    row = 3
    for label, value, kind in board.figures:
        ws.write_string(row, 0, label, fmt.label)
        number = {Kind.MONEY: fmt.money, Kind.DAYS_LATE: fmt.late if value else fmt.int}.get(kind, fmt.int)
        ws.write_number(row, 1, value, number)
        row += 1
    row += 2
    ws.write_string(row, 0, "The numbers behind the charts", fmt.title)
    row += 2
    placed = {0: 60, 1: 60}  # chart column -> next free y (pixels)
    for i, chart in enumerate(board.charts):
        first = row
        ws.write_string(row, 0, chart.title, fmt.header)
        for c, (name, _) in enumerate(chart.series, start=1):
            ws.write_string(row, c, name, fmt.header)
        for k, category in enumerate(chart.categories, start=1):
            ws.write_string(row + k, 0, category)
            for c, (_, values) in enumerate(chart.series, start=1):
                ws.write_number(row + k, c, values[k - 1], fmt.int)
        row += len(chart.categories) + 2
        side = i % 2
        height = _chart_height(chart)
        ws.insert_chart(0, 6, _chart(book, chart, first), {"x_offset": 10 + side * 560, "y_offset": placed[side]})
        placed[side] += height + 20
    _print_setup(ws)
    ws.activate()


def _print_setup(ws) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as long as it takes


def _chart_height(chart: Chart) -> int:
    return max(300, 70 + 22 * len(chart.categories)) if chart.kind == "bar" else 300


def _chart(book: xlsxwriter.Workbook, spec: Chart, first: int):
    chart = book.add_chart({"type": spec.kind, **({"subtype": "stacked"} if spec.stacked else {})})
    last = first + max(1, len(spec.categories))
    for c, (name, _) in enumerate(spec.series, start=1):
        series = {"name": ["Dashboard", first, c], "categories": ["Dashboard", first + 1, 0, last, 0],
                  "values": ["Dashboard", first + 1, c, last, c], "gap": 60,
                  "fill": {"color": SERIES_COLOUR.get(name, "#1E88E5")}, "border": {"none": True}}
        if len(spec.series) == 1 and spec.categories == BANDS:  # one bar per band, in its colour
            series["points"] = [{"fill": {"color": SERIES_COLOUR[b]}} for b in BANDS]
            series["data_labels"] = {"value": True}
        chart.add_series(series)
    chart.set_title({"name": spec.title, "name_font": {"size": 12}})
    chart.set_legend({"none": True} if len(spec.series) == 1 else {"position": "bottom"})
    value_axis = {"major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}, "num_format": "0"}
    if spec.kind == "bar":
        chart.set_x_axis(value_axis)
        chart.set_y_axis({"reverse": True})
    else:
        chart.set_y_axis(value_axis)
    chart.set_size({"width": 540, "height": _chart_height(spec)})
    return chart
