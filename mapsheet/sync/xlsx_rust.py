"""Write a ``Rollup`` as an .xlsx workbook with rustpy-xlsxwriter (Rust's rust_xlsxwriter underneath), one of
the two writers behind ``excel.write_rollup`` (the other is ``xlsx``; what they share is in ``excel``).

rustpy-xlsxwriter takes whole sheets, not cells: a sheet is one table (a header row and records streamed
from a generator, in constant memory), merged cells above the header, and per column a width, a format,
conditional formats and links. The rows are written in Rust, about ten times faster than XlsxWriter writes
them from Python (benchmarks/README.md). What it cannot do, and what this writer does instead:

- A cell's own format (a band's fill, a late count in bold red): a conditional format on the column, which
  Excel and LibreOffice show the same.
- A link that shows another text (a deal's name opening its plan): a link shows its own target, so the
  plan's path is the link (the Plan file column of Deals, Changes and Problems); names stay plain text.
- Cells outside the one table (the Dashboard): the Dashboard is one table, the figures and then the numbers
  of each chart under its title.
- Charts with their own ranges and colours: its charts span the whole table, in the default palette (Off
  track would be green). This writer keeps a small part of XlsxWriter: rustpy-xlsxwriter places and sizes
  four charts (and writes their drawing), then their four chart parts are replaced by the ones XlsxWriter
  draws from the same cells (``_swap_charts``; the package is rewritten once, about 0.2 s for 1,000 plans).
  A package that does not hold them where expected is written with XlsxWriter instead, with a warning.
- Document properties (title, comments) are not written.

Safety: every value reaches Rust as a Python ``str``, ``int``, ``float`` or ``date``, and rust_xlsxwriter writes
every ``str`` as a text cell (checked: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return stays text; tests/sync read the file back). Only the Plan file column is a link column, and only
paths this writer made into ``file:///`` links become links there.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import warnings
import zipfile
from collections import defaultdict
from itertools import repeat
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from ..safeio import atomic_write
from . import excel
from .xlsx_rows import date, number, plain, text as _text
from .excel import BAND_FILL, CENTRED, HEADER_ROWS, NUM_FORMAT
from .tables import Chart, Column, Dashboard, Kind, Rollup, Table


def _compiled():
    """rustpy-xlsxwriter's compiled module, loaded by itself where the package holds it as 0.8 does: the package's
    ``__init__`` re-exports its functions unchanged, and reads its own metadata as it loads (importlib.metadata
    and an e-mail parser, for ``__version__``: about 20 ms and 64M instructions, a twentieth of a re-sync's
    main process). Else the package, as usual (an ImportError where it is not installed)."""
    import importlib.machinery
    import importlib.util
    import os
    import sys

    package = "rustpy_xlsxwriter"
    name = f"{package}.{package}"
    if package in sys.modules:  # imported already (or None there: it cannot be, and this raises ImportError)
        return importlib.import_module(package)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, package + suffix)
            if os.path.isfile(path):
                loader = importlib.machinery.ExtensionFileLoader(name, path)
                module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
                loader.exec_module(module)
                sys.modules[name] = module  # what the package's own __init__ imports, should it be imported
                return module
    return importlib.import_module(package)


_rust = _compiled()
Format, write_worksheets = _rust.Format, _rust.write_worksheets

LINK_COLUMNS = (Kind.FILE,)
_URL = re.compile(r"(?i)(https?|ftps?|file)://|mailto:|internal:")  # what rust_xlsxwriter takes for a link


def write_rollup(rollup: Rollup, path: Path) -> Path:
    """Write the roll-up workbook to ``path`` atomically (an interrupted write leaves the old file)."""
    return atomic_write(path, lambda tmp: _write(rollup, tmp))


def _write(rollup: Rollup, target: Path) -> None:
    package, charts = _package(rollup)
    if not _swap_charts(package, charts, target):
        warnings.warn("rustpy-xlsxwriter did not write the Dashboard's charts where expected: the roll-up is "
                      "written with XlsxWriter instead", RuntimeWarning, stacklevel=2)
        from . import xlsx

        xlsx.write_workbook(rollup, target)


def skeleton(rollup: Rollup) -> tuple[bytes, dict[str, bytes]] | None:
    """The roll-up's package as this writer writes it (the detail sheets empty, for ``xlsx_blocks`` to fill),
    and the chart parts to put in place of its own; None when its charts are not where expected (then the
    roll-up is written by ``write_rollup``)."""
    package, charts = _package(rollup)
    with zipfile.ZipFile(io.BytesIO(package)) as src:
        parts = _chart_swap(src, charts)
    return None if parts is None else (package, parts)


def _package(rollup: Rollup) -> tuple[bytes, list["_Chart"]]:
    """The roll-up's package as rustpy-xlsxwriter writes it (its own charts, to be swapped), and the charts."""
    fmt = _Formats()
    book = _Book()
    charts = _dashboard(book, rollup.dashboard, fmt)
    for table in rollup.tables:
        for part in excel.parts(table):
            _table(book, part, fmt)
    package = io.BytesIO()  # the zip, compressed: about 2 MB for 1,000 plans (rows go through temporary files)
    _write_book(book, package)
    return package.getvalue(), charts


