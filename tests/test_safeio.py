"""Atomic writes: the target is replaced whole or not at all, and what a killed write left behind is
swept once it is clearly stale (never a fresh one another process may still be writing)."""

from __future__ import annotations

import os
import time

import pytest

from mapsheet.safeio import STALE_TEMP_SECONDS, Staged, atomic_write


def test_a_failed_write_leaves_the_target_and_no_temp(tmp_path):
    target = tmp_path / "rollup.xlsx"
    target.write_bytes(b"old")

    def boom(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rollup.xlsx"]


def test_stale_leftovers_of_a_killed_write_are_swept_fresh_ones_kept(tmp_path):
    target = tmp_path / "rollup.xlsx"
    stale = tmp_path / ".rollup.abc123.xlsx.tmp"
    fresh = tmp_path / ".rollup.def456.xlsx.tmp"
    other = tmp_path / ".notes.abc123.xlsx.tmp"
    for p in (stale, fresh, other):
        p.write_bytes(b"half")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    atomic_write(target, lambda tmp: tmp.write_bytes(b"new"))
    assert target.read_bytes() == b"new"
    assert not stale.exists() and fresh.exists() and other.exists()
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # a new file gets the usual permissions, not 0600


def test_a_staged_write_replaces_the_target_only_when_asked(tmp_path):
    target = tmp_path / "rollup.xlsx"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    staged = Staged(target, lambda tmp: tmp.write_bytes(b"new"))
    assert target.read_bytes() == b"old"  # flushed meanwhile, not in place yet
    assert staged.stat.st_size == 3
    assert staged.replace() == target
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640  # the user's permissions kept
    assert (target.stat().st_size, target.stat().st_mtime_ns) == (staged.stat.st_size, staged.stat.st_mtime_ns)
    staged.discard()  # after its replace: nothing to remove, the target stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rollup.xlsx"] and target.read_bytes() == b"new"

    discarded = Staged(target, lambda tmp: tmp.write_bytes(b"newer"))
    discarded.discard()
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rollup.xlsx"]


def test_a_failed_staged_write_leaves_the_target_and_no_temp(tmp_path):
    target = tmp_path / "rollup.xlsx"
    target.write_bytes(b"old")

    def boom(tmp):
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        Staged(target, boom)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rollup.xlsx"]
