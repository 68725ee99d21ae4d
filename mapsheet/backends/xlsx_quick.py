"""The cheap proof that a workbook file is clean: what ``sniff`` and ``xlsx_guard.inspect`` establish, from one
read of the file, with C-speed tests only.

``quick_package`` answers the guard's question for the common case, a healthy .xlsx: it returns the
``Package`` that ``inspect`` would, and only when ``sniff`` and ``inspect`` would both pass on the file.
Anything it cannot prove cheaply (a bad magic number, a part that fails its CRC, a cell far down the sheet,
an error value, a UTF-16 part...) makes it return None, and the reader runs the full diagnosis, whose
sentence names the file, the sheet and the cell. So it may refuse what the guard accepts (costing only the
full pass), never accept what the guard refuses. It keeps the guard's order of work: the central directory's
limits (sizes, ratios, parts, encryption) are read before any part is inflated.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zlib
from pathlib import Path
from typing import Iterable

from .. import deflate
from ..errors import UnreadableWorkbook
from ..memo import remember
from .xlsx_guard import _DOCTYPE, Limits, Package, _check_directory, _scan_sheet, sheet_parts
from .xlsx_image import frame, unpacked

_ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_HEAD = 4096  # how much of each XML part the guard looks at for a document type definition
#: A cell not opened as ``<c r="`` and a reference of one capital letter and at most three digits: without one,
#: every cell of the sheet lies within A1:Z999, far inside any sensible limit, and the guard's cell-by-cell scan has
#: nothing to find. Every cell, whatever its reference: one written otherwise (``r='XFD1048576'``, ``r = "..."``,
#: lower case, after another attribute, none) is legal XML that python-calamine reads, so it is never vouched
#: for here. (A search stops at each ``<c``, fewer places than the ``r="`` of rows and cells.)
_FAR_CELL = re.compile(rb'<c\b(?! r="[A-Z][0-9]{1,3}")')
_ERROR_CELL = b't="e"'
_NEAR_ROWS, _NEAR_CELLS = 999, 999 * 26
_UTF16 = re.compile(rb'<\?xml[^>]*encoding="UTF-16', re.IGNORECASE)
_PLAIN_FLAGS = 0x2 | 0x4 | 0x8 | 0x800  # compression level hints, a data descriptor, UTF-8 names
_STORED, _DEFLATED = 0, 8  # zipfile.ZIP_STORED, ZIP_DEFLATED (zipfile is not imported to read a plan)
_METHODS = (_STORED, _DEFLATED)


class _NotProven(Exception):
    """Something the quick pass cannot vouch for: the full diagnosis decides."""


#: Whether a path's text may be taken as ``Path`` would show it (``name_and_suffix``): POSIX separators only.
_POSIX_NAMES = os.sep == "/" and os.altsep is None


def name_and_suffix(path: str | os.PathLike) -> tuple[str, str]:
    """The file's name as ``str(Path(path))`` gives it (what messages and the grid name it by) and its suffix, lower
    case; worked out from the text without making a ``Path`` when it is in that form already: a POSIX path with no
    empty or "." part, as a sync's are."""
    if (type(path) is str and _POSIX_NAMES and path and path[-1] != "/" and "//" not in path and "/./" not in path
            and not path.startswith("./") and not path.endswith("/.") and path != "."):
        name = path[path.rfind("/") + 1:]
        dot = name.rfind(".")
        return path, name[dot:].lower() if 0 < dot < len(name) - 1 else ""
    path = Path(path)
    return str(path), path.suffix.lower()


def quick_package(path: str | os.PathLike, suffixes: tuple[str, ...], limits: Limits,
                  skip: Iterable[str]) -> Package | None:
    """The guard's ``Package`` for a clean workbook, or None when the full ``sniff`` + ``inspect`` must run."""
    try:
        return _prove(*name_and_suffix(path), suffixes, limits, frozenset(skip))
    except (_NotProven, UnreadableWorkbook, OSError, EOFError, ValueError, RuntimeError,
            LookupError, struct.error, zlib.error, NotImplementedError):
        return None


