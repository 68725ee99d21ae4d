"""The hostile corpus (tests/corpus/generate.py) through the real CLI: no file may crash mapsheet, hang it,
stop a sync or cost the user a value.

Per file (``harness.run_case``): check, check --format json, annotate a copy, annotate it again, check the
annotated copy, clean it. Every exit code is 0, 1 or 2; nothing prints a traceback; the output names the
file; annotate either refuses with a sentence and writes nothing, or changes nothing of the user's (values,
cached formula results, formulas, notes, fills, names, tabs, macros); annotating twice equals once; clean
restores the original exactly; the check of the annotated plan equals the check of the original. Bombs and
giants are checked once more in a child process capped at 2 GB.

The whole corpus is then synced with each roll-up writer: the roll-up is written, every XML part of it
parses, openpyxl and LibreOffice open it, and its Problems sheet lists every file the check could not read.

About 4-6 minutes on two cores (the corpus is built once per session, about 30 s with LibreOffice).
"""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest

from mapsheet.sync import sync
from mapsheet.sync.excel import WRITERS, safe_text

from conftest import soffice
from corpus.generate import FAMILIES, TODAY, build
from corpus.harness import run_all, table
from corpus.kill import kill_annotate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    exe = soffice()
    if exe is None and os.environ.get("MAPSHEET_REQUIRE_LIBREOFFICE"):
        pytest.fail("LibreOffice (soffice) is required for the corpus's LibreOffice family; run ./dev test")
    return build(tmp_path_factory.mktemp("hostile") / "corpus", soffice=exe)


@pytest.fixture(scope="session")
def outcomes(corpus, tmp_path_factory):
    """Every case run once: {path: Outcome}, shared by the family tests and the sync test."""
    outcomes = run_all(corpus.cases, tmp_path_factory.mktemp("runs"))
    return {o.case.path: o for o in outcomes}


#: Promises a family still breaks, each with why (issue #15 stays open while any is listed). strict: the day
#: one is kept, its test fails until the line is removed.
KNOWN_BROKEN: dict[str, str] = {}


@pytest.mark.parametrize("family", [
    pytest.param(f.__name__, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BROKEN[f.__name__]))
    if f.__name__ in KNOWN_BROKEN else f.__name__ for f in FAMILIES])
def test_every_file_of_a_family_keeps_every_promise(corpus, outcomes, family):
    cases = [c for c in corpus.cases if c.maker == family]
    if not cases:
        assert family == "libreoffice" and corpus.missing, "the family wrote no file"
        pytest.skip(f"{family}: {corpus.missing}")  # soffice absent outside ./dev test and CI (the fixture fails there)
    broken = {str(c.path.relative_to(corpus.folder)): outcomes[c.path].failures for c in cases
              if outcomes[c.path].failures}
    assert not broken, broken
    for c in cases:  # a refusal or a problem is a sentence, not an empty line
        o = outcomes[c.path]
        assert o.outcome == "ok" or len(o.message) > 20, (c.path, o.message)


def test_the_outcomes_table_covers_every_file(corpus, outcomes, tmp_path_factory):
    text = table(list(outcomes.values()))
    (tmp_path_factory.getbasetemp() / "corpus-outcomes.md").write_text(text + "\n")
    print("\n" + text)
    assert f"| **all** | {len(corpus.cases)} |" in text


@pytest.mark.parametrize("writer", WRITERS)
def test_a_sync_of_the_whole_corpus_writes_a_well_formed_rollup_listing_every_bad_plan(
        corpus, outcomes, writer, tmp_path, libreoffice):
    out = tmp_path / "rollup.xlsx"
    report = sync([corpus.folder], out, today=TODAY, jobs=2, writer=writer)
    assert report.written and report.exit_code == 1
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(z.read(name))  # raises on anything not well-formed
    book = openpyxl.load_workbook(out)
    listed = {row[0] for row in book["Problems"].iter_rows(min_row=3, max_col=1, values_only=True) if row[0]}
    unreadable = {safe_text(c.path.name) for c in corpus.cases
                  if outcomes[c.path].outcome == "problem" and c.path.is_file()
                  and c.path.suffix.lower() in (".xlsx", ".xlsm") and not c.path.is_symlink()}
    assert unreadable and unreadable <= listed, sorted(unreadable - listed)
    converted = libreoffice.convert([out], tmp_path / "lo", "csv")
    assert converted[0].stat().st_size > 0
    shutil.rmtree(tmp_path / "lo", ignore_errors=True)


def test_sigkill_at_random_moments_of_annotate_leaves_the_original_or_the_annotated_plan(sample_plans):
    counts = kill_annotate(sample_plans[4][1], 8)  # the bloated plan: the longest save
    assert counts["broken"] == 0 and counts["original"] + counts["annotated"] == 8, counts
