"""A real spreadsheet program opens the template and every sample plan, and prints them."""

from __future__ import annotations

import subprocess

import pytest

from test_template import COMMITTED

pytestmark = pytest.mark.libreoffice


def test_template_and_every_sample_convert_to_pdf(libreoffice, sample_plans, tmp_path):
    paths = [COMMITTED, *(p for _, p in sample_plans)]
    pdfs = libreoffice.convert(paths, tmp_path / "pdf")
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        assert pages >= 9, f"{pdf.name}: every tab should print ({pages} pages)"


def test_libreoffice_computes_the_timeline(libreoffice, sample_plans, tmp_path):
    """The Timeline's formulas pull the milestones: LibreOffice must see them once recalculated."""
    sample, path = sample_plans[0]
    csv = libreoffice.convert([path], tmp_path / "csv", fmt='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,8')
    lines = csv[0].read_text(encoding="utf-8").splitlines()
    first = sample.draft.tables["milestones"][0]
    row = next(line for line in lines if line.startswith(first["id"] + ","))
    assert row.split(",")[1] == first["name"]
    assert f"{first['due']:%m/%d/%Y}" in row  # the due date came through the formula, as a date
