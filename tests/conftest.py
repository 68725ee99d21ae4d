from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mapsheet.samples import write_samples

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 27)  # the reference date every test judges plans against


@pytest.fixture(scope="session")
def today() -> dt.date:
    return TODAY


@pytest.fixture(scope="session")
def sample_plans(tmp_path_factory) -> list:
    """The 25 demo plans (seed 7), written once per test session: [(Sample, Path)]."""
    folder = tmp_path_factory.mktemp("samples")
    return write_samples(folder, 25, seed=7, today=TODAY)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def libreoffice():
    """Convert workbooks with a real LibreOffice (headless). Skips when it is absent, except under
    ./dev test and CI, where a missing LibreOffice is a failure."""
    exe = soffice()
    if exe is None:
        if os.environ.get("MAPSHEET_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required but not installed; run ./dev test")
        pytest.skip("LibreOffice is not installed")
    return LibreOffice(exe)


class LibreOffice:
    def __init__(self, exe: str):
        self.exe = exe

    def convert(self, paths: list[Path], outdir: Path, fmt: str = "pdf", timeout: int = 300) -> list[Path]:
        """Convert every file with one LibreOffice start; return the outputs (all must exist)."""
        outdir.mkdir(parents=True, exist_ok=True)
        profile = outdir / ".lo-profile"
        cmd = [self.exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        ext = fmt.split(":")[0]
        # A CSV export of one sheet is named "<stem>-<sheet>.csv".
        outputs = [next(iter(sorted(outdir.glob(f"{glob.escape(p.stem)}*.{ext}"))), outdir / f"{p.stem}.{ext}")
                   for p in paths]
        missing = [o.name for o in outputs if not o.exists() or o.stat().st_size == 0]
        assert not missing, f"LibreOffice failed on {missing}: {proc.stdout}\n{proc.stderr}"
        return outputs
