"""The roll-up workbook with its detail sheets (Actions, Milestones, Risks: most of its size) put together from
blocks of rows that are kept, compressed, between syncs: a re-sync that changed a few plans compresses only
the blocks holding rows that changed.

How: every plan's detail rows are rendered once, where the plan is read (``xlsx_rows``), without row numbers,
so a row's text does not depend on where it lands. A sheet's rows, in the sheet's order, are cut into blocks
where a row's digest says so (about 64 rows a block, at most 256): the cuts depend on the rows themselves,
not on their positions, so a row added or removed changes its own block only. Each block is compressed on
its own into raw deflate ending on a byte boundary (``Z_SYNC_FLUSH``), and deflate streams so made can be
concatenated into one: a sheet's part in the zip is its head, its blocks and its tail, one after another,
with the part's CRC-32 combined from theirs. A block is known by a digest of its rows' digests and the
column formats it was written with; it is kept in the history (``History.blocks``) and used again when the
same rows come together again.

Everything else (the Dashboard and its charts, Deals, Overdue, Changes, Problems, the styles, each detail
sheet's caption, header, filter, print setup and conditional formats) is written by ``xlsx_rust.skeleton``
each time, laid out for the rows to come; this module only puts the rows in and the package together.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import struct
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Protocol
from zipfile import ZipFile

from .. import deflate
from ..safeio import Staged
from . import excel, xlsx_rust
from .digest import blake2b
from .tables import Rollup, Table, deal_row_rest
from .xlsx_rows import ROW_END, cut_rows, render, styled

#: The sheet laid out afresh at each sync whose rows are written by blocks too (the detail sheets' are rendered where
#: their plan is read): a row is known by a key made of its plan's stored light summary and the rest of what it is
#: made of (``keyed_rows``), and rendered only when no kept block holds it. Its links (to the plans) are written
#: here as rust_xlsxwriter writes them (``xlsx_rust.links``, ``_hyperlinks``): in the Rust writer, a thousand
#: links cost as much as the rest of the sheet's cells.
KEYED = "Deals"
KEYED_FORMAT = b"deals 1"  # part of every row's key: a change to how such a row is rendered must change it
AVERAGE_ROWS = 64  # a block ends after a row whose digest's first byte is a multiple of this
KEYED_ROWS = 16  # the same for the KEYED sheet: a Deals row is several detail rows long, and most of its blocks
# are made again when a few plans change (each changed row makes its block again): smaller blocks, less made
MAX_ROWS = 256
FORMAT = "blocks 1"  # how a block and its rows are kept: part of every block's key, so a change leaves old ones unused


class Block(NamedTuple):
    crc: int  # CRC-32 of its rows' text
    size: int  # length of its rows' text
    rows: bytes  # its rows' digests (8 bytes each), then their texts' lengths (4 bytes each, big-endian)
    data: bytes  # the rows' text as raw deflate, ending on a byte boundary


class Missing(Exception):
    """A row of an unchanged plan was in no kept block: its rows must be rendered again."""


class Unexpected(Exception):
    """The Rust writer's package is not as this module expects it: left to the Rust writer."""


class TooBig(Exception):
    """A part or the package past 4 GB, which needs Zip64: left to the Rust writer."""


class Texts(Protocol):
    """Rows' text by digest (``details.Spilled``)."""

    def texts(self, digests: list[bytes]) -> tuple[list, list[int]]: ...


class Written(NamedTuple):
    blocks: dict[bytes, Block]  # every block of this roll-up, by key: what the next sync may use
    styles: str  # the column formats the blocks were written with
    file: Staged | None = None  # the roll-up written beside its path, being flushed: ``file.replace()`` puts it there


