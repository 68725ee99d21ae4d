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

import io
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Iterable

from ..errors import UnreadableWorkbook
from .xlsx_guard import _DOCTYPE, Limits, Package, _check_directory, _scan_sheet, sheet_parts

_ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_HEAD = 4096  # how much of each XML part the guard looks at for a document type definition
#: Any cell reference with two letters or four digits: without one, every cell of the sheet lies within
#: A1:Z999, far inside any sensible limit, and the guard's cell-by-cell scan has nothing to find.
_FAR_CELL = re.compile(rb'r="(?:[A-Z]{2}|[A-Z][0-9]{4})')
_NEAR_ROWS, _NEAR_CELLS = 999, 999 * 26
_UTF16 = re.compile(rb'<\?xml[^>]*encoding="UTF-16', re.IGNORECASE)
_PLAIN_FLAGS = 0x2 | 0x4 | 0x8 | 0x800  # compression level hints, a data descriptor, UTF-8 names


class _NotProven(Exception):
    """Something the quick pass cannot vouch for: the full diagnosis decides."""


def quick_package(path: Path, suffixes: tuple[str, ...], limits: Limits, skip: Iterable[str]) -> Package | None:
    """The guard's ``Package`` for a clean workbook, or None when the full ``sniff`` + ``inspect`` must run."""
    try:
        return _prove(path, suffixes, limits, frozenset(skip))
    except (_NotProven, UnreadableWorkbook, zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError,
            LookupError, struct.error, zlib.error, NotImplementedError):
        return None


def _prove(path: Path, suffixes: tuple[str, ...], limits: Limits, skip: frozenset[str]) -> Package:
    if path.suffix.lower() not in suffixes:
        raise _NotProven
    status = path.stat()  # a missing file or a dangling link: OSError, and the diagnosis says which
    if not stat.S_ISREG(status.st_mode) or not status.st_size:
        raise _NotProven
    data = path.read_bytes()
    if not data.startswith(_ZIP_MAGIC):
        raise _NotProven
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.NameToInfo
    if "mimetype" in names or "xl/workbook.xml" not in names:
        raise _NotProven
    infos = zf.infolist()
    _check_directory(path, infos, limits)  # before anything is inflated
    parts = _sheet_parts(path, _Parts(data, names))
    read = {part for name, part in parts.items() if name not in skip}
    if not read <= names.keys():
        raise _NotProven
    inflated = {part: _inflate(_raw(data, names[part]), names[part], None) for part in read}
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            whole = inflated.get(info.filename) if names.get(info.filename) is info else None
            if whole is not None:
                _clean_head(whole)
                continue
            raw = _raw(data, info)
            seen = (raw, info.compress_type, info.file_size, info.CRC)
            if seen not in _CLEAN_HEADS:  # a part met before (a theme, the styles) was inflated and looked at then
                _clean_head(_inflate(raw, info, _HEAD))
                _remember(_CLEAN_HEADS, seen, True)
    errors = {}
    for name, part in parts.items():
        if name not in skip:
            errors[name] = _errors(path, name, inflated[part], limits)
    return Package(parts, errors)


#: What was proven of parts met before, by their exact bytes: plans made from one template share their theme,
#: styles, relationships and tab list, and a sync meets them a thousand times.
_CLEAN_HEADS: dict[tuple, bool] = {}
_SHEET_PARTS: dict[tuple[bytes, bytes], dict[str, str]] = {}
_REMEMBERED = 4096


def _remember(cache: dict, key, value) -> None:
    if len(cache) >= _REMEMBERED:
        cache.clear()
    cache[key] = value


def _clean_head(xml: bytes) -> None:
    head = xml[:_HEAD]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (b"<!" in head and _DOCTYPE.search(head)):
        raise _NotProven


def _sheet_parts(path: Path, package: "_Parts") -> dict[str, str]:
    """``xlsx_guard.sheet_parts``, worked out once for each (workbook part, its relationships) met."""
    book, rels = package.read("xl/workbook.xml"), package.read("xl/_rels/workbook.xml.rels")
    parts = _SHEET_PARTS.get((book, rels))
    if parts is None:
        parts = sheet_parts(path, package)
        _remember(_SHEET_PARTS, (book, rels), parts)
    return dict(parts)


class _Parts:
    """The package's parts by name, read as ``zipfile.ZipFile.read`` reads them (KeyError for a missing one)."""

    def __init__(self, data: bytes, names: dict[str, zipfile.ZipInfo]):
        self.data, self.names = data, names

    def read(self, name: str) -> bytes:
        info = self.names[name]
        return _inflate(_raw(self.data, info), info, None)


def _errors(path: Path, name: str, xml: bytes, limits: Limits) -> dict[tuple[int, int], str]:
    """The sheet's error cells, as the guard's scan finds them; its scan runs only where it may find something."""
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff") or _UTF16.match(xml):
        raise _NotProven
    near = limits.max_rows >= _NEAR_ROWS and limits.max_cells >= _NEAR_CELLS and not _FAR_CELL.search(xml)
    if near and b't="e"' not in xml:
        return {}
    errors, far = _scan_sheet(path, name, xml, limits)  # raises (and the diagnosis repeats it) past a limit
    if far is not None:  # values far below the content: the full inspection plans their trimmed reading
        raise _NotProven
    return errors


def _raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A part's stored bytes, its local header checked as zipfile checks it."""
    offset = info.header_offset
    header = _LOCAL_HEADER.unpack_from(data, offset)
    if header[0] != _ZIP_MAGIC or info.flag_bits & ~_PLAIN_FLAGS:
        raise _NotProven
    name_len, extra_len = header[10], header[11]
    start = offset + _LOCAL_HEADER.size
    name = data[start:start + name_len].decode("utf-8" if header[3] & 0x800 else "cp437")
    if name != info.orig_filename:
        raise _NotProven
    start += name_len + extra_len
    end = start + info.compress_size
    bound = getattr(info, "_end_offset", None)  # newer Pythons refuse overlapping entries
    if end > len(data) or (bound is not None and end > bound):
        raise _NotProven
    return data[start:end]


def _inflate(raw: bytes, info: zipfile.ZipInfo, limit: int | None) -> bytes:
    """A part's bytes (its first ``limit`` bytes at least, when given), with the CRC of a part read to its end
    checked as zipfile checks it."""
    if info.compress_type == zipfile.ZIP_STORED:
        out = raw
    elif info.compress_type != zipfile.ZIP_DEFLATED:
        raise _NotProven
    elif limit is not None and info.file_size > 2 * limit:
        head = zlib.decompressobj(-15).decompress(raw, limit)
        if len(head) < limit:  # shorter than the directory says: damaged
            raise _NotProven
        return head
    else:
        out = zlib.decompress(raw, -15)
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        raise _NotProven
    return out
