"""Writing files so that a crash, a kill or a full disk never leaves a half-written workbook.

Every file mapsheet writes goes to a temporary file in the same folder, is flushed to disk, and then
replaces the target in one ``os.replace`` (atomic on POSIX and on Windows for files on one volume).
A workbook that Excel has open (it keeps a ``~$name.xlsx`` lock file beside it) is never replaced.
"""

from __future__ import annotations

import glob
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import WorkbookBusy


def excel_lock_files(path: Path) -> list[Path]:
    """Lock files Excel (Windows/macOS) or LibreOffice keep while ``path`` is open."""
    name = path.name
    candidates = {path.with_name("~$" + name), path.with_name(f".~lock.{name}#")}
    if len(name) > 2:
        candidates.add(path.with_name("~$" + name[2:]))  # Office drops two characters of long names
    return sorted(p for p in candidates if _exists(p))


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a lock file's name would be longer than the file system allows: there is none
        return False


def ensure_not_open(path: Path, hint: str = "") -> None:
    locks = excel_lock_files(path)
    if locks:
        raise WorkbookBusy(f"{path}: the workbook is open in a spreadsheet program (lock file {locks[0].name}); "
                           f"close it first{hint}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: A temporary file older than this was left by a process that was killed mid-write: remove it.
STALE_TEMP_SECONDS = 3600


def _sweep_stale_temps(target: Path) -> None:
    """Remove what a killed write left beside ``target`` long ago (a fresh one may be another process's)."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for leftover in target.parent.glob(f".{glob.escape(target.stem[:_TEMP_STEM])}.*{glob.escape(target.suffix)}.tmp"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            pass


#: Characters of the target's name kept in a temporary file's name: 255 bytes is the usual file-name limit.
_TEMP_STEM = 100


@contextmanager
def atomic_path(target: str | os.PathLike, before_replace: Callable[[], None] | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` atomically, right after
    ``before_replace`` (which may raise to keep the target as it is)."""
    target = Path(target)
    tmp_path = _temporary(target)
    try:
        yield tmp_path
        _flush(tmp_path)
        if before_replace is not None:
            before_replace()
        _replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _temporary(target: Path) -> Path:
    """A new empty file beside ``target`` (same folder: same volume, so ``os.replace`` is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale_temps(target)
    stem = target.stem[:_TEMP_STEM]
    import tempfile  # here: a re-sync with nothing to write never loads it (nor shutil, random, bz2, lzma)

    fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    os.close(fd)
    return Path(tmp)


def _flush(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _replace(tmp: Path, target: Path) -> None:
    # Keep the permissions the user gave the original; a new file gets the usual ones (mkstemp's are 0600).
    os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask())
    os.replace(tmp, target)


class Staged:
    """A file written beside its ``target`` (``write`` given the temporary path, as ``atomic_write``'s), flushed to
    disk by a thread while the caller goes on, and put in place only by ``replace``: what ``atomic_write`` does,
    with its wait for the disk overlapping other work (a sync records its history meanwhile: the roll-up's flush
    took 14-20 ms of a re-sync, the history's statements about as long). ``discard`` removes it instead; one of
    the two must be called. ``stat``: the written file's, which its replacing keeps (size and modification time)."""

    def __init__(self, target: str | os.PathLike, write: Callable[[Path], None]):
        self.target = Path(target)
        self.tmp = _temporary(self.target)
        try:
            write(self.tmp)
            self.stat = os.stat(self.tmp)
        except BaseException:
            self.tmp.unlink(missing_ok=True)
            raise
        import threading  # here: only a sync writes so (the checker's commands never load it for this)

        self._failed: BaseException | None = None
        self._flushing = threading.Thread(target=self._flush, name="mapsheet-flush", daemon=True)
        self._flushing.start()

    def _flush(self) -> None:
        try:
            _flush(self.tmp)
        except BaseException as exc:  # raised by ``replace``, in the caller's thread
            self._failed = exc

    def replace(self) -> Path:
        """Wait for the flush, then replace the target (raises what the flush raised; nothing replaced then)."""
        self._flushing.join()
        try:
            if self._failed is not None:
                raise self._failed
            _replace(self.tmp, self.target)
        except BaseException:
            self.tmp.unlink(missing_ok=True)
            raise
        return self.target

    def discard(self) -> None:
        """Remove the written file, unless it replaced the target already."""
        self._flushing.join()
        self.tmp.unlink(missing_ok=True)


def atomic_write(target: str | os.PathLike, write: Callable[[Path], None],
                 before_replace: Callable[[], None] | None = None) -> Path:
    with atomic_path(target, before_replace) as tmp:
        write(tmp)
    return Path(target)


def atomic_save_workbook(workbook, target: str | os.PathLike) -> Path:
    """Save an openpyxl workbook atomically."""
    return atomic_write(target, lambda tmp: workbook.save(tmp))
