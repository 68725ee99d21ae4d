"""Deflate and CRC-32 where a sync spends on them (every sheet of every plan inflated and checked, the roll-up's
blocks of rows compressed, each plan's summary stored): ISA-L's (the ``isal`` package) when it imports, else
zlib's. ISA-L inflates a plan's sheets 1.7x faster than zlib (CPU time), takes CRCs 3x and compresses the roll-up's
rows 3-5x faster. What is inflated is the same either way; what is compressed may differ in its bytes, never in
what it inflates to, and any deflate reader reads both.

A corrupt or truncated stream raises ``zlib.error`` from either, so callers catch one exception.
"""

from __future__ import annotations

import zlib

try:
    from isal import isal_zlib as _lib

    _ERROR: type[Exception] = _lib.error
except ImportError:  # a platform without its wheel: zlib does the same work, slower
    _lib = zlib
    _ERROR = zlib.error

error = zlib.error
crc32 = _lib.crc32
#: zlib's level 1 (its fastest that compresses); ISA-L's 1 of 0-3 is 5x faster on the roll-up's rows and 3% smaller
#: (its 0, 7x faster, is 13% larger than zlib's 1).
FAST = 1
_RAW = -15  # wbits of a raw deflate stream (no header, no check value): a zip part's data


def inflate(raw: bytes, size: int) -> bytes:
    """A whole raw deflate stream inflated, into a buffer of ``size`` (what it is expected to give, a hint)."""
    try:
        return _lib.decompress(raw, _RAW, size or 1)
    except _ERROR as exc:
        raise error(str(exc)) from None


def inflate_start(raw: bytes, limit: int = 0) -> bytes:
    """What the start of a raw deflate stream inflates to, its first ``limit`` bytes when ``limit`` is given: a part
    looked at only in its head, or a run of blocks that does not end the stream (``deflate_block``)."""
    try:
        return _lib.decompressobj(_RAW).decompress(raw, limit)
    except _ERROR as exc:
        raise error(str(exc)) from None


def deflate_block(text: bytes) -> bytes:
    """``text`` as raw deflate that does not end the stream and ends on a byte boundary (a sync flush): such
    blocks, one after another, then an empty last block, make one stream."""
    compressor = _lib.compressobj(FAST, _lib.DEFLATED, _RAW)
    return compressor.compress(text) + compressor.flush(_lib.Z_SYNC_FLUSH)


def deflate(text: bytes) -> bytes:
    """``text`` as a whole raw deflate stream (a zip part's data)."""
    compressor = _lib.compressobj(FAST, _lib.DEFLATED, _RAW)
    return compressor.compress(text) + compressor.flush()


def compress(data: bytes) -> bytes:
    """``data`` in zlib's format (its header, then deflate, then an Adler-32): what ``zlib.decompress`` reads."""
    return _lib.compress(data, FAST)


def decompress(data: bytes) -> bytes:
    """What ``compress`` (or ``zlib.compress``) made, back."""
    try:
        return _lib.decompress(data)
    except _ERROR as exc:
        raise error(str(exc)) from None
