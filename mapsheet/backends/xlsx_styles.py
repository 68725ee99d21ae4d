"""The styles part as python-calamine uses it, made short for the image (``xlsx_image``).

Of a workbook's styles calamine keeps one thing: each cell format's number format, which tells a date from a
number. It still reads the whole part (fonts, fills, borders, named styles: 8 kB in the template) at every
opening, a fifth of what opening a plan costs. The image hands it the number formats and the cell formats alone,
written out again, when calamine reads them the same: one number per cell format is read with each version, and
the values must be equal, or the part is handed over as it is. Plans made from one template share their styles,
so this is worked out once per distinct part.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zlib

import python_calamine

_MOST_FORMATS = 4096  # more cell formats than this: handed over as they are, rather than probed
_REL = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{}" Target="{}"/></Relationships>')
_BOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxml'
         'formats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets>'
         '</workbook>')


def short_styles(styles: bytes) -> tuple[bytes, int] | None:
    """The styles calamine is handed and their CRC-32, or None to hand ``styles`` over as they are: when calamine
    would read the short version otherwise, and the first time they are met (the work pays back only over a few
    plans, and ``mapsheet check`` reads one)."""
    if styles in _SHORT:
        return _SHORT[styles]
    if len(_MET) >= 64:
        _MET.clear()
        _SHORT.clear()
    if styles not in _MET:
        _MET.add(styles)
        return None
    count = styles.count(b"<xf") + styles.count(b":xf") + 2  # at least as many as its cell formats, and two more
    short = _short(styles) if count <= _MOST_FORMATS else None
    same = short is not None and _probe(short, count) == _probe(styles, count)
    known = _SHORT[styles] = (short, zlib.crc32(short)) if same else None
    return known


_MET: set[bytes] = set()
_SHORT: dict[bytes, tuple[bytes, int] | None] = {}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _quoted(value: str) -> str:
    return '"' + value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;") + '"'


def _short(styles: bytes) -> bytes | None:
    """The number formats and the cell formats' number format ids, or None for styles not read plainly here."""
    try:
        root = ET.fromstring(styles)
    except ET.ParseError:
        return None
    out = ["<styleSheet>"]
    for section in root:
        name = _local(section.tag)
        if name not in ("numFmts", "cellXfs"):
            continue
        out.append(f"<{name}>")
        for element in section:
            if name == "numFmts" and _local(element.tag) == "numFmt":
                out.append(f'<numFmt numFmtId={_quoted(element.get("numFmtId", ""))} '
                           f'formatCode={_quoted(element.get("formatCode", ""))}/>')
            elif name == "cellXfs" and _local(element.tag) == "xf":
                out.append("<xf/>" if element.get("numFmtId") is None
                           else f'<xf numFmtId={_quoted(element.get("numFmtId"))}/>')
        out.append(f"</{name}>")
    out.append("</styleSheet>")
    return "".join(out).encode()


def _probe(styles: bytes, count: int):
    """What calamine reads, with these styles, from one number in each of the first ``count`` cell formats; what it
    raises when it cannot read them."""
    from .xlsx_image import stored  # which imports this module

    cells = "".join(f'<row r="{i + 1}"><c r="A{i + 1}" s="{i}"><v>45000.25</v></c></row>' for i in range(count))
    package = stored({
        "_rels/.rels": _REL.format("officeDocument", "xl/workbook.xml").encode(),
        "xl/workbook.xml": _BOOK.encode(),
        "xl/_rels/workbook.xml.rels": _REL.format("worksheet", "worksheets/sheet1.xml").encode(),
        "xl/styles.xml": styles,
        "xl/worksheets/sheet1.xml": ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                                     f'main"><sheetData>{cells}</sheetData></worksheet>').encode()})
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(package))
        return book.get_sheet_by_name("s").to_python(skip_empty_area=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's own errors, and its panics
        return type(exc).__name__, str(exc)
