"""The detail sheets' rows (Actions, Milestones, Risks) of every plan of a sync, for a roll-up written by blocks
(``xlsx_blocks``): rendered where a plan is read (``xlsx_rows``), their order and digests kept in the history
beside the plan's summary, so a re-sync needs neither the summaries of unchanged plans nor their rows again.
"""

from __future__ import annotations

import marshal
import os
import struct
from array import array
from itertools import accumulate, chain, count
from operator import itemgetter
from typing import Iterable, NamedTuple

from ..memo import Memo
from . import changes, history, summary
from .tables import DETAILS


class Read(NamedTuple):
    """What reading one plan gives the main process."""

    summary: dict  # light (summary.light) when its rows were rendered
    blob: bytes  # the whole summary, stored (summary.dumps)
    light: bytes | None = None  # the light summary, stored (summary.dumps_light)
    texts: bytes | None = None  # its detail rows, rendered: their text one after another, in index order
    index: bytes | None = None  # their order and digests, stored
    #: the index as ``Details`` keeps it ({sheet: [packed key + digest, ...]}) and each row's length in ``texts``:
    #: made here with the index, so the main process need not take the index and the texts apart again
    kept: tuple[dict[str, list[bytes]], list[int]] | None = None
    #: its milestones as the history stores its state (``history.stored_milestones``), made with its rows: all the
    #: main process needs of them (its state), so they are handed over so and not as its summary's rows
    milestones: str | None = None

    def __reduce__(self):
        """Pickled (to the main process, which unpickles every plan's while the others are read) with its
        summary's rows as plain tuples (``summary.unnamed``): about a third less work each way; without its
        milestones' rows when it holds them as text (``milestones``): about half of what was left."""
        s = self.summary if self.milestones is None else self.summary | {"milestones": []}
        return _unpickled, (summary.unnamed(s), *self[1:])


def _unpickled(unnamed: dict, *rest) -> Read:
    return Read(summary.named(unnamed), *rest)


def read(s: dict, render: bool) -> Read:
    """A plan's summary as the main process takes it: serialised here, and with its rows rendered."""
    if not render:
        return Read(s, summary.dumps(s))
    from .xlsx_rows import rendered  # where plans are read: a re-sync with nothing changed renders none

    if s["error"]:
        return Read(s, summary.dumps(s), summary.dumps_light(s), b"", *_index({}))
    rows = rendered(s)
    texts = b"".join(chain.from_iterable(xml for _, _, xml in rows.values()))  # one bytes pickles far faster
    # Stored without milestones: a plan taken from the history keeps the state the last sync recorded.
    light = summary.light(s)
    return Read(light, *summary.dumps_read(s, light), texts, *_index(rows),
                milestones=history.stored_milestones(changes.milestones_of(s)))


_INDEX = b"rows 4\n"  # what a stored index starts with (the kinds before: JSON, compressed, packed by struct): another
# kind is read as none. Then the length of what follows, and its entries by sheet by marshal, Python's own format
# (stored with the Python version in the plan's context: ``run._contexts``): about 1 KB a plan, read back by one call
# (a re-sync reads 990: 4 ms, against 17-29 ms for the entries cut out of the struct-packed kind by a few calls a
# sheet, ``rows 3``).
_LENGTH = struct.Struct(">I")


def _index(rows: dict[str, tuple[list[tuple], list[bytes], list[bytes]]]) -> tuple[bytes, tuple]:
    """The rows' sort keys (``packed``) and digests (``xlsx_rows.rendered``), stored: {sheet: [entry, ...]}, an entry
    being a row's packed key followed by its digest; and ``Read.kept`` (those entries, and each row's length in its
    plan's rendered text)."""
    entries = {}
    for sheet, (orders, digests, _) in rows.items():
        # Keys of tuples as long as each other, of exact ints and texts (as packed takes them), packed a value at
        # a time (packed of a key is its values' packed one after another): each value is looked up, and none
        # equals a value of other types (as True equals 1). The same values (a plan's deal, a day, a count of
        # days) come back row after row, plan after plan, where whole keys seldom do.
        if set(map(type, orders)) <= {tuple} and len(set(map(len, orders))) == 1 \
                and set(map(type, chain.from_iterable(orders))) <= {int, str}:
            kept = list(map(b"".join, zip(*[map(_PACKED.__getitem__, values) for values in zip(*orders)], digests)))
        else:
            kept = list(map(bytes.__add__, map(packed, orders), digests))
        entries[sheet] = kept
    body = marshal.dumps(entries, 4)
    lengths = list(map(len, chain.from_iterable([xml for _, _, xml in rows.values()])))
    return _INDEX + _LENGTH.pack(len(body)) + body, (entries, lengths)