def _prove(path: str, suffix: str, suffixes: tuple[str, ...], limits: Limits, skip: frozenset[str]) -> Package:
    if suffix not in suffixes:
        raise _NotProven
    status = os.stat(path)  # a missing file or a dangling link: OSError, and the diagnosis says which
    if not stat.S_ISREG(status.st_mode) or not status.st_size:
        raise _NotProven
    data = _read(path, status.st_size)
    if not data.startswith(_ZIP_MAGIC):
        raise _NotProven
    infos, directory = _directory(data)
    names = {info.filename: info for info in infos}
    if len(names) != len(infos) or "mimetype" in names or "xl/workbook.xml" not in names:
        raise _NotProven
    _check_directory(path, infos, limits)  # before anything is inflated
    _stored(data, infos, directory)
    parts = _sheet_parts(path, names)
    read = {part for name, part in parts.items() if name not in skip}
    if not read <= names.keys():
        raise _NotProven
    inflated = {part: _inflate(names[part].raw, names[part], None) for part in read}
    opened = {}
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            whole = inflated.get(info.filename)
            if whole is not None:
                _clean_head(whole)
                continue
            seen = (info.raw, info.compress_type, info.file_size, info.CRC)
            if info.filename in _OPENED and info.file_size <= _OPENED_MAX:
                whole = _OPENED_PARTS.get(seen)
                if whole is None:
                    whole = _inflate(info.raw, info, None)
                    _clean_head(whole)
                    remember(_OPENED_PARTS, seen, whole, 256)
                opened[info.filename] = whole
            elif seen not in _CLEAN_HEADS:  # a part met before (a theme) was inflated and looked at then
                _clean_head(_inflate(info.raw, info, _HEAD))
                remember(_CLEAN_HEADS, seen, True, _REMEMBERED)
    errors, frames = {}, {}
    for name, part in parts.items():
        if name not in skip:
            xml = inflated[part]
            cut = frames[part] = frame(xml)
            errors[name] = _errors(path, name, xml, cut, limits)
    return Package(parts, errors, unpacked=unpacked(infos, inflated, opened, frames))


def _read(path: str, size: int) -> bytes:
    """The file's bytes in one system call (``Path.read_bytes`` makes a buffered file object and reads twice), when
    it holds the ``size`` bytes its status gave: one changed since is left to the full diagnosis."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))  # no newline translation on Windows
    try:
        data = os.read(fd, size + 1)
    finally:
        os.close(fd)
    if len(data) != size:
        raise _NotProven
    return data


#: What was proven of parts met before, by their exact bytes: plans made from one template share their theme,
#: styles, relationships and tab list, and a sync meets them a thousand times.
_CLEAN_HEADS: dict[tuple, bool] = {}
#: The parts calamine reads whenever it opens a workbook (its styles above all): kept inflated, by their exact
#: stored bytes, so that the image hands them over stored and calamine does not inflate them at each plan.
_OPENED = frozenset({"_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "xl/styles.xml"})
_OPENED_MAX = 64 << 10
_OPENED_PARTS: dict[tuple, bytes] = {}
_SHEET_PARTS: dict[tuple[bytes, bytes], dict[str, str]] = {}
_REMEMBERED = 4096


def _clean_head(xml: bytes) -> None:
    """Refuses a part whose first ``_HEAD`` bytes are UTF-16 or declare a document type (looked at in place: a
    sheet is not copied for it). A declaration starts ``<!``: the rare ``!`` alone is looked for first (a search for
    one byte, far cheaper than one for two)."""
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff") or (xml.find(b"!", 0, _HEAD) >= 0 and _DOCTYPE.search(xml, 0, _HEAD)):
        raise _NotProven


def _sheet_parts(path: str, names: dict[str, "Entry"]) -> dict[str, str]:
    """``xlsx_guard.sheet_parts``, worked out once for each (workbook part, its relationships) met, known by
    their stored bytes (what they inflate to is checked against their CRCs the first time)."""
    key = tuple((info.raw, info.compress_type, info.file_size, info.CRC) if info else None
                for info in (names.get("xl/workbook.xml"), names.get("xl/_rels/workbook.xml.rels")))
    parts = _SHEET_PARTS.get(key)
    if parts is None:
        parts = sheet_parts(path, _Parts(names))
        remember(_SHEET_PARTS, key, parts, _REMEMBERED)
    return dict(parts)


class _Parts:
    """The package's parts by name, read as ``zipfile.ZipFile.read`` reads them (KeyError for a missing one)."""

    def __init__(self, names: dict[str, "Entry"]):
        self.names = names

    def read(self, name: str) -> bytes:
        info = self.names[name]
        return _inflate(info.raw, info, None)


def _errors(path: str, name: str, xml: bytes, cut: tuple | None, limits: Limits) -> dict[tuple[int, int], str]:
    """The sheet's error cells, as the guard's scan finds them; its scan runs only where it may find something."""
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff") or _UTF16.match(xml):
        raise _NotProven
    if limits.max_rows >= _NEAR_ROWS and limits.max_cells >= _NEAR_CELLS and _plain(xml, cut):
        return {}
    errors, far = _scan_sheet(path, name, xml, limits)  # raises (and the diagnosis repeats it) past a limit
    if far is not None:  # values far below the content: the full inspection plans their trimmed reading
        raise _NotProven
    return errors


def _plain(xml: bytes, cut: tuple | None) -> bool:
    """Whether no cell reference of the sheet lies outside A1:Z999 and no cell holds an error value. Its cells are
    searched; what comes before and after them (columns, views, validations, page set-up), alike in plans made
    from one template, is judged once by its bytes. Neither pattern holds a ``<`` or ``>``, so none is found
    across those bounds that a search of the whole sheet would find. ``cut``: the sheet's ``xlsx_image.frame``."""
    if cut is None:
        return _nothing_in(xml, 0, len(xml))
    start, end, head, tail = cut
    return _nothing_in(xml, start, end) and _plain_end(head) and _plain_end(tail)


