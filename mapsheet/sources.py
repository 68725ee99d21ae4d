"""Which files a command works on: plan paths, folders (recursive) and glob patterns, expanded once.

Lock files Office and LibreOffice leave beside open workbooks (``~$name.xlsx``, ``.~lock.name#``),
hidden files and mapsheet's own temporary files are never taken for plans.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from .errors import MapsheetError, display_path

PLAN_SUFFIXES = (".xlsx", ".xlsm")


def is_candidate(path: Path) -> bool:
    return _candidate_name(path.name)


def _candidate_name(name: str) -> bool:
    return name.lower().endswith(PLAN_SUFFIXES) and not name.startswith(("~$", ".~lock", "."))


def _walk(folder: Path) -> list[Path]:
    """Plan candidates under ``folder``, hidden folders skipped. os.walk gives names without a stat per
    file, which keeps listing a folder of thousands of plans (all a re-sync does) cheap."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = Path(root)
        found += [base / name for name in files if _candidate_name(name)]
    return sorted(found)


def expand_sources(sources: list[str | Path], *, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Files named, files under folders, files matching globs; sorted, without duplicates.

    A file named explicitly is kept even with another suffix (the reader then says what is wrong with
    it); a source that matches nothing is an error naming it."""
    found: dict[Path, None] = {}
    excluded = {p.resolve() for p in exclude}
    excluded_names = {p.name for p in excluded}
    for source in sources:
        path = Path(source)
        try:
            is_dir, exists = path.is_dir(), path.exists() or path.is_symlink()
        except OSError as exc:  # a name too long for the file system, a symlink loop
            raise MapsheetError(f"{display_path(source)}: cannot be opened ({exc.strerror or exc})") from None
        if is_dir:
            matches = _walk(path)
            if not matches:
                named = " (a folder, although it is named like a workbook)" if is_candidate(path) else ""
                raise MapsheetError(f"{display_path(source)}: no .xlsx or .xlsm plan in this folder{named}")
        elif exists:
            matches = [path]  # a dangling link too: the reader says where it points
        elif any(ch in str(source) for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(source), recursive=True) if is_candidate(Path(p)))
            if not matches:
                raise MapsheetError(f"{display_path(source)}: no .xlsx or .xlsm file matches this pattern")
        else:
            raise MapsheetError(f"{display_path(source)}: no such file or folder")
        for m in matches:
            # Resolving every path costs a realpath each; only a file with an excluded name can be one.
            if m.name not in excluded_names or m.resolve() not in excluded:
                found.setdefault(m, None)
    return list(found)