def write_rollup(rollup: "Rollup | Skeleton", path: Path, order: dict[str, list[bytes]], xml: Texts,
                 kept: dict[bytes, Block], kept_styles: str, links: dict[str, list[tuple[int, int, str, str]]],
                 meanwhile: Callable[[], None] | None = None) -> Written | None:
    """Write the roll-up beside ``path``, to be put in place atomically by the caller (``Written.file``: its
    ``replace``, or ``discard``), with its detail sheets' rows ``order`` ({sheet: row digests, in order}); a row's
    text is in ``xml`` (rows read in this sync) or in a ``kept`` block (written with ``kept_styles``); ``links``:
    those of the ``KEYED`` sheet's rows (``keyed_links``). ``rollup`` may be its ``Skeleton`` being made meanwhile,
    and ``meanwhile`` is called before this process waits for it (not when it is made here). None (nothing
    written) when the Rust writer's package is not as expected or the workbook would need Zip64; raises Missing
    when a row is nowhere."""
    skeleton = rollup if isinstance(rollup, Skeleton) else Skeleton(lambda: rollup, apart=False)
    # While the skeleton is made apart: the blocks, with the formats the kept ones were made with (the same
    # unless the roll-up's layout changed; checked below, and made again if not).
    guess = _kept_formats(kept_styles) if skeleton.child is not None else None
    if guess is not None and not order.keys() <= guess.keys():  # kept by a version that wrote other sheets so
        guess = None
    try:
        early = _blocks(order, guess, xml, kept, kept_styles) if guess is not None else None
    except Missing:  # raised again below if the skeleton's formats do not find the row either
        early = None
    if meanwhile is not None and skeleton.child is not None:
        meanwhile()
    package = skeleton.package()
    if package is None:
        return None
    written = {}

    def write(tmp: Path) -> None:
        written["done"] = _assemble(package, tmp, order, xml, kept, kept_styles, early, links)

    try:
        file = Staged(path, write)
    except (TooBig, Unexpected):
        return None
    return written["done"]._replace(file=file)


class Skeleton:
    """The roll-up's package without its detail rows nor the ``KEYED`` sheet's (``xlsx_rust.skeleton``) and the rows
    of each of its sheets (``rows``), once made. Laid out
    (``make``) and made by a forked copy of this process (``forked``) while this one orders the rows and makes the
    blocks (the copy lays it out too: about 0.015 s of a re-sync that this process then neither spends nor waits
    for), or here (``apart`` False, a single core, or where it cannot fork)."""

    def __init__(self, make: Callable[[], Rollup], apart: bool = True):
        from . import forked

        self.make = make
        self.made: list = []
        self.rows: dict[str, int] = {}
        self.child = forked.start(lambda put: put(_skeleton(make()))) if apart and (os.cpu_count() or 1) > 1 else None

    def package(self) -> tuple[bytes, dict[str, bytes]] | None:
        """The skeleton (``xlsx_rust.skeleton``): the copy's, or made here when the copy did not give it."""
        if self.child is not None:
            self.made, self.child = self.child.results(), None
        if not self.made:
            self.made = [_skeleton(self.make())]
        package, self.rows = self.made[0]
        return package

    def close(self) -> None:
        """Stop the copy, if it still works (the caller failed before taking the skeleton)."""
        if self.child is not None:
            self.child.close()
            self.child = None


def _skeleton(rollup: Rollup) -> tuple[tuple[bytes, dict[str, bytes]] | None, dict[str, int]]:
    """The skeleton (the ``KEYED`` sheet without its rows) and each sheet's rows."""
    tables = [replace(table, rows=[]) if table.sheet == KEYED else table for table in rollup.tables]
    return (xlsx_rust.skeleton(replace(rollup, tables=tables)),
            {table.sheet: len(table.rows) for table in rollup.tables})


def keyed_links(table: Table) -> dict[str, list[tuple[int, int, str, str]]]:
    """The links of the ``KEYED`` sheet's rows (``table``, as the roll-up lays it out), which the skeleton leaves out
    with the rows (``xlsx_rust.links``): worked out by the process that writes the roll-up, while the skeleton is
    made apart (about 14 ms for 1,000 plans that the copy then does not spend)."""
    return {KEYED: xlsx_rust.links(table)}


