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
cells (``_cells_first``): calamine's reading of the values ignores it, and the search ends there. Its attribute
is chosen so that the sheet's CRC stays the one the quick pass checked (``_no_merges``): the image is not read
once more to work out a new one. Only where the
search would have found nothing to refuse in what it no longer reads: a sheet with merged cells, or with a
tail after its cells (page set-up, validations) that is not plainly well-formed, is left as it is (``_clean``).
What is not looked at is the balance of the cells' own tags: a sheet whose cells close more elements than they
open (no writer makes one) would be read here, where calamine refuses the file.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from functools import partial

from .. import deflate
from ..memo import remember
from .xlsx_styles import short_styles

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
    (``xlsx_quick.Entry``: each one's name, sizes, CRC and stored bytes), the sheets it inflated, and other parts
    it holds inflated (``opened``: the styles, the workbook and their relationships), by part."""

    entries: list
    inflated: dict[str, bytes]
    opened: dict[str, bytes]
    #: each inflated sheet's ``frame``, as the quick pass cut it
    frames: dict[str, tuple | None] = field(default_factory=dict)


def unpacked(entries: list, inflated: dict[str, bytes], opened: dict[str, bytes],
             frames: dict[str, tuple | None] | None = None) -> Unpacked | None:
    """What the image is made of, or None when calamine should read the file itself."""
    if sum(map(len, inflated.values())) > IMAGE_MAX or any(e.filename in _OTHER_FORMATS for e in entries):
        return None
    return Unpacked(entries, inflated, opened, frames or {})


def frame(xml: bytes) -> tuple[int, int, bytes, bytes] | None:
    """A sheet cut around its cells: where ``<sheetData>`` starts and where ``</sheetData>`` (the last) ends, and
    what comes before and after (None: no cells so marked). The quick pass and the image each judge the start and
    the tail, alike in plans made from one template, by their bytes: cut once, they are hashed once."""
    start, end = xml.find(_CELLS), xml.rfind(_CELLS_END)
    if start < 0 or end < start:
        return None
    end += len(_CELLS_END)
    return start, end, xml[:start], xml[end:]


def image(unpacked: Unpacked) -> bytes:
    """The package as a zip in memory: the inflated sheets stored (their cells first, ``_cells_first``), the other
    parts held inflated stored as they are (the styles short, ``xlsx_styles``), every other part as it was."""
    return _zip(map(partial(_entry, unpacked), unpacked.entries))


def stored(parts: dict[str, bytes]) -> bytes:
    """A zip in memory of ``parts`` (by name), each stored (as ``zipfile.ZipFile.writestr`` stores it by default):
    ``xlsx_styles``'s probes, made without importing ``zipfile`` where plans are read."""
    return _zip((name.encode(), 0, 0, deflate.crc32(data), len(data), (data,)) for name, data in parts.items())


def _entry(unpacked: Unpacked, info) -> tuple[bytes, int, int, int, int, tuple]:
    """A part of the image: its name, flags, method, CRC, size and the chunks of its stored bytes."""
    name, flags, size, crc = info.name, info.flag_bits & 0x800, info.file_size, info.CRC
    xml = unpacked.inflated.get(info.filename)
    if xml is None:
        whole = unpacked.opened.get(info.filename)
        short = short_styles(whole) if whole is not None and info.filename == "xl/styles.xml" else None
        if short is not None:
            (whole, crc), size = short, len(short[0])
        method, body = (info.compress_type, (info.raw,)) if whole is None else (0, (whole,))
    else:
        cut = unpacked.frames.get(info.filename, False)
        method, body = 0, _cells_first(xml, frame(xml) if cut is False else cut)
        if body is None:
            body = (xml,)
        else:
            size = sum(map(len, body))  # the CRC is the sheet's own (``_no_merges``)
    return name, flags, method, crc, size, body


def _zip(entries) -> bytes:
    """The zip of ``entries`` (``_entry``'s), in that order."""
    out, central, offset = [], [], 0
    for name, flags, method, crc, size, body in entries:
        length = sum(map(len, body))
        out += (_LOCAL.pack(b"PK\x03\x04", 20, flags, method, 0, _DOS_DATE, crc, length, size, len(name), 0), name,
                *body)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, method, 0, _DOS_DATE, crc, length, size,
                                     len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += _LOCAL.size + len(name) + length
    directory = b"".join(central)
    out += (directory, _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))
    return b"".join(out)


_CELLS, _CELLS_END = b"<sheetData>", b"</sheetData>"
#: What python-calamine's search for merged cells stops at, finding none: an empty ``mergeCells`` element, whose
#: attribute, nine letters from ` to o that no reader looks at, ``_no_merges`` fills in.
_MARK_START, _MARK_END, _FREE = b'<mergeCells x="', b'"></mergeCells>', 9
_LETTERS = bytes.maketrans(b"0123456789abcdef", b"`abcdefghijklmno")  # a hex digit -> the letter with its 4 low bits


