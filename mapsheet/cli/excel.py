"""``mapsheet excel ...``: build and install the "Check plan" add-in, and clear a check in open Excel."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

from ..errors import MapsheetError
from ..excel.addin import ADDIN_NAME, build_addin
from ..excel.install import Targets, default_targets, install, uninstall
from ..excel.settings import for_python
from ._app import EXIT_ERROR, add_group, command
from ._console import say
from ._parser import option

add_group("excel", "The Excel add-in: a 'Check plan' button on the ribbon.")

INTERPRETER = option("--interpreter", metavar="PYTHON",
                     help="The Python the button runs (default: this one, which has mapsheet).")
STARTUP_DIR = option("--startup-dir", metavar="DIR", type=Path,
                     help="Install here instead of Excel's startup (XLSTART) folder.")
SCRIPT_DIR = option("--applescript-dir", metavar="DIR", type=Path, help="macOS: put xlwings' RunPython "
                    "AppleScript here instead of ~/Library/Application Scripts/com.microsoft.Excel.")


@command(option("--out", metavar="PATH", type=Path, default=Path(ADDIN_NAME),
                help=f"File or folder to write {ADDIN_NAME} to."),
         INTERPRETER, name="build-addin", group="excel")
def build_addin_command(out: Path, interpreter: str | None) -> None:
    """Build the add-in without installing it."""
    path = build_addin(out, for_python(interpreter))
    say("Built {}", path)


@command(INTERPRETER, STARTUP_DIR, SCRIPT_DIR, name="install", group="excel")
def install_command(interpreter: str | None, startup_dir: Path | None, applescript_dir: Path | None) -> int | None:
    """Build the add-in for this Python and install it so that Excel shows the 'Mutual action plan' tab."""
    targets = _targets(startup_dir, applescript_dir)
    if targets is None:
        path = build_addin(Path.cwd(), for_python(interpreter))
        say("Excel is not available on {}: nothing was installed. The add-in was built at {} for inspection, but "
            "it starts this machine's Python, so it only works here. Run 'mapsheet excel install' on the Windows "
            "or macOS computer where Excel runs.", sys.platform, path, err=True)
        return EXIT_ERROR
    done = install(targets, for_python(interpreter))
    say("Installed {}", done.addin)
    if done.applescript:
        say("Installed xlwings' RunPython script {}", done.applescript)
    say("Restart Excel (on macOS quit it with Cmd-Q first): the ribbon gets a 'Mutual action plan' "
        "tab with a 'Check plan' button.")


@command(STARTUP_DIR, name="uninstall", group="excel")
def uninstall_command(startup_dir: Path | None) -> None:
    """Remove the add-in from Excel's startup folder."""
    targets = _targets(startup_dir, None)
    if targets is None:
        raise MapsheetError(f"Excel is not available on {sys.platform}: there is nothing to uninstall")
    removed = uninstall(targets)
    if removed:
        say("Removed {}; restart Excel.", removed)
    else:
        say("The add-in was not installed.")


@command(option("--book", metavar="NAME", help="Workbook name as Excel shows it (default: the active one)."),
         name="clear", group="excel")
def clear_command(book: str | None) -> None:
    """Remove mapsheet's marks from a plan open in Excel (saved or not); for a closed file: mapsheet clean."""
    from ..edits import ClearOwnMarks
    from ..excel.backend import apply_edits

    target = _open_book(book)
    apply_edits(target, [ClearOwnMarks()])
    say("Cleared mapsheet's marks from {} (not saved: save it in Excel).", target.name)


def _targets(startup_dir: Optional[Path], applescript_dir: Optional[Path]) -> Targets | None:
    default = default_targets()
    if startup_dir is None:
        return default
    script_dir = applescript_dir or (default.applescript_dir if default else None)
    return Targets(startup_dir, script_dir)


def _open_book(name: Optional[str]):
    try:
        import xlwings as xw

        return xw.books[name] if name else xw.books.active
    except Exception as exc:  # noqa: BLE001 - xlwings raises many kinds when there is no Excel
        what = f"a workbook named {name!r}" if name else "an active workbook"
        raise MapsheetError(f"found no Excel with {what} open ({type(exc).__name__}: {exc}); "
                            "for a closed file use 'mapsheet clean PLAN.xlsx'") from None
