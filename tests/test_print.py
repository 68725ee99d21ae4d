"""What a manager or a buyer prints: LibreOffice renders the template, an annotated plan and the roll-up (both
writers) to PDF, and the pages are read back with poppler's pdftotext.

"Not cut" is measured the way LibreOffice cuts: a line of wrapped text that does not fit its row, or a word
that does not fit its column, is not drawn at all, so pdftotext does not find it. Every word of each checked
text must be on the pages (words are compared as tokens split at spaces and hyphens, because wrapped cells
are read back line by line, interleaved with their neighbours). "Readable" is the median height of the
words' boxes on a page (about 1.2 times the printed font size).
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import TODAY
from mapsheet import api
from mapsheet.sync import sync
from mapsheet.sync.tables import DEALS, DEALS_PRINTED
from mapsheet.template.build import INSTRUCTIONS
from mapsheet.template.spec import SPEC
from test_template import COMMITTED

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

ROLLUP_SHEETS = ("Dashboard", "Deals", "Actions", "Overdue", "Milestones", "Risks", "Changes", "Problems")
FOOTER = re.compile(r"^(?P<sheet>.+), page (?P<page>\d+) of (?P<pages>\d+)$", re.M)
READABLE = 8.5  # points of a word's box: a font of about 7 points or more


def tokens(text: str) -> Counter:
    return Counter(t for t in re.split(r"[\s\-–]+", text) if t)


def missing(text: str, pages: list[str]) -> list[str]:
    """The words of ``text`` not found on ``pages`` (as many times as ``text`` holds them)."""
    have = tokens(" ".join(pages))
    return [w for w, n in tokens(text).items() if have[w] < n]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def word_height(pdf: Path, page: int) -> float:
    """The median height (points) of the word boxes on ``page`` (1-based)."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    heights = [float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', xml)]
    return statistics.median(heights)


@pytest.fixture(scope="module")
def printed(libreoffice, sample_plans, tmp_path_factory):
    """PDFs of the template, an annotated plan and the roll-up by each writer: {name: (source, pdf)}."""
    folder = tmp_path_factory.mktemp("print")
    plans = folder / "plans"
    plans.mkdir()
    for _, path in sample_plans:
        shutil.copy2(path, plans / path.name)
    neglected = next(p for s, p in sample_plans if s.profile == "neglected")  # findings for two pages
    annotated = folder / "annotated.xlsx"
    result = api.check(neglected, today=TODAY)
    api.annotate_file(neglected, result, output=annotated)
    rollups = {}
    for writer in ("rust", "xlsxwriter"):
        out = folder / f"rollup-{writer}.xlsx"
        sync([plans], out, today=TODAY, jobs=2, writer=writer, history=folder / f"{writer}.sqlite")
        rollups[writer] = out
    sources = {"template": COMMITTED, "annotated": annotated, **rollups}
    pdfs = libreoffice.convert(list(sources.values()), folder / "pdf")
    return {name: (src, pdf) for (name, src), pdf in zip(sources.items(), pdfs)}, result


def rollup_pages(pdf: Path) -> dict[str, list[tuple[int, str]]]:
    """{sheet: [(page number, text)]} from each page's footer ("Deals, page 2 of 41")."""
    out: dict[str, list[tuple[int, str]]] = {}
    for n, text in enumerate(page_texts(pdf), start=1):
        footer = FOOTER.search(text)
        assert footer, f"page {n} has no footer naming its sheet"
        assert int(footer["page"]) == n
        out.setdefault(footer["sheet"], []).append((n, text))
    return out


@pytest.mark.parametrize("writer", ["rust", "xlsxwriter"])
def test_the_rollup_prints_readable_and_whole(printed, sample_plans, writer):
    pdfs, _ = printed
    source, pdf = pdfs[writer]
    sheets = rollup_pages(pdf)
    assert tuple(sheets) == ROLLUP_SHEETS  # every sheet, in order, each starting on its own page
    assert len(sheets["Dashboard"]) == 1  # the figures and the four charts on one page
    for label in ("Close dates slipped since the last sync", "Overdue actions, customer side", "Plans with problems"):
        assert not missing(label, [sheets["Dashboard"][0][1]]), label  # the longest labels, not cut by their value
    assert len(sheets["Deals"]) <= 3  # 25 deals: a manager's page or two, not 21 columns at 4 points
    deal_pages = [text for _, text in sheets["Deals"]]
    for column in DEALS[:DEALS_PRINTED]:  # every printed header, on the first page and on the next ones
        for text in deal_pages:
            assert not missing(column.header, [text]), (column.header, text[:300])
    on_paper = " ".join(deal_pages)
    for header in ("Plan file", "Last reviewed", "Close-date pushes"):  # for the screen only: off the paper
        assert header in [c.header for c in DEALS[DEALS_PRINTED:]] and header not in on_paper
    import openpyxl

    rows = list(openpyxl.load_workbook(source, read_only=True)["Deals"].iter_rows(min_row=3, values_only=True))
    why = [h.header for h in DEALS].index("Why")
    for row in rows:
        assert not missing(row[why], deal_pages), f"Why cut on paper: {row[why]!r}"
        assert not missing(row[0], deal_pages), f"Deal cut on paper: {row[0]!r}"
    for sheet, pages in sheets.items():
        first = pages[0][0]
        assert word_height(pdf, first) >= READABLE, f"{sheet}: text too small to read on paper"


def test_the_template_prints_one_page_a_tab_and_nothing_cut(printed):
    pdfs, _ = printed
    _, pdf = pdfs["template"]
    pages = page_texts(pdf)
    tabs = [SPEC.overview.sheet, *(t.sheet for t in SPEC.tables), "Timeline", "Instructions"]
    assert [p.strip().splitlines()[0] for p in pages] == tabs  # one page each: no blank extra page
    by_tab = dict(zip(tabs, pages))
    for table in SPEC.tables:
        for field in table.fields:
            assert not missing(field.header, [by_tab[table.sheet]]), (table.sheet, field.header)
    for heading, paragraphs in INSTRUCTIONS:
        for text in (heading, *paragraphs):
            assert not missing(text, [by_tab["Instructions"]]), text
    assert "Clear check" not in by_tab["Instructions"] and "menu" not in by_tab["Instructions"]
    assert "Ignore checks" not in by_tab["Overview"]  # the seller's setting is hidden and not printed
    for n in range(1, len(pages) + 1):
        assert word_height(pdf, n) >= READABLE, f"{tabs[n - 1]}: text too small"


def test_an_annotated_plan_prints_its_plan_check_whole(printed):
    pdfs, result = printed
    _, pdf = pdfs["annotated"]
    pages = page_texts(pdf)
    first_tab = next(i for i, p in enumerate(pages) if p.strip().splitlines()[0] == SPEC.overview.sheet)
    check_pages = pages[:first_tab]
    assert 2 <= len(check_pages) <= 3
    for page in check_pages[1:]:  # the findings table's header again atop each next page
        assert not missing("Severity Code Check Where What to do Points", [page]), page[:200]
    for finding in result.findings:
        assert not missing(finding.message, check_pages), finding.message
    for reason in result.score.band_reasons:
        assert not missing(reason, check_pages), reason
    deal, customer = result.plan.field("deal"), result.plan.field("customer")
    assert customer in deal and deal in check_pages[0]
    assert f"{deal} – {customer}" not in check_pages[0]  # the subtitle names the customer once
