"""Install the add-in where Excel loads add-ins at start, as ``xlwings addin install`` does.

- Windows: the user's XLSTART folder (``%APPDATA%\\Microsoft\\Excel\\XLSTART``), which is what Excel's
  ``Application.StartupPath`` reports.
- macOS: Excel's sandboxed startup folder, plus xlwings' RunPython AppleScript in
  ``~/Library/Application Scripts/com.microsoft.Excel``: sandboxed Excel can start Python only through
  that script (``AppleScriptTask("xlwings-<version>.applescript", ...)`` in the VBA).
- Anywhere else there is no desktop Excel: ``default_targets`` returns None.

The folders are a ``Targets`` value, so tests (and unusual set-ups) pass their own.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..errors import MapsheetError
from .addin import ADDIN_NAME, build_addin, xlwings_dir, xlwings_version
from .settings import AddinSettings

MAC_STARTUP = Path("Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel")
MAC_SCRIPTS = Path("Library/Application Scripts/com.microsoft.Excel")


@dataclass(frozen=True)
class Targets:
    startup_dir: Path
    applescript_dir: Path | None = None  # macOS only


@dataclass(frozen=True)
class Installed:
    addin: Path
    applescript: Path | None


def default_targets(platform: str | None = None, home: Path | None = None,
                    environ: Mapping[str, str] | None = None) -> Targets | None:
    platform = platform or sys.platform
    home = home or Path.home()
    environ = os.environ if environ is None else environ
    if platform.startswith("win"):
        appdata = Path(environ["APPDATA"]) if environ.get("APPDATA") else home / "AppData" / "Roaming"
        return Targets(appdata / "Microsoft" / "Excel" / "XLSTART")
    if platform == "darwin":
        return Targets(home / MAC_STARTUP, home / MAC_SCRIPTS)
    return None


def applescript_source() -> Path:
    """The RunPython AppleScript of the installed xlwings: its name carries the version the VBA asks for."""
    return xlwings_dir() / f"xlwings-{xlwings_version()}.applescript"


def install(targets: Targets, settings: AddinSettings) -> Installed:
    """Build the add-in straight into the startup folder (and copy the AppleScript on macOS)."""
    try:
        addin = build_addin(_folder(targets.startup_dir) / ADDIN_NAME, settings)
        script = None
        if targets.applescript_dir is not None:
            script = _folder(targets.applescript_dir) / applescript_source().name
            shutil.copyfile(applescript_source(), script)
    except PermissionError as exc:
        # Windows locks an add-in that Excel has loaded.
        raise MapsheetError(f"could not write {exc.filename}: quit Excel (all windows) and try again") from None
    return Installed(addin, script)


def uninstall(targets: Targets) -> Path | None:
    """Remove the add-in from the startup folder; the AppleScript stays, other xlwings add-ins use it."""
    path = targets.startup_dir / ADDIN_NAME
    if not path.exists():
        return None
    try:
        path.unlink()
    except PermissionError:
        raise MapsheetError(f"could not remove {path}: quit Excel (all windows) and try again") from None
    return path


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