def keyed_rows(table: Table, plans: list[dict], ids: dict[str, bytes], known: bytes, xml) -> list[bytes]:
    """The keys of the ``KEYED`` sheet's rows (``table``: the Deals sheet of ``plans``, in its order), each row not
    ``known`` (keys the last roll-up's blocks hold, 8 bytes each) rendered into ``xml`` (``details.Spilled``). A
    row's key is made of its plan's stored light summary's (``ids``: a stored light summary holds every value of
    its row but its link and its pushes, ``tables.deal_row_rest``); a plan without one, or every row of a sheet
    past Excel's links (where a row's link depends on its place), is rendered again."""
    keyable = len(table.rows) <= excel.MAX_LINKS
    keys: list[bytes | None] = []
    for s, row in zip(plans, table.rows):
        ident = ids.get(s["path"]) if keyable else None
        keys.append(None if ident is None else blake2b(
            KEYED_FORMAT + ident + deal_row_rest(row).encode("utf-8", "surrogatepass"), digest_size=8).digest())
    have = {known[at:at + 8] for at in range(0, len(known), 8)}
    new = [i for i, key in enumerate(keys) if key is None or key not in have]
    for at in range(0, len(new), _RENDERED):  # a few thousand rows at a time: 10,000 rows' cells at once are 40 MB
        some = new[at:at + _RENDERED]
        columns, shown = xlsx_rust.shown(replace(table, rows=[table.rows[i] for i in some]))
        digests, texts = render(columns, shown)
        for i, digest in zip(some, digests):
            if keys[i] is None:
                keys[i] = digest
        xml.add_rows([keys[i] for i in some], b"".join(texts), list(map(len, texts)))
    return keys


_RENDERED = 2048


def _kept_formats(kept_styles: str) -> dict[str, list[int]] | None:
    """The column formats the kept blocks were made with ({sheet: formats}), from their key (``_assemble``)."""
    if not kept_styles.startswith(FORMAT + " "):
        return None
    import ast

    try:
        return dict(ast.literal_eval(kept_styles[len(FORMAT) + 1:]))
    except (ValueError, SyntaxError, TypeError):
        return None


class _Made(NamedTuple):
    """The blocks of a roll-up's detail sheets, for the column formats ``styles``."""

    styles: dict[str, list[int]]
    key: str  # what the formats make of every block's key (kept as ``Written.styles``)
    cut: dict[str, list[tuple[bytes, list[bytes]]]]  # sheet -> its blocks: (key, row digests)
    made: dict[bytes, Block]  # the blocks not kept, made


def _blocks(order: dict[str, list[bytes]], styles: dict[str, list[int]], xml: Texts, kept: dict[bytes, Block],
            kept_styles: str) -> _Made:
    style_key = f"{FORMAT} {sorted(styles.items())!r}"
    kept = kept if style_key == kept_styles else {}
    cut = {sheet: [(blake2b(b"".join(digests) + style_key.encode(), digest_size=16).digest(), digests)
                   for digests in _cut(digests, _KEYED_ENDS if sheet == KEYED else _ENDS)]
           for sheet, digests in order.items()}
    wanted = {key for blocks in cut.values() for key, _ in blocks}
    rows = _Rows(xml, kept, [key for key in kept if key not in wanted])
    made = _new_blocks([(key, digests, styles[sheet]) for sheet, blocks in cut.items() for key, digests in blocks
                        if key not in kept], rows)
    return _Made(styles, style_key, cut, made)


