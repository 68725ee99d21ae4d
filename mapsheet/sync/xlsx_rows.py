"""One plan's rows of the roll-up's detail sheets (``tables.DETAILS``: Actions, Milestones, Risks) as
SpreadsheetML, made where the plan is read (a reading process), kept with its summary in the history, and
put together by ``xlsx_blocks`` without being made again on the next sync.

A row is written as the Rust writer writes it (inline strings, numbers and dates as numbers, the column's
format on every cell, a height when its wrapped text needs more than one line), with two differences that
keep a row the same wherever it lands: no ``r`` attributes (optional in SpreadsheetML: a row follows the one
before, a cell the one before it; an empty cell between two others is written, in its column's format), and
each cell's format as its column's mark (``MARKS``: a control character), replaced by the format's number in
the workbook when the sheet is written (``styled``). Values are made safe exactly as the other writers make
them (``excel.cell_value``: control characters are shown as their pictures, so no mark occurs in a value).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache, partial
from itertools import repeat
from typing import Any, NamedTuple

from ..grid import EXCEL_EPOCH
from . import excel
from .digest import blake2b
from .tables import DETAILS, Column, Kind

#: The mark of each column's format (A, B, ...), one byte: control characters, which no value keeps (``excel.cell_value``),
#: so each occurs only where its column's cells name their format.
MARKS = bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_MARK = [MARKS[i:i + 1] for i in range(len(MARKS))]
ROW_END = b"</row>"  # where a rendered row ends: a value's "<" is escaped, so nowhere else


def cut_rows(text: bytes, count: int) -> list[bytes]:
    """``text``, ``count`` rendered rows one after another, cut into its rows (each without its ``ROW_END``);
    ValueError when it is not that many whole rows."""
    pieces = text.split(ROW_END)
    if len(pieces) != count + 1 or pieces[-1]:
        raise ValueError(f"{len(pieces) - 1} rendered rows where {count} were expected")
    del pieces[-1]
    return pieces
_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")  # Excel reads _xHHHH_ in text as a character: escaped as Excel does


class Row(NamedTuple):
    order: tuple  # the sheet's sort key (tables.Detail.order)
    digest: bytes  # 8 bytes of BLAKE2b of xml: what identifies the row's text
    xml: bytes


# -- values as the Rust writer takes them (also used by xlsx_rust) ------------------------------------------

def text(v: Any) -> str | None:
    return None if v is None or v == "" else v if type(v) is str else str(v)


def number(v: Any) -> Any:
    return v if type(v) in (int, float) else text(v)


def date(v: Any) -> Any:
    return v if isinstance(v, dt.date) else text(v)


def plain(kind: Kind):
    """How a value of a column that is not a link is handed to a writer: text, a number, a date."""
    if kind in (Kind.TEXT, Kind.BAND):
        return text
    if kind is Kind.DATE:
        return date
    if kind in (Kind.LINK, Kind.FILE):
        raise ValueError(f"a {kind.value} column is written by the Rust writer itself")
    return number


# -- rows as SpreadsheetML -----------------------------------------------------------------------------------

def plan_rows(summary: dict) -> dict[str, list[Row]]:
    """Every detail sheet's rows of one read plan, rendered."""
    return {sheet: list(map(_row, zip(*made))) for sheet, made in rendered(summary).items()}


def rendered(summary: dict) -> dict[str, tuple[list[tuple], list[bytes], list[bytes]]]:
    """``plan_rows`` as columns: each detail sheet's rows' sort keys, digests and texts (lists in row order)."""
    return {sheet: _render(cells, detail.rows(summary), detail.order) for sheet, (detail, cells) in _SHEETS.items()}


def render(columns: list[Column], rows: list[tuple]) -> tuple[list[bytes], list[bytes]]:
    """The digests and texts of rows of another sheet (Deals: ``xlsx_blocks.KEYED``), rendered as a detail sheet's
    are; its values as the Rust writer takes them (no links: ``xlsx_rust.shown``)."""
    _, digests, xml = _render(_columns(columns), rows, _unordered)
    return digests, xml


def _unordered(row: tuple) -> None:
    return None


_TEXT_END = b"</t></is></c>"
_KNOWN = 512  # values a column remembers (at most about 5 MB in all), all forgotten at once past that
#: The types of the values a column remembers the cells of: no value of one of them equals one of another (as
#: True equals 1), so a cell looked up by value is that value's.
_PLAIN = {str, int, dt.date, type(None)}


