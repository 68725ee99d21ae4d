"""Small tools the corpus generator uses to damage a workbook at the level of its zip and XML parts, where
openpyxl would refuse to write what a hand-edited or foreign file can hold."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from typing import Callable

Change = Callable[[str, bytes], "bytes | None"]  # (part name, data) -> new data, or None to drop the part


def rewrite(src: Path, dst: Path, change: Change | None = None, add: dict[str, bytes] | None = None) -> Path:
    """Copy the package ``src`` to ``dst`` part by part, changed by ``change``, with parts ``add`` added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if change is not None:
                data = change(info.filename, data)
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def with_cells(src: Path, dst: Path, sheet: str, cells: dict[str, str]) -> Path:
    """A copy of ``src`` with raw ``<c>`` elements (A1 ref -> XML) written into one sheet's XML."""
    part = sheet_parts(src)[sheet]

    def change(n: str, data: bytes) -> bytes:
        if n == part:
            for ref, cell in cells.items():
                data = set_cell_xml(data, ref, cell)
        return data

    return rewrite(src, dst, change)


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its part name (xl/worksheets/sheetN.xml), read from the workbook and its relationships."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = {m.group(1): m.group(2) for m in re.finditer(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    targets |= {m.group(2): m.group(1) for m in re.finditer(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
    out = {}
    for m in re.finditer(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', book):
        target = targets[m.group(2)].lstrip("/")
        out[_unescape(m.group(1))] = target if target.startswith("xl/") else "xl/" + target
    return out


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def set_cell_xml(sheet_xml: bytes, ref: str, cell: str) -> bytes:
    """``sheet_xml`` with the cell ``ref`` replaced by the raw ``<c>`` element ``cell`` (added to its row,
    or in a new last row, when absent). Cells of a row are kept in column order only where it is easy: the
    generator adds such cells at the end of a row or below every row."""
    text = sheet_xml.decode("utf-8")
    pattern = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: cell, text, count=1).encode("utf-8")
    row = int(re.sub(r"[A-Z]", "", ref))
    row_pat = re.compile(rf'(<row r="{row}"[^>]*>)(.*?)(</row>)', re.S)
    if row_pat.search(text):
        text = row_pat.sub(lambda m: m.group(1) + m.group(2) + cell + m.group(3), text, count=1)
    elif "<sheetData/>" in text or "<sheetData />" in text:
        text = re.sub(r"<sheetData\s*/>", f'<sheetData><row r="{row}">{cell}</row></sheetData>', text)
    else:
        text = text.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>')
    text = re.sub(r'<dimension ref="[^"]*"\s*/>', "", text)  # a stale dimension would lie about the range
    return text.encode("utf-8")


def set_flag_bit(data: bytes, bit: int) -> bytes:
    """A zip with general-purpose flag ``bit`` set on every entry (bit 0: encrypted, as ZipCrypto writes)."""
    out = bytearray(data)
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := out.find(sig, start)) >= 0:
            flags = struct.unpack_from("<H", out, i + offset)[0]
            struct.pack_into("<H", out, i + offset, flags | (1 << bit))
            start = i + 4
    return bytes(out)
