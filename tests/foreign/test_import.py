"""``mapsheet import``: each corpus file into the standard template, every value of its steps kept, and
the imported plan understood at least as well as the original."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from mapsheet import api
from cli.runner import run_cli
from mapsheet.errors import MapsheetError
from mapsheet.importer import import_file

from .deal import TODAY
from .generate import LAYOUTS, write_all
from .measure import compare, matching


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("foreign-import")
    write_all(folder)
    return folder


def _source(corpus: Path, key: str) -> Path:
    return next(corpus.glob(f"{key}.*[vx]"))


def _understood(plan, truth: dict) -> int:
    return sum(1 for step in truth["steps"] if not compare(matching(plan, step["text"]), step))


def _cells(path: Path) -> set[str]:
    if path.suffix == ".csv":
        return {c.strip() for line in path.read_text(encoding="utf-8").splitlines() for c in line.split(",")}
    wb = openpyxl.load_workbook(path)
    return {str(c.value).strip() for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}


def _shown(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


@pytest.mark.parametrize("key", [layout.key for layout in LAYOUTS])
def test_import_understands_at_least_as_much_and_keeps_every_step_value(corpus, tmp_path, key):
    source = _source(corpus, key)
    truth = json.loads((corpus / f"{key}.truth.json").read_text(encoding="utf-8"))
    original = api.check(source, today=TODAY)
    out, imported = import_file(source, tmp_path / "plan.xlsx")
    result = api.check(out, today=TODAY)
    assert result.plan.reading is None, "the imported plan is read as the template"
    assert not any(f.code in ("MAP001", "MAP002", "MAP012") for f in result.findings)
    assert _understood(result.plan, truth) >= _understood(original.plan, truth)
    # Every value of the steps table is somewhere in the imported plan: typed in its column, or in Notes.
    written = openpyxl.load_workbook(out)
    text = "\n".join(_shown(c.value) for ws in written.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)
    steps = original.plan.tables["actions"]
    for rec in steps.records:
        for header, value in rec.extra.items():
            assert _shown(value) in text, f"{header}={value!r} of row {rec.row + 1} was dropped"
        assert rec.values["action"] in text
    assert imported.lines[0].startswith("Read a table of steps")


def test_import_prints_the_mapping_and_refuses_to_overwrite(corpus, tmp_path):
    source = _source(corpus, "09-medley-owner-pair-yearless")
    out = tmp_path / "plan.xlsx"
    first = run_cli(["import", str(source), "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert "'Owner (Customer / Vendor)' -> owners of both sides" in first.output
    assert "Parties inferred from:" in first.output and "Imported" in first.output
    before = out.read_bytes()
    second = run_cli(["import", str(source), "--out", str(out)])
    assert second.exit_code == 2 and "already exists" in second.output
    assert out.read_bytes() == before
    third = run_cli(["import", str(source), "--out", str(out), "--force"])
    assert third.exit_code == 0


def test_import_says_what_stayed_unresolved(tmp_path):
    # Weeks with no plan start to count from: the dates stay unresolved, said so, and kept in Notes.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Task", "Owner", "When", "Status"])
    ws.append(["Send the security questionnaire back", "Dana Cole (IT)", "Week 3", "In progress"])
    ws.append(["Sign the order form", "Buyer: Ana Ruiz", "TBD", "To do"])
    source = tmp_path / "weeks.xlsx"
    wb.save(source)
    out, imported = import_file(source, tmp_path / "plan.xlsx")
    lines = "\n".join(imported.lines)
    assert "Unresolved (1):" in lines and "'Week 3' counts from the plan's start" in lines
    actions = api.read_plan(out).actions
    assert actions[0].values["due"] is None and "Due as written: Week 3" in actions[0].values["notes"]
    assert actions[1].values["due"] is None and "TBD" not in str(actions[1].values.get("notes"))  # a placeholder


def test_a_template_plan_is_not_imported(tmp_path):
    from mapsheet.fill import default_template_path

    with pytest.raises(MapsheetError, match="already a plan made from the mapsheet template"):
        import_file(default_template_path(), tmp_path / "out.xlsx")


def test_a_sheet_without_steps_is_refused_with_a_sentence(tmp_path):
    source = tmp_path / "notes.csv"
    source.write_text("Meeting notes\nWe talked about pricing\n", encoding="utf-8")
    with pytest.raises(MapsheetError, match="no table of steps was found"):
        import_file(source, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_a_csv_export_is_checked_and_annotating_it_is_refused_with_a_sentence(corpus):
    source = _source(corpus, "25-getaccept-export")
    checked = run_cli(["check", str(source), "--today", TODAY.isoformat(), "--format", "json"])
    assert checked.exit_code in (0, 1), checked.output
    assert json.loads(checked.output)["plans"][0]["band"] == "At risk"
    before = source.read_bytes()
    annotated = run_cli(["check", str(source), "--today", TODAY.isoformat(), "--annotate"])
    assert annotated.exit_code == 2 and "not '.csv' files" in annotated.output
    assert source.read_bytes() == before
