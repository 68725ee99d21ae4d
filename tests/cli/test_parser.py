"""The command line itself (cli/_parser.py, cli/_app.py): a mistake in it is one line naming the option and exit
code 2; options take their defaults from environment variables where declared; help everywhere."""

from __future__ import annotations

import pytest

from cli.runner import run_cli
from mapsheet.cli._app import COMMANDS


@pytest.mark.parametrize("args, says", [
    (["check", "p.xlsx", "--fail-under", "101"], "argument --fail-under: 101 is not in the range 0<=x<=100"),
    (["check", "p.xlsx", "--fail-under", "ten"], "argument --fail-under: 'ten' is not a whole number"),
    (["check", "p.xlsx", "-f", "xml"], "argument -f/--format: invalid choice: 'xml'"),
    (["check", "p.xlsx", "--fail-on", "fatal"], "argument --fail-on: invalid choice: 'fatal'"),
    (["sync", "plans", "--jobs", "0"], "argument -j/--jobs: 0 is not in the range x>=1"),
    (["sync", "plans", "--time-limit", "0"], "argument --time-limit: 0 is not in the range x>=0.1"),
    (["demo", "--count", "5001"], "argument --count: 5001 is not in the range 1<=x<=5000"),
    (["check", "p.xlsx", "--bogus"], "unrecognized arguments: --bogus"),
    (["check", "p.xlsx", "--fail-und", "90"], "unrecognized arguments: --fail-und"),  # no abbreviations
    (["check"], "the following arguments are required: PLAN"),
    (["new", "-c", "Acme", "--close", "2027-01-01"], "the following arguments are required: -o/--owner"),
    (["google", "script"], "the following arguments are required: --url"),
    (["chek", "p.xlsx"], "no such command 'chek'; did you mean 'check'?"),
    (["excel", "instal"], "mapsheet excel: no such command 'instal'; did you mean 'install'?"),
    (["--bogus"], "no such option '--bogus'"),
])
def test_a_mistake_on_the_command_line_is_one_line_naming_it(args, says):
    result = run_cli(args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: mapsheet"), result.stderr
    assert says in result.stderr and "-h'" in result.stderr


def test_options_go_anywhere_among_the_plans(sample_plans):
    first, second = (str(p) for _, p in sample_plans[:2])
    result = run_cli(["check", first, "--today", "2026-11-27", second, "-f", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count('"file"') == 2


def test_the_credentials_come_from_the_environment_unless_given(tmp_path):
    missing = tmp_path / "no-such-key.json"
    sheet = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg/edit"
    from_env = run_cli(["check", sheet], env={"MAPSHEET_GOOGLE_CREDENTIALS": str(missing)})
    assert from_env.exit_code == 2 and "no-such-key.json" in from_env.stderr, from_env.stderr
    given = run_cli(["check", sheet, "--credentials", str(tmp_path / "other.json")],
                    env={"MAPSHEET_GOOGLE_CREDENTIALS": str(missing)})
    assert given.exit_code == 2 and "other.json" in given.stderr and "no-such-key" not in given.stderr


def test_mapsheet_alone_lists_the_commands_and_cannot_pass():
    alone, asked = run_cli([]), run_cli(["-h"])
    assert alone.exit_code == 2 and asked.exit_code == 0 and alone.stdout == asked.stdout
    assert all(f"\n    {name} " in alone.stdout for name in COMMANDS)


@pytest.mark.parametrize("group", ["excel", "template", "google"])
def test_a_group_alone_lists_its_commands(group):
    result = run_cli([group])
    assert result.exit_code == 2 and f"Usage: mapsheet {group}" in result.stdout and "Commands:" in result.stdout
