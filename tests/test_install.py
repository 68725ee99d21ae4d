"""The README's first steps, run as written from a copy of the repository in a temporary folder: the quick
start (`./dev demo`, then the commands the demo says to try), the pip route from inside the folder (named as
a clone or as a ZIP download unpacks), the Excel install steps, and `./dev` itself.

Speed: a new environment would download and install pandas & co. each time. The environments made here get
this test run's own packages through a `.pth` line (dependencies only; mapsheet itself is installed from the
copy by the documented command), and are made without pip (pip comes through the same line), so each
route costs its own install of mapsheet: about 20 s.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

SKIP = shutil.ignore_patterns(".venv", ".git", "dist", "build", "__pycache__", "*.egg-info", "mapsheet-demo",
                              ".pytest_cache", ".benchmarks", "*.whl")


def copy_repo(folder: Path) -> Path:
    """The repository as a user has it: a clone or an unpacked ZIP, without environments or build output."""
    shutil.copytree(ROOT, folder, ignore=SKIP, symlinks=True)
    return folder


def environment(folder: Path) -> Path:
    """A fresh virtual environment in ``folder`` that sees this run's installed packages (and pip) after
    its own, so a `pip install .` there only builds and installs mapsheet."""
    venv.create(folder, with_pip=False)
    site = Path(subprocess.run([str(python_in(folder)), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "_outer_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return folder


def python_in(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(args, cwd: Path, timeout: int = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "80", **(env or {})})


def readme_block(heading: str, language: str = "sh") -> list[str]:
    """The command lines of the first ``language`` code block under ``heading`` in the README (comments cut)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(heading):]
    block = re.search(rf"```{language}\n(.*?)```", section, re.S).group(1)
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]


def follow_pip_route(repo: Path) -> Path:
    """README "Install with pip" (macOS / Linux) in ``repo``; returns the environment."""
    lines = readme_block("## Install with pip")
    assert lines[0].startswith("cd mapsheet-main") and "python -m pip install ." in lines
    env = environment(repo / ".venv")
    bin_dir = python_in(env).parent
    path = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(env)}  # what `activate` does
    for line in lines[3:]:  # after cd, venv and activate (done above): pip install ., --version, demo
        proc = run(shlex.split(line), cwd=repo, env=path)
        assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
        if line == "mapsheet --version":
            assert proc.stdout.strip() == "mapsheet 0.1.0"
    installed = run([str(python_in(env)), "-c", "import mapsheet; print(mapsheet.__file__)"], cwd=repo.parent)
    assert Path(installed.stdout.strip()).is_relative_to(env), installed.stdout  # installed, not the folder
    assert (repo / "mapsheet-demo" / "rollup.xlsx").exists()
    return env


@pytest.fixture(scope="module")
def zip_install(tmp_path_factory) -> tuple[Path, Path]:
    """The pip route followed in a folder named as GitHub's ZIP unpacks: (folder, environment)."""
    repo = copy_repo(tmp_path_factory.mktemp("zip") / "mapsheet-main")
    return repo, follow_pip_route(repo)


def test_pip_route_from_inside_an_unpacked_zip(zip_install):
    repo, env = zip_install
    assert (env / "bin" / "mapsheet").exists() or (env / "Scripts" / "mapsheet.exe").exists()


def test_pip_route_from_inside_a_clone(tmp_path):
    follow_pip_route(copy_repo(tmp_path / "mapsheet"))


def test_excel_install_steps_on_a_machine_without_excel(zip_install, tmp_path):
    """README "Excel" > Install, steps 1-2, after the pip route: on Linux the add-in is built for
    inspection, nothing is installed, and the exit code says it could not run."""
    _, env = zip_install
    steps = readme_block("### Install")
    assert steps == ["mapsheet excel install"]
    mapsheet = str(python_in(env).parent / "mapsheet")
    work = tmp_path / "work"
    work.mkdir()
    proc = run([mapsheet, "excel", "install"], cwd=work)
    if sys.platform.startswith("linux"):
        assert proc.returncode == 2 and "Excel is not available on linux" in proc.stderr
        assert (work / "mapsheet_addin.xlam").exists()
    (work / "addin").mkdir()
    built = run([mapsheet, "excel", "build-addin", "--out", str(work / "addin")], cwd=work)
    assert built.returncode == 0 and (work / "addin" / "mapsheet_addin.xlam").exists(), built.stderr


def test_quick_start_runs_and_the_demo_suggestions_run_as_printed(tmp_path):
    """README "Quick start": ./dev demo in a fresh copy, then the demo's "Try next" lines, each pasted into
    a shell as printed."""
    lines = readme_block("## Quick start")
    assert lines[:2] == ["./dev demo", ".venv/bin/mapsheet --help"]
    repo = copy_repo(tmp_path / "mapsheet-main")
    environment(repo / ".venv")  # ./dev then installs mapsheet from the copy into it, as on a first run
    demo = run(["./dev", "demo", "--count", "3", "--today", "2026-11-27"], cwd=repo)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "dev: installing mapsheet" in demo.stderr  # says what it does on a first run
    tries = demo.stdout[demo.stdout.index("Try next"):].splitlines()[1:]
    assert len(tries) == 3 and all(t.startswith("  .venv/bin/mapsheet ") for t in tries), demo.stdout
    for line in tries:
        proc = run(["bash", "-c", line.strip()], cwd=repo)
        assert proc.returncode in (0, 1), f"{line}\n{proc.stdout}\n{proc.stderr}"  # 1: the plan has findings
        assert "Traceback" not in proc.stderr
    help_ = run(["bash", "-c", lines[1]], cwd=repo)
    assert help_.returncode == 0 and "Usage: mapsheet" in help_.stdout


def test_dev_help_and_unknown_commands(tmp_path):
    help_ = run([str(ROOT / "dev"), "help"], cwd=tmp_path)
    assert help_.returncode == 0
    for command in ("demo", "test", "setup", "wheel", "bench"):
        assert re.search(rf"^  {command}\b", help_.stdout, re.M), help_.stdout
    unknown = run([str(ROOT / "dev"), "foo"], cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown command 'foo'" in unknown.stderr
