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

from conftest import TODAY
from mapsheet.cli._app import COMMANDS, REGISTRY, _load_all
from mapsheet.rules.registry import all_rules

#: Prints the modules a command imported, after it ran as ``mapsheet ARGS...`` would.
RUNNER = """
import json, sys
from mapsheet.cli import main
out, sys.argv = sys.argv[1], ["mapsheet", *sys.argv[2:]]
code = main()
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""

#: The command line is argparse: Typer and click cost more than the rest of a no-change re-sync, and help's
#: formatter is for help only.
NOT_FOR_ANY_COMMAND = ("typer", "click", "rich_argparse")
#: Rich is for drawing (a table, a progress bar, colour on a terminal), not for lines of text to a pipe.
RICH = ("rich",)
#: Imported only on a rare path: close matches for a misspelt setting (difflib), the place a rule crashed
#: (traceback), and Drive for a sync argument that is no file.
RARE = ("difflib", "traceback", "mapsheet.google.drive")
#: Not needed to check a plan made from the template, each a real share of start-up: the edits (and their
#: formats) are for writing a plan.
NOT_FOR_CHECK = ("mapsheet.sync", "mapsheet.foreign.reader", "mapsheet.backends.xlsx_write", "openpyxl", "pandas",
                 "xlwings", "xlsxwriter", "gspread", "google.auth", "concurrent.futures.process", "rich.progress",
                 "mapsheet.edits", "mapsheet.styles", *RARE, *NOT_FOR_ANY_COMMAND)


def run(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(out), *map(str, args)], capture_output=True, text=True)
    assert out.exists(), proc.stderr
    return json.loads(out.read_text())


def _loaded(ran: dict, prefixes: tuple[str, ...]) -> list[str]:
    return [m for m in ran["modules"] if m.split(".")[0] in prefixes or m.startswith(tuple(p + "." for p in prefixes))]


def test_checking_a_plan_imports_only_what_checking_uses(sample_plans, tmp_path):
    plan = next(p for s, p in sample_plans if s.profile == "healthy")
    for extra in (["--format", "human"], ["--format", "json"], ["--quiet"]):
        ran = run(tmp_path, "check", plan, "--today", TODAY.isoformat(), *extra)
        assert ran["code"] == 0
        assert "mapsheet.check" in ran["modules"] and "python_calamine" in ran["modules"]  # it did check the plan
        assert _loaded(ran, NOT_FOR_CHECK) == [], extra
        drew = extra == ["--format", "human"]  # the plan's score, bars and families: a table drawn by Rich
        assert bool(_loaded(ran, RICH)) is drew, extra  # JSON and --quiet's one line: no Rich


#: Not needed by a re-sync that finds nothing changed (it lists, stats and asks the history): the checker and its
#: rules, the plan model and the template, the reader, the process pool, the roll-up's layout and its writers
#: (Excel and Google), temporary files (and shutil's archives), the other commands' modules, the progress bar; the
#: TOML reader (no project file: the packaged defaults are parsed only where plans are read) and OpenSSL's hashes.
NOT_FOR_A_RESYNC = ("tomllib", "hashlib", "_hashlib", "mapsheet.check", "mapsheet.parse", "mapsheet.api", "mapsheet.rules", "mapsheet.model",
                    "mapsheet.template", "mapsheet.grid", "mapsheet.backends", "python_calamine", "xml.etree",
                    "mapsheet.sync.summary", "mapsheet.sync.details", "mapsheet.sync.tables", "mapsheet.sync.changes",
                    "mapsheet.sync.excel", "mapsheet.styles", "mapsheet.edits", "mapsheet.sync.gsheet",
                    "mapsheet.google.formats", "mapsheet.cli.plans", "mapsheet.cli.check",
                    "mapsheet.sync.xlsx", "concurrent.futures.process", "rich.progress", "rich.table",
                    "rustpy_xlsxwriter", "xlsxwriter", "openpyxl", "pandas", "tempfile", "shutil",
                    *RARE, *NOT_FOR_ANY_COMMAND, *RICH)


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
    for extra in ((), ("--quiet",)):  # to a pipe: lines of text, no progress bar
        again = run(tmp_path, *args, *extra)
        assert again["code"] == first["code"]
        assert "mapsheet.sync.history" in again["modules"]  # it did look the plans up in the history
        assert _loaded(again, NOT_FOR_A_RESYNC) == [], extra


#: Not needed by the main process of a re-sync that reads a few changed plans (a forked process reads and checks
#: them): the edits that annotate a plan (the roll-up's formats are ``styles``), the checker and its rules, the
#: plan model and the template (the roll-up is laid out from stored summaries), and the rare paths.
NOT_FOR_A_RESYNC_MAIN = ("mapsheet.edits", "mapsheet.check", "mapsheet.rules", "mapsheet.parse", "mapsheet.api",
                         "mapsheet.model", "mapsheet.template",
                         "python_calamine", "mapsheet.cli.plans", "mapsheet.cli.check", *RARE, *NOT_FOR_ANY_COMMAND)


def test_a_resync_that_reads_a_changed_plan_imports_in_its_main_process_only_what_it_uses(sample_plans, tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for _, path in sample_plans[:3]:
        shutil.copy2(path, plans / path.name)
    args = ("sync", plans, "--out", tmp_path / "rollup.xlsx", "--today", TODAY.isoformat(), "--jobs", "2")
    first = run(tmp_path, *args)
    shutil.copy(sample_plans[3][1], plans / sample_plans[0][1].name)  # another plan's content: a changed plan
    again = run(tmp_path, *args)
    assert again["code"] == first["code"]
    # It wrote the roll-up again, with the changed plan read beside the main process.
    assert "mapsheet.sync.xlsx_blocks" in again["modules"] and "mapsheet.sync.forked" in again["modules"]
    assert "mapsheet.styles" in again["modules"]
    assert _loaded(again, NOT_FOR_A_RESYNC_MAIN) == []
    # rustpy-xlsxwriter's compiled module, loaded without the package's __init__, which reads the package's
    # metadata as it loads (importlib.metadata and an e-mail parser: about 20 ms).
    assert "rustpy_xlsxwriter.rustpy_xlsxwriter" in again["modules"]
    assert "rustpy_xlsxwriter" not in again["modules"] and "importlib.metadata" not in again["modules"]


def test_the_program_ends_with_its_commands_exit_code_and_all_it_printed_without_pythons_shutdown(tmp_path):
    """``python -m mapsheet`` (and the console script, ``cli.run``): the command's exit code is the process's, what
    it printed is all there (through a pipe too), and the process ends without Python's shutdown, which would
    only take apart what the command left alive (an exit handler registered before it never runs)."""
    probe = ("import atexit, runpy, sys; sys.argv = ['mapsheet', *sys.argv[1:]]; "
             "atexit.register(lambda: print('shut down')); "
             "runpy.run_module('mapsheet', run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", probe, "check", str(tmp_path / "missing.xlsx")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "missing.xlsx" in proc.stdout + proc.stderr
    assert "shut down" not in proc.stdout
    version = subprocess.run([sys.executable, "-m", "mapsheet", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("mapsheet ")
    # A long listing through a pipe, as the process wrote it before ending: every rule, to the last one.
    listing = subprocess.run([sys.executable, "-m", "mapsheet", "rules"], capture_output=True, text=True,
                             env={**os.environ, "COLUMNS": "120"})
    assert listing.returncode == 0
    assert [code for code in all_rules() if code not in listing.stdout] == []


def test_help_lists_every_command_from_a_fresh_start():
    out = subprocess.run([sys.executable, "-m", "mapsheet", "--help"], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "120"}).stdout
    commands = out[out.index("Commands:"):].splitlines()[1:]
    listed = [line.split()[0] for line in commands if line.startswith("    ") and line[4] != " "]
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
    _load_all()
    assert {group or name for group, name in REGISTRY} == set(COMMANDS)
    for (group, name), command in REGISTRY.items():
        assert command.func.__module__.rsplit(".", 1)[-1] in COMMANDS[group or name], name


def test_typer_is_not_a_dependency():
    """Nothing needs Typer any more: it must not come back through pyproject.toml."""
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert "typer" not in pyproject.lower() and "rich-argparse" in pyproject


#: Records the modules a sync's main process holds when it forks its first reading process, and those the first
#: reading process holds when it forks the second (its checker loaded), as ``mapsheet ARGS...`` would run.
FORKS = """
import json, os, sys
from mapsheet.cli import main
from mapsheet.sync import run
run.IN_PROCESS = 2  # a few plans are many, for the test: read by processes started early (``run._Early``)
out, sys.argv = sys.argv[1], ["mapsheet", *sys.argv[2:]]
started, fork = os.getpid(), os.fork
def recorded():
    at = "main" if os.getpid() == started else "reader"
    if not os.path.exists(out + at):
        with open(out + at, "w") as f:
            json.dump(sorted(sys.modules), f)
    return fork()
