"""A sync's reading processes where it can fork (``forkpool.ForkPool``): every chunk read once, by processes forked
from one that ran the setup once; a process that dies gives back only the chunk it took; a fault is raised in the
sync; and no process is left behind, whatever happens."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mapsheet.sync import forked
from mapsheet.sync.forkpool import ForkPool

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="reading processes are forked where a process can fork")


class _Results(list):
    """What ``collect`` puts, as ``run._Results`` takes it (a list of results a chunk)."""

    def add(self, reads: list) -> None:
        self.extend(reads)


def _read(tag: str, chunk: list) -> list:
    """What a reading process makes of a chunk: its items, with the process that read each."""
    for item in chunk:
        if item == "die":
            os._exit(3)  # as a reader library's crash ends its process
        if item == "fault":
            raise ValueError("a fault of the reader's own")
        if item == "slow":
            time.sleep(0.2)
    return [(tag, item, os.getpid()) for item in chunk]


def _setup_in(folder: Path):
    def setup() -> None:
        with open(folder / "setups", "a") as out:
            out.write(f"{os.getpid()}\n")
    return setup


def _gone(pool: ForkPool) -> bool:
    """Whether every process of the pool has ended (waited for by whoever waits for it), within 20 s."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        forked._reap()
        try:
            os.killpg(pool.group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_every_chunk_is_read_once_by_processes_forked_from_one_that_ran_the_setup_once(tmp_path):
    pool = ForkPool(3, _setup_in(tmp_path))
    chunks = [["slow", f"{n}a", f"{n}b"] for n in range(9)]
    pool.submit(_read, ("t",), chunks)
    results, progress = _Results(), []
    assert pool.collect(results, lambda done, total: progress.append((done, total)), 27) == []
    assert sorted(item for _, item, _ in results) == sorted(item for chunk in chunks for item in chunk)
    assert {tag for tag, _, _ in results} == {"t"}
    readers = {pid for _, _, pid in results}
    assert len(readers) >= 2 and os.getpid() not in readers  # read apart, at once (9 chunks of 0.2 s each)
    assert (tmp_path / "setups").read_text().count("\n") == 1  # the setup (the checker loaded) ran once
    assert progress[-1] == (27, 27)
    assert _gone(pool)


def test_more_chunks_than_a_pipe_holds_at_once_are_each_read_once(tmp_path):
    pool = ForkPool(2, _setup_in(tmp_path))
    chunks = [[n] for n in range(20_000)]  # 80 KB of chunk numbers: past a pipe's 64 KB
    pool.submit(_read, ("t",), chunks)
    results = _Results()
    assert pool.collect(results, lambda done, total: None, len(chunks)) == []
    assert sorted(item for _, item, _ in results) == list(range(20_000))
    assert _gone(pool)


def _big(chunk: list) -> list:
    """Results of every size, from a few bytes to more than a pipe holds at once (1 MB), each its own bytes."""
    return [bytes([n % 251]) * size + str(n).encode() for n, size in chunk]


def test_results_larger_than_a_pipe_holds_come_back_whole_and_in_their_chunks(tmp_path):
    """A result is read a frame at a time into a buffer kept from frame to frame (``_Frames``): results past the
    pipe's size, read in many pieces, after small ones and before them, come back byte for byte."""
    pool = ForkPool(2, _setup_in(tmp_path))
    sizes = [0, 1, 13, 70_000, 3 << 20, 5, 1 << 20, 200_000, 2, 2_500_000, 64 << 10]
    chunks = [[(n, size)] for n, size in enumerate(sizes)] + [[(20, 7), (21, 1 << 21)]]
    pool.submit(_big, (), chunks)
    results = _Results()
    assert pool.collect(results, lambda done, total: None, len(sizes) + 2) == []
    assert sorted(results) == sorted(_big([item for chunk in chunks for item in chunk]))
    assert _gone(pool)


def test_a_process_that_dies_gives_back_only_the_chunk_it_took(tmp_path):
    pool = ForkPool(2, _setup_in(tmp_path))
    chunks = [["a", "b"], ["c", "die", "d"], ["e"], ["f", "g"], ["h"]]
    pool.submit(_read, ("t",), chunks)
    results = _Results()
    assert pool.collect(results, lambda done, total: None, 9) == [["c", "die", "d"]]
    assert sorted(item for _, item, _ in results) == ["a", "b", "e", "f", "g", "h"]  # the other process read on
    assert _gone(pool)


def test_a_fault_in_a_process_is_raised_and_the_processes_are_ended(tmp_path):
    pool = ForkPool(2, _setup_in(tmp_path))
    pool.submit(_read, ("t",), [["slow"] for _ in range(6)] + [["fault"]] + [["slow"] for _ in range(20)])
    with pytest.raises(ValueError, match="a fault of the reader's own"):
        pool.collect(_Results(), lambda done, total: None, 27)
    assert _gone(pool)


def test_processes_closed_before_they_were_given_work_end(tmp_path):
    pool = ForkPool(2, _setup_in(tmp_path))
    time.sleep(0.1)  # they have started, and wait for work
    pool.close()
    assert _gone(pool)


def test_a_setup_that_fails_leaves_every_chunk_unread(tmp_path):
    def setup() -> None:
        raise ImportError("the checker does not load")

    pool = ForkPool(2, setup)
    chunks = [["a"], ["b"]]
    pool.submit(_read, ("t",), chunks)
    results = _Results()
    assert pool.collect(results, lambda done, total: None, 2) == chunks and results == []
    assert _gone(pool)
