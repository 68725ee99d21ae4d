"""The package python-calamine reads when the quick pass (``xlsx_quick``) has proven a workbook clean: rebuilt in
memory from what that pass already holds, so each sheet is inflated once, not twice.

The quick pass reads the whole file and inflates the sheets it must scan. Handed the file's path, calamine
would read it again and inflate those sheets again (and python-calamine inflates each one twice: once for its
values, once looking for merged cells). The image is the same package with those sheets stored uncompressed,
their bytes as inflated and checked against their CRCs, and every other part copied as it was compressed:
calamine reads the same bytes of every part, without inflating a sheet. If calamine fails on the image for
any reason, the reader reads the file itself, so every refusal is worded as before (``xlsx_read``).

python-calamine (0.9) also reads every sheet a second time, token by token to its end, looking for merged
cells, which mapsheet never uses: half of what reading a sheet costs, and no option turns it off. That search
ends at the first ``mergeCells`` element, so a sheet with no merged cells is given an empty one just before its
cells (``_cells_first``): calamine's reading of the values ignores it, and the search ends there. Only where the
search would have found nothing to refuse in what it no longer reads: a sheet with merged cells, or with a
tail after its cells (page set-up, validations) that is not plainly well-formed, is left as it is (``_clean``).
What is not looked at is the balance of the cells' own tags: a sheet whose cells close more elements than they
open (no writer makes one) would be read here, where calamine refuses the file.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

_LOCAL = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, CRC, sizes, name and extra lengths
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_DOS_DATE = 0x21  # 1 Jan 1980: the parts' dates are nobody's business here
#: The largest image built (all sheets read, inflated): a bigger workbook is read by calamine from its file,
#: streaming, rather than held in memory twice over.
IMAGE_MAX = 8 << 20
#: Parts of other formats: handed bytes rather than a path named .xlsx, calamine tries each format in turn, and
#: a package that failed as a workbook must not be read as one of these instead.
_OTHER_FORMATS = frozenset({"xl/workbook.bin", "content.xml", "mimetype"})


@dataclass
class Unpacked:
    """What the quick pass read: the package's entries in the order of its central directory
    (``xlsx_quick.Entry``: each one's name, sizes, CRC and stored bytes) and the sheets it inflated, by part."""

    entries: list
    inflated: dict[str, bytes]


def unpacked(entries: list, inflated: dict[str, bytes]) -> Unpacked | None:
    """What the image is made of, or None when calamine should read the file itself."""
    if sum(map(len, inflated.values())) > IMAGE_MAX or any(e.filename in _OTHER_FORMATS for e in entries):
        return None
    return Unpacked(entries, inflated)


def image(unpacked: Unpacked) -> bytes:
    """The package as a zip in memory: the inflated sheets stored (their cells first, ``_cells_first``), every
    other part as it was."""
    out, central, offset = [], [], 0
    for info in unpacked.entries:
        name, flags, size, crc = info.name, info.flag_bits & 0x800, info.file_size, info.CRC
        xml = unpacked.inflated.get(info.filename)
        if xml is None:
            method, body = info.compress_type, (info.raw,)
        else:
            method, body = 0, _cells_first(xml)
            if body is None:
                body = (xml,)
            else:
                size = sum(map(len, body))
                crc = zlib.crc32(body[2], zlib.crc32(body[1], zlib.crc32(body[0])))
        stored = sum(map(len, body))
        out += (_LOCAL.pack(b"PK\x03\x04", 20, flags, method, 0, _DOS_DATE, crc, stored, size, len(name), 0), name,
                *body)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, method, 0, _DOS_DATE, crc, stored, size,
                                     len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += _LOCAL.size + len(name) + stored
    directory = b"".join(central)
    out += (directory, _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))
    return b"".join(out)


_NO_MERGES = b"<mergeCells></mergeCells>"  # what python-calamine's search for merged cells stops at, finding none
_CELLS, _CELLS_END = b"<sheetData>", b"</sheetData>"


def _cells_first(xml: bytes) -> tuple | None:
    """The sheet's XML in three pieces, an empty ``mergeCells`` element before its cells, or None to leave it as
    it is: a sheet with merged cells (or the word anywhere), with its cells named otherwise or closed twice, or
    whose tail after the cells ``_clean`` does not vouch for (what calamine's search read there, it now skips)."""
    start = xml.find(_CELLS)
    end = xml.rfind(_CELLS_END)
    if start < 0 or end < start or xml.find(b"sheetData", start + len(_CELLS)) != end + 2 or b"mergeCell" in xml:
        return None
    tail = xml[end + len(_CELLS_END):]
    clean = _CLEAN_TAILS.get(tail)
    if clean is None:
        if len(_CLEAN_TAILS) >= _REMEMBERED:
            _CLEAN_TAILS.clear()
        clean = _CLEAN_TAILS[tail] = _clean(tail)
    if not clean:
        return None
    view = memoryview(xml)
    return view[:start], _NO_MERGES, view[start:]


#: Tails judged, by their bytes: plans made from one template end their sheets alike.
_CLEAN_TAILS: dict[bytes, bool] = {}
_REMEMBERED = 1024
_NAME = rb"[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?"
_TAG = re.compile(rb"[^<]*<(/?)" + _NAME + rb"""(?:\s+""" + _NAME + rb"""\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*(/?)>""")


def _clean(tail: bytes) -> bool:
    """Whether the XML after a sheet's cells is plain elements and text that python-calamine's tokenizer
    (quick-xml, end names unchecked) reads without an error: every tag whole, its attributes quoted, no comment,
    declaration or processing instruction, and no end tag beyond the one that closes the worksheet."""
    depth, at = 0, 0
    while True:
        m = _TAG.match(tail, at)
        if m is None:
            return b"<" not in tail[at:]
        if m[1]:
            if m[2]:
                return False
            depth -= 1
            if depth < -1:
                return False
        elif not m[2]:
            depth += 1
        at = m.end()