os.fork = recorded
main()
"""
#: Not needed before the reading processes start, nor in them: the TOML reader (the settings are read after the
#: first is forked, and handed to them), SQLite (the history is opened after) and OpenSSL's hashes.
NOT_BEFORE_READING = ("tomllib", "sqlite3", "_sqlite3", "hashlib", "_hashlib")


def test_a_first_sync_starts_reading_before_it_imports_what_only_its_main_process_uses(sample_plans, tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for _, path in sample_plans[:4]:
        shutil.copy2(path, plans / path.name)
    out = tmp_path / "modules-"
    proc = subprocess.run([sys.executable, "-c", FORKS, str(out), "sync", str(plans), "--out",
                           str(tmp_path / "rollup.xlsx"), "--today", TODAY.isoformat(), "--jobs", "2", "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    assert (tmp_path / "rollup.xlsx").exists() and "4 plans synced: 4 read" in proc.stdout
    main, reader = (json.loads(Path(f"{out}{at}").read_text()) for at in ("main", "reader"))
    assert "mapsheet.sync.forkpool" in main and "mapsheet.check" in reader  # it forked them, the checker loaded
    # and the workbook reader, once, not in each process at its first plan
    assert {"python_calamine", "mapsheet.backends.xlsx_read", "mapsheet.backends.xlsx_image"} <= set(reader)
    assert [m for m in NOT_BEFORE_READING if m in main or m in reader] == []