def _write_book(book: "_Book", target) -> None:
    write_worksheets(book.sheets, target, **book.options)


class _Book:
    """Sheets and their options, gathered as write_worksheets takes them: {option: {sheet: value}}."""

    def __init__(self):
        self.sheets: list[tuple[str, Any]] = []
        self.options: dict[str, dict[str, Any]] = defaultdict(dict)

    def add(self, name: str, records, **options: Any) -> None:
        self.sheets.append((name, records))
        for option, value in options.items():
            if value is not None:
                self.options[option][name] = value


class _Formats:
    def __init__(self):
        self.title = Format().set_bold().set_font_size(15)
        self.caption = Format().set_italic().set_font_color(excel.CAPTION_COLOUR)
        self.loud = (Format().set_bold().set_font_color("#FFFFFF").set_background_color(excel.LOUD_FILL)
                     .set_font_size(12).set_text_wrap().set_align("vcenter"))
        self.header = (Format().set_bold().set_background_color(excel.HEADER_FILL).set_border_bottom("thin")
                       .set_text_wrap().set_align("vcenter").set_align("center"))
        self.section = Format().set_bold()  # a row format reaches across the sheet: no fill under the charts
        self.column = {kind: Format().set_num_format(code).set_align("top") for kind, code in NUM_FORMAT.items()}
        self.column[Kind.DATE].set_align("left")
        for kind in CENTRED:
            self.column[kind].set_align("center")
        self.text = Format().set_align("top")
        self.wrap = Format().set_text_wrap().set_align("top")
        self.late = Format().set_bold().set_font_color(excel.LATE_COLOUR)
        self.late_figure = (Format().set_bold().set_font_color(excel.LATE_COLOUR)
                            .set_num_format(NUM_FORMAT[Kind.INT]))
        self.money = Format().set_num_format(NUM_FORMAT[Kind.MONEY])
        self.band = {b: Format().set_background_color(bg).set_font_color(fg).set_bold()
                     for b, (bg, fg) in BAND_FILL.items()}


# -- the sheets ----------------------------------------------------------------------------------------------

