"""Where plans come from: plan references and sources, and which plans a command works on.

A plan is not a path. A ``PlanRef`` names a plan wherever it lives (key, version, display name, link,
kind); a ``PlanSource`` reads it into a grid, finds its configuration and applies edit lists to it. The
reader is chosen by the kind of source: a file (.xlsx/.xlsm), a Google Sheet (mapsheet/google/source.py)
or a workbook held in memory. ``open_sources`` turns command-line arguments (paths, folders, globs,
Sheet URLs or ids, mixed, and ``@list.txt`` files naming them one per line) into sources, expanding folders
and globs once. A command given no plans at all cannot pass: ``NoPlans`` (exit 2), for every command.

Lock files Office and LibreOffice leave beside open workbooks (``~$name.xlsx``, ``.~lock.name#``),
hidden files and mapsheet's own temporary files are never taken for plans.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Protocol

from .errors import MapsheetError, NoPlans, display_path
from .frozen import frozen
from .google.ids import spreadsheet_id

if TYPE_CHECKING:
    from .backends.memory import MemoryBook
    from .config import Config
    from .edits import Edit
    from .grid import Workbook

FILE, GOOGLE, MEMORY = "file", "google", "memory"


@frozen  # dataclass(frozen=True), with fewer methods compiled before a sync starts reading
class PlanRef:
    """A plan wherever it lives. ``key`` is stable across runs (what the sync history is keyed by: a
    file's absolute path, ``google:<id>`` for a Sheet); ``version`` changes whenever the plan does (a
    file's size and modification time, a Sheet's Drive version; "" when unknown)."""

    key: str
    name: str  # what messages and the roll-up show
    link: str  # a file's path or a Sheet's URL
    kind: str = FILE
    version: str = ""

    def __str__(self) -> str:
        return self.link if self.kind == FILE else f"{self.name} ({self.link})"


def file_key(path: str | os.PathLike) -> str:
    """A file plan's ref key: its absolute path (what sync histories have always been keyed by, so
    histories written before plan references existed read unchanged)."""
    return str(path if isinstance(path, Path) and path.is_absolute() else Path(path).absolute())


class PlanSource(Protocol):
    ref: PlanRef

    def read(self) -> "Workbook":
        """The plan's cells as a grid."""

    def config(self, given: "Config | str | os.PathLike | None" = None) -> "Config":
        """The configuration given, else the one that belongs to this plan (else the defaults)."""

    def apply(self, edits: "list[Edit]", output: "str | os.PathLike | None" = None) -> tuple[str, bool]:
        """Apply an edit list (in place, or to ``output`` where the kind allows); (where, whether changed)."""


def given_config(given) -> "Config | None":
    from .config import Config, load_config

    if isinstance(given, Config):
        return given
    return load_config(Path(given)) if given is not None else None


class FileSource:
    """An .xlsx/.xlsm file: read with calamine, edited with openpyxl, configured by the project file
    found beside it."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        try:
            stat = self.path.stat()
        except OSError:  # gone, a dangling link, a name too long: the reader says which
            stat = None
        self.ref = PlanRef(file_key(self.path), self.path.stem, str(self.path), FILE,
                           f"{stat.st_size}:{stat.st_mtime_ns}" if stat else "")

    def read(self, limits=None) -> "Workbook":
        """The file's cells; ``limits`` (backends.xlsx_guard.Limits) bound what a workbook may hold."""
        return read_file(self.path, limits)

    def config(self, given=None) -> "Config":
        from .config import load_config

        return given_config(given) or load_config(near=self.path.resolve())

    def apply(self, edits, output=None) -> tuple[str, bool]:
        from .backends.xlsx_read import sniff
        from .backends.xlsx_write import edit_file

        sniff(self.path)
        target, changed = edit_file(self.path, list(edits), Path(output) if output else None)
        return str(target), changed


def read_file(path: str | os.PathLike, limits=None) -> "Workbook":
    """A plan file's cells (what ``FileSource.read`` reads, without the file's reference worked out first)."""
    from .backends.xlsx_read import name_and_suffix, read_workbook

    name, suffix = name_and_suffix(path)
    if suffix == ".csv":  # a MAP sheet exported as CSV: read, never annotated
        from .backends.csv_read import read_csv

        return read_csv(name)
    return read_workbook(name, limits=limits)


class MemorySource:
    """A workbook held in memory (tests, services): edited in place, configured only as given."""

    def __init__(self, book: "MemoryBook"):
        self.book = book
        self.ref = PlanRef(f"memory:{book.name}", book.name, book.name, MEMORY)

    def read(self) -> "Workbook":
        return self.book.to_workbook()

    def config(self, given=None) -> "Config":
        from .config import Config

        return given_config(given) or Config.default()

    def apply(self, edits, output=None) -> tuple[str, bool]:
        from .backends.memory import apply_edits

        if output is not None:
            raise MapsheetError(f"{self.ref.name}: a plan in memory is edited in place; --output is for files")
        return self.book.name, apply_edits(self.book, edits)


def open_sources(args: Iterable[str | os.PathLike], *, exclude: tuple[Path, ...] = (),
                 google: Callable[[str], PlanSource] | None = None) -> list[PlanSource]:
    """Sources for command-line arguments in their order: Google Sheet URLs or ids (opened with
    ``google``, default: mapsheet/google/source.py with the default sign-in) and files, folders, globs."""
    sources: list[PlanSource] = []
    seen: set[str] = set()
    args = list(args)
    for arg in expand_lists(args):
        sheet = spreadsheet_id(str(arg)) if not Path(arg).exists() else None
        if sheet is not None:
            opened = [(google or _default_google)(sheet)]
        else:
            opened = [FileSource(p) for p in expand_sources([arg], exclude=exclude)]
        for source in opened:
            if source.ref.key not in seen:
                seen.add(source.ref.key)
                sources.append(source)
    if not sources:
        raise no_plans(args)
    return sources


