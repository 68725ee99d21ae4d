"""What must never go wrong: a bad plan stops nothing and is said loudly, text from plans never becomes a
formula, an interrupted write leaves the old roll-up, and no row is ever dropped to fit a sheet. The ones that
depend on how a workbook is written run with each writer (the ``writer`` fixture)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cli.runner import run_cli
from mapsheet.fill import PlanDraft, write_plan
import mapsheet.sync
from mapsheet import safeio
from mapsheet.sync import excel, forked, run, sync

from rules.base_plan import base_plan

from .conftest import TODAY, RollupBook



def break_plans(folder: Path) -> dict[str, str]:
    """Unreadable files of the kinds people really have, by name -> a word of the reason expected."""
    (folder / "exported.xlsx").write_text("deal,owner\nAcme,Dana\n")
    (folder / "empty.xlsx").write_bytes(b"")
    good = next(folder.glob("0*.xlsx")).read_bytes()
    (folder / "truncated.xlsx").write_bytes(good[: len(good) // 2])
    return {"exported.xlsx": "text file", "empty.xlsx": "empty", "truncated.xlsx": "damaged"}


def test_unreadable_and_drifted_plans_go_to_problems_and_exit_1(plans_dir, tmp_path):
    broken = break_plans(plans_dir)
    out = tmp_path / "rollup.xlsx"
    result = run_cli(["sync", str(plans_dir), "--out", str(out), "--today", TODAY.isoformat(), "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert "3 could not be read and 2 no longer follow the template" in result.output
    book = RollupBook(out)
    assert len(book.rows("Deals")) == 25  # every good plan is still rolled up
    problems = {r["Plan"]: r for r in book.rows("Problems")}
    for name, reason in broken.items():
        assert problems[name]["Problem"] == "Could not be read"
        assert reason in problems[name]["Detail"], problems[name]
    assert book.caption("Problems").startswith("ATTENTION: 3 plans could not be read")


def test_a_clean_set_of_plans_exits_0(tmp_path):
    write_plan(base_plan(), tmp_path / "plans" / "acme.xlsx")  # a plan with no steps would be Not checkable
    result = run_cli(["sync", str(tmp_path / "plans"), "--out", str(tmp_path / "r.xlsx"), "--quiet",
                                 "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert RollupBook(tmp_path / "r.xlsx").caption("Problems").startswith("No problems")


def test_could_not_run_exits_2(tmp_path):
    result = run_cli(["sync", str(tmp_path / "missing"), "--out", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and "no such file or folder" in result.output
    (tmp_path / "empty").mkdir()
    result = run_cli(["sync", str(tmp_path / "empty"), "--out", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and "no plan workbooks (.xlsx or .xlsm) found in" in result.output
    result = run_cli(["sync", str(tmp_path), "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2 and ".xlsx" in result.output


INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-2+3", "@SUM(A1:A9)", "\t=1+1",
              "\r=cmd|' /C calc'!A0"]


def keep_as_text(path: Path) -> None:
    """openpyxl writes any string starting with '=' as a formula; a plan typed in Excel holds it as text."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=") and ws.title != "Timeline":
                    cell.data_type = "s"
    wb.save(path)