def _entries(index: bytes) -> dict[str, list[bytes]]:
    """{sheet: [packed key + digest, ...]} from a stored index; ValueError when it is not one of this kind (or not
    whole)."""
    at = len(_INDEX) + _LENGTH.size
    if not index.startswith(_INDEX) or len(index) < at or len(index) != at + _LENGTH.unpack_from(index, len(_INDEX))[0]:
        raise ValueError("not an index of this kind")
    try:
        out = marshal.loads(memoryview(index)[at:])
    except (EOFError, ValueError, TypeError):
        raise ValueError("an index that does not load") from None
    if type(out) is not dict or not set(map(type, out)) <= {str} or not set(map(type, out.values())) <= {list} \
            or not set(map(type, chain.from_iterable(out.values()))) <= {bytes} \
            or min(map(len, chain.from_iterable(out.values())), default=_DIGEST + 1) <= _DIGEST:
        raise ValueError("an index of another shape")
    return out


_DIGEST = 8  # the bytes of a row's digest, at the end of its entry
_KEY_OF = itemgetter(slice(None, -_DIGEST))  # an entry's packed key (without its digest)
_DIGEST_OF = itemgetter(slice(-_DIGEST, None))  # an entry's digest


def packed(order) -> bytes:
    """A row's sort key (a tuple or list of ints and texts: ``tables.Detail.order``) as bytes that sort as
    the key does, a few dozen bytes instead of a tuple's few hundred: an int as a tag and 8 bytes offset
    by 2**63, big-endian; a text as a tag and its UTF-8 (surrogates of file names kept, which sort in their
    place) with each NUL doubled as NUL 1 and ended by two NULs, so a text sorts before the longer texts
    it begins."""
    out = bytearray()
    for v in order:
        if type(v) is int:
            out += b"\x01" + (v + _OFFSET).to_bytes(8, "big")
        elif type(v) is str:
            out += b"\x02" + v.encode("utf-8", "surrogatepass").replace(b"\x00", b"\x00\x01") + b"\x00\x00"
        else:
            raise TypeError(f"a detail row's sort key holds a {type(v).__name__}: {order!r}")
    return bytes(out)


_OFFSET = 1 << 63
_PACKED = Memo(lambda value: packed((value,)), 4096)  # packed of each value of the sort keys met


