"""The package python-calamine reads when the quick pass (``xlsx_quick``) has proven a workbook clean: rebuilt in
memory from what that pass already holds, so each sheet is inflated once, not twice.

The quick pass reads the whole file and inflates the sheets it must scan. Handed the file's path, calamine
would read it again and inflate those sheets again (and python-calamine inflates each one twice: once for its
values, once looking for merged cells). The image is the same package with those sheets stored uncompressed,
their bytes as inflated and checked against their CRCs, and every other part copied as it was compressed:
calamine reads the same bytes of every part, without inflating a sheet. If calamine fails on the image for
any reason, the reader reads the file itself, so every refusal is worded as before (``xlsx_read``).
"""

from __future__ import annotations

import struct
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
    """The package as a zip in memory: the inflated sheets stored, every other part as it was."""
    out, central, offset = [], [], 0
    for info in unpacked.entries:
        name, flags, size, crc = info.name, info.flag_bits & 0x800, info.file_size, info.CRC
        xml = unpacked.inflated.get(info.filename)
        method, body = (info.compress_type, info.raw) if xml is None else (0, xml)
        out += (_LOCAL.pack(b"PK\x03\x04", 20, flags, method, 0, _DOS_DATE, crc, len(body), size, len(name), 0), name,
                body)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, method, 0, _DOS_DATE, crc, len(body), size,
                                     len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += _LOCAL.size + len(name) + len(body)
    directory = b"".join(central)
    out += (directory, _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))
    return b"".join(out)
