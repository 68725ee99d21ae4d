"""Starting a command costs what that command uses: each command's module is imported when it runs
(``_app.COMMANDS``), so ``mapsheet check`` of one plan does not pay for sync, the writers or the Excel and Google
libraries. Measured (benchmarks/run.py startup): importing mapsheet.sync and what it pulls in costs about half an
``import openpyxl``, the foreign-layout reader a quarter of one; openpyxl and pandas cost whole ones."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import typer

from conftest import TODAY
from mapsheet.cli._app import COMMANDS, app

#: Prints the modules a command imported, after it ran as ``mapsheet ARGS...`` would.
RUNNER = """
import json, sys
from mapsheet.cli import main
out, sys.argv = sys.argv[1], ["mapsheet", *sys.argv[2:]]
try:
    main()
except SystemExit as done:
    code = done.code
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""

#: Not needed to check a plan made from the template, each a real share of start-up.
NOT_FOR_CHECK = ("mapsheet.sync", "mapsheet.foreign.reader", "mapsheet.backends.xlsx_write", "openpyxl", "pandas",
                 "xlwings", "xlsxwriter", "gspread", "google.auth", "concurrent.futures.process", "rich.progress")


def run(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(out), *map(str, args)], capture_output=True, text=True)
    assert out.exists(), proc.stderr
    return json.loads(out.read_text())


def test_checking_a_plan_imports_only_what_checking_uses(sample_plans, tmp_path):
    plan = next(p for s, p in sample_plans if s.profile == "healthy")
    for fmt in ("human", "json"):
        ran = run(tmp_path, "check", plan, "--today", TODAY.isoformat(), "--format", fmt)
        assert ran["code"] == 0
        assert "mapsheet.check" in ran["modules"] and "python_calamine" in ran["modules"]  # it did check the plan
        loaded = [m for m in ran["modules"] if m.startswith(NOT_FOR_CHECK)]
        assert loaded == [], fmt


#: Not needed by a re-sync that finds nothing changed (it lists, stats and asks the history): the checker and its
#: rules, the reader, the process pool, the writers, the progress bar.
NOT_FOR_A_RESYNC = ("mapsheet.check", "mapsheet.parse", "mapsheet.api", "mapsheet.rules.structure",
                    "mapsheet.sync.xlsx", "concurrent.futures.process", "rich.progress", "rich.table",
                    "rustpy_xlsxwriter", "xlsxwriter", "openpyxl", "pandas")


def test_a_resync_with_nothing_changed_imports_only_what_it_uses(sample_plans, tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for _, path in sample_plans[:3]:
        shutil.copy2(path, plans / path.name)
    args = ("sync", plans, "--out", tmp_path / "rollup.xlsx", "--today", TODAY.isoformat())
    first = run(tmp_path, *args)
    # The first sync read and checked the plans (in a forked process: a few plans are read beside the main
    # one) and wrote the roll-up by blocks.
    assert "mapsheet.sync.xlsx_blocks" in first["modules"] and (tmp_path / "rollup.xlsx").exists()
    again = run(tmp_path, *args)
    assert again["code"] == first["code"]
    assert [m for m in again["modules"] if m.startswith(NOT_FOR_A_RESYNC)] == []


def test_help_lists_every_command_from_a_fresh_start():
    out = subprocess.run([sys.executable, "-m", "mapsheet", "--help"], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "120"}).stdout
    listed = [line.split()[1] for line in out.splitlines() if line.startswith("│ ") and line[2] not in " -"]
    assert listed == list(COMMANDS)


def test_the_demo_rolls_up_from_a_fresh_start(tmp_path):
    """The demo's roll-up step is registered by the sync module: started alone, the demo still rolls up."""
    proc = subprocess.run([sys.executable, "-m", "mapsheet", "demo", "--count", "2", "--out", str(tmp_path / "demo"),
                           "--today", TODAY.isoformat()], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "demo" / "rollup.xlsx").exists() and "Rolled up 2 plans" in proc.stdout


def test_each_command_is_registered_by_the_modules_the_table_names():
    """What each module registers, found by importing them all: every command in the table, and its module among
    those the table imports for it."""
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    for name in COMMANDS:
        group.get_command(ctx, name)
    built = typer.main.get_command(app).commands  # everything registered, now every module is imported
    assert set(built) == set(COMMANDS)
    for name, command in built.items():
        callback = command.callback if command.callback else next(iter(command.commands.values())).callback
        assert callback.__module__.rsplit(".", 1)[-1] in COMMANDS[name], name