def test_text_from_plans_never_becomes_a_formula(tmp_path, writer):
    draft = PlanDraft(
        overview={"deal": INJECTIONS[0], "customer": INJECTIONS[1], "seller_owner": INJECTIONS[3],
                  "close_date": TODAY + dt.timedelta(days=30)},
        tables={"milestones": [{"id": "M1", "name": INJECTIONS[2], "owner": INJECTIONS[4], "side": "Vendor",
                                "due": TODAY - dt.timedelta(days=3), "status": "In progress"}],
                "actions": [{"id": "A1", "action": text, "milestone": "M1", "party": "Customer", "owner": text,
                             "due": TODAY - dt.timedelta(days=2), "status": "Not started"} for text in INJECTIONS]
                + [{"id": "A9", "action": "Ship it", "party": "Vendor", "owner": INJECTIONS[5],
                    "due": TODAY + dt.timedelta(days=2), "status": "Not started"}],
                "risks": [{"id": "R1", "risk": INJECTIONS[5], "mitigation": INJECTIONS[1], "owner": INJECTIONS[2],
                           "status": "Open"}]})
    plan = write_plan(draft, tmp_path / "plans" / "evil.xlsx")
    keep_as_text(plan)
    out = tmp_path / "rollup.xlsx"
    sync([tmp_path / "plans"], out, today=TODAY, csv=tmp_path / "csv", writer=writer)
    book = RollupBook(out)
    assert not [c.coordinate for c in book.cells() if c.data_type == "f"]
    texts = {c.value for c in book.cells() if isinstance(c.value, str)}
    for text in INJECTIONS:
        assert text.strip() in {t.strip() for t in texts}, text
    assert book.rows("Deals")[0]["Deal"] == INJECTIONS[0]
    with zipfile.ZipFile(out) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


# Where each writer is stopped: XlsxWriter after it wrote the Actions sheet, rust once the sheets are written
# (into memory) and before the package reaches the temporary file.
SLOW_WRITE = {
    "xlsxwriter": """
from mapsheet.sync import xlsx
real = xlsx._write_table
def slow(book, table, fmt):
    real(book, table, fmt)
    if table.sheet == "Actions":
        pathlib.Path(STARTED).touch()
        time.sleep(60)
xlsx._write_table = slow
""",
    "rust": """
from mapsheet.sync import xlsx_rust
real = xlsx_rust._write_book
def slow(book, target):
    real(book, target)
    pathlib.Path(STARTED).touch()
    time.sleep(60)
xlsx_rust._write_book = slow
"""}


def cache_of(out: Path) -> list[tuple]:
    with sqlite3.connect(out.with_name("rollup.history.sqlite")) as db:
        return db.execute("SELECT path, size, mtime_ns, context, summary, light, rows FROM plan_cache "
                          "ORDER BY path").fetchall()


def test_an_interrupted_write_leaves_the_old_rollup(plans_dir, tmp_path, writer):
    out = tmp_path / "out" / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY, writer=writer)
    before, cached = out.read_bytes(), cache_of(out)
    started = tmp_path / "writing"
    # A sync that is killed while it writes the roll-up (a day later, so it must rewrite the roll-up).
    script = f"""
import datetime as dt, pathlib, time
STARTED = {str(started)!r}
{SLOW_WRITE[writer]}
from mapsheet.sync import sync
sync([{str(plans_dir)!r}], {str(out)!r}, today=dt.date(2026, 11, 28), jobs=1, writer={writer!r})
"""
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 120
        while not started.exists():
            assert proc.poll() is None, "the sync ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out.read_bytes() == before
    assert RollupBook(out).rows("Deals")  # still opens
    # A kill leaves no visible file: the half-written temporary is hidden (.rollup.*.xlsx.tmp), never taken
    # for a plan, and never replaces the roll-up.
    visible = sorted(p.name for p in out.parent.iterdir() if not p.name.startswith("."))
    assert visible == ["rollup.history.sqlite", "rollup.xlsx"], visible
    # The plans it had read were not cached: their new summaries would go with the states the last sync kept.
    assert cache_of(out) == cached
    report = sync([plans_dir], out, today=dt.date(2026, 11, 28), writer=writer)  # the history is as before
    assert report.written and RollupBook(out).caption("Changes").startswith("Since the last sync")


