"""Look inside an .xlsx/.xlsm package before any parser inflates it: the guards of a hostile file.

A workbook can hold what no plan needs and what takes a reader down: a part that inflates to gigabytes (a
zip bomb), tens of thousands of parts, an XML entity bomb, entries encrypted with ZipCrypto, a sheet
stored as UTF-16, or a single value in cell XFD1048576 that makes a reader allocate the whole sheet
(python-calamine aborts the process: "memory allocation of 549755813888 bytes failed"). Each is found
here from the zip's central directory and from one pass over the sheets' XML, and refused with a
sentence naming the file, the sheet and the cell, before python-calamine or openpyxl see the file.

The ceilings are settings (``[limits]`` in mapsheet.toml, see ``Limits``). The same pass collects the
cells that hold an Excel error (``#REF!``), which python-calamine reads as empty, so that they are
reported as broken formulas rather than as missing values.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field, fields
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..errors import UnreadableWorkbook
from ..frozen import frozen
from ..grid import column_index, column_letter
from ..memo import remember

if TYPE_CHECKING:
    import zipfile

MB = 1 << 20


@frozen
class Limits:
    """What a plan workbook may hold before mapsheet refuses to read it: the reader's part of ``[limits]``
    in mapsheet.toml (the defaults, and what each means, are in defaults.toml)."""

    max_unzipped_mb: float
    max_ratio: float
    max_parts: int
    max_rows: int
    max_cells: int

    @classmethod
    def from_settings(cls, settings: dict[str, Any] | None = None) -> "Limits":
        """From a configuration's ``limits`` table (the packaged defaults when None)."""
        if settings is None:
            from ..config import DEFAULTS

            settings = DEFAULTS["limits"]
        values = _SETTINGS(settings)  # a KeyError for a setting missing, as before
        key = (cls, *values, *map(type, values))  # by type too: 1000 and 1000.0 are shown apart in a refusal
        try:
            return _MADE[key]
        except KeyError:
            made = cls(*values)
            remember(_MADE, key, made, 64)
            return made
        except TypeError:  # a value that cannot be a key
            return cls(*values)


#: The limits made from each set of settings met: one per plan read otherwise (they are frozen, so shared).
_MADE: dict[tuple, Limits] = {}
#: The settings ``Limits`` is made of, in its fields' order (taken at each plan, so looked up once).
_SETTINGS = itemgetter(*(f.name for f in fields(Limits)))


#: Empty rows below a sheet's content after which a value is "far": a stray value at A1048576 is read at its
#: place without the million empty rows above it being read as cells (``xlsx_far``).
FAR_GAP = 1_000
#: Excel's grid: a reference past it is no cell at all.
EXCEL_ROWS = 1_048_576


@frozen
class FarRows:
    """A sheet whose values end ``height`` rows down, but for ``cells`` values further below (past ``FAR_GAP``
    empty rows, down to row ``last``, 0-based): read on their own, not as one range (``xlsx_far``)."""

    part: str
    height: int
    cells: int
    last: int


@dataclass
class Package:
    """What the inspection learnt: each sheet's part, the error values calamine would read as empty, and the
    sheets whose far cells are read apart (and, from the quick pass, the parts it read)."""

    sheet_parts: dict[str, str]
    errors: dict[str, dict[tuple[int, int], str]]  # sheet -> (row, col) 0-based -> "#REF!"
    far: dict[str, FarRows] = field(default_factory=dict)
    #: the parts the quick pass read (``xlsx_image.Unpacked``), from which calamine's copy is made in memory
    unpacked: Any = field(default=None, compare=False, repr=False)


_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
# A sheet's cells, scanned for error values and reach (``_scan_sheet``); compiled by re when first used (and kept
# there): the quick pass (``xlsx_quick``) proves most sheets clean without a scan.
_CELL = rb"<c\b([^>]*?)(/?)>"
_REF = rb'\br="([A-Z]{1,3})([0-9]{1,7})"'
_ANY_REF = rb"\br\s*="  # a reference in any spelling XML allows (quotes, spaces, case), which calamine reads too
_ROW_OR_CELL = rb"<row\b([^>]*?)/?>|<c\b([^>]*?)(/?)>"
_ROW_REF = rb'\br="([0-9]{1,7})"'
_ERROR = rb'\bt="e"'
_VALUE = rb"<v>([^<]{1,20})</v>"
_HINT = "; if it is a real plan, open it in Excel and save it again"


