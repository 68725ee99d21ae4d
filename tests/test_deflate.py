"""mapsheet.deflate with each of its two engines (ISA-L's, and zlib's where isal is not installed), through the
same public functions: what each compresses inflates with plain zlib to the same text (and with the other
engine), a roll-up's blocks from either make one stream, and a corrupt or truncated stream raises zlib.error."""

from __future__ import annotations

import importlib.util
import os
import random
import sys
import zlib

import pytest

import mapsheet.deflate


def _load(without_isal: bool):
    """A fresh copy of the module, loaded with isal importable or not."""
    saved = {name: sys.modules.get(name) for name in ("isal", "isal.isal_zlib")}
    if without_isal:
        sys.modules.update(dict.fromkeys(saved))  # None in sys.modules: ``import`` raises ImportError
    try:
        spec = importlib.util.spec_from_file_location(f"deflate_{without_isal}", mapsheet.deflate.__file__)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        for name, value in saved.items():
            if value is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value


ISAL, ZLIB = _load(False), _load(True)
ENGINES = pytest.mark.parametrize("engine", [ISAL, ZLIB], ids=["isal", "zlib"])


def _text(rows: int, seed: int = 1) -> bytes:
    """Sheet-like XML, as repetitive as a roll-up's rows, with some noise."""
    rng = random.Random(seed)
    return b"".join(b'<row><c s="%d" t="inlineStr"><is><t>%s</t></is></c><c><v>%d</v></c></row>'
                    % (rng.randrange(40), rng.choice([b"Kick-off", b"Security review", b"Pilot", os.urandom(6).hex().encode()]),
                       rng.randrange(10 ** 6)) for _ in range(rows))


def test_each_engine_is_the_one_expected():
    assert ISAL._lib.__name__ == "isal.isal_zlib" and ZLIB._lib is zlib
    assert mapsheet.deflate._lib is ISAL._lib  # installed, it is the one used


@ENGINES
def test_what_is_compressed_inflates_to_the_same_text_with_zlib_and_with_either_engine(engine):
    text = _text(3000)
    raw = engine.deflate(text)
    assert zlib.decompress(raw, -15) == text
    assert ISAL.inflate(raw, len(text)) == ZLIB.inflate(raw, len(text)) == text
    assert ISAL.inflate(raw, 1) == text  # the size is a hint for the buffer, not a limit
    stored = engine.compress(text)
    assert zlib.decompress(stored) == ISAL.decompress(stored) == ZLIB.decompress(stored) == text
    assert engine.decompress(zlib.compress(text, 1)) == text


@ENGINES
def test_the_head_of_a_part_is_its_first_bytes(engine):
    text = _text(3000)
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = raw.compress(text) + raw.flush()
    assert engine.inflate_start(raw, 4096) == text[:4096]
    assert engine.inflate_start(raw) == text


@ENGINES
def test_blocks_from_either_engine_make_one_stream(engine):
    """A roll-up's sheet: blocks compressed apart (some kept from a sync by the other engine), one after another,
    then an empty last block; each block alone inflates to its text (a kept block read again)."""
    texts = [_text(n, seed=n) for n in (1, 64, 250, 0, 90)]
    other = ZLIB if engine is ISAL else ISAL
    blocks = [(engine if i % 2 else other).deflate_block(t) for i, t in enumerate(texts)]
    stream = b"".join(blocks) + b"\x03\x00"
    assert zlib.decompress(stream, -15) == b"".join(texts)
    assert engine.inflate(stream, 10) == b"".join(texts)
    for block, text in zip(blocks, texts):
        assert engine.inflate_start(block) == text


@ENGINES
def test_crc32_is_zlibs(engine):
    text = _text(500)
    assert engine.crc32(text) == zlib.crc32(text)
    assert engine.crc32(text[100:], engine.crc32(text[:100])) == zlib.crc32(text)
    assert engine.crc32(bytearray(b"abc")) == zlib.crc32(b"abc") and engine.crc32(b"") == 0


@ENGINES
@pytest.mark.parametrize("damage", ["bad block type", "truncated", "garbage"])
def test_a_corrupt_stream_raises_zlib_error(engine, damage):
    text = _text(3000)
    raw = zlib.compress(text, 6)[2:-4]  # raw deflate
    bad = {"bad block type": b"\xff" + raw[1:], "truncated": raw[:len(raw) // 2], "garbage": os.urandom(64)}[damage]
    if damage == "garbage":
        bad = b"\x06" + bad  # a last block of a reserved type: no engine reads past it
    with pytest.raises(zlib.error):
        engine.inflate(bad, len(text))
    if damage != "truncated":  # a truncated start is what inflate_start is for
        with pytest.raises(zlib.error):
            engine.inflate_start(bad, 4096)
    with pytest.raises(zlib.error):
        engine.decompress(b"x\x01" + bad)