def _assemble(package: tuple[bytes, dict[str, bytes]], target: Path, order: dict[str, list[bytes]],
              xml: Texts, kept: dict[bytes, Block], kept_styles: str, early: _Made | None = None,
              links: dict[str, list[tuple[int, int, str, str]]] | None = None) -> Written:
    """The package written to ``target``, its detail sheets' rows put in by blocks (``early``: made before the
    skeleton was there, used if made with its column formats), with the ``links`` of a sheet's rows
    (``xlsx_rust.links``)."""
    package, replaced = package
    src = ZipFile(io.BytesIO(package))
    parts = _sheet_parts(src)
    sheets = {parts[sheet]: sheet for sheet in order}
    styles = {sheet: _styles(src.read(parts[sheet])) for sheet in order}
    blocks = early if early is not None and early.styles == styles else _blocks(order, styles, xml, kept, kept_styles)
    kept = kept if blocks.key == kept_styles else {}
    used: dict[bytes, Block] = {}
    added: dict[str, bytes] = {}  # parts the skeleton has not: the relationships of a sheet's links
    with open(target, "wb") as out:
        zip_out = _Zip(out)
        for info in src.infolist():
            if info.filename in sheets:
                sheet = sheets[info.filename]
                head, tail = _split(src.read(info), len(order[sheet]))
                if (links or {}).get(sheet):
                    tail, added[_rels_part(info.filename)] = _linked(head, tail, links[sheet])
                chunks = [_block(head)]
                for key, _ in blocks.cut[sheet]:
                    used[key] = block = kept.get(key) or blocks.made[key]
                    chunks.append(block)
                chunks.append(_block(tail))
                zip_out.deflated(info.filename, chunks)
            elif info.filename == "xl/workbook.xml":
                zip_out.raw(info.filename, *_compressed(_names(src.read(info), order)))
            elif info.filename in replaced:
                zip_out.raw(info.filename, *_compressed(replaced[info.filename]))
            else:
                zip_out.copy(src, info)
        if added.keys() & set(src.namelist()):  # the sheet has relationships of its own
            raise Unexpected(", ".join(added))
        for name, part in added.items():
            zip_out.raw(name, *_compressed(part))
        zip_out.close()
    return Written(used, blocks.key)


def _rels_part(sheet_part: str) -> str:
    folder, name = sheet_part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">')
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_PRINT = re.compile(rb"<printOptions|<pageMargins|<pageSetup|<headerFooter|</worksheet>")


def _linked(head: bytes, tail: bytes, links: list[tuple[int, int, str, str]]) -> tuple[bytes, bytes]:
    """A sheet's tail with its links (``<hyperlinks>``, where the Rust writer puts it: before the print setup), and
    the relationships they name, as rust_xlsxwriter writes them (``Worksheet::write_hyperlink``)."""
    from ..grid import column_letter

    where = _PRINT.search(tail)
    if where is None or b'xmlns:r="' not in head:
        raise Unexpected("a sheet without its print setup, or without the relationships' namespace")
    refs, rels, letters = [], [], {}
    for n, (row, column, target, place) in enumerate(links, 1):
        letter = letters.get(column) or letters.setdefault(column, column_letter(column))
        location = f' location="{_attribute(place)}"' if place else ""
        refs.append(f'<hyperlink ref="{letter}{excel.HEADER_ROWS + 1 + row}" r:id="rId{n}"{location}/>')
        rels.append(f'<Relationship Id="rId{n}" Type="{_HYPERLINK}" Target="{_attribute(target)}" '
                    'TargetMode="External"/>')
    section = ("<hyperlinks>" + "".join(refs) + "</hyperlinks>").encode()
    return tail[:where.start()] + section + tail[where.start():], _RELS + "".join(rels).encode() + b"</Relationships>"


