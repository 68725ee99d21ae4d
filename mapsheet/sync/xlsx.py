"""Write a ``Rollup`` as an .xlsx workbook with XlsxWriter, one of the two writers behind
``excel.write_rollup`` (the other is ``xlsx_rust``; what they share is in ``excel``).

XlsxWriter with ``constant_memory`` streams rows to disk, so 10,000 plans fit in little memory; it places
any cell anywhere, formats each cell, links any cell and draws charts with their own colours, so this writer
lays out everything the roll-up describes. It spends about 13 microseconds a cell in Python, about ten times
the Rust writer (benchmarks/README.md).

Safety: every text cell is written with ``write_string`` (never ``write``), and the workbook is opened with
``strings_to_formulas``/``strings_to_urls``/``strings_to_numbers`` off, so text copied from a plan that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return stays text: no formula injection.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

import xlsxwriter

from ..grid import EXCEL_EPOCH
from ..safeio import atomic_write
from . import excel
from .excel import BAND_FILL, HEADER_ROWS, NUM_FORMAT, SERIES_COLOUR
from .tables import BANDS, Chart, Column, Dashboard, Kind, Link, Rollup, Table



def write_rollup(rollup: Rollup, path: Path) -> Path:
    """Write the roll-up workbook to ``path`` atomically (an interrupted write leaves the old file)."""
    return atomic_write(path, lambda tmp: write_workbook(rollup, tmp))


def write_workbook(rollup: Rollup, target: Path) -> None:
    book = xlsxwriter.Workbook(str(target), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "max_url_length": excel.MAX_URL})
    book.set_properties({"title": rollup.dashboard.title, "comments": "Written by mapsheet sync"})
    fmt = _Formats(book)
    _write_dashboard(book, rollup.dashboard, fmt)
    for table in rollup.tables:
        for part in excel.parts(table):
            _write_table(book, part, fmt)
    book.close()


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        add = book.add_format
        self.title = add({"bold": True, "font_size": 15})
        self.caption = add({"italic": True, "font_color": excel.CAPTION_COLOUR})
        self.loud = add({"bold": True, "font_color": "#FFFFFF", "bg_color": excel.LOUD_FILL, "font_size": 12,
                         "text_wrap": True, "valign": "vcenter"})
        self.header = add({"bold": True, "bg_color": excel.HEADER_FILL, "bottom": 1, "text_wrap": True,
                           "valign": "vcenter", "align": "center"})
        top, centre = {"valign": "top"}, {"valign": "top", "align": "center"}
        self.text = add(top)
        self.wrap = add({**top, "text_wrap": True})
        self.date = add({"num_format": NUM_FORMAT[Kind.DATE], "align": "left", "valign": "top"})
        self.money = add({"num_format": NUM_FORMAT[Kind.MONEY], **top})
        self.percent = add({"num_format": NUM_FORMAT[Kind.PERCENT], **centre})
        self.int = add({"num_format": NUM_FORMAT[Kind.INT], **centre})
        self.days_left = add({"num_format": NUM_FORMAT[Kind.DAYS_LEFT], **centre})
        self.late = add({"num_format": NUM_FORMAT[Kind.DAYS_LATE], "bold": True, "font_color": excel.LATE_COLOUR,
                         **centre})
        self.link = add({"font_color": "#1565C0", "underline": 1, **top})
        self.band = {b: add({"bg_color": bg, "font_color": fg, "bold": True, **top}) for b, (bg, fg) in BAND_FILL.items()}
        self.label = add({"bold": False})
        self.figure = add({"num_format": NUM_FORMAT[Kind.INT]})
        self.late_figure = add({"num_format": NUM_FORMAT[Kind.INT], "bold": True, "font_color": excel.LATE_COLOUR})


# -- the sheets ----------------------------------------------------------------------------------------------

def _write_table(book: xlsxwriter.Workbook, table: Table, fmt: _Formats) -> None:
    ws = book.add_worksheet(table.sheet)
    if table.loud:
        ws.set_tab_color(excel.LOUD_FILL)
        ws.set_row(0, 36)
    if table.loud:
        ws.merge_range(0, 0, 0, len(table.columns) - 1, table.caption, fmt.loud)
    else:
        ws.write_string(0, 0, table.caption, fmt.caption)
    ws.set_row(1, excel.HEADER_HEIGHT)
    for c, column in enumerate(table.columns):
        ws.set_column(c, c, column.width)
        ws.write_string(1, c, column.header, fmt.header)
    links = [0]  # links written on this sheet
    writers = [_cell_writer(ws, column, fmt, links) for column in table.columns]
    heights = excel.row_heights(table)
    for r, row in enumerate(table.rows, start=HEADER_ROWS):
        if r in heights:
            ws.set_row(r, heights[r])
        for c, value in enumerate(row):
            if value is not None and value != "":
                writers[c](r, c, value)
    ws.freeze_panes(HEADER_ROWS, 1 if table.columns[0].kind is Kind.LINK else 0)
    _print_setup(ws)
    ws.repeat_rows(0, HEADER_ROWS - 1)
    ws.print_area(*excel.print_area(table))
    ws.autofilter(1, 0, max(1, len(table.rows) + 1), len(table.columns) - 1)


def _cell_writer(ws, column: Column, fmt: _Formats, links: list[int]) -> Callable[[int, int, Any], None]:
    kind = column.kind
    plain = fmt.wrap if column.wrap else fmt.text
    link_format = fmt.link

    def text(r: int, c: int, v: Any) -> None:
        ws.write_string(r, c, excel.safe_text(str(v)), plain)

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

    def name(r: int, c: int, v: Link) -> None:
        text(r, c, v.text)

    def file(r: int, c: int, v: Any) -> None:
        # The plan's path is the link, as in the Rust writer: a deal's name stays text, which wraps in print
        # (LibreOffice does not wrap a link's text).
        v = str(v)
        if not excel.linkable(v) or links[0] >= excel.MAX_LINKS:  # Excel cannot link it: the path as text
            text(r, c, v)
        else:
            links[0] += 1
            ws.write_url(r, c, v if excel.is_web(v) else "external:" + v, link_format, string=v, tip=v)

    return {Kind.TEXT: text, Kind.INT: number(fmt.int), Kind.DAYS_LEFT: number(fmt.days_left), Kind.MONEY: number(fmt.money),
            Kind.PERCENT: number(fmt.percent), Kind.DATE: date, Kind.DAYS_LATE: late, Kind.BAND: band,
            Kind.LINK: name, Kind.FILE: file}[kind]


# -- the dashboard -------------------------------------------------------------------------------------------

def _write_dashboard(book: xlsxwriter.Workbook, board: Dashboard, fmt: _Formats) -> None:
    board = excel.safe_dashboard(board)
    ws = book.add_worksheet("Dashboard")
    ws.set_column(0, 0, excel.FIGURE_WIDTH)
    ws.set_column(1, 4, excel.NUMBER_WIDTH)
    ws.write_string(0, 0, board.title, fmt.title)
    if board.alert:
        ws.set_row(1, 48)
        ws.merge_range(1, 0, 1, 4, board.alert + " See the Problems sheet.", fmt.loud)
    row = 3
    for label, value, kind in board.figures:
        ws.write_string(row, 0, label, fmt.label)
        number = {Kind.MONEY: fmt.money, Kind.DAYS_LATE: fmt.late_figure if value else fmt.figure}.get(kind, fmt.figure)
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
                ws.write_number(row + k, c, values[k - 1], fmt.figure)
        row += len(chart.categories) + 2
        side = i % 2
        height = chart_height(chart)
        rows = (first + 1, first + max(1, len(chart.categories)))
        ws.insert_chart(0, 6, dashboard_chart(book, chart, rows, range(1, len(chart.series) + 1)),
                        {"x_offset": 10 + side * (CHART_WIDTH + 20), "y_offset": placed[side]})
        placed[side] += height + 20
    _print_setup(ws, pages_tall=1)  # the figures and the charts on one page
    ws.activate()


def _print_setup(ws, pages_tall: int = 0) -> None:
    """excel's print layout: A4 landscape, one page wide (``pages_tall`` 0: as long as it takes)."""
    ws.set_landscape()
    ws.set_paper(excel.PAPER_A4)
    ws.fit_to_pages(1, pages_tall)
    m = excel.MARGINS
    ws.set_margins(m["left"], m["right"], m["top"], m["bottom"])
    ws.set_footer(excel.FOOTER, {"margin": m["footer"]})


def chart_height(chart: Chart) -> int:
    return max(300, 70 + 22 * len(chart.categories)) if chart.kind == "bar" else 300


CHART_WIDTH = 400  # two charts side by side next to the figures still print at a readable size


def dashboard_chart(book: xlsxwriter.Workbook, spec: Chart, rows: tuple[int, int], columns):
    """The chart of ``spec`` with its categories in column A and its series in ``columns`` of the Dashboard,
    rows ``rows`` (first and last, 0-based): also used by the Rust writer, whose charts cannot be coloured."""
    chart = book.add_chart({"type": spec.kind, **({"subtype": "stacked"} if spec.stacked else {})})
    first, last = rows
    for (name, _), c in zip(spec.series, columns):
        series = {"name": name, "categories": ["Dashboard", first, 0, last, 0],
                  "values": ["Dashboard", first, c, last, c], "gap": 60,
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
    chart.set_size({"width": CHART_WIDTH, "height": chart_height(spec)})
    return chart