def _table(book: _Book, table: Table, fmt: _Formats) -> None:
    last = max(1, len(table.columns) - 1)  # a merge needs two cells
    caption = (0, 0, 0, last, table.caption, fmt.loud if table.loud else fmt.caption)
    conditional = {}
    for column in table.columns:
        if column.kind is Kind.DAYS_LATE:
            conditional[column.header] = {"type": "cell", "criteria": ">", "value": 0, "format": fmt.late}
        elif column.kind is Kind.BAND:
            conditional[column.header] = [{"type": "text", "criteria": "begins_with", "value": band, "format": f}
                                          for band, f in fmt.band.items()]
    book.add(table.sheet, _records(table), header_row=HEADER_ROWS - 1, merge_ranges=[caption],
             row_heights=excel.row_heights(table) | ({0: 36, 1: excel.HEADER_HEIGHT} if table.loud
                                                    else {1: excel.HEADER_HEIGHT}),
             column_widths=[c.width for c in table.columns], header_format=fmt.header,
             column_formats=[_column_format(c, fmt) for c in table.columns],
             conditional_formats=conditional or None,
             url_columns=[c.header for c in table.columns if c.kind in LINK_COLUMNS] or None,
             freeze_panes={"row": HEADER_ROWS, "col": 1 if table.columns[0].kind is Kind.LINK else 0},
             autofilter=True, page_setup=_PRINT | {"repeat_rows": (0, HEADER_ROWS - 1),
                                                   "print_area": excel.print_area(table)},
             sheet_view={"tab_color": excel.LOUD_FILL} if table.loud else None)


def _column_format(column, fmt: _Formats) -> Format:
    if column.kind in (Kind.TEXT, Kind.BAND, Kind.LINK, Kind.FILE):
        return fmt.wrap if column.wrap else fmt.text
    return fmt.column[column.kind]


# excel's print layout: A4 landscape, one page wide, as long as it takes (the Dashboard: one page)
_PRINT = {"landscape": True, "paper_size": excel.PAPER_A4, "fit_to_pages": (1, 0), "margins": excel.MARGINS,
          "footer": excel.FOOTER}


def _records(table: Table) -> Iterator[dict]:
    """The rows as records, each value as Rust should write it; an empty table still gets its header row. Made
    when Rust comes to the sheet (a generator), so that one sheet's columns are held at a time."""
    headers = [c.header for c in table.columns]
    if not table.rows:
        yield dict.fromkeys(headers)
        return
    links = [0]  # links written on this sheet
    columns = [_column(values, c.kind, links) for values, c in zip(zip(*table.rows), table.columns)]
    yield from map(dict, map(zip, repeat(headers), zip(*columns)))


def _column(values: tuple, kind: Kind, links: list[int]) -> Iterable:
    """A column's values as Rust should write them: ``plain``'s of each, found a column at a time where
    most columns need none (text without empty strings, numbers, dates: given back as they are)."""
    if kind is Kind.FILE:
        return _file_column(values, links)
    if kind is Kind.LINK:
        values, kind = [None if v is None else v.text for v in values], Kind.TEXT
    convert = plain(kind)
    types = set(map(type, values))
    types.discard(type(None))
    if convert is _text and types <= {str}:
        return [v or None for v in values] if "" in values else values
    if (convert is number and types <= {int, float}) or (convert is date and all(issubclass(t, dt.date) for t in types)):
        return values
    return map(convert, values)


def shown(table: Table) -> tuple[list[Column], list[tuple]]:
    """The table's columns and rows as this writer shows them, for its rows to be written by blocks beside it
    (``xlsx_blocks.KEYED``): a deal's link as its text, a plan file as the text of the link (or the text) this
    writer makes of its path (``_shown_url``). The links themselves are this writer's (``xlsx_blocks``)."""
    columns, values = [], list(zip(*table.rows))
    for i, column in enumerate(table.columns):
        if column.kind is Kind.LINK:
            values[i] = [None if v is None else v.text for v in values[i]]
        elif column.kind is Kind.FILE:
            values[i] = [_shown_url(v) if v is not None and _linked(v) else v for v in _file_column(values[i], [0])]
        columns.append(column._replace(kind=Kind.TEXT) if column.kind in (Kind.LINK, Kind.FILE) else column)
    return columns, list(zip(*values))


