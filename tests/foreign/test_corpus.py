"""The corpus of published MAP layouts (LAYOUTS.md): each file is read, understood and judged as an expert
would, against the ground truth written next to it by the generator, and never crashes annotate or clean.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from mapsheet import api
from mapsheet.edits import CHECK_SHEET

from .deal import TODAY
from .generate import LAYOUTS, write_all
from .measure import compare, matching, measure_all

MIN_FILES = 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("foreign-corpus")
    write_all(folder)
    return folder


@pytest.fixture(scope="module")
def results(corpus):
    return measure_all(corpus)


def _files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.suffix in (".xlsx", ".csv"))


def test_the_corpus_has_a_file_per_published_layout_and_some_csv_exports(corpus):
    files = _files(corpus)
    assert len(files) == len(LAYOUTS) >= MIN_FILES
    assert sum(p.suffix == ".csv" for p in files) >= 2
    layouts_md = (Path(__file__).parent / "LAYOUTS.md").read_text(encoding="utf-8")
    assert layouts_md.count("\n## ") >= MIN_FILES
    for layout in LAYOUTS:
        assert f"`{layout.key}`" in layouts_md, f"{layout.key} is not described in LAYOUTS.md"


def test_at_least_nine_step_rows_in_ten_are_fully_understood(results):
    steps = sum(r.steps for r in results)
    understood = sum(r.understood for r in results)
    misses = [f"{r.name}: {m}" for r in results for m in r.misses]
    assert understood / steps >= 0.9, "\n".join(misses)


def test_every_file_has_its_steps_found(results):
    for r in results:
        assert r.understood >= r.steps * 0.7, f"{r.name}: only {r.understood}/{r.steps}\n" + "\n".join(r.misses)


def test_the_expert_band_on_at_least_nine_files_in_ten(results):
    wrong = [f"{r.name}: {r.band_got}, expected {r.band_expected}" for r in results if not r.band_right]
    assert (len(results) - len(wrong)) / len(results) >= 0.9, "\n".join(wrong)


def test_the_bands_of_the_corpus_are_not_all_the_same(results):
    # The deal comes in three variants; a reader that saw no overdue step would call them all On track.
    assert {r.band_expected for r in results} == {"On track", "At risk", "Off track"}


@pytest.mark.parametrize("layout", [layout.key for layout in LAYOUTS if not layout.csv])
def test_annotate_and_clean_each_file(corpus, tmp_path, layout):
    original = corpus / f"{layout}.xlsx"
    plan = tmp_path / original.name
    shutil.copy(original, plan)
    result = api.check(plan, today=TODAY)
    api.annotate_file(plan, result)
    wb = openpyxl.load_workbook(plan)
    assert CHECK_SHEET in wb.sheetnames
    located = [f for f in result.findings if f.location.row is not None]
    assert located, "a foreign layout is at least said so, on a cell"
    for f in located:
        cell = wb[f.location.sheet].cell(f.location.row + 1, (f.location.col or 0) + 1)
        for merged in wb[f.location.sheet].merged_cells.ranges:
            if cell.coordinate in merged:
                cell = wb[f.location.sheet].cell(merged.min_row, merged.min_col)
        assert cell.comment is not None and f.code in cell.comment.text, f.text
    _, changed = api.clean_file(plan)
    assert changed
    cleaned, before = openpyxl.load_workbook(plan), openpyxl.load_workbook(original)
    assert cleaned.sheetnames == before.sheetnames
    for ws in before.worksheets:
        after = cleaned[ws.title]
        assert [[c.value for c in r] for r in after.iter_rows()] == [[c.value for c in r] for r in ws.iter_rows()]
        assert not any(c.comment for r in after.iter_rows() for c in r)


def test_a_foreign_layout_is_said_once_with_the_checks_that_could_not_run(corpus):
    result = api.check(corpus / "09-medley-owner-pair-yearless.xlsx", today=TODAY)
    codes = [f.code for f in result.findings]
    assert codes.count("MAP012") == 1 and "MAP001" not in codes and "MAP002" not in codes
    message = next(f.message for f in result.findings if f.code == "MAP012")
    assert "not the mapsheet template" in message and "mapsheet import 09-medley-owner-pair-yearless.xlsx" in message
    assert "a Risks tab" in message and "no a " not in message


def test_the_truth_is_written_before_and_apart_from_mapsheet(corpus):
    # The ground truth is plain JSON beside each file, made from deal.py alone.
    for layout in LAYOUTS:
        truth = json.loads((corpus / f"{layout.key}.truth.json").read_text(encoding="utf-8"))
        assert len(truth["steps"]) == 11 and truth["band"] in ("On track", "At risk", "Off track")


def test_a_step_both_sides_own_is_compared_over_its_rows(corpus):
    # After import a joint step is one action per side: both rows together carry both owners and sides.
    plan = api.read_plan(corpus / "04-commercialleadership-seller-customer-owner.xlsx")
    truth = json.loads((corpus / "04-commercialleadership-seller-customer-owner.truth.json").read_text())
    joint = next(s for s in truth["steps"] if s["party"] == "Joint")
    assert compare(matching(plan, joint["text"]), joint) == []
