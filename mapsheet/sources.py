"""Which files a command works on: plan paths, folders (recursive) and glob patterns, expanded once.

Lock files Office and LibreOffice leave beside open workbooks (``~$name.xlsx``, ``.~lock.name#``),
hidden files and mapsheet's own temporary files are never taken for plans.
"""

from __future__ import annotations

import glob
from pathlib import Path

from .errors import MapsheetError

PLAN_SUFFIXES = (".xlsx", ".xlsm")


def is_candidate(path: Path) -> bool:
    name = path.name
    return (path.suffix.lower() in PLAN_SUFFIXES and not name.startswith(("~$", ".~lock", "."))
            and not name.endswith(".tmp"))


def expand_sources(sources: list[str | Path], *, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Files named, files under folders, files matching globs; sorted, without duplicates.

    A file named explicitly is kept even with another suffix (the reader then says what is wrong with
    it); a source that matches nothing is an error naming it."""
    found: dict[Path, None] = {}
    excluded = {p.resolve() for p in exclude}
    for source in sources:
        path = Path(source)
        if path.is_dir():
            matches = sorted(p for p in path.rglob("*") if p.is_file() and is_candidate(p)
                             and not any(part.startswith(".") for part in p.relative_to(path).parts[:-1]))
        elif path.exists():
            matches = [path]
        elif any(ch in str(source) for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(source), recursive=True) if is_candidate(Path(p)))
            if not matches:
                raise MapsheetError(f"{source}: no .xlsx or .xlsm file matches this pattern")
        else:
            raise MapsheetError(f"{source}: no such file or folder")
        for m in matches:
            if m.resolve() not in excluded:
                found.setdefault(m, None)
    return list(found)