def inspect(path: Path, limits: Limits, skip: Iterable[str] = ()) -> Package:
    """Raise UnreadableWorkbook when the package at ``path`` breaks a guard; else what the reader needs. (Only
    for a file ``xlsx_quick`` did not prove healthy: ``zipfile`` is imported here, not where plans are read.)"""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_directory(path, infos, limits)
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")) and _DOCTYPE.search(_head(zf, info)):
                    raise UnreadableWorkbook(path, f"the part {info.filename} declares XML entities (a document type "
                                                   "definition), which Excel never writes and which can be used to "
                                                   f"exhaust memory; mapsheet does not read it{_HINT}")
            parts = sheet_parts(path, zf)
            errors, far = {}, {}
            for name, part in parts.items():
                if name in skip:
                    continue
                if part not in zf.NameToInfo:
                    raise UnreadableWorkbook(path, f"sheet '{name}' has no data in the file (its part {part} is "
                                                   f"missing); the workbook is damaged{_HINT}")
                errors[name], rows = _scan_sheet(path, name, zf.read(part), limits)
                if rows is not None:
                    far[name] = FarRows(part, *rows)
    except zipfile.BadZipFile as exc:
        raise UnreadableWorkbook(path, f"the file is damaged (not a complete zip archive: {exc}); "
                                       "restore it from a backup or download it again") from None
    except (OSError, EOFError, ValueError, RuntimeError, zlib.error) as exc:  # bad CRCs, truncated members
        raise UnreadableWorkbook(path, f"the file is damaged ({type(exc).__name__}: {exc}); "
                                       "restore it from a backup or download it again") from None
    return Package(parts, errors, far)


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_parts:
        raise UnreadableWorkbook(path, f"the workbook package holds {len(infos):,} parts, more than the "
                                       f"{limits.max_parts:,} mapsheet reads (limits.max_parts){_HINT}")
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnreadableWorkbook(path, "the file's zip entries are encrypted (ZipCrypto), which Excel never writes; "
                                       "save the workbook again from Excel without a zip password")
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_mb * MB:
        raise UnreadableWorkbook(path, f"the workbook inflates to {total / MB:,.0f} MB, more than the "
                                       f"{limits.max_unzipped_mb:g} MB mapsheet reads (limits.max_unzipped_mb){_HINT}")
    for info in infos:
        if info.file_size > MB and info.file_size > limits.max_ratio * max(1, info.compress_size):
            raise UnreadableWorkbook(path, f"the part {info.filename} inflates {info.file_size / max(1, info.compress_size):,.0f} "
                                           f"times (a zip bomb?), more than limits.max_ratio = {limits.max_ratio:g}{_HINT}")