def _attribute(text: str) -> str:
    """Text as rust_xlsxwriter writes it in an attribute (``escape_attributes``)."""
    if "&" in text or '"' in text or "<" in text or ">" in text or "\n" in text:
        text = (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\n", "&#xA;"))
    return text


class _Rows:
    """Where a row's text comes from: this sync's reading, or a kept block that held it. The kept blocks this
    roll-up does not use again are looked in first (a row of an unchanged plan in a block made again was in
    one of those), the others only if it is not there."""

    def __init__(self, xml: Texts, kept: dict[bytes, Block], first: list[bytes]):
        self.xml = xml
        self.kept = kept
        looked = set(first)
        self.unindexed = [first, [key for key in kept if key not in looked]]
        self.index: dict[bytes, tuple[bytes, int, int]] = {}
        self.inflated: dict[bytes, bytes] = {}

    def texts(self, digests: list[bytes]) -> list:
        """The text of each of the rows ``digests``: those read in this sync found at once (``xml.texts``), the others
        in kept blocks."""
        found, missing = self.xml.texts(digests)
        for i in missing:
            found[i] = self._kept(digests[i])
        return found

    def _kept(self, digest: bytes) -> bytes:
        """The text of a row not read in this sync, from the kept block that holds it."""
        where = self.index.get(digest)
        while where is None and self.unindexed:
            self._index(self.unindexed.pop(0))
            where = self.index.get(digest)
        if where is None:
            raise Missing(digest.hex())
        key, at, length = where
        if key not in self.inflated:
            if len(self.inflated) >= 256:  # a bounded cache: blocks are about 40 KB of text each
                self.inflated.clear()
            self.inflated[key] = deflate.inflate_start(self.kept[key].data)
        return self.inflated[key][at:at + length]

    def _index(self, keys: list[bytes]) -> None:
        for key in keys:
            block = self.kept[key]
            n = len(block.rows) // 12
            lengths = struct.unpack(f">{n}I", block.rows[8 * n:])
            starts = itertools.accumulate(lengths, initial=0)
            self.index.update((block.rows[8 * i:8 * i + 8], (key, at, length))
                              for i, at, length in zip(range(n), starts, lengths))



#: New blocks from which the work is shared with a forked copy of this process (``_new_blocks``): a full sync of
#: 1,000 plans makes about 400, 0.25 s of CPU (their rows put together, styled and compressed) while the
#: reading processes have ended; a re-sync after a few edits makes a few dozen, cheaper than a fork.
SHARED = 128


def _new_blocks(new: list[tuple[bytes, list[bytes], list[int]]], rows: _Rows) -> dict[bytes, Block]:
    """The blocks ``new`` ((key, row digests, column formats)) made, by key: many, half of them in a forked copy of
    this process meanwhile (``forked``; where it cannot fork, or when the copy fails, all here)."""
    from . import forked

    cores = os.cpu_count() or 1
    child = forked.start(lambda put: put([_rows_block(*b[1:], rows) for b in new[len(new) // 2:]])) \
        if len(new) >= SHARED and cores > 1 else None
    mine = new[:len(new) // 2] if child is not None else new
    made = {key: _rows_block(digests, styles, rows) for key, digests, styles in mine}
    theirs = child.results() if child is not None else []
    rest = new[len(mine):]
    if theirs and len(theirs[0]) == len(rest):
        made.update(zip([key for key, _, _ in rest], theirs[0]))
    else:  # the copy died (a row in no kept block raises Missing here, as it did there)
        made.update((key, _rows_block(digests, styles, rows)) for key, digests, styles in rest)
    return made


def _rows_block(digests: list[bytes], styles: list[int], rows: _Rows) -> Block:
    text = styled(b"".join(rows.texts(digests)), styles)
    lengths = [len(p) + len(ROW_END) for p in cut_rows(text, len(digests))]
    return _block(text, b"".join(digests) + struct.pack(f">{len(lengths)}I", *lengths))


# 1 for a first byte of a digest that ends a block, else 0: a sheet's digests marked so at once (``_cut``).
_ENDS = bytes(int(b % AVERAGE_ROWS == 0) for b in range(256))
_KEYED_ENDS = bytes(int(b % KEYED_ROWS == 0) for b in range(256))


def _cut(digests: list[bytes], marks: bytes = _ENDS) -> Iterable[list[bytes]]:
    """The row digests (8 bytes each) cut into blocks: after a row whose digest's first byte says so, or after
    ``MAX_ROWS`` rows. The ends found by a search over the first bytes, not by a step per row (26,000 rows for
    1,000 plans)."""
    ends = b"".join(digests)[::8].translate(marks)
    start = 0
    while start < len(digests):
        end = ends.find(1, start, start + MAX_ROWS)
        end = min(len(digests), (end if end >= 0 else start + MAX_ROWS - 1) + 1)
        yield digests[start:end]
        start = end


def _block(text: bytes, rows: bytes = b"") -> Block:
    return Block(deflate.crc32(text), len(text), rows, deflate.deflate_block(text))


_FINAL = b"\x03\x00"  # an empty last block (fixed Huffman): ends the concatenated stream


def _compressed(text: bytes) -> tuple[bytes, int, int]:
    return deflate.deflate(text), deflate.crc32(text), len(text)


# -- the sheet part ----------------------------------------------------------------------------------------

_SHEET = re.compile(rb'<sheet name="([^"]*)" sheetId="\d+" r:id="(rId\d+)"/>')
_REL = re.compile(rb'<Relationship Id="(rId\d+)" Type="[^"]*/worksheet" Target="([^"]*)"/>')


def _sheet_parts(src: ZipFile) -> dict[str, str]:
    """{sheet name: its part} from the workbook and its relationships."""
    targets = dict(_REL.findall(src.read("xl/_rels/workbook.xml.rels")))
    names = {}
    for name, rid in _SHEET.findall(src.read("xl/workbook.xml")):
        text = name.decode().replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
        names[text] = "xl/" + targets[rid].decode().lstrip("/").removeprefix("xl/")
    return names


_COL = re.compile(rb'<col min="(\d+)" max="(\d+)"[^>]* style="(\d+)"')


def _styles(sheet: bytes) -> list[int]:
    """Each column's format number, as the Rust writer set it on the column."""
    out: dict[int, int] = {}
    for first, last, style in _COL.findall(sheet):
        for c in range(int(first), int(last) + 1):
            out[c - 1] = int(style)
    return [out[c] for c in range(len(out))]


_HEADER_END = re.compile(rb'<row r="2"[^>]*>.*?</row>', re.S)
_DIMENSION = re.compile(rb'<dimension ref="A1:([A-Z]+)2"/>')
_FILTER = re.compile(rb'<autoFilter ref="A2:([A-Z]+)3"/>')
_CONDITIONAL = re.compile(rb'<conditionalFormatting sqref="([A-Z]+)3">')


def _split(sheet: bytes, rows: int) -> tuple[bytes, bytes]:
    """The text of a sheet the Rust writer wrote without rows, before the rows (through the header row) and
    after them, laid out for ``rows`` rows as the Rust writer lays them out (``last``)."""
    header = _HEADER_END.search(sheet)
    end = sheet.index(b"</sheetData>")
    if header is None or header.end() > end:
        raise ValueError("the Rust writer's sheet has no header row where expected")
    head = _DIMENSION.sub(lambda m: b'<dimension ref="A1:%s%d"/>' % (m[1], 2 + rows), sheet[:header.end()], 1)
    tail = _FILTER.sub(lambda m: b'<autoFilter ref="A2:%s%d"/>' % (m[1], last(rows)), sheet[end:], 1)
    if rows > 1:
        tail = _CONDITIONAL.sub(lambda m: b'<conditionalFormatting sqref="%s3:%s%d">' % (m[1], m[1], 2 + rows), tail)
    return head, tail


def last(rows: int) -> int:
    """The last sheet row of a table's filter and print area (1-based): an empty table keeps one blank row."""
    return 2 + max(1, rows)


def _names(workbook: bytes, order: dict[str, list[bytes]]) -> bytes:
    """The workbook's filter and print-area names of the detail sheets, reaching their last row."""
    for sheet, rows in order.items():
        quoted = re.escape(sheet.encode()) if re.fullmatch(r"\w+", sheet) else re.escape(f"'{sheet}'".encode())
        workbook = re.sub(rb"(>" + quoted + rb"!\$A\$[12]:\$[A-Z]+\$)3(</definedName>)",
                          lambda m: m[1] + str(last(len(rows))).encode() + m[2], workbook)
    return workbook


# -- the zip -----------------------------------------------------------------------------------------------

_DOS_DATE = (1 << 5) | 1  # 1 Jan 1980, as the Rust writer dates its parts
_LIMIT = 0xFFFFFFFF


class _Zip:
    """A zip written in one pass, without Zip64 (a roll-up is far below 4 GB; above, TooBig)."""

    def __init__(self, out):
        self.out = out
        self.entries: list[bytes] = []

    def _entry(self, name: str, crc: int, compressed: int, size: int, method: int = 8) -> None:
        offset = self.out.tell()
        if max(offset, compressed, size) >= _LIMIT:
            raise TooBig(name)
        encoded = name.encode()
        self.out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, _DOS_DATE, crc, compressed, size,
                                   len(encoded), 0) + encoded)
        self.entries.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, _DOS_DATE, crc,
                                        compressed, size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)

    def raw(self, name: str, data: bytes, crc: int, size: int) -> None:
        self._entry(name, crc, len(data), size)
        self.out.write(data)

    def deflated(self, name: str, chunks: list[Block]) -> None:
        crc = 0
        for chunk in chunks:
            crc = _combine(crc, chunk.crc, chunk.size)
        self.raw(name, b"".join(c.data for c in chunks) + _FINAL, crc, sum(c.size for c in chunks))

    def copy(self, src: ZipFile, info) -> None:
        """A part of ``src`` as it is, still compressed."""
        src.fp.seek(info.header_offset)
        local = src.fp.read(30)
        skip = struct.unpack("<HH", local[26:30])
        src.fp.seek(info.header_offset + 30 + skip[0] + skip[1])
        self._entry(info.filename, info.CRC, info.compress_size, info.file_size, info.compress_type)
        self.out.write(src.fp.read(info.compress_size))

    def close(self) -> None:
        start = self.out.tell()
        directory = b"".join(self.entries)
        self.out.write(directory)
        n = len(self.entries)
        self.out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(directory), start, 0))


def _combine(crc: int, next_crc: int, length: int) -> int:
    """The CRC-32 of two texts one after the other, from their CRCs (the second's length): the first's CRC
    carried over ``length`` zero bytes, then the second's added. With the register's complement undone, carrying
    a CRC over zeros is linear in it (``~crc32(zeros, ~crc)``): zlib carries it over the zeros of the length's low
    bits (under 1 KB), and a table of the map over 2**k KB of zeros (``_LEVELS``) over those of each high bit set,
    instead of a pass over all of them (the detail sheets' megabytes of rows: 59M instructions of a re-sync)."""
    crc = ~zlib.crc32(_ZEROS[:length & (_LOW - 1)], crc ^ _MASK) & _MASK
    length //= _LOW
    if length.bit_length() > len(_LEVELS):
        _add_levels(length.bit_length())
    for tables in _LEVELS:
        if not length:
            break
        if length & 1:
            crc = _apply(tables, crc)
        length >>= 1
    return next_crc ^ crc


_MASK = 0xFFFFFFFF
_LOW = 1024  # zeros carried by zlib itself: cheaper than the table steps of these bits
_ZEROS = memoryview(bytes(_LOW))
#: Level k: the CRC register carried over 2**k times ``_LOW`` zero bytes, as four tables (one a byte of the
#: register: the map being linear, its values at a byte's 256 values give it whole). Each level is made from the
#: one below, applied to itself.
_LEVELS: list[tuple[list[int], ...]] = []


def _add_levels(count: int) -> None:
    while len(_LEVELS) < count:
        if _LEVELS:
            below = _LEVELS[-1]
            bits = [_apply(below, below[i // 8][1 << i % 8]) for i in range(32)]
        else:
            bits = [~zlib.crc32(_ZEROS, (1 << i) ^ _MASK) & _MASK for i in range(32)]
        _LEVELS.append(tuple(_table(bits[at:at + 8]) for at in range(0, 32, 8)))


def _apply(tables: tuple[list[int], ...], crc: int) -> int:
    t0, t1, t2, t3 = tables
    return t0[crc & 255] ^ t1[crc >> 8 & 255] ^ t2[crc >> 16 & 255] ^ t3[crc >> 24]


def _table(bits: list[int]) -> list[int]:
    """A linear map's value at each of a byte's 256 values, from its value at each of the byte's 8 bits (the
    values of the bits set, xor'ed)."""
    table = [0]
    for value in bits:
        table += [v ^ value for v in table]
    return table
