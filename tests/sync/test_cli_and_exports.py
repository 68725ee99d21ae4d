"""The command line around the sync: list files, exports for BI tools, the demo's last step, and LibreOffice
opening the roll-up."""

from __future__ import annotations

import importlib.util
import subprocess

import pandas as pd

from cli.runner import run_cli
from mapsheet.cli.plans import DEMO_STAGES
from mapsheet.cli.sync import demo_sync
from mapsheet.sync import export, sync

from .conftest import TODAY, RollupBook



def test_list_files_globs_and_folders_are_sources(plans_dir, tmp_path):
    files = sorted(plans_dir.glob("*.xlsx"))
    listing = plans_dir / "team.txt"
    listing.write_text(f"# the east team\n{files[0].name}\n\n{files[1]}\n")
    out = tmp_path / "rollup.xlsx"
    result = run_cli(["sync", f"@{listing}", str(plans_dir / "1*.xlsx"), "--out", str(out),
                                 "--today", TODAY.isoformat()])
    assert result.exit_code in (0, 1), result.output
    expected = 2 + len(list(plans_dir.glob("1*.xlsx")))
    assert len(RollupBook(out).rows("Deals")) == expected
    assert f"{expected} plans synced: {expected} read" in result.output
    assert "Wrote" in result.output and str(out) in result.output.replace("\n", "")


def test_the_rollup_is_never_read_as_a_plan(plans_dir):
    out = plans_dir / "rollup.xlsx"  # written into the very folder it reads
    sync([plans_dir], out, today=TODAY)
    again = sync([plans_dir], out, today=TODAY)
    assert again.plans == 25


def test_the_command_line_leaves_what_a_sync_worked_with_to_the_process_end(plans_dir, tmp_path, monkeypatch):
    """A sync asked to hold what it worked with (the command line, which ends its process right after without
    tearing anything down) leaves every plan's summary in the list it is given; a program's sync (``main``, the
    API) holds nothing past its return."""
    from mapsheet.cli import _app

    held: list = []
    report = sync([plans_dir], tmp_path / "rollup.xlsx", today=TODAY, hold=held)
    assert report.read == 25 and len(held) == 1
    summaries = held[0][0]
    assert {str(p) for p in plans_dir.glob("*.xlsx")} == set(summaries)
    assert _app.LEFT_TO_EXIT is None  # main, called by a program: nothing is held
    monkeypatch.setattr(_app, "LEFT_TO_EXIT", [])  # as run() sets it before running the command
    result = run_cli(["sync", str(plans_dir), "--out", str(tmp_path / "again.xlsx"), "--today", TODAY.isoformat()])
    assert result.exit_code in (0, 1), result.output
    assert len(_app.LEFT_TO_EXIT) == 1 and len(_app.LEFT_TO_EXIT[0][0]) == 25


def test_csv_and_parquet_hold_the_same_tables(plans_dir, tmp_path):
    out = tmp_path / "rollup.xlsx"
    report = sync([plans_dir], out, today=TODAY, csv=tmp_path / "csv", parquet=tmp_path / "parquet")
    book = RollupBook(out)
    for sheet, rows in report.rows.items():
        name = sheet.lower()
        csv = pd.read_csv(tmp_path / "csv" / f"{name}.csv")
        parquet = pd.read_parquet(tmp_path / "parquet" / f"{name}.parquet")
        assert len(csv) == len(parquet) == rows == len(book.rows(sheet)), sheet
        assert list(csv.columns) == book.headers(sheet)
    deals = pd.read_parquet(tmp_path / "parquet" / "deals.parquet")
    assert set(deals["Deal"]) == {r["Deal"] for r in book.rows("Deals")}
    assert str(deals["Close date"].iloc[0]) == book.rows("Deals")[0]["Close date"].date().isoformat()
    assert not list((tmp_path / "csv").glob(".*"))  # no temporary left behind


def test_parquet_without_pyarrow_is_a_clear_error(plans_dir, tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(export.importlib.util, "find_spec", lambda name: None if name == "pyarrow" else real(name))
    result = run_cli(["sync", str(plans_dir), "--out", str(tmp_path / "r.xlsx"),
                                 "--parquet", str(tmp_path / "pq")])
    assert result.exit_code == 2
    assert "pip install" in result.output and "pyarrow" in result.output
    assert not (tmp_path / "r.xlsx").exists()  # it failed before doing any work


def test_the_demo_ends_with_a_rollup(plans_dir, tmp_path, capsys):
    assert DEMO_STAGES[-1] is demo_sync
    demo_sync(plans_dir, tmp_path, TODAY)
    assert "rollup.xlsx" in capsys.readouterr().out
    assert len(RollupBook(tmp_path / "rollup.xlsx").rows("Deals")) == 25


def test_libreoffice_opens_the_rollup(synced, libreoffice, tmp_path):
    _, out, book = synced
    pdf, = libreoffice.convert([out], tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Mutual action plans: the roll-up" in text
    assert "Every deal, worst band first" in text
    assert book.rows("Deals")[0]["Customer"] in text