def test_a_rollup_that_cannot_be_put_in_place_leaves_the_history_as_it_was(plans_dir, tmp_path, monkeypatch):
    # The roll-up is flushed to disk while the history is recorded, and the history committed only once the roll-up
    # replaced the old one: refused there (Windows, when a program holds the file), the next sync still shows what
    # changed since the last roll-up the user could open.
    out = tmp_path / "out" / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    before, cached = out.read_bytes(), cache_of(out)
    with sqlite3.connect(out.with_name("rollup.history.sqlite")) as db:
        syncs = db.execute("SELECT id, at, fingerprint FROM syncs").fetchall()

    def refused(tmp, target):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process",
                              str(target))

    monkeypatch.setattr(safeio, "_replace", refused)
    with pytest.raises(PermissionError):
        sync([plans_dir], out, today=dt.date(2026, 11, 28))  # a day later: every plan read, the roll-up rewritten
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["rollup.history.sqlite", "rollup.xlsx"]  # no temporary
    assert cache_of(out) == cached
    with sqlite3.connect(out.with_name("rollup.history.sqlite")) as db:
        assert db.execute("SELECT id, at, fingerprint FROM syncs").fetchall() == syncs
    monkeypatch.undo()
    report = sync([plans_dir], out, today=dt.date(2026, 11, 28))
    assert report.written and RollupBook(out).caption("Changes").startswith("Since the last sync")
    assert not sync([plans_dir], out, today=dt.date(2026, 11, 28)).written  # recorded as it is in place


def test_rows_past_a_sheets_limit_continue_on_another_sheet(plans_dir, tmp_path, monkeypatch, writer):
    monkeypatch.setattr(excel, "EXCEL_MAX_ROWS", 102)  # 100 data rows a sheet, for the test
    out = tmp_path / "rollup.xlsx"
    report = sync([plans_dir], out, today=TODAY, writer=writer)
    book = RollupBook(out)
    parts = [n for n in book.book.sheetnames if n == "Actions" or n.startswith("Actions (")]
    assert len(parts) == -(-report.rows["Actions"] // 100) >= 3
    assert sum(len(book.rows(n)) for n in parts) == report.rows["Actions"]
    assert book.caption("Actions").startswith(f"Part 1 of {len(parts)}")
    assert "Continued on 'Actions (2)'" in book.caption("Actions")
    assert max(book.sheet(n).max_row for n in book.book.sheetnames) <= 102


def test_links_past_excels_limit_stay_as_names(plans_dir, tmp_path, monkeypatch, writer):
    monkeypatch.setattr(excel, "MAX_LINKS", 5)  # Excel's 65,530 links a sheet, made small for the test
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY, writer=writer)
    book = RollupBook(out)
    rows = book.rows("Deals")
    assert sum(len(book.links("Deals", r)) for r in range(3, len(rows) + 3)) == 5
    assert len(rows) == 25 and all(r["Deal"] and r["Plan file"] for r in rows)  # every deal keeps its name and file