class Spilled:
    """The text of rows rendered in this sync, kept in memory up to ``MEMORY`` bytes, the rest in a temporary
    file until their blocks are made: 10,000 plans' rows are about 170 MB of text, which a sync need not hold."""

    MEMORY = 16 << 20

    def __init__(self):
        import tempfile  # here, in the process that writes the roll-up: not where plans are read

        self.file = tempfile.TemporaryFile(buffering=0)
        self.at: dict[bytes, int] = {}  # digest -> its row's number
        # Where each row starts, and after the last where the text ends: row n is starts[n]:starts[n + 1] (a row's
        # number and an array of 8 bytes a row, not a number of its own made of where it starts and its length).
        self.starts = array("Q", [0])  # unsigned: stored without the argument parsing a signed item costs
        self.held = bytearray()  # the text after the first ``self.end`` bytes, not yet in the file
        self.end = 0

    def add(self, digest: bytes, xml: bytes) -> None:
        self.add_rows([digest], xml, [len(xml)])

    def add_rows(self, digests: Iterable[bytes], text: bytes, lengths: list[int]) -> None:
        """Rows one after another in ``text``, ``lengths`` bytes each, by digest: kept at once, by calls over all of
        them, not row by row (the main process receives a plan's rows so while the others are read). A row kept
        before is kept again: the same digest, the same text."""
        first = len(self.starts) - 1
        self.starts.extend(accumulate(lengths, initial=self.starts.pop()))
        self.at.update(zip(digests, count(first)))
        self.held += text
        if len(self.held) > self.MEMORY:
            self.file.write(self.held)  # unbuffered: all of it, or an error
            self.end += len(self.held)
            self.held.clear()

    def texts(self, digests: list[bytes]) -> tuple[list, list[int]]:
        """The text of each of the rows ``digests`` (a block's: one call, not two a row), as bytes or a copy of where
        it is held in memory; and the places of the digests not here (None in the first list)."""
        out, missing, held, end, starts = [], [], self.held, self.end, self.starts
        for i, row in enumerate(map(self.at.get, digests)):
            if row is None:
                missing.append(i)
                out.append(None)
                continue
            at, stop = starts[row] - end, starts[row + 1] - end
            out.append(held[at:stop] if at >= 0 else _read_at(self.file, at + end, stop - at))
        return out, missing

    def close(self) -> None:
        self.file.close()


def _read_at(file, at: int, length: int) -> bytes:
    if hasattr(os, "pread"):  # one call, where the system has it (not Windows)
        return os.pread(file.fileno(), length, at)
    file.seek(at)
    return file.read(length)


class Details:
    """Every plan's detail rows by plan key, each as its sort key packed (``packed``) followed by its digest,
    and the text of those rendered in this sync."""

    def __init__(self):
        self.rows: dict[str, dict[str, list[bytes]]] = {}
        self.xml = Spilled()
        self.rerendered: dict[str, Read] = {}  # plans whose rows were rendered again from their whole summary

    def add(self, key: str, texts: bytes, kept: tuple) -> None:
        """A plan's rows rendered in this sync: their ``texts`` and what ``read`` made of them (``Read.kept``: the
        index's entries and each row's length in ``texts``)."""
        entries, lengths = kept
        if len(lengths) != sum(map(len, entries.values())) or sum(lengths) != len(texts):
            raise ValueError(f"{len(lengths)} rows in {len(texts)} bytes of rendered rows where the index has "
                             f"{sum(map(len, entries.values()))}")
        self.rows[key] = entries
        self.xml.add_rows(map(_DIGEST_OF, chain.from_iterable(entries.values())), texts, lengths)

    def add_index(self, key: str, index: bytes) -> None:
        """A plan's rows as a stored index gives them (their text in kept blocks); ValueError when it is not one
        of this kind (kept by an older mapsheet)."""
        self.rows[key] = _entries(index)

    def order(self, read: list[dict]) -> dict[str, list[bytes]]:
        """Each detail sheet's rows (digests) in the sheet's order; ``read`` are the plans in Deals order
        (``tables.deal_order``), whose place breaks ties as in ``tables.detail_rows``."""
        out, plans = {}, [self.rows[s["path"]] for s in read]
        for sheet in DETAILS:
            # A stable sort by the packed key alone: rows with equal keys keep their plan's place, then their own.
            # Gathered and cut by calls over all the rows, not a Python step for each.
            entries = list(chain.from_iterable([rows.get(sheet, ()) for rows in plans]))
            entries.sort(key=_KEY_OF)
            out[sheet] = list(map(_DIGEST_OF, entries))
        return out

    def rerender(self, keys: list[str], store) -> None:
        """Render again the rows of the plans ``keys`` (not read in this sync) from their whole summaries in
        ``store`` (the history)."""
        for key, blob in store.cached_summaries(keys).items():
            r = read(summary.loads(blob), render=True)
            self.add(key, r.texts, r.kept)
            self.rerendered[key] = r._replace(texts=None, kept=None)