def links(table: Table) -> list[tuple[int, int, str, str]]:
    """The links this writer makes in ``table`` (its plan files: ``shown``), as rust_xlsxwriter writes them
    (``Url::parse_url`` and ``Url::escape_strings``): (row, column, the relationship's target, the place
    within it), for rows written by blocks beside the sheet (``xlsx_blocks.KEYED``)."""
    out = []
    for i, column in enumerate(table.columns):
        if column.kind in LINK_COLUMNS:
            values = _file_column(tuple(row[i] for row in table.rows), [0])
            out += [(r, i, *_target(v)) for r, v in enumerate(values) if v is not None and _linked(v)]
    return sorted(out)


def _linked(text: str) -> bool:
    """Whether rust_xlsxwriter makes a link of a link column's text (``Url::parse_url``): a file's or web address,
    anything with '://' in it (so "./https://…", which ``_file_links`` made text, still is one)."""
    return text.startswith(("file://", "mailto:")) or "://" in text


def _target(url: str) -> tuple[str, str]:
    """A link's relationship target and its place (after a '#'), as rust_xlsxwriter makes them of ``url``."""
    file = url.startswith("file://")
    if file:
        path = _file_path(url)
        absolute = path.startswith("\\\\") or (path.find(":") == 1 and path[0].isascii())
        url = url if absolute else path
    target, _, place = url.partition("#")
    if not _ESCAPED.search(target):
        for char, escaped in _URL_ESCAPES:  # "%" first
            if char in target:
                target = target.replace(char, escaped)
    return (target.replace("#", "%23") if file else target), place


_URL_ESCAPES = [("%", "%25"), ('"', "%22"), (" ", "%20"), ("<", "%3c"), (">", "%3e"), ("[", "%5b"), ("]", "%5d"),
                ("^", "%5e"), ("`", "%60"), ("{", "%7b"), ("}", "%7d")]
#: What rust_xlsxwriter takes for a URL escaped already (``Url::is_escaped``): then it escapes nothing in it.
_ESCAPED = re.compile(r"%(?:20|25|22|60|3[cCeE]|5[bBdDeE]|7[bBdD])")


def _shown_url(url: str) -> str:
    """The text rust_xlsxwriter shows in a link's cell (``Url::parse_url``): the URL, a file's without its scheme,
    a mail address's without ``mailto:``."""
    if url.startswith("file://"):
        return _file_path(url)
    return url[len("mailto:"):] if url.startswith("mailto:") else url


def _file_path(url: str) -> str:
    """A file link's path, as rust_xlsxwriter takes it out (the first ``file:///``, then the first ``file://``)."""
    return url.replace("file:///", "", 1).replace("file://", "", 1)


def _file_column(values: tuple, links: list[int]) -> Iterable:
    """A Plan file column as Rust should write it: ``_file_links``' of each value, all links at once when every
    path can be one (nearly always), else lazily, a value at a time (links are counted as they are written; a
    roll-up table has one Plan file column, so counting a whole column at once links the same paths)."""
    if len(values) <= excel.MAX_LINKS - links[0] and excel.all_linkable(values):
        links[0] += len(values)
        return _file_urls(values)
    return map(_file_links(links), values)


def _file_links(links: list[int]) -> Callable[[Any], str | None]:
    """How a plan file's path is handed to Rust: a link (counted in ``links``) where Excel can open it, else text."""
    def file(v: Any) -> str | None:
        v = _text(v)
        if v is None or not excel.linkable(v) or links[0] >= excel.MAX_LINKS:
            # Written as text: Rust links only what parses as a URL, so a folder named "mailto:x" gets "./".
            v = None if v is None else excel.safe_text(v)
            return "./" + v if v and _URL.match(v) else v
        links[0] += 1
        return _file_url(v)

    return file


def _file_urls(paths: tuple[str, ...]) -> list[str]:
    """``_file_url`` of each of ``paths`` (printable: without line feeds); for the usual column (paths relative to
    the roll-up, none in Drive, no backslash) by one expression."""
    lines = "\n" + "\n".join(paths)  # "\n" + the start of each path
    if "\\" in lines or "\n/" in lines or "\n" + excel.WEB in lines:
        return list(map(_file_url, paths))
    return ["file:///" + path for path in paths]


