"""Read an .xlsx/.xlsm file into a grid with python-calamine (fast, read-only).

Before calamine sees the file we look at its first bytes, so that a renamed CSV, an .xls, an .ods, a
password-protected workbook or a broken zip each get one sentence a user can act on instead of a parser
error.
"""

from __future__ import annotations

import io
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import python_calamine

from ..errors import MapsheetError, UnreadableWorkbook, display_path
from ..grid import Sheet, Workbook
from ..template.spec import CHECK_SHEET, STATE_SHEET
from .xlsx_guard import Limits, Package, inspect
from .xlsx_image import image
from .xlsx_quick import name_and_suffix, quick_package

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm")


def sniff(path: Path) -> None:
    """Raise UnreadableWorkbook with a helpful reason unless ``path`` looks like an OOXML workbook."""
    import zipfile  # here: a healthy plan is read without it (``xlsx_quick``)

    try:
        exists, is_dir = path.exists(), path.is_dir()
    except OSError as exc:  # a name too long for the file system, a symlink loop
        raise UnreadableWorkbook(path, f"cannot be opened ({exc.strerror or exc})") from None
    if not exists:
        if path.is_symlink():
            raise UnreadableWorkbook(path, f"is a link to {display_path(os.readlink(path))}, which does not exist")
        raise UnreadableWorkbook(path, "no such file")
    if is_dir:
        raise UnreadableWorkbook(path, "is a folder, not a workbook")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnreadableWorkbook(
            path, f"mapsheet reads .xlsx and .xlsm workbooks, not '{path.suffix or 'no extension'}' files; "
            "open it in Excel or Google Sheets and save or download it as .xlsx")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableWorkbook(path, "the file is empty (0 bytes); it may not have finished copying")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        if _is_encrypted_ooxml(path):
            raise UnreadableWorkbook(path, "the workbook is password-protected; remove the password "
                                           "(File > Info > Protect Workbook) and save it again")
        raise UnreadableWorkbook(path, "this is an old-style Excel 97-2003 file (.xls) with an .xlsx name; "
                                       "open it in Excel and use Save As > Excel Workbook (.xlsx)")
    if not head.startswith(_ZIP_MAGIC):
        kind = "a text file (CSV?)" if _looks_like_text(head) else "not a workbook"
        raise UnreadableWorkbook(path, f"this is {kind}, not an Excel workbook, although it is named "
                                       f"{path.suffix}; open it in Excel and save it as .xlsx")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and b"opendocument" in zf.read("mimetype"):
                raise UnreadableWorkbook(path, "this is an OpenDocument spreadsheet (.ods) named .xlsx; "
                                               "open it and save it as Excel Workbook (.xlsx)")
            if "xl/workbook.xml" not in names:
                raise UnreadableWorkbook(path, "this zip file is not an Excel workbook (no xl/workbook.xml)")
    except zipfile.BadZipFile as exc:
        raise UnreadableWorkbook(path, f"the file is damaged (not a complete zip archive: {exc}); "
                                       "restore it from a backup or download it again") from None


def _is_encrypted_ooxml(path: Path) -> bool:
    # An encrypted .xlsx is an OLE container with an "EncryptedPackage" stream; its directory entries
    # are UTF-16 names, so a byte search is enough to tell it from a genuine .xls.
    with path.open("rb") as fh:
        data = fh.read(1 << 20)
    return "EncryptedPackage".encode("utf-16-le") in data


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


#: Tabs whose values no reader needs: the template's Timeline (formulas over the milestones) and
#: Instructions, and mapsheet's own results. They are listed, not read: a quarter of a plan's read time.
UNREAD_SHEETS = frozenset({"Timeline", "Instructions", CHECK_SHEET, STATE_SHEET})
_TEMPLATE_ONLY = frozenset({"Timeline", "Instructions"})  # unread only in a workbook with the template's tabs
_TEMPLATE_TABS = frozenset({"Milestones", "Actions"})