def _nothing_in(xml: bytes, start: int, end: int) -> bool:
    return xml.find(_ERROR_CELL, start, end) < 0 and not _FAR_CELL.search(xml, start, end)


def _plain_end(xml: bytes) -> bool:
    plain = _PLAIN_ENDS.get(xml)
    if plain is None:
        plain = _nothing_in(xml, 0, len(xml))
        remember(_PLAIN_ENDS, xml, plain, 1024)  # a few kB each
    return plain


_PLAIN_ENDS: dict[bytes, bool] = {}


class Entry:
    """One part of the package as its central directory entry says, and its stored bytes (``raw``): what
    ``zipfile.ZipInfo`` holds, for a plain zip (``_directory``)."""

    __slots__ = ("filename", "name", "flag_bits", "compress_type", "CRC", "compress_size", "file_size",
                 "header_offset", "raw")

    def __init__(self, filename: str, name: bytes, fields: tuple):
        self.filename, self.name, self.raw = filename, name, b""
        (self.flag_bits, self.compress_type, self.CRC, self.compress_size, self.file_size,
         self.header_offset) = fields


_END = struct.Struct("<4s4H2LH")  # end of central directory: disks, entries, its size and offset, comment length
_CENTRAL = struct.Struct("<4s2x3H4x3L4H6xL")  # an entry: version needed, flags, method, CRC, sizes, lengths, offset
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64, _AES = 0x0001, 0x9901


def _directory(data: bytes) -> tuple[list[Entry], int]:
    """The package's entries and where its central directory starts, read from its central directory as ``zipfile`` reads them, for a plain zip only:
    no comment, nothing before or after the archive, one disk, no zip64, no encryption, stored or deflated
    parts, distinct names. Anything else is left to ``zipfile`` and the full diagnosis."""
    end = len(data) - _END.size
    signature, disk, disk_of_directory, here, total, size, offset, comment = _END.unpack_from(data, end)
    if (signature != b"PK\x05\x06" or disk or disk_of_directory or here != total or comment or offset + size != end
            or data[end - 20:end - 16] == _ZIP64_LOCATOR):
        raise _NotProven
    entries, at = [], offset
    for _ in range(total):
        (signature, version, flags, method, crc, compressed, size, name_len, extra_len, comment_len, disk,
         local) = _CENTRAL.unpack_from(data, at)
        start = at + _CENTRAL.size
        at = start + name_len + extra_len + comment_len
        if (signature != b"PK\x01\x02" or version > 45 or flags & ~_PLAIN_FLAGS or method not in _METHODS or disk
                or at > end or 0xFFFFFFFF in (compressed, size, local)):
            raise _NotProven
        if extra_len:
            _extra(data[start + name_len:start + name_len + extra_len])
        name = data[start:start + name_len]
        filename = name.decode("utf-8" if flags & 0x800 or name.isascii() else "cp437")  # ASCII reads alike in both
        if "\0" in filename:
            raise _NotProven
        entries.append(Entry(filename, name, (flags, method, crc, compressed, size, local)))
    if at != end:
        raise _NotProven
    return entries, offset


def _extra(extra: bytes) -> None:
    """An entry's extra field, as ``zipfile`` reads it: none of its blocks may be zip64 or AES, or cut off."""
    while len(extra) >= 4:
        kind, length = struct.unpack_from("<HH", extra)
        if length + 4 > len(extra) or kind in (_ZIP64, _AES):
            raise _NotProven
        extra = extra[length + 4:]


def _stored(data: bytes, entries: list[Entry], bound: int) -> None:
    """Each entry's stored bytes found behind its local header, checked as ``zipfile`` checks it; no two parts
    overlap, and none runs into the central directory."""
    for info in sorted(entries, key=lambda e: e.header_offset, reverse=True):
        offset = info.header_offset
        header = _LOCAL_HEADER.unpack_from(data, offset)
        name_len, extra_len = header[10], header[11]
        start = offset + _LOCAL_HEADER.size
        if header[0] != _ZIP_MAGIC or data[start:start + name_len] != info.name or (header[3] ^ info.flag_bits) & 0x800:
            raise _NotProven
        start += name_len + extra_len
        end = start + info.compress_size
        if end > bound:
            raise _NotProven
        info.raw, bound = data[start:end], offset


def _inflate(raw: bytes, info: Entry, limit: int | None) -> bytes:
    """A part's bytes (its first ``limit`` bytes at least, when given), with the CRC of a part read to its end
    checked as zipfile checks it."""
    if info.compress_type == _STORED:
        out = raw
    elif info.compress_type != _DEFLATED:
        raise _NotProven
    elif limit is not None and info.file_size > 2 * limit:
        head = deflate.inflate_start(raw, limit)
        if len(head) < limit:  # shorter than the directory says: damaged
            raise _NotProven
        return head
    else:  # into a buffer of the size the directory gives (bounded by ``_check_directory``): no regrowing
        out = deflate.inflate(raw, info.file_size)
    if len(out) != info.file_size or deflate.crc32(out) != info.CRC:
        raise _NotProven
    return out