def _file_url(path: str) -> str:
    """The link to a plan file Excel can link to: a plan in Google Drive by its web address, a file by its URL."""
    if excel.is_web(path):
        return path
    url = path.replace("\\", "/")
    return ("file://" if url.startswith("/") else "file:///") + url


# -- the dashboard -------------------------------------------------------------------------------------------

class _Chart(NamedTuple):
    spec: Chart
    rows: tuple[int, int]  # first and last sheet row of its numbers (0-based)
    columns: list[int]  # the sheet column of each series


def _dashboard(book: _Book, board: Dashboard, fmt: _Formats) -> list[_Chart]:
    """One table: the figures, then each chart's numbers under its title; the charts to its right."""
    board = excel.safe_dashboard(board)
    series = list(dict.fromkeys(name for chart in board.charts if len(chart.series) > 1 for name, _ in chart.series))
    headers = ["Figure", "Value", *series]
    rows: list[dict] = [{"Figure": label, "Value": value} for label, value, _ in board.figures]
    first_row = HEADER_ROWS + 1  # sheet row of the first record
    sections, charts = [], []
    for chart in board.charts:
        rows.append({})
        sections.append(first_row + len(rows))
        rows.append({"Figure": chart.title})
        single = len(chart.series) == 1
        columns = [1] if single else [headers.index(name) for name, _ in chart.series]
        charts.append(_Chart(chart, (sections[-1] + 1, sections[-1] + max(1, len(chart.categories))), columns))
        for k, category in enumerate(chart.categories):
            rows.append({"Figure": category,
                         **{headers[c]: values[k] for (_, values), c in zip(chart.series, columns)}})
    # A figure's format is its row's (no column format, which would win over it): money, or red when late.
    figure_formats = {first_row + i: fmt.money if kind is Kind.MONEY else fmt.late_figure
                      for i, (_, value, kind) in enumerate(board.figures)
                      if kind is Kind.MONEY or (kind is Kind.DAYS_LATE and value)}
    last = len(headers) - 1
    merges = [(0, 0, 0, last, board.title, fmt.title)]
    if board.alert:
        merges.append((1, 0, 1, last, board.alert + " See the Problems sheet.", fmt.loud))
    book.add("Dashboard", [dict.fromkeys(headers) | r for r in rows], header_row=HEADER_ROWS, merge_ranges=merges,
             row_heights={1: 48} if board.alert else None, column_widths=[excel.FIGURE_WIDTH, excel.NUMBER_WIDTH] + [excel.NUMBER_WIDTH] * len(series),
             header_format=fmt.header, row_formats=figure_formats | {r: fmt.section for r in sections},
             charts=_placeholders(charts, len(headers) + 1), page_setup=_PRINT | {"fit_to_pages": (1, 1)})
    return charts