def read_workbook(path: str | os.PathLike, *, skip: frozenset[str] = UNREAD_SHEETS,
                  limits: Limits | None = None) -> Workbook:
    """Every sheet's values, addressed from A1 (calamine is told not to skip leading empty cells).
    Sheets named in ``skip`` are listed with no values. The package is inspected first (``xlsx_guard``):
    whatever it holds, reading it raises UnreadableWorkbook or returns, never crashes or exhausts memory.
    A healthy file is proven so in one cheap pass (``xlsx_quick``); any other gets the full diagnosis."""
    name, _ = name_and_suffix(path)  # a healthy file is read by its name: a Path is made only to diagnose one
    limits = limits or Limits.from_settings()
    package = quick_package(name, SUPPORTED_SUFFIXES, limits, skip)
    if package is None:
        sniff(Path(name))
        package = inspect(Path(name), limits, skip)
    try:
        sheets = _read_image(package, skip) if package.unpacked is not None else None
        if sheets is None:
            sheets = _read_sheets(open_calamine(Path(name), package), package, skip)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine raises its own types for every kind of damage, and panics (a
        # BaseException from Rust) on some; each is this file's problem, never the caller's crash
        raise UnreadableWorkbook(name, f"the workbook could not be read ({type(exc).__name__}: {exc})") from None
    return Workbook(name, sheets)


def _read_image(package: Package, skip: frozenset[str]) -> list[Sheet] | None:
    """The sheets as calamine reads them from the package rebuilt in memory (``xlsx_image``), or None when it
    fails there: then the file itself is read, and its failure is the one reported."""
    try:
        with opened_image(image(package.unpacked)) as book:
            return _read_sheets(book, package, skip)
    except (KeyboardInterrupt, SystemExit, MapsheetError):  # an interruption, or the time budget running out
        raise
    except BaseException:
        return None


#: Where a file can be made in memory and named by a path (Linux): ``opened_image``.
_MEMORY_FILES = hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd")
#: The file in memory this process reads its images from (``opened_image``): its descriptor, -1 before the first.
_image_file = [-1]
_image_file_lock = threading.Lock()


def _forget_image_file() -> None:
    """In a forked process: the file it inherited is its parent's, which it must not write over (closed here, where
    the descriptor is still that file), and the lock may be held by a thread that was not forked."""
    global _image_file_lock
    if _image_file[0] >= 0:
        os.close(_image_file[0])
        _image_file[0] = -1
    _image_file_lock = threading.Lock()


if _MEMORY_FILES:
    os.register_at_fork(after_in_child=_forget_image_file)


@contextmanager
def opened_image(data: bytes) -> Iterator[python_calamine.CalamineWorkbook]:
    """calamine's book of ``data``, to be read within the block. Handed bytes (``from_filelike``), python-calamine
    copies them twice and zeroes its buffer first; handed a path, it reads the file as it goes. So where the system
    has them the bytes are written to a file in memory (``memfd_create``) and calamine is handed its path, with no
    suffix: calamine then tries the formats in the order it tries them for bytes, and judges the image alike. Each
    process writes every image over the last in one such file (making a file and its pages at each plan costs as
    much as what the path saves); a thread that finds it in use by another makes one of its own for the block, and
    a forked process its own (``_forget_image_file``)."""
    if not _MEMORY_FILES:
        yield python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return
    lock = _image_file_lock
    shared = lock.acquire(blocking=False)
    try:
        if not shared:
            fd = os.memfd_create("mapsheet-image", os.MFD_CLOEXEC)
        else:
            if _image_file[0] < 0:
                _image_file[0] = os.memfd_create("mapsheet-image", os.MFD_CLOEXEC)
            fd = _image_file[0]
        try:
            view, at = memoryview(data), 0
            while at < len(view):
                at += os.pwrite(fd, view[at:], at)
            os.ftruncate(fd, at)
            yield python_calamine.CalamineWorkbook.from_path(f"/proc/self/fd/{fd}")
        finally:
            if not shared:
                os.close(fd)
    finally:
        if shared:
            lock.release()


def _read_sheets(book, package: Package, skip: frozenset[str]) -> list[Sheet]:
    sheets, names, errors = [], book.sheet_names, package.errors  # sheet_names: a new list at each look
    if not _TEMPLATE_TABS <= set(names):
        skip = skip - _TEMPLATE_ONLY  # a layout made elsewhere may keep its steps on a "Timeline" tab
    for name in names:
        data = [] if name in skip else book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        found = errors.get(name)
        sheets.append(Sheet(name, _with_errors(data, found) if found else data))
    return sheets


def open_calamine(path: Path, package: Package | None = None) -> python_calamine.CalamineWorkbook:
    """calamine takes a path only as UTF-8 text (Rust's str): a file name holding other bytes (made on another
    system) would read as "No such file". Such a file is handed over open instead. A sheet with values far
    below its content (``package.far``) is read trimmed (``xlsx_far``)."""
    if package is not None and package.far:
        from .xlsx_far import TrimmedBook

        return TrimmedBook(path, package, lambda data: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)))
    try:
        name = os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        with open(path, "rb") as fh:
            return python_calamine.CalamineWorkbook.from_filelike(fh)
    return python_calamine.CalamineWorkbook.from_path(name)


def _with_errors(rows: list[list], errors: dict[tuple[int, int], str]) -> list[list]:
    """Put back the error values (#REF!) that calamine reads as empty cells."""
    for (r, c), value in errors.items():
        if r < len(rows) and c < len(rows[r]) and rows[r][c] in ("", None):
            rows[r][c] = value
    return rows
