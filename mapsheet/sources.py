"""Which files a command works on: plan paths, folders (recursive), glob patterns and ``@list.txt`` files,
expanded once, for every command (check, clean, sync).

Lock files Office and LibreOffice leave beside open workbooks (``~$name.xlsx``, ``.~lock.name#``),
hidden files and mapsheet's own temporary files are never taken for plans.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from .errors import MapsheetError, NoPlans

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
            if line and not line.startswith("#"):
                out.append(str(listing.parent / Path(line).expanduser()))
    return out


def plan_files(sources: list[str | Path], *, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """The plan files ``sources`` name (see ``expand_sources``), at least one: a command given no plans
    cannot pass, so an empty folder or list raises ``NoPlans`` (a check of nothing must not look green)."""
    paths = expand_sources(sources, exclude=exclude)
    if not paths:
        given = ", ".join(str(s) for s in sources) or "nothing"
        raise NoPlans(f"no plan workbooks (.xlsx or .xlsm) found in {given}; name plan files, folders that "
                      "hold them, glob patterns or @list.txt files")
    return paths


def expand_sources(sources: list[str | Path], *, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Files named, files under folders, files matching globs, files named in ``@list.txt`` files; sorted,
    without duplicates.

    A file named explicitly is kept even with another suffix (the reader then says what is wrong with
    it); a source that matches nothing is an error naming it."""
    found: dict[Path, None] = {}
    excluded = {p.resolve() for p in exclude}
    excluded_names = {p.name for p in excluded}
    for source in expand_lists(sources):
        path = Path(source)
        if path.is_dir():
            matches = _walk(path)
        elif path.exists():
            matches = [path]
        elif any(ch in str(source) for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(source), recursive=True) if is_candidate(Path(p)))
            if not matches:
                raise MapsheetError(f"{source}: no such file or folder, and no .xlsx or .xlsm file matches it "
                                    "as a pattern")
        else:
            raise MapsheetError(f"{source}: no such file or folder")
        for m in matches:
            # Resolving every path costs a realpath each; only a file with an excluded name can be one.
            if m.name not in excluded_names or m.resolve() not in excluded:
                found.setdefault(m, None)
    return list(found)