def _placeholders(charts: list[_Chart], col: int) -> list[dict]:
    """Charts where XlsxWriter's will go: rustpy-xlsxwriter places and sizes them (the drawing), and
    ``_swap_charts`` replaces what it cannot draw (the ranges and the band colours)."""
    from . import xlsx  # XlsxWriter's charts: imported where charts are drawn (``_chart_parts``)

    placed = {0: HEADER_ROWS + 1, 1: HEADER_ROWS + 1}  # chart column -> next free row (20 px each; columns 64 px)
    out = []
    for i, chart in enumerate(charts):
        side, height = i % 2, xlsx.chart_height(chart.spec)
        out.append({"type": "column", "series": ["Value"], "categories": "Figure", "title": chart.spec.title,
                    "row": placed[side], "col": col + side * -(-(xlsx.CHART_WIDTH + 20) // 64), "width": xlsx.CHART_WIDTH, "height": height,
                    "legend": False})
        placed[side] += -(-(height + 20) // 20)
    return out


def _chart_parts(charts: list[_Chart]) -> list[bytes]:
    """The charts as XlsxWriter draws them (colours, ranges, labels), one chart part each, in order: assembled by
    the charts themselves once the workbook has prepared them (``_assembled``), else taken from the whole workbook
    XlsxWriter writes (``close``). XlsxWriter is imported where it is used (a sync by blocks loads it while the
    plans are read, for the skeleton maker to inherit: ``run._writer_modules``)."""
    parts = _assembled(_chart_book(charts, io.BytesIO()), len(charts))
    if parts is not None:
        return parts
    buffer = io.BytesIO()
    _chart_book(charts, buffer).close()  # a workbook of its own: the other may be half prepared
    with zipfile.ZipFile(buffer) as z:
        return [z.read(f"xl/charts/chart{n}.xml") for n in range(1, len(charts) + 1)]


def _chart_book(charts: list[_Chart], buffer: io.BytesIO):
    """An XlsxWriter workbook (written to ``buffer`` when closed) holding the charts and their numbers."""
    import xlsxwriter

    from . import xlsx

    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("Dashboard")
    for chart in charts:  # the numbers too, so that each chart part carries them as its cache
        first = chart.rows[0]
        for k, category in enumerate(chart.spec.categories):
            ws.write_string(first + k, 0, category)
            for (_, values), c in zip(chart.spec.series, chart.columns):
                ws.write_number(first + k, c, values[k])
        ws.insert_chart(0, 0, xlsx.dashboard_chart(book, chart.spec, chart.rows, chart.columns))
    return book


def _assembled(book, count: int) -> list[bytes] | None:
    """The chart parts of ``book`` (an XlsxWriter workbook holding ``count`` charts, not yet closed) as ``close``
    would write them, without writing the rest of the workbook (its sheet, styles, theme and zip: about 0.01 s
    of the 0.02 s its charts took). XlsxWriter's private steps, in ``Workbook._store_workbook``'s order: the
    strings the charts' caches are read from, the charts numbered, their caches filled, each chart's XML
    assembled (``Packager._write_chart_files``). None, for ``close`` to write them, on any surprise (another
    XlsxWriter, other steps): tests/sync check the parts are byte for byte ``close``'s."""
    try:
        book._prepare_sst_string_data()
        book._prepare_drawings()
        book._add_chart_data()
        charts = list(book.charts)
        if len(charts) != count:
            return None
        parts = []
        for chart in charts:
            xml = io.StringIO()
            chart._set_xml_writer(xml)
            chart._assemble_xml_file()
            parts.append(xml.getvalue().encode("utf-8"))
        return parts
    except Exception:  # noqa: BLE001 - XlsxWriter's internals, not its API: any failure means "not so here"
        return None


def _chart_swap(src: zipfile.ZipFile, charts: list[_Chart]) -> dict[str, bytes] | None:
    """{part: XlsxWriter's chart} for each chart part of the package ``src``; None when they are not there."""
    names = [f"xl/charts/chart{n}.xml" for n in range(1, len(charts) + 1)]
    parts = dict(zip(names, _chart_parts(charts)))
    known = set(src.namelist())
    for name, chart in zip(names, charts):
        title = f">{chart.spec.title}<".encode()
        if name not in known or title not in src.read(name) or title not in parts[name]:
            return None
    return parts


def _swap_charts(package: bytes, charts: list[_Chart], target: Path) -> bool:
    """Write ``package`` to ``target`` with its chart parts replaced by XlsxWriter's; False (nothing written)
    when the package does not hold the charts where expected."""
    with zipfile.ZipFile(io.BytesIO(package)) as src:
        parts = _chart_swap(src, charts)
        if parts is None:
            return False
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in src.infolist():
                if info.filename in parts:
                    out.writestr(info.filename, parts[info.filename])
                else:  # streamed: a sheet of 10,000 plans is over 100 MB of XML
                    big = info.file_size >= zipfile.ZIP64_LIMIT
                    with src.open(info) as part, out.open(info.filename, "w", force_zip64=big) as copy:
                        shutil.copyfileobj(part, copy, 1 << 20)
    return True
