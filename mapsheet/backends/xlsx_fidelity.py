"""What openpyxl would change in a workbook it loads and saves, found before mapsheet writes anything.

openpyxl re-writes the whole package. Most of it round-trips; what does not is either refused here with a
sentence naming the file and the cell (mapsheet never writes a workbook it would change), or put back after
the save (the cached formula results, which openpyxl drops and which every reader but Excel relies on):

- a number in a date-formatted cell that no date can show (20270331 typed as yyyymmdd, -1e11): openpyxl
  reads it as ``#VALUE!`` and would write that;
- defined names openpyxl cannot map (a name on a sheet that does not exist): dropped on save;
- a VBA project inside a file named .xlsx: dropped on save (only .xlsm keeps macros);
- cached formula results: put back into the saved sheets (``keep_cached_results``).
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from ..errors import MapsheetError
from ..grid import a1
from .xlsx_guard import Package, sheet_parts

_HOW = "use the Excel 'Check plan' button, or check without --annotate"


class AnnotationUnsafe(MapsheetError):
    """The workbook holds something openpyxl would drop or change on save."""


def refuse_losses(path: Path, wb, package: Package) -> None:
    """Raise AnnotationUnsafe when saving the loaded ``wb`` would change what the file at ``path`` holds."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        book = zf.read("xl/workbook.xml")
    if "xl/vbaProject.bin" in names and path.suffix.lower() != ".xlsm":
        raise AnnotationUnsafe(f"{path}: the workbook holds macros (a VBA project) although it is named "
                               f"{path.suffix}; mapsheet's file writer would drop them: save it as .xlsm, or {_HOW}")
    _refuse_invented_errors(path, wb, package)
    lost = _lost_names(book, wb)
    if lost:
        raise AnnotationUnsafe(f"{path}: openpyxl cannot keep the defined name{'s' if len(lost) > 1 else ''} "
                               f"{', '.join(sorted(lost)[:5])} (on a sheet that does not exist, or unreadable); "
                               f"fix or delete {'them' if len(lost) > 1 else 'it'} in Name Manager, or {_HOW}")


def _refuse_invented_errors(path: Path, wb, package: Package) -> None:
    """Cells openpyxl reads as an error the file does not hold: numbers out of a date format's range."""
    for ws in wb.worksheets:
        real = package.errors.get(ws.title, {})
        for (row, col), cell in ws._cells.items():  # the cells that exist, not the whole used range
            value = cell.value
            if (isinstance(value, float) and not math.isfinite(value)) or (isinstance(value, str) and len(value) > 32_767):
                raise AnnotationUnsafe(
                    f"{path}: cell {ws.title}!{a1(row - 1, col - 1)} holds what Excel cannot (a number like 1e309 or a "
                    f"text over 32,767 characters); openpyxl would write it changed: fix the cell, or {_HOW}")
            if cell.data_type == "e" and (row - 1, col - 1) not in real:
                raise AnnotationUnsafe(
                    f"{path}: cell {ws.title}!{a1(row - 1, col - 1)} holds a number its date format cannot show "
                    "(before 1900 or after 9999, e.g. 20270331 typed as a date); openpyxl would write it as #VALUE!: "
                    f"type a real date or format the cell as a number, or {_HOW}")


_MAIN = re.compile(r"\{[^}]*\}")


def _lost_names(book_xml: bytes, wb) -> set[str]:
    """Defined names in workbook.xml that openpyxl did not load (so would not write)."""
    kept = set(wb.defined_names)
    for index, ws in enumerate(wb.worksheets):
        kept |= {(name, index) for name in ws.defined_names}
        if ws.print_area or ws.print_title_rows or ws.print_title_cols:
            kept |= {("_xlnm.Print_Area", index), ("_xlnm.Print_Titles", index)}
        kept.add(("_xlnm._FilterDatabase", index))  # openpyxl writes it again from the sheet's filter
    lost = set()
    for element in ET.fromstring(book_xml).iter():
        if _MAIN.sub("", element.tag) != "definedName":
            continue
        name, sheet = element.get("name", ""), element.get("localSheetId")
        if sheet is None:
            if name not in kept:
                lost.add(name)
        elif not sheet.isdigit() or (name, int(sheet)) not in kept:
            lost.add(name)
    return lost


# -- cached formula results ------------------------------------------------------------------------------------

_CELL = re.compile(rb"<c\b([^>]*?)(?<!/)>(.*?)</c>", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_TYPE = re.compile(rb'\s*\bt="[^"]*"')
_CACHED = re.compile(rb"<v>(.*?)</v>", re.S)


def keep_cached_results(original: Path, saved: Path) -> None:
    """Put the cached results of the original's formulas back into ``saved`` (openpyxl writes formulas with
    no result, so calamine, LibreOffice's importers and every other reader but Excel would see empty cells)."""
    with zipfile.ZipFile(original) as zf:
        cached = {name: _cached(zf.read(part)) for name, part in sheet_parts(original, zf).items()
                  if part in zf.NameToInfo}
    if not any(cached.values()):
        return
    with zipfile.ZipFile(saved) as zf:
        parts = sheet_parts(saved, zf)
        changed = {part: _with_cached(zf.read(part), cached[name]) for name, part in parts.items()
                   if cached.get(name)}
        rewritten = saved.with_name(saved.name + ".cached")
        with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as out:
            for info in zf.infolist():
                out.writestr(info, changed.get(info.filename) or zf.read(info), zipfile.ZIP_DEFLATED)
    os.replace(rewritten, saved)


def _cached(xml: bytes) -> dict[bytes, tuple[bytes, bytes]]:
    """ref -> (type attribute, cached value) of every formula cell holding a result."""
    out = {}
    for m in _CELL.finditer(xml):
        body = m.group(2)
        if b"<f" not in body:
            continue
        value, ref = _CACHED.search(body), _REF.search(m.group(1))
        if not (value and ref):
            continue
        kind = re.search(rb'\bt="([^"]*)"', m.group(1))
        kind = kind.group(1) if kind else b"n"
        if value.group(1) or kind == b"str":  # an empty text is a result too (LibreOffice's IF(...,"",...))
            out[ref.group(1)] = (kind, value.group(1))
    return out


def _with_cached(xml: bytes, cached: dict[bytes, tuple[bytes, bytes]]) -> bytes:
    def put(m: re.Match) -> bytes:
        ref = _REF.search(m.group(1))
        body = m.group(2)
        if ref is None or ref.group(1) not in cached or b"<f" not in body or _CACHED.search(body):
            return m.group(0)
        kind, value = cached[ref.group(1)]
        attrs = _TYPE.sub(b"", m.group(1)) + (b' t="' + kind + b'"' if kind != b"n" else b"")
        body = re.sub(rb"<v\s*/>", b"", body) + b"<v>" + value + b"</v>"
        return b"<c" + attrs + b">" + body + b"</c>"
    return _CELL.sub(put, xml)
