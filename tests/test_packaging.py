"""What `pip install` gives a Windows or macOS user: a wheel that carries the template, the add-in's
ribbon and the default settings, so `mapsheet new` and `mapsheet excel build-addin` work outside a clone."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_the_wheel_carries_every_data_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("mapsheet-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("mapsheet/_data/mutual-action-plan.xlsx", "mapsheet/_data/customUI.xml", "mapsheet/defaults.toml",
                   "mapsheet/excel/runpython/mapsheet_addin.py", "mapsheet/cli/__init__.py",
                   "mapsheet/_data/google/mapsheet.gs", "mapsheet/_data/google/appsscript.json"):
        assert needed in names, f"{needed} is missing from {wheel.name}"
    assert not any(n.startswith("tests/") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mapsheet = mapsheet.cli:run" in zipfile.ZipFile(wheel).read(entry).decode()
