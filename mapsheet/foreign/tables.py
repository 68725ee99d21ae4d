"""Find the tables of a sheet made elsewhere: any sheet, any row, several on one sheet.

A header row is a row of short texts most of which name a column of a plan. The rows under it belong
to it until two empty rows or a different header. Inside, a row with one text (a merged phase heading,
"Phase 2: Technical evaluation") names the milestone of the rows under it; a repeat of the header, a
"2/5 completed" or "Total" row is skipped. What each column *is* is decided by its header and its content
together (``columns.assign``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..grid import Sheet
from ..parse import to_date
from ..template.spec import normalize_header
from .vocabulary import OWNER_PAIR_HEADER, SIDE_WORDS, STEP_HEADERS, owner_side_header

_SUBTOTAL = re.compile(r"^\s*(?:\d+\s*/\s*\d+\s*(?:completed|complete|done)?|(?:sub)?total\b.*|\d+\s*%\s*complete)\s*$",
                       re.IGNORECASE)
_US_DATE = re.compile(r"^\d{1,2}/\d{1,2}(?:/\d{2,4})?$")
_HEADER_WORDS: dict[str, set[str]] = {}
for _key, _words in STEP_HEADERS.items():
    for _w in _words:
        _HEADER_WORDS.setdefault(normalize_header(_w), set()).add(_key)


def header_fields(text: Any) -> set[str]:
    """The step fields a header text may name (several for "Milestone": the text or the phase)."""
    if not isinstance(text, str):
        return set()
    n = normalize_header(text)
    if not n:
        return set()
    if owner_side_header(n) or OWNER_PAIR_HEADER.match(text.strip().lower()):
        return {"owner"}
    found = set(_HEADER_WORDS.get(n, ()))
    if not found:  # "Key activities (what must happen)", "Owner - name": the words before the aside
        head = normalize_header(re.split(r"\(|\s[-–—]\s|:", text, maxsplit=1)[0])
        if head and head != n:
            found = set(_HEADER_WORDS.get(head, ()))
            n = head or n
    if not found and len(n.split()) <= 4:
        # "Target go-live date", "Task owner (Buyer)": the last word names the kind of column.
        last = n.split()[-1]
        found = set(_HEADER_WORDS.get(last, ())) & {"due", "owner", "status", "action"}
    return found


@dataclass
class Found:
    """One table as it sits on a sheet."""

    sheet: Sheet
    header_row: int
    headers: dict[int, str]  # column -> header text
    rows: list[int] = field(default_factory=list)  # body rows holding records
    phase_of: dict[int, str] = field(default_factory=dict)  # body row -> the section heading above it
    title: str | None = None  # a one-cell row just above the header (a table's title, or its phase)
    skipped: list[int] = field(default_factory=list)  # repeated headers, headings, subtotals: no records

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(normalize_header(self.headers[c]) for c in sorted(self.headers))

    def score(self) -> int:
        fields = set().union(*(header_fields(h) for h in self.headers.values()))
        return len(fields & {"action", "owner", "due", "status"}) * 10 + len(self.rows)


def _is_header(sheet: Sheet, r: int) -> dict[int, str] | None:
    cells = list(sheet.iter_row(r))
    texts = {c: v for c, v in cells if isinstance(v, str)}
    if len(texts) < 2 or len(texts) < len(cells) - 1:
        return None
    if any(v.strip().startswith("[") and v.strip().endswith("]") for v in texts.values()):
        return None  # "[Task] | [Name] | [Date]": a row of stand-ins under the real header
    if any(to_date(v) is not None or _US_DATE.match(v.strip()) for v in texts.values()):
        return None  # a row holding a date is a row of values
    named = [c for c, v in texts.items() if header_fields(v)]
    if len(named) < 2 or len(named) * 2 < len(texts):
        return None
    if any(len(v) > 60 for v in texts.values()):
        return None
    return {c: v.strip() for c, v in cells if isinstance(v, str)}


def _one_text(sheet: Sheet, r: int) -> str | None:
    cells = [v for _, v in sheet.iter_row(r)]
    texts = [v for v in cells if isinstance(v, str) and not _SUBTOTAL.match(v)]
    if len(texts) == 1 and len(cells) <= 2 and all(isinstance(v, str) for v in cells):
        return texts[0].strip()
    return None


def _is_subtotal(sheet: Sheet, r: int) -> bool:
    return any(isinstance(v, str) and _SUBTOTAL.match(v) for _, v in sheet.iter_row(r))


def _side_subheader(sheet: Sheet, r: int, found: Found) -> bool:
    """A second header row naming sides under a merged "Owner" ("Owner" over "Vendor" | "Customer"): its
    columns become "Owner (Vendor)" and "Owner (Customer)". Returns whether row ``r`` was one."""
    cells = list(sheet.iter_row(r))
    sides = {c: v for c, v in cells if isinstance(v, str) and normalize_header(v) in SIDE_WORDS}
    if len(sides) < 2 or len(sides) != len(cells) or len({SIDE_WORDS[normalize_header(v)] for v in sides.values()}) < 2:
        return False
    parents = {c: next((found.headers[p] for p in range(c, -1, -1) if p in found.headers), "Owner") for c in sides}
    for c, word in sides.items():
        found.headers[c] = f"{parents[c]} ({word.strip()})"
    found.skipped.append(r)
    return True


def find_tables(sheet: Sheet) -> list[Found]:
    tables: list[Found] = []
    current: Found | None = None
    phase: str | None = None
    blank_run = 0
    pending_title: str | None = None
    skip_next = False
    for r in range(sheet.height):
        if not any(True for _ in sheet.iter_row(r)):
            blank_run += 1
            if blank_run >= 2:
                current, phase = None, None
            continue
        blank_run = 0
        header = _is_header(sheet, r)
        if header is not None:
            key = tuple(normalize_header(header[c]) for c in sorted(header))
            if current is not None and current.key == key:
                current.skipped.append(r)  # the header repeated under a section heading
                continue
            current = Found(sheet, r, header, title=pending_title)
            phase = None  # a lone table's title is not a phase; merge_same decides for tables in parts
            tables.append(current)
            pending_title = None
            if _side_subheader(sheet, r + 1, current):
                skip_next = True
            continue
        if skip_next:
            skip_next = False
            continue
        text = _one_text(sheet, r)
        if text is not None:
            if current is None:
                pending_title = text
            else:
                phase = text
                pending_title = text
                current.skipped.append(r)
            continue
        if current is None:
            pending_title = None
            continue
        if _is_subtotal(sheet, r):
            current.skipped.append(r)
            heading = next((v for _, v in sheet.iter_row(r) if isinstance(v, str) and not _SUBTOTAL.match(v)), None)
            if heading:
                phase = heading.strip()
            continue
        if not any(c in current.headers for c, _ in sheet.iter_row(r)):
            continue
        pending_title = None
        current.rows.append(r)
        if phase:
            current.phase_of[r] = phase
    return tables


def merge_same(tables: list[Found]) -> list[Found]:
    """Tables of one sheet with the same header are one table in parts (one per phase)."""
    out: list[Found] = []
    for t in tables:
        if t.phase_of and t.title:  # "Phase 1" sat above the header, the next phases inside the table
            for r in t.rows:
                if r in t.phase_of:
                    break
                t.phase_of[r] = t.title
        same = next((o for o in out if o.sheet is t.sheet and o.key == t.key), None)
        if same is None:
            out.append(t)
            continue
        if t.title and not same.phase_of and same.title:
            for r in same.rows:
                same.phase_of[r] = same.title
        same.skipped += [t.header_row, *t.skipped]
        for r in t.rows:
            same.rows.append(r)
            phase = t.phase_of.get(r) or t.title
            if phase:
                same.phase_of[r] = phase
    return out