def _head(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as fh:
        head = fh.read(4096)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: look at it as text
        head = head.decode("utf-16", "replace").encode("utf-8", "replace")
    return head


_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def sheet_parts(path: Path, zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part name, from xl/workbook.xml and its relationships (strict or transitional)."""
    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except KeyError as exc:
        raise UnreadableWorkbook(path, f"the workbook could not be read: a required part is missing ({exc.args[0]}){_HINT}") \
            from None
    except ET.ParseError as exc:
        raise UnreadableWorkbook(path, f"the workbook could not be read: its workbook part is not well-formed XML ({exc})"
                                       f"{_HINT}") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels if r.tag.endswith("Relationship")}
    parts: dict[str, str] = {}
    seen: dict[str, str] = {}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        name = sheet.get("name") or ""
        twin = seen.setdefault(name.casefold(), name)
        if len(seen) == len(parts):
            raise UnreadableWorkbook(path, f"it has two tabs named '{twin}' and '{name}', which Excel does not allow "
                                           "(Excel does not tell tab names apart by case); rename one of them")
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        parts[name] = re.sub(r"[^/]+/\.\./", "", part)
    if not parts:
        raise UnreadableWorkbook(path, f"the workbook has no sheets at all{_HINT}")
    return parts


def _scan_sheet(path: Path, name: str, xml: bytes, limits: Limits) -> tuple[dict[tuple[int, int], str],
                                                                           tuple[int, int, int] | None]:
    """The sheet's error cells, and (height, cells, last row) of its far cells when it has some and reading it
    as one range would break a ceiling; raises when its content itself reaches past the row or cell ceiling."""
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff") or re.match(rb'<\?xml[^>]*encoding="UTF-16', xml, re.IGNORECASE):
        raise UnreadableWorkbook(path, f"sheet '{name}' is stored as UTF-16 XML, which Excel never writes and "
                                       f"mapsheet cannot read{_HINT}")
    last_row = last_col = -1
    widest = None
    errors = {}
    ref_in, error_in, value_at = re.compile(_REF).search, re.compile(_ERROR).search, re.compile(_VALUE).search
    row_ref_in, any_ref_in = re.compile(_ROW_REF).search, re.compile(_ANY_REF).search
    here, after = -1, 0  # the row being read (0-based), and the column a cell without a reference would take
    placed = False  # whether a value cell has no reference (a reader puts it after the cell before it)
    for m in re.finditer(_ROW_OR_CELL, xml):
        if m.group(2) is None:  # <row ...>: where the cells that name no place of their own go
            found = row_ref_in(m.group(1))
            if found is None and any_ref_in(m.group(1)):
                _spelled(path, name, m.group(0))
            here, after = (int(found.group(1)) - 1 if found else here + 1), 0
            continue
        attributes = m.group(2)
        ref = ref_in(attributes)
        if ref is not None:
            row, col = int(ref.group(2)) - 1, column_index(ref.group(1).decode())
        elif any_ref_in(attributes):  # r='XFD1048576': calamine reads it; where it lies is not measured here
            _spelled(path, name, m.group(0))
        else:
            row, col = max(here, 0), after
        after = col + 1
        if m.group(3):  # <c r="I1048576" s="3"/>: a format, no value
            continue
        placed = placed or ref is None
        if row > last_row:
            last_row = row
        if col > last_col:
            last_col, widest = col, f"{column_letter(col)}{row + 1}"
        if error_in(attributes):
            value = value_at(xml, m.end(), m.end() + 300)
            if value:
                errors[(row, col)] = value.group(1).decode("utf-8", "replace")
    rows, cols = last_row + 1, last_col + 1
    if rows <= limits.max_rows and rows * cols <= limits.max_cells:
        return errors, None
    if placed:  # the far cells' reading is planned by their references: cells without one are not read so
        _spelled(path, name, b"<c> (a cell without its reference)")
    return errors, _far_rows(path, name, xml, limits, cols, widest)


def _spelled(path: Path, name: str, tag: bytes) -> None:
    shown = tag[:60].decode("utf-8", "replace")
    raise UnreadableWorkbook(path, f"sheet '{name}' has a cell whose place is written as no spreadsheet program "
                                   f"writes it ({shown}){_HINT}")


_VALUE_ROW = rb'<c\b[^>]*?\br="[A-Z]{1,3}([0-9]{1,7})"[^>]*?(?<!/)>'


def _far_rows(path: Path, name: str, xml: bytes, limits: Limits, cols: int, widest: str) -> tuple[int, int, int]:
    """(height, cells, last row) of a sheet too big to read as one range whose content ends ``height`` rows
    down, with ``cells`` values further below (after ``FAR_GAP`` empty rows); raises when even its content
    and those cells break a ceiling. A second pass, for the rare sheet the first one finds too big."""
    rows = sorted(map(int, re.findall(_VALUE_ROW, xml)))  # 1-based, one per value cell
    if rows and rows[-1] > EXCEL_ROWS:
        raise UnreadableWorkbook(path, f"sheet '{name}' has a cell in row {rows[-1]:,}, past Excel's last row; "
                                       f"the workbook is damaged{_HINT}")
    top = 0  # the last row of the content (1-based): values below it come after FAR_GAP empty rows
    for i, row in enumerate(rows):
        if row - top > FAR_GAP + 1:
            far = len(rows) - i
            break
        top = row
    else:
        far = 0
    height = top
    if height > limits.max_rows:
        first = re.search(rb'<c\b[^>]*?\br="([A-Z]{1,3})%d"[^>]*?(?<!/)>' % height, xml)
        cell = f"{first.group(1).decode() if first else 'A'}{height}"
        raise UnreadableWorkbook(path, f"sheet '{name}' has values down to row {height:,} ({name}!{cell}), more than "
                                       f"the {limits.max_rows:,} rows mapsheet reads (limits.max_rows); delete the stray "
                                       "cells below the plan, or raise the limit in mapsheet.toml")
    if height + far > limits.max_rows:
        raise UnreadableWorkbook(path, f"sheet '{name}' has {far:,} values scattered far below its content (row "
                                       f"{height:,}), more than the {limits.max_rows:,} rows mapsheet reads "
                                       "(limits.max_rows); delete the stray cells below the plan, or raise the limit "
                                       "in mapsheet.toml")
    if (height + far) * cols > limits.max_cells:
        raise UnreadableWorkbook(path, f"sheet '{name}' spans {height:,} rows x {cols:,} columns up to {name}!{widest}, "
                                       f"more than the {limits.max_cells:,} cells mapsheet reads (limits.max_cells); delete "
                                       "the stray cells beside the plan, or raise the limit in mapsheet.toml")
    return height, far, (rows[-1] - 1 if rows else -1)
