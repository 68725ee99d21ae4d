"""One plan's rows of the roll-up's detail sheets (``tables.DETAILS``: Actions, Milestones, Risks) as
SpreadsheetML, made where the plan is read (a reading process), kept with its summary in the history, and
put together by ``xlsx_blocks`` without being made again on the next sync.

A row is written as the Rust writer writes it (inline strings, numbers and dates as numbers, the column's
format on every cell, a height when its wrapped text needs more than one line), with two differences that
keep a row the same wherever it lands: no ``r`` attributes (optional in SpreadsheetML: a row follows the one
before, a cell the one before it; an empty cell between two others is written, in its column's format), and
each cell's format as a placeholder (``\\x01`` and the column's letter), replaced by the format's number in
the workbook when the sheet is written (``styled``). Values are made safe exactly as the other writers make
them (``excel.cell_value``; control characters never reach here, so ``\\x01`` cannot occur in a value).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any, Iterable, NamedTuple

from ..grid import EXCEL_EPOCH
from . import excel
from .tables import DETAILS, Column, Kind

PLACEHOLDER = b"\x01"
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
    return {sheet: render(detail.columns, detail.rows(summary), detail.order) for sheet, detail in DETAILS.items()}


def render(columns: list[Column], rows: Iterable[tuple], order) -> list[Row]:
    kinds = [c.kind for c in columns]
    convert = [plain(k) for k in kinds]
    wrapped = excel.wrapped_columns(columns)
    marks = [f' s="{PLACEHOLDER.decode()}{chr(65 + i)}"' for i in range(len(columns))]
    out = []
    for row in rows:
        values = [f(excel.cell_value(v, k)) for v, k, f in zip(row, kinds, convert)]
        height = excel.row_height(values, wrapped)
        last = len(values)
        while last and values[last - 1] is None:
            last -= 1
        cells = "".join([_cell(values[i], marks[i]) for i in range(last)])
        start = f'<row ht="{_number(height)}" customHeight="1">' if height else "<row>"
        xml = f"{start}{cells}</row>".encode()
        out.append(Row(order(row), hashlib.blake2b(xml, digest_size=8).digest(), xml))
    return out


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
    """Rows with each column's format number in place of its placeholder (one pass: cut at the placeholders,
    each piece but the first starting with its column's letter)."""
    numbers = {65 + i: str(style).encode() for i, style in enumerate(styles)}
    pieces = xml.split(PLACEHOLDER)
    return pieces[0] + b"".join([numbers[p[0]] + p[1:] for p in pieces[1:]])
