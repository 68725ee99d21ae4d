"""What the add-in's config sheet says: which Python RunPython starts, and where it finds the shim.

xlwings' VBA reads its settings from a sheet named ``<PROJECT_NAME>.conf`` in the add-in itself (keys
in column A from A1 down, values in column B) before it looks at any config file. ``PROJECT_NAME`` is a
constant in the VBA of ``quickstart_addin_ribbon.xlam`` ("myaddin"); as the VBA is never changed, the
sheet must be called ``myaddin.conf``. The sheet pins every key the VBA reads on the way to Python, so
a ``~/.myaddin/myaddin.conf`` left by some other xlwings add-in cannot redirect mapsheet's button.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Union

#: The VBA constant PROJECT_NAME of xlwings' quickstart add-in, hence the config sheet's name.
VBA_PROJECT_NAME = "myaddin"
CONFIG_SHEET = f"{VBA_PROJECT_NAME}.conf"

#: The folder holding ``mapsheet_addin.py``, put on sys.path through the PYTHONPATH setting.
RUNPYTHON_DIR = Path(__file__).resolve().parent / "runpython"

ConfigValue = Union[str, bool]


@dataclass(frozen=True)
class AddinSettings:
    interpreter_win: str = ""
    interpreter_mac: str = ""
    pythonpath: str = str(RUNPYTHON_DIR)
    conda_path: str = ""  # Windows only: xlwings runs `<conda path>\condabin\conda activate <env>` first
    conda_env: str = ""

    def rows(self) -> list[tuple[str, ConfigValue]]:
        """The config sheet, top to bottom. Key spelling follows xlwings' docs; the VBA upper-cases keys."""
        return [
            ("Interpreter_Win", self.interpreter_win),
            ("Interpreter_Mac", self.interpreter_mac),
            ("PYTHONPATH", self.pythonpath),
            ("Conda Path", self.conda_path),
            ("Conda Env", self.conda_env),
            # A plan on OneDrive/SharePoint has a URL as FullName, which xlwings must translate into a
            # local folder before any of our code runs, and fails on when it cannot. mapsheet imports
            # nothing from the plan's folder, so it asks xlwings not to try.
            ("ADD_WORKBOOK_TO_PYTHONPATH", "false"),
            # The VBA converts these two to Boolean: they must be real booleans, never empty strings.
            ("Use UDF Server", False),
            ("Show Console", False),
        ]

    def as_dict(self) -> dict[str, ConfigValue]:
        return {key.upper(): value for key, value in self.rows()}


def conda_of(prefix: Path, environ: Mapping[str, str]) -> tuple[str, str] | None:
    """(conda installation, environment) when ``prefix`` is a conda environment, else None."""
    if not (prefix / "conda-meta").is_dir():
        return None
    if environ.get("CONDA_EXE"):  # <base>\Scripts\conda.exe or <base>/bin/conda
        base = Path(environ["CONDA_EXE"]).parent.parent
    elif prefix.parent.name == "envs":
        base = prefix.parent.parent
    else:
        base = prefix
    if prefix == base:
        return str(base), "base"
    # `conda activate` takes a name for environments under <base>/envs and a full path for any other.
    env = prefix.name if prefix.parent == base / "envs" else str(prefix)
    return str(base), env


def for_python(executable: str | None = None, platform: str | None = None, prefix: str | None = None,
               environ: Mapping[str, str] | None = None) -> AddinSettings:
    """Settings that make the button run ``executable`` (default: this Python, which has mapsheet)."""
    executable = executable or sys.executable
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    if platform.startswith("win"):
        # On Windows a conda environment's DLLs are found only once it is activated (numpy, pandas).
        conda = conda_of(Path(prefix or sys.prefix), environ)
        conda_path, conda_env = conda or ("", "")
        return AddinSettings(interpreter_win=executable, conda_path=conda_path, conda_env=conda_env)
    if platform == "darwin":
        return AddinSettings(interpreter_mac=executable)
    # No Excel here (Linux): fill both so the built file can be inspected and tested.
    return AddinSettings(interpreter_win=executable, interpreter_mac=executable)
