"""A plan under a file name that is not UTF-8 (made on another system, copied from an old share): it exists,
so it is read, checked and annotated like any other, and its name is printed with those bytes escaped."""

from __future__ import annotations

import json
import os
import shutil

import openpyxl

from cli.runner import run_cli
from mapsheet.edits import CHECK_SHEET

TODAY = ["--today", "2026-11-27"]


def test_a_plan_whose_name_is_not_utf8_is_read_checked_and_annotated_its_name_escaped(sample_plans, tmp_path):
    plain = tmp_path / "plain.xlsx"
    odd = tmp_path / os.fsdecode(b"plan-\xff\xfe-bytes.xlsx")
    shutil.copy(sample_plans[1][1], plain)
    shutil.copy(sample_plans[1][1], odd)

    def doc(path):
        result = run_cli(["check", str(path), *TODAY, "--format", "json"])
        return result.exit_code, json.loads(result.stdout)["plans"][0]

    (code, expected), (odd_code, got) = doc(plain), doc(odd)
    assert got.get("error") is None and odd_code == code
    assert got["file"].endswith("plan-\\xff\\xfe-bytes.xlsx")
    assert (got["score"], got["band"], len(got["findings"])) == (expected["score"], expected["band"],
                                                                 len(expected["findings"]))

    result = run_cli(["check", str(odd), *TODAY])
    assert result.exit_code == code and "No such file" not in result.output
    assert "plan-\\xff\\xfe-bytes.xlsx" in result.output and "\udcff" not in result.output

    result = run_cli(["check", str(odd), *TODAY, "--annotate", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert "Annotated" in result.output and "plan-\\xff\\xfe-bytes.xlsx" in result.output
    assert CHECK_SHEET in openpyxl.load_workbook(odd).sheetnames
