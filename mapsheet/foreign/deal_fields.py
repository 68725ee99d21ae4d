"""The deal's fields in a sheet made elsewhere: label/value pairs above or beside the table, "Label: value"
in one cell, a date after a label in one cell ("Last updated 11/9/2026"), and the names in a title
("Northwind Traders × Contoso: mutual action plan", "Mutual Action Plan: Northwind - Analytics").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..grid import Location, Workbook
from ..template.spec import SPEC, normalize_header
from .values import DateContext, date
from .vocabulary import DEAL_LABELS, VENDOR_LABELS

_PAIR_TITLE = re.compile(r"^(?P<a>[^:|×+]+?)\s*(?:×|\+|\bx\b|&)\s*(?P<b>[^:|]+?)\s*(?:[:|]|$)")
_PLAN_TITLE = re.compile(r"^(?:mutual action plan|map|action plan|close plan|mutual close plan)\s*[:\-–—]\s*(?P<deal>.+)$",
                         re.IGNORECASE)


@dataclass
class DealFields:
    values: dict[str, tuple[Any, Location]] = field(default_factory=dict)  # field key -> (raw value, cell)
    vendor: str | None = None
    title: str | None = None

    def put(self, key: str, value: Any, loc: Location) -> None:
        if key not in self.values and value not in (None, ""):
            self.values[key] = (value, loc)


def _label_key(text: str) -> str | None:
    n = normalize_header(text.rstrip(":"))
    if n in VENDOR_LABELS:
        return "vendor"
    return DEAL_LABELS.get(n) or SPEC.overview.header_index.get(n)


def _right_value(sheet, r: int, c: int) -> tuple[Any, int] | None:
    for cc in range(c + 1, c + 4):
        v = sheet.value(r, cc)
        if v is not None and not (isinstance(v, str) and not v.strip()):
            return v, cc
    return None


def read_deal_fields(workbook: Workbook, skip: dict[str, set[int]]) -> DealFields:
    """Every labelled value outside the tables (``skip``: sheet -> rows that belong to a table)."""
    found = DealFields()
    for sheet in workbook.sheets:
        rows = skip.get(sheet.name, set())
        for r in range(min(sheet.height, 400)):
            if r in rows:
                continue
            for c, v in sheet.iter_row(r):
                if not isinstance(v, str):
                    continue
                _read_cell(found, sheet, r, c, v.strip())
    first = workbook.sheets[0] if workbook.sheets else None
    if first is not None:
        title = next((v for _, v in first.iter_row(0) if isinstance(v, str)), None)
        if title:
            _read_title(found, title.strip(), Location(first.name, 0, next(c for c, _ in first.iter_row(0))))
    return found


def _read_cell(found: DealFields, sheet, r: int, c: int, text: str) -> None:
    loc = Location(sheet.name, r, c)
    label, sep, rest = text.partition(":")
    if sep and rest.strip():
        key = _label_key(label)
        if key:
            _put(found, key, rest.strip(), loc)
            return
    key = _label_key(text)
    if key:
        right = _right_value(sheet, r, c)
        if right is not None:
            _put(found, key, right[0], Location(sheet.name, r, right[1]))
        return
    # "Last updated 11/9/2026": a label and a date in one cell.
    words = text.split()
    for cut in range(1, min(5, len(words))):
        key = _label_key(" ".join(words[:cut]))
        if key and date(" ".join(words[cut:]), DateContext()).value is not None:
            _put(found, key, " ".join(words[cut:]), loc)
            return


def _put(found: DealFields, key: str, value: Any, loc: Location) -> None:
    if key == "vendor":
        found.vendor = found.vendor or str(value).strip()
    else:
        found.put(key, value, loc)


def _read_title(found: DealFields, title: str, loc: Location) -> None:
    found.title = title
    m = _PLAN_TITLE.match(title)
    if m:
        found.put("deal", m.group("deal").strip(), loc)
        return
    m = _PAIR_TITLE.match(title)
    if m and len(m.group("a").split()) <= 4 and len(m.group("b").split()) <= 4:
        found.put("customer", m.group("a").strip(), loc)
        found.vendor = found.vendor or m.group("b").strip()
        found.put("deal", f"{m.group('a').strip()} - {m.group('b').strip()}", loc)