def _default_google(spreadsheet: str) -> PlanSource:
    from .google.source import GoogleSource

    return GoogleSource(spreadsheet)

PLAN_SUFFIXES = (".xlsx", ".xlsm")


def is_candidate(path: Path) -> bool:
    return _candidate_name(path.name)


def _candidate_name(name: str) -> bool:
    return name.lower().endswith(PLAN_SUFFIXES) and not name.startswith(("~$", ".~lock", "."))


def _walk(folder: str) -> list[str]:
    """Plan candidates under ``folder`` (a Path's text) in path order, as text (each the text of its Path),
    hidden folders and links to folders not entered (as ``os.walk`` does), a folder that cannot be listed
    skipped. ``os.scandir`` tells files from folders without a stat per file; names are sorted and joined as
    text: making, sorting and hashing a thousand Path objects cost more than listing them, and listing is most
    of what a re-sync does."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_name)
    except OSError:
        return []
    found: list[str] = []
    prefix = "" if folder == os.curdir else os.path.join(folder, "")  # as Path(folder) / name is written
    for entry in entries:  # a folder's plans sort among its files by the folder's name, as their paths do
        path = prefix + entry.name
        if _is_dir(entry):
            if not entry.name.startswith(".") and not entry.is_symlink():
                found += _walk(path)
        elif _candidate_name(entry.name):
            found.append(path)
    return found


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # as os.walk: what cannot be told is taken for a file
        return False


def expand_lists(sources: list[str | Path]) -> list[str | Path]:
    """``@list.txt`` -> the paths it names, one per line (blank lines and # comments skipped; relative paths
    are relative to the list's folder). Other sources are kept as they are."""
    out: list[str | Path] = []
    for source in sources:
        if not str(source).startswith("@"):
            out.append(source)
            continue
        listing = Path(str(source)[1:])
        try:
            lines = listing.read_text(encoding="utf-8-sig").splitlines()
        except OSError as exc:
            raise MapsheetError(f"{source}: cannot read the list of plans ({exc.strerror})") from None
        for line in (ln.strip() for ln in lines):
            if line and not line.startswith("#"):  # a link stays a link; a path is relative to the list
                out.append(line if "://" in line else str(listing.parent / Path(line).expanduser()))
    return out


def plan_files(sources: list[str | Path], *, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """The plan files ``sources`` name (see ``expand_sources``), at least one: a command given no plans
    cannot pass, so an empty folder or list raises ``NoPlans`` (a check of nothing must not look green)."""
    paths = expand_sources(sources, exclude=exclude)
    if not paths:
        raise no_plans(sources)
    return paths


def plan_keys(sources: list[str | Path], *, exclude: tuple[Path, ...] = ()) -> list[str]:
    """``plan_files`` as their ref keys (``file_key``: each absolute path's text), the same plans in the same
    order, at least one: what a sync keys plans by, listed without a Path made for each (a folder is made
    absolute once, not each file under it)."""
    keys = _expand(sources, exclude, absolute=True)
    if not keys:
        raise no_plans(sources)
    return keys


def no_plans(args: Iterable) -> NoPlans:
    """The one sentence every command says when it was given no plan at all."""
    given = ", ".join(str(a) for a in args) or "nothing"
    return NoPlans(f"no plan workbooks (.xlsx or .xlsm) found in {given}; name plan files, folders that hold "
                   "them, glob patterns, Google Sheet links or @list.txt files")


def expand_sources(sources: list[str | Path], *, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Files named, files under folders, files matching globs, files named in ``@list.txt`` files; sorted,
    without duplicates.

    A file named explicitly is kept even with another suffix (the reader then says what is wrong with
    it); a source that matches nothing is an error naming it."""
    return [Path(p) for p in _expand(sources, exclude, absolute=False)]


def _expand(sources: list[str | Path], exclude: tuple[Path, ...], absolute: bool) -> list[str]:
    """``expand_sources`` as each path's text (made absolute with ``absolute``), without duplicates by their text
    (what plans are keyed by: ``file_key``, ``PlanRef.key``)."""
    found: dict[str, None] = {}
    excluded = {p.resolve() for p in exclude}
    excluded_names = {p.name for p in excluded}
    for source in expand_lists(sources):
        path = Path(source)
        try:
            is_dir, exists = path.is_dir(), path.exists() or path.is_symlink()
        except OSError as exc:  # a name too long for the file system, a symlink loop
            raise MapsheetError(f"{display_path(source)}: cannot be opened ({exc.strerror or exc})") from None
        if absolute:
            path = path.absolute()
        if is_dir:
            matches = _walk(str(path))  # none at all is the command's one "no plans" sentence (``no_plans``)
        elif exists:
            matches = [str(path)]  # a dangling link too: the reader says where it points
        elif any(ch in str(source) for ch in "*?["):
            paths = sorted(Path(p) for p in glob.glob(str(source), recursive=True) if is_candidate(Path(p)))
            if not paths:
                raise MapsheetError(f"{display_path(source)}: no such file or folder, and no .xlsx or .xlsm file matches it "
                                    "as a pattern")
            matches = [str(p.absolute() if absolute else p) for p in paths]
        else:
            raise MapsheetError(f"{display_path(source)}: no such file or folder")
        for m in matches:
            # Resolving every path costs a realpath each; only a file with an excluded name can be one.
            if os.path.basename(m) not in excluded_names or Path(m).resolve() not in excluded:
                found.setdefault(m, None)
    return list(found)