class _Cells:
    """How one column's cells are written. A cell's bytes, and the lines its text takes when the column wraps,
    depend on its value alone: a column remembers them for values of plain types (``_PLAIN``: the same few
    statuses, owners, IDs and dates come back row after row, plan after plan). Text that needs neither
    escaping nor making safe is written directly; any other value as the other writers take it
    (``excel.cell_value``, ``plain``, ``_cell``). benchmarks/same_rows.py shows the bytes are those the
    general path alone gives, on the sample plans and on hostile values."""

    __slots__ = ("kind", "convert", "mark", "empty", "text", "spaced", "width", "chars", "known", "tall")

    def __init__(self, index: int, column: Column, width: float):
        self.kind = column.kind
        self.convert = plain(column.kind)
        if index >= len(MARKS):
            raise ValueError(f"a detail sheet of {index + 1} columns: rows are rendered for at most {len(MARKS)}")
        self.mark = f' s="{chr(MARKS[index])}"'
        self.empty = f"<c{self.mark}/>".encode()
        self.text = f'<c{self.mark} t="inlineStr"><is><t>'.encode()
        self.spaced = f'<c{self.mark} t="inlineStr"><is><t xml:space="preserve">'.encode()
        self.width = width  # characters a line holds when the column wraps, else 0
        self.chars = max(int(width), 1)  # the same, as styles.text_lines counts
        self.known = _Known(self)  # value -> its cell
        self.tall: dict[Any, int] = {}  # value -> the lines its text takes, of those known that take more than one

    def cell(self, v: Any) -> tuple[bytes, int]:
        """The cell of value ``v`` (``empty`` when it has none) and the lines its text takes."""
        if self.convert is text and type(v) is str and v.isprintable() and len(v) <= excel.MAX_TEXT \
                and "&" not in v and "<" not in v and ">" not in v and "_x" not in v:
            if not v:
                return self.empty, 1
            # styles.text_lines of one line of text (printable: no line feed)
            lines = -(-len(v) // self.chars) if self.width and len(v) > self.width else 1
            return (self.spaced if v[0] == " " or v[-1] == " " else self.text) + v.encode() + _TEXT_END, lines
        value = self.convert(excel.cell_value(v, self.kind))
        if value is None:
            return self.empty, 1
        return _cell(value, self.mark).encode(), excel.value_lines(value, self.width) if self.width else 1

    def cells(self, values: tuple, plain: bool) -> tuple[list[bytes], list[int] | None]:
        """``cell`` of each of a column's ``values``, and the lines each takes when the column wraps (else None);
        ``plain``: all of the values are of ``_PLAIN`` types, and are looked up (else each is made afresh)."""
        if not plain:
            made, lines = map(list, zip(*map(self.cell, values)))
            return made, lines if self.width else None
        if len(self.known) >= _KNOWN:  # forgotten between columns, never within one
            self.known.clear()
            self.tall.clear()
        made = list(map(self.known.__getitem__, values))
        return made, list(map(self.tall.get, values, repeat(1))) if self.width else None


class _Known(dict):
    """A column's cells by value, each made (``_Cells.cell``) when first asked for."""

    __slots__ = ("column",)

    def __init__(self, column: _Cells):
        super().__init__()
        self.column = column

    def __missing__(self, v: Any) -> bytes:
        cell, lines = self.column.cell(v)
        self[v] = cell
        if lines > 1:
            self.column.tall[v] = lines
        return cell


def _columns(columns: list[Column]) -> list[_Cells]:
    wrapped = dict(excel.wrapped_columns(columns))
    return [_Cells(i, c, wrapped.get(i, 0)) for i, c in enumerate(columns)]


_SHEETS = {sheet: (detail, _columns(detail.columns)) for sheet, detail in DETAILS.items()}


def _render(columns: list[_Cells], rows: list[tuple], order) -> tuple[list[tuple], list[bytes], list[bytes]]:
    """(sort keys, digests, texts) of ``rows``: a column's cells made at once, then the rows joined from them
    (Python's calls per cell and per row, not per row and per cell, are what rendering costs)."""
    if not rows:
        return [], [], []
    cells, lines = [], []
    for c, values in zip(columns, zip(*rows)):  # a column of plain values looks its cells up (Deals has floats too)
        made, heights = c.cells(values, set(map(type, values)) <= _PLAIN)
        cells.append(made)
        if heights is not None:
            lines.append(heights)
    if columns[len(cells) - 1].empty in cells[-1]:  # rows ending in empty cells, which are left out
        # Each row's trailing empty cells made b"" before the rows are joined (once each, not joined again without
        # them): from the last column back, among the rows whose cells after it are all empty.
        trailing = range(len(rows))
        for c, made in zip(reversed(columns[:len(cells)]), reversed(cells)):
            trailing = [i for i in trailing if made[i] is c.empty]
            if not trailing:
                break
            for i in trailing:
                made[i] = b""
    starts = list(map(_row_start, map(max, *lines) if len(lines) > 1 else lines[0] if lines else [1] * len(rows)))
    xml = list(map(b"".join, zip(starts, *cells, repeat(ROW_END))))
    digests = []
    for x in xml:  # a fresh hash copied (``_DIGEST``) costs less than one made from its arguments
        made = _DIGEST.copy()
        made.update(x)
        digests.append(made.digest())
    return list(map(order, rows)), digests, xml


@lru_cache(maxsize=64)
def _row_start(lines: int) -> bytes:
    return f'<row ht="{_number(excel.LINE_HEIGHT * lines)}" customHeight="1">'.encode() if lines > 1 else b"<row>"


_DIGEST = blake2b(digest_size=8)  # a row's digest: 8 bytes of BLAKE2b of its text (``Row.digest``)
_row = partial(tuple.__new__, Row)  # Row(...) without the Python call in namedtuple's __new__


def _cell(value: Any, mark: str) -> str:
    if value is None:
        return f"<c{mark}/>"
    if type(value) is str:
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if "_x" in escaped:
            escaped = _ESCAPED.sub(lambda m: "_x005F" + m[0], escaped)
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return f'<c{mark} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'
    if isinstance(value, dt.date):
        value = (value - EXCEL_EPOCH).days
    return f"<c{mark}><v>{_number(value)}</v></c>"


def _number(value: float) -> str:
    return repr(float(value))


def styled(xml: bytes, styles: list[int]) -> bytes:
    """Rows with each column's format number (``styles``: column A's first) in place of its mark: a replacement of
    one byte by a column, each a pass in C over the text (a block of rows: about a fifth of the time its cutting at
    every cell took). ValueError when a row has more columns than ``styles`` says: its cells are written in
    column order, so such a row holds the mark of the column after the last."""
    if len(styles) < len(_MARK) and _MARK[len(styles)] in xml:
        raise ValueError(f"rows of more than the {len(styles)} columns whose formats are given")
    for mark, style in zip(_MARK, styles):
        xml = xml.replace(mark, b"%d" % style)
    return xml