def _no_merges(before: bytes) -> bytes:
    """The empty ``mergeCells`` element put after ``before`` (the start of a sheet), its attribute chosen so that the
    CRC-32 of ``before`` and the element is that of ``before`` alone: the CRC of the whole sheet, whose cells follow
    unchanged, is then the one the quick pass checked, and the sheet is not read once more to work it out. CRC-32
    is linear: each free bit of the attribute flips a known set of the CRC's bits, so the bits to flip are looked
    up (``_FLIPS``), not searched for."""
    crc = deflate.crc32(before)
    wrong, bits = deflate.crc32(_MARK_START + b"`" * _FREE + _MARK_END, crc) ^ crc, 0
    for shift, flips in _FLIPS:
        bits ^= flips[wrong >> shift & 15]
    return _MARK_START + (b"%0*x" % (_FREE, bits)).translate(_LETTERS) + _MARK_END


def _solve() -> list[int]:
    """For each bit of a CRC-32, the free bits of the attribute (the low 4 bits of each of its letters, the last
    letter's first) that flip it alone, by Gaussian elimination over GF(2)."""
    length = len(_MARK_START) + _FREE + len(_MARK_END)
    zeros, pivots = deflate.crc32(bytes(length)), {}
    for free in range(4 * _FREE):
        flipped = bytearray(length)
        flipped[len(_MARK_START) + _FREE - 1 - free // 4] = 1 << free % 4
        effect, bits = deflate.crc32(flipped) ^ zeros, 1 << free  # the same change flips the same bits, whatever precedes
        for pivot, (e, b) in pivots.items():
            if effect >> pivot & 1:
                effect, bits = effect ^ e, bits ^ b
        if effect:
            pivot = effect.bit_length() - 1
            for other, (e, b) in pivots.items():
                if e >> pivot & 1:
                    pivots[other] = e ^ effect, b ^ bits
            pivots[pivot] = effect, bits
    assert len(pivots) == 32 and all(e == 1 << p for p, (e, _) in pivots.items())
    return [pivots[p][1] for p in range(32)]


#: ``_solve()``, written out (0.5 ms of Python at each start otherwise); tests/backends/test_xlsx_image.py checks it.
_SOLVED = (
    0x2642d331a, 0x609819663, 0x205b658ee, 0x2031f9b70, 0x62ea26ac2, 0x02b77c3c5, 0x66670ded5,
    0x424740e92, 0x44dda51a2, 0x228bd1699, 0x4405fba62, 0x02031f9b7, 0x220e59107, 0x003019917,
    0x067d1e8c6, 0x20048f742, 0x206d212b1, 0x601365c05, 0x2060a4c0d, 0x241ba4d1b, 0x261b70b90,
    0x243894b11, 0x24feef458, 0x2620b38df, 0x02a47997f, 0x061a580eb, 0x6084174d3, 0x445a99e16,
    0x0261b70b9, 0x02e122ce5, 0x60d69da7d, 0x44c0ed435,
)


def _flips(solved) -> tuple:
    """For each 4 bits of a CRC-32 (by their shift), the free bits that flip each of their 16 values."""
    tables = []
    for shift in range(0, 32, 4):
        table = [0] * 16
        for value in range(1, 16):
            low = value & -value
            table[value] = table[value ^ low] ^ solved[shift + low.bit_length() - 1]
        tables.append((shift, table))
    return tuple(tables)


_FLIPS = _flips(_SOLVED)


def _cells_first(xml: bytes, cut: tuple[int, int, bytes, bytes] | None) -> tuple | None:
    """The sheet's XML in three pieces, an empty ``mergeCells`` element before its cells, or None to leave it as
    it is: a sheet with merged cells (or the word anywhere), with its cells named otherwise or closed twice, or
    whose tail after the cells ``_clean`` does not vouch for (what calamine's search read there, it now skips)."""
    if cut is None:
        return None
    start, end, head, tail = cut
    end -= len(_CELLS_END)
    if xml.find(b"sheetData", start + len(_CELLS)) != end + 2 or xml.find(b"mergeCell", start, end) >= 0:
        return None
    mark = _MARKS.get(head)
    if mark is None:
        mark = b"" if b"mergeCell" in head else _no_merges(head)
        remember(_MARKS, head, mark, _REMEMBERED)
    if not mark:
        return None
    clean = _CLEAN_TAILS.get(tail)
    if clean is None:
        clean = b"mergeCell" not in tail and _clean(tail)
        remember(_CLEAN_TAILS, tail, clean, _REMEMBERED)
    if not clean:
        return None
    return head, mark, memoryview(xml)[start:]


#: Tails judged, by their bytes: plans made from one template end their sheets alike.
_CLEAN_TAILS: dict[bytes, bool] = {}
#: The mark put after each sheet start met (b"": one naming merged cells), by its bytes: plans made from one
#: template start their sheets alike, but for the extent (``dimension``) of their cells.
_MARKS: dict[bytes, bytes] = {}
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
