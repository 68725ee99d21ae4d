"""What a new user meets in the first hour (issue #14), driven through the command line: one test (or a
few) per numbered item of the issue. The install route, the quick start and ./dev are in
tests/test_install.py; print layouts in tests/test_print.py."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from conftest import TODAY
from cli.runner import run_cli
from mapsheet.samples import generate_samples, write_sample

DAY = TODAY.isoformat()


def invoke(*args: str, env: dict | None = None):
    return run_cli([str(a) for a in args], env={"COLUMNS": "80", **(env or {})})


@pytest.fixture
def plan(sample_plans, tmp_path) -> Path:
    """A healthy demo plan (no error finding) copied under a name with brackets."""
    source = next(p for s, p in sample_plans if s.profile == "healthy")
    target = tmp_path / "Acme [draft].xlsx"
    shutil.copy2(source, target)
    return target


# -- 2. user text is never read as markup, control characters are shown ------------------------------------

def test_a_bracketed_file_name_prints_whole(plan):
    result = invoke("check", plan, "--today", DAY)
    assert result.exit_code == 0, result.output
    assert "Acme [draft].xlsx" in result.output


def test_a_name_that_looks_like_markup_is_a_clear_error_not_a_traceback(tmp_path):
    result = invoke("check", tmp_path / "nope [/draft].xlsx")
    assert result.exit_code == 2
    assert "nope [/draft].xlsx: no such file or folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_messages_keep_their_brackets():
    from mapsheet.cli._console import markup, safe

    assert safe("pip install 'mapsheet[parquet]'") == "pip install 'mapsheet\\[parquet]'"
    assert markup("[bold]{}[/]", "[/x]") == "[bold]\\[/x][/]"


def test_control_characters_in_a_file_name_are_shown_not_sent_to_the_terminal(plan):
    hostile = plan.with_name("Acme \x1b]0;pwned\x07 \u202etxt.xlsx")
    plan.rename(hostile)
    result = invoke("check", hostile, "--today", DAY)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "Acme \\x1b]0;pwned\\x07 \\u202etxt.xlsx" in result.output
    as_json = invoke("check", hostile, "--today", DAY, "--format", "json")
    assert "\u202e" not in as_json.output and "\\u202e" in as_json.output
    assert json.loads(as_json.output)["plans"][0]["file"] == str(hostile)  # still the real name, as data


# -- 3. a command given no plans cannot pass; @list.txt everywhere ----------------------------------------

@pytest.mark.parametrize("command", [["check"], ["check", "--format", "json"], ["clean"],
                                     ["sync", "--out", "rollup.xlsx"]])
def test_no_plans_is_exit_2_with_a_sentence(tmp_path, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke(*command, empty)
    assert result.exit_code == 2, result.output
    assert "no plan workbooks (.xlsx or .xlsm) found in" in result.output and str(empty) in result.output


def test_check_and_clean_take_a_list_file(plan, tmp_path):
    listing = tmp_path / "team.txt"
    listing.write_text(f"# east team\n{plan.name}\n\n", encoding="utf-8")
    result = invoke("check", f"@{listing}", "--today", DAY)
    assert result.exit_code == 0, result.output
    assert "1 plan checked: 1 passed" in result.output
    assert invoke("clean", f"@{listing}").exit_code == 0
    empty_list = tmp_path / "none.txt"
    empty_list.write_text("# nobody yet\n", encoding="utf-8")
    assert invoke("check", f"@{empty_list}").exit_code == 2


# -- 5. a gate says which plans failed and why; a quiet mode for cron --------------------------------------

def test_fail_under_and_fail_on_name_the_plans_and_the_finding(sample_plans):
    folder = sample_plans[0][1].parent
    loud = invoke("check", folder, "--today", DAY, "--fail-under", "70")
    quiet = invoke("check", folder, "--today", DAY, "--fail-under", "70", "--quiet")
    assert loud.exit_code == quiet.exit_code == 1
    summary = [line for line in quiet.output.splitlines() if line.startswith("25 plans checked:")]
    assert summary and "failed (--fail-under 70, --fail-on error)" in summary[0]
    assert summary[0] in loud.output.splitlines()  # the same last line either way
    assert len(quiet.output.splitlines()) < len(loud.output.splitlines()) / 5
    assert "under --fail-under 70" in quiet.output  # a score under the bar is named
    assert "[--fail-on error]" in quiet.output and "MAP" in quiet.output  # the finding that tripped, with its code
    failed = int(summary[0].split(" failed")[0].rsplit(" ", 1)[1])
    assert quiet.output.count("  ✖ ") == failed


def test_clean_ends_with_a_summary_line(sample_plans, tmp_path):
    for _, path in sample_plans[:3]:
        shutil.copy2(path, tmp_path / path.name)
    result = invoke("clean", tmp_path)
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "3 plans: 0 cleaned, 3 had no marks"


# -- 6. accepted header synonyms are information, not problems ---------------------------------------------

def test_a_plan_with_accepted_synonyms_syncs_clean(sample_plans, tmp_path):
    sample = copy.deepcopy(next(s for s, _ in sample_plans if s.profile == "healthy"))
    sample.rename_headers = {("Actions", "Owner"): "Responsible", ("Milestones", "Due"): "Deadline"}
    folder = tmp_path / "plans"
    folder.mkdir()
    write_sample(sample, folder)
    result = invoke("sync", folder, "--out", tmp_path / "rollup.xlsx", "--today", DAY)
    assert result.exit_code == 0, result.output
    assert "with problems" not in result.output and "1 with renamed columns (accepted)" in result.output
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "rollup.xlsx")
    problems = book["Problems"]
    assert problems["A1"].value.startswith("No problems") and "accepted synonyms" in problems["A1"].value
    assert problems.sheet_properties.tabColor is None  # not the red tab
    assert [c.value for c in problems[3]][2] == "Renamed column (accepted)"
    dashboard = [tuple(c.value for c in row[:2]) for row in book["Dashboard"].iter_rows()]
    assert ("Plans with problems", 0) in dashboard
    assert not any("ATTENTION" in str(v) for row in dashboard for v in row)


# -- 9. 80 columns: the rule list, help, why lines; --version, -h -------------------------------------------

def _lines(output: str) -> list[str]:
    return [line.rstrip() for line in output.splitlines()]


def test_the_rule_list_fits_80_columns_without_cutting_names():
    from mapsheet.rules import all_rules

    result = invoke("rules")
    lines = _lines(result.output)
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.output
    for rule in all_rules().values():
        assert any(line.split()[:1] == [rule.code] and line.split()[-1] == rule.name for line in lines), rule.code
    assert len(lines) <= 2 * len(all_rules()) + 36  # two lines a rule (a few summaries wrap once), a heading a family, a footer


@pytest.mark.parametrize("command", [[], ["check"], ["sync"], ["new"], ["clean"], ["demo"], ["excel", "install"]])
def test_help_at_80_columns_leaves_room_for_the_descriptions(command):
    result = invoke(*command, "-h")
    assert result.exit_code == 0
    lines = _lines(result.output)
    assert max(len(line) for line in lines) <= 80
    # Each option's (or command's) description starts by column 45: at least 30 characters a line for it.
    described = [line for line in lines if line.startswith("  ") and line.strip() and not line.strip().startswith(
        ("Usage", "[", "PLAN", "SOURCE")) and len(line.split()) > 1]
    assert described
    for line in described:
        description = [w for w in line.split("  ") if w.strip()][-1].strip()
        assert line.index(description) <= 45, line


def test_why_lines_wrap_under_themselves(sample_plans):
    stalled = next(p for s, p in sample_plans if s.profile == "neglected")
    result = invoke("check", stalled, "--today", DAY)
    lines = _lines(result.output)
    first = next(i for i, line in enumerate(lines) if line.startswith("  why:"))
    block = [lines[first]]
    for line in lines[first + 1:]:
        if not line.startswith(("  why:", " " * 7)):
            break
        block.append(line)
    assert max(len(line) for line in block) <= 80
    assert any(line.startswith(" " * 7) and line.strip() for line in block), block  # a long reason wrapped, indented


def test_help_texts_print_what_they_say():
    """Every command's help shows its description and each of its options' help texts whole, as written."""
    from mapsheet.cli._app import COMMANDS, GROUPS, REGISTRY, _load_all
    from mapsheet.cli._parser import paragraphs

    _load_all()
    assert len(REGISTRY) == 14  # every command and sub-command, not only those imported so far
    for (group, name), command in REGISTRY.items():
        shown = " ".join(invoke(*filter(None, (group, name)), "-h", env={"COLUMNS": "2000"}).output.split())
        for text in [paragraphs(command.func.__doc__), *(p.kwargs["help"] for p in command.params)]:
            words = " ".join(text.replace("%%", "%").split())
            assert words in shown, (group, name, words)
    listing = " ".join(invoke("-h", env={"COLUMNS": "2000"}).output.split())
    assert all(f" {name} " in listing for name in COMMANDS) and all(line in listing for line in GROUPS.values())


def test_version_and_short_help():
    version = invoke("--version")
    assert version.exit_code == 0 and version.output.strip() == "mapsheet 0.1.0"
    assert invoke("-h").output == invoke("--help").output
    assert "Usage: mapsheet check" in invoke("check", "-h").output


def test_top_level_help_has_no_stray_line_breaks():
    lines = _lines(invoke("--help").output)
    clean = next(i for i, line in enumerate(lines) if line.split()[:1] == ["clean"])
    indent = lines[clean].index("Remove")
    # the description continues on the next lines only as wrapped text: each of them nearly full or the last
    block = [lines[clean]]
    for line in lines[clean + 1:]:
        if not line.startswith(" " * indent) or not line.strip():  # the next command, or the end of the list
            break
        block.append(line)
    assert len(block) >= 2 and all(len(line) >= 60 for line in block[:-1]), block


# -- 10. small things: reproducible JSON, padded demo names, honest wording ----------------------------------

def test_checked_at_is_reproducible_with_today(plan):
    first = json.loads(invoke("check", plan, "--today", DAY, "--format", "json").output)
    second = json.loads(invoke("check", plan, "--today", DAY, "--format", "json").output)
    assert first == second
    assert first["plans"][0]["checked_at"] == f"{DAY}T00:00:00+00:00"


def test_demo_names_sort_past_99():
    names = [s.filename for s in generate_samples(120, seed=7, today=TODAY)]
    assert names[0].startswith("001 ") and names[99].startswith("100 ")
    assert names == sorted(names)


def test_clean_of_an_open_plan_suggests_a_copy_not_an_annotated_one(plan):
    plan.with_name("~$" + plan.name).write_text("")
    result = invoke("clean", plan)
    assert result.exit_code == 2
    assert "--output COPY" in result.output and "annotated" not in result.output


def test_nothing_promises_a_clear_check_button(plan):
    from mapsheet import api
    from mapsheet.annotate import check_sheet

    assert "Clear check" not in invoke("excel", "clear", "-h").output
    result = api.check(plan, today=TODAY)
    sheet_text = " ".join(str(c.value) for row in check_sheet(result, set(result.plan.sheet_names)).rows for c in row)
    assert "mapsheet clean" in sheet_text and "Clear check" not in sheet_text