def test_an_unknown_writer_is_a_clear_error(plans_dir, tmp_path, monkeypatch):
    monkeypatch.setenv(excel.ENV, "openpyxl")
    result = run_cli(["sync", str(plans_dir), "--out", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and "unknown roll-up writer 'openpyxl'" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_without_rustpy_the_default_falls_back_to_xlsxwriter(plans_dir, tmp_path, monkeypatch):
    monkeypatch.delenv(excel.ENV, raising=False)
    monkeypatch.setitem(sys.modules, "rustpy_xlsxwriter", None)  # import fails, as on a platform without its wheel
    monkeypatch.delitem(sys.modules, "mapsheet.sync.xlsx_rust", raising=False)
    monkeypatch.delattr(mapsheet.sync, "xlsx_rust", raising=False)
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    assert RollupBook(out).book.properties.description == "Written by mapsheet sync"  # only XlsxWriter writes it


def test_a_rust_package_without_its_charts_is_written_by_xlsxwriter(plans_dir, tmp_path, monkeypatch):
    """Should rustpy-xlsxwriter ever write the Dashboard's charts elsewhere, the roll-up is still whole."""
    from mapsheet.sync import xlsx_rust

    monkeypatch.setattr(xlsx_rust, "_placeholders", lambda charts, col: [])  # no chart parts to replace
    out = tmp_path / "rollup.xlsx"
    with pytest.warns(RuntimeWarning, match="written with XlsxWriter instead"):
        sync([plans_dir], out, today=TODAY, writer="rust")
    book = RollupBook(out)
    assert book.book.properties.description == "Written by mapsheet sync" and len(book.rows("Deals")) == 25
    with zipfile.ZipFile(out) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 4


def test_a_broken_config_in_one_folder_makes_only_its_plans_problems(sample_plans, tmp_path):
    good, bad = tmp_path / "plans" / "east", tmp_path / "plans" / "west"
    for folder, (_, plan) in ((good, sample_plans[0]), (bad, sample_plans[1])):
        folder.mkdir(parents=True)
        shutil.copy(plan, folder / plan.name)
    (bad / "mapsheet.toml").write_text("[thresholds\n")
    out = tmp_path / "r.xlsx"
    result = run_cli(["sync", str(tmp_path / "plans"), "--out", str(out), "--today", "2026-11-27", "-q"])
    assert result.exit_code == 1, result.output
    book = RollupBook(out)
    assert [r["Deal"] for r in book.rows("Deals")] == [sample_plans[0][0].draft.overview["deal"]]
    problem = book.rows("Problems")[0]
    assert problem["Plan"] == sample_plans[1][1].name and "mapsheet.toml" in problem["Detail"]


@pytest.mark.skipif(not forked.can_fork(), reason="a re-sync reads its changed plans in a forked process where it can fork")
def test_a_plan_that_kills_its_reader_in_a_resync_is_reported_and_the_others_synced(plans_dir, tmp_path, monkeypatch):
    """A re-sync reads its few changed plans in one process of its own while it loads the rest: a plan that
    kills that process (a crash in a reader library) is a Problem, the other changed plans are read."""
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    files = sorted(plans_dir.glob("*.xlsx"))
    killer, edited = files[0], files[1:4]
    for path in (killer, *edited):
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))  # changed: read again
    read_one = run._read_one

    def crash(path, config):
        if path == str(killer):
            os._exit(70)  # as a reader library's crash ends its process
        return read_one(path, config)

    monkeypatch.setattr(run, "_read_one", crash)
    report = sync([plans_dir], out, today=TODAY)
    assert (report.read, report.cached, report.unreadable) == (4, 21, 1)
    problems = RollupBook(out).rows("Problems")
    assert [p["Detail"] for p in problems if p["Plan"] == killer.name] == \
        ["the reader crashed on this plan (its process died); open and save it again in Excel, or report it"]
    deals = {d["Plan file"] for d in RollupBook(out).rows("Deals")}
    assert all(any(f.endswith(p.name) for f in deals) for p in edited)
    assert not any(f.endswith(killer.name) for f in deals)


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the test's crash reaches pool readers that fork")
def test_a_plan_that_kills_its_reader_in_a_pool_is_reported_and_the_others_synced(plans_dir, tmp_path, monkeypatch):
    """Many plans are read by a pool of processes, 16 a task: the death of one takes its task's plans, and a
    broken pool every plan not yet read, with it; those are read again until only the plan that kills is left."""
    killer = sorted(plans_dir.glob("*.xlsx"))[3]
    read_one = run._read_one

    def crash(path, config):
        if path == str(killer):
            os._exit(70)
        return read_one(path, config)

    monkeypatch.setattr(run, "_read_one", crash)
    monkeypatch.setattr(run, "IN_PROCESS", 4)  # 25 plans are many, for the test
    report = sync([plans_dir], tmp_path / "rollup.xlsx", today=TODAY, jobs=2)
    assert (report.read, report.unreadable) == (25, 1)
    problems = RollupBook(tmp_path / "rollup.xlsx").rows("Problems")
    assert [p["Plan"] for p in problems if p["Problem"] == "Could not be read"] == [killer.name]
