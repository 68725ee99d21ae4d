"""A re-sync writes the roll-up's detail sheets from blocks of rows kept since the last sync (xlsx_blocks). The
workbook a manager opens must be the one a sync from scratch writes: same cells, formats, links, charts and
print setup, after edits, new plans, removed, renamed and unreadable ones; every part well-formed; Excel's
readers (openpyxl, python-calamine, LibreOffice) reading it alike."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import sys
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from python_calamine import CalamineWorkbook

from mapsheet import read_plan
from mapsheet.samples import generate_samples, write_sample
from mapsheet.sync import sync, xlsx_blocks

from .conftest import TODAY

sys.path.insert(0, str(Path(__file__).parents[1]))
from workbook_dump import dump_workbook  # noqa: E402


def edit(path: Path, location, value) -> None:
    wb = openpyxl.load_workbook(path)
    wb[location.sheet].cell(location.row + 1, location.col + 1).value = value
    wb.save(path)


def change_plans(plans: Path) -> None:
    """What a week does to a folder of plans: edits, a new plan, a removed one, a renamed one, a broken one."""
    files = sorted(plans.glob("*.xlsx"))
    plan = read_plan(files[0])  # an action done, another one due later
    open_actions = [a for a in plan.actions if a.values["status"] not in ("Done", "Cancelled")]
    edit(files[0], open_actions[0].loc("status"), "Done")
    edit(files[0], open_actions[1].loc("due"), open_actions[1].values["due"] + dt.timedelta(days=9))
    plan = read_plan(files[1])  # the close date slips
    edit(files[1], plan.field_loc("close_date"), plan.close_date + dt.timedelta(days=30))
    plan = read_plan(files[2])  # the deal is renamed: every one of its rows changes
    edit(files[2], plan.field_loc("deal"), "Renamed deal")
    files[3].unlink()
    files[4].rename(plans / "0000 moved here.xlsx")
    files[5].write_bytes(b"not a workbook")
    write_sample(generate_samples(30, seed=11, today=TODAY)[-1], plans)


def parts_parse(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(z.read(name))  # raises on a malformed part


def dump(path: Path) -> dict:
    """The workbook as a user sees it; a written empty cell in its column's format looks like no cell."""
    out = dump_workbook(path)
    book = openpyxl.load_workbook(path)
    for sheet in out["sheets"]:
        out[sheet]["cells"] = {k: v for k, v in out[sheet]["cells"].items() if v[0] is not None or v[3] is not None}
        out[sheet]["print_area"] = book[sheet].print_area
        out[sheet]["names"] = sorted((n, d.attr_text) for n, d in book[sheet].defined_names.items())
    return out


def charts(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n) for n in sorted(z.namelist()) if n.startswith("xl/charts/")]


def calamine(path: Path) -> dict:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_a_resync_by_blocks_writes_what_a_sync_from_scratch_writes(plans_dir, tmp_path, libreoffice):
    out = plans_dir.parent / "out" / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    history = out.with_name("rollup.history.sqlite")
    scratch = out.with_name("scratch.xlsx")  # the same folder, so that its links are the same
    shutil.copy(history, scratch.with_name("scratch.history.sqlite"))
    shutil.copy(history, scratch.with_name("afresh.history.sqlite"))
    with sqlite3.connect(scratch.with_name("scratch.history.sqlite")) as db:
        kept = db.execute("SELECT count(*) FROM rollup_blocks").fetchone()[0]
        db.execute("DELETE FROM rollup_blocks")  # nothing to reuse: every row rendered and compressed again
    assert kept > 10

    change_plans(plans_dir)
    again = sync([plans_dir], out, today=TODAY)
    assert (again.read, again.unreadable) == (6, 1)  # the edited, new, renamed and broken plans only
    fresh = sync([plans_dir], scratch, today=TODAY)
    # With exports the roll-up is laid out afresh, every row as a value, and written by the Rust writer alone.
    laid_out_afresh = sync([plans_dir], scratch.with_name("afresh.xlsx"), today=TODAY, csv=tmp_path / "csv")
    assert again.rows == fresh.rows == laid_out_afresh.rows

    for path in (out, scratch, scratch.with_name("afresh.xlsx")):
        parts_parse(path)
    assert dump(out) == dump(scratch) == dump(scratch.with_name("afresh.xlsx"))
    assert charts(out) == charts(scratch)
    assert calamine(out) == calamine(scratch.with_name("afresh.xlsx"))
    csv = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    libreoffice.convert([out], tmp_path / "lo-blocks", csv)
    libreoffice.convert([scratch.with_name("afresh.xlsx")], tmp_path / "lo-afresh", csv)
    sheets = sorted(p.name.split("-", 1)[1] for p in (tmp_path / "lo-blocks").glob("*.csv"))
    assert len(sheets) == 8
    for sheet in sheets:
        assert (tmp_path / "lo-blocks" / f"rollup-{sheet}").read_bytes() == \
            (tmp_path / "lo-afresh" / f"afresh-{sheet}").read_bytes(), sheet


def test_a_small_edit_keeps_most_blocks(plans_dir, tmp_path):
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    history = out.with_name("rollup.history.sqlite")

    def blocks() -> set[bytes]:
        with sqlite3.connect(history) as db:
            return {k for k, in db.execute("SELECT key FROM rollup_blocks")}

    before = blocks()
    first = sorted(plans_dir.glob("*.xlsx"))[0]
    action = next(a for a in read_plan(first).actions if a.values["status"] not in ("Done", "Cancelled"))
    edit(first, action.loc("status"), "Done")
    sync([plans_dir], out, today=TODAY)
    after = blocks()
    assert len(after - before) <= 4 < len(after & before)  # the block that held the action, and its neighbours at most


def test_a_rollup_too_big_for_a_plain_zip_is_written_by_the_rust_writer(plans_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_blocks, "_LIMIT", 100_000)  # a part past 4 GB needs Zip64, made small for the test
    by_rust = sync([plans_dir], tmp_path / "rust" / "rollup.xlsx", today=TODAY, csv=tmp_path / "csv")
    report = sync([plans_dir], tmp_path / "rollup.xlsx", today=TODAY)
    assert report.rows == by_rust.rows and report.rows["Actions"] > 100
    assert dump(tmp_path / "rollup.xlsx")["Actions"] == dump(tmp_path / "rust" / "rollup.xlsx")["Actions"]
    with sqlite3.connect(tmp_path / "rollup.history.sqlite") as db:
        assert db.execute("SELECT count(*) FROM rollup_blocks").fetchone()[0] == 0  # none kept from it


def test_a_skeleton_whose_deals_sheet_has_relationships_of_its_own_is_written_by_the_rust_writer(plans_dir, tmp_path,
                                                                                              monkeypatch):
    """Should the Rust writer's Deals sheet ever come with relationships of its own, the links written beside its
    rows would collide with them: the roll-up is then written whole by the Rust writer, and still right."""
    by_rust = sync([plans_dir], tmp_path / "rust.xlsx", today=TODAY, csv=tmp_path / "csv")  # the same links
    monkeypatch.setattr(xlsx_blocks, "_rels_part", lambda part: "xl/_rels/workbook.xml.rels")  # one the package has
    report = sync([plans_dir], tmp_path / "rollup.xlsx", today=TODAY)
    assert report.rows == by_rust.rows
    assert dump(tmp_path / "rollup.xlsx") == dump(tmp_path / "rust.xlsx")
    with sqlite3.connect(tmp_path / "rollup.history.sqlite") as db:
        assert db.execute("SELECT count(*) FROM rollup_blocks").fetchone()[0] == 0  # none kept from it


def test_blocks_made_half_by_a_forked_copy_are_those_made_in_one_process(plans_dir, tmp_path, monkeypatch):
    from mapsheet.sync import forked

    started = []
    real_start = forked.start
    monkeypatch.setattr(forked, "start", lambda work: started.append(1) or real_start(work))
    monkeypatch.setattr(xlsx_blocks, "SHARED", 2)  # a full sync of many plans makes hundreds; these few plans fewer
    sync([plans_dir], tmp_path / "shared" / "rollup.xlsx", today=TODAY)
    assert started or not forked.can_fork()
    monkeypatch.setattr(xlsx_blocks, "SHARED", 10 ** 9)
    sync([plans_dir], tmp_path / "alone" / "rollup.xlsx", today=TODAY)
    shared, alone = (zipfile.ZipFile(tmp_path / name / "rollup.xlsx") for name in ("shared", "alone"))
    assert shared.testzip() is None  # every part's CRC-32 (combined from its blocks') is right
    assert shared.namelist() == alone.namelist()
    for name in shared.namelist():
        if name != "docProps/core.xml":  # the time it was written
            assert shared.read(name) == alone.read(name), name

    def blocks(folder: str) -> list:
        with sqlite3.connect(tmp_path / folder / "rollup.history.sqlite") as db:
            return db.execute("SELECT * FROM rollup_blocks ORDER BY key").fetchall()

    assert blocks("shared") == blocks("alone")


def test_rows_kept_by_an_older_mapsheet_are_rendered_again_not_trusted(plans_dir, tmp_path):
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    history = out.with_name("rollup.history.sqlite")
    with sqlite3.connect(history) as db:  # the first kind of index: JSON sort keys, then digests
        db.execute("UPDATE plan_cache SET rows = ?", (zlib.compress(b'{"Actions":[[0,739000]]}\n' + bytes(8)),))
    first = sorted(plans_dir.glob("*.xlsx"))[0]
    plan = read_plan(first)
    edit(first, plan.field_loc("close_date"), plan.close_date + dt.timedelta(days=30))
    report = sync([plans_dir], out, today=TODAY)
    assert report.read == 1  # the others taken from the history, their rows rendered from their summaries
    scratch = sync([plans_dir], tmp_path / "scratch" / "rollup.xlsx", today=TODAY)
    for sheet in ("Actions", "Milestones", "Risks"):
        assert report.rows[sheet] == scratch.rows[sheet]
        assert dump(out)[sheet]["cells"] == dump(tmp_path / "scratch" / "rollup.xlsx")[sheet]["cells"]
    with sqlite3.connect(history) as db:
        assert all(rows.startswith(b"rows 4\n") for rows, in db.execute("SELECT rows FROM plan_cache"))


def resynced_alike(plans_dir: Path, tmp_path: Path, spoil) -> tuple[Path, Path]:
    """A roll-up synced, its history copied and ``spoil``-ed (``spoil(db)``), a plan edited, then both re-synced:
    (the roll-up of the spoiled history, that of the other), each re-sync having read the edited plan alone."""
    kept, spoiled = tmp_path / "kept" / "rollup.xlsx", tmp_path / "spoiled" / "rollup.xlsx"  # at the same depth
    sync([plans_dir], kept, today=TODAY)
    spoiled.parent.mkdir()
    for name in ("rollup.xlsx", "rollup.history.sqlite"):
        shutil.copy2(kept.with_name(name), spoiled.with_name(name))
    with sqlite3.connect(spoiled.with_name("rollup.history.sqlite")) as db:
        spoil(db)
    first = sorted(plans_dir.glob("*.xlsx"))[0]
    plan = read_plan(first)
    edit(first, plan.field_loc("close_date"), plan.close_date + dt.timedelta(days=30))
    assert sync([plans_dir], spoiled, today=TODAY).read == sync([plans_dir], kept, today=TODAY).read == 1
    return spoiled, kept


def same_parts(a: Path, b: Path) -> None:
    """Two roll-ups byte for byte alike, but for when they were written (docProps/core.xml)."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            if name != "docProps/core.xml":
                assert za.read(name) == zb.read(name), name


def test_light_summaries_stored_as_json_make_the_same_rollup(plans_dir, tmp_path):
    """A history whose plans' light summaries are stored as JSON (as every one was before marshal) serves a re-sync
    as it did: each loads, and the Deals rows, keyed by a digest of those bytes (``run._light_id``), are rendered
    again (no kept block holds their keys): the roll-up is the one the same re-sync writes from a history by
    marshal, byte for byte."""
    from mapsheet.sync import summary

    def as_json(db):
        lights = db.execute("SELECT path, light FROM plan_cache WHERE light IS NOT NULL").fetchall()
        assert lights and all(light[:2] == b"m2" for _, light in lights)
        db.executemany("UPDATE plan_cache SET light = ? WHERE path = ?",
                       [(summary._json(list(summary.loads(light).values())).encode(), path) for path, light in lights])

    spoiled, kept = resynced_alike(plans_dir, tmp_path, as_json)
    same_parts(spoiled, kept)
    with sqlite3.connect(spoiled.with_name("rollup.history.sqlite")) as db:  # taken light, not made again
        assert sum(light[:1] == b"[" for light, in db.execute("SELECT light FROM plan_cache")) == \
            len(list(plans_dir.glob("*.xlsx"))) - 1


def test_a_light_summary_that_does_not_load_is_made_again_from_its_whole_summary(plans_dir, tmp_path):
    """A stored light summary that does not load (refused: ``summary.loads``) is taken as a stale one: the plan's
    whole summary is loaded instead, its rows rendered again, and the roll-up is the one the same re-sync writes
    from the history as it was; the light summary is stored anew."""
    from mapsheet.sync import summary

    victim = str(sorted(plans_dir.glob("*.xlsx"))[3])

    def spoil(db):
        db.execute("UPDATE plan_cache SET light = ? WHERE path = ?", (b"m2[\x1a\x00\x00\x00N", victim))

    spoiled, kept = resynced_alike(plans_dir, tmp_path, spoil)
    same_parts(spoiled, kept)
    with sqlite3.connect(spoiled.with_name("rollup.history.sqlite")) as db:
        light, = db.execute("SELECT light FROM plan_cache WHERE path = ?", (victim,)).fetchone()
    assert summary.loads(light)["path"] == victim


def test_a_history_is_read_again_under_another_python(plans_dir, tmp_path, monkeypatch):
    """A light summary is stored by marshal, whose format is Python's own: a history kept under one Python has its
    plans read again under another, not its summaries loaded."""
    import types

    from mapsheet.sync import run

    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    plans = len(list(plans_dir.glob("*.xlsx")))
    monkeypatch.setattr(run, "sys", types.SimpleNamespace(version_info=(3, 99, 0), modules=sys.modules))
    assert sync([plans_dir], out, today=TODAY).read == plans
    monkeypatch.undo()
    assert sync([plans_dir], out, today=TODAY).read == plans  # and again under the first


def synced_twice(plans_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A roll-up synced once, and another with the same history but no blocks kept (every row rendered anew)."""
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    scratch = out.with_name("scratch.xlsx")
    shutil.copy(out.with_name("rollup.history.sqlite"), scratch.with_name("scratch.history.sqlite"))
    with sqlite3.connect(scratch.with_name("scratch.history.sqlite")) as db:
        db.execute("DELETE FROM rollup_blocks")
    return out, scratch


def test_deals_rows_are_rendered_again_when_the_kept_blocks_cannot_be_used(plans_dir, tmp_path):
    """A Deals row is rendered only when no kept block holds it: when the kept blocks cannot be used (their formats
    are not the roll-up's), every row is rendered again, and the roll-up is the one a sync from scratch writes."""
    out, scratch = synced_twice(plans_dir, tmp_path)
    with sqlite3.connect(out.with_name("rollup.history.sqlite")) as db:
        db.execute("UPDATE meta SET value = 'blocks 0 []' WHERE key = 'block_styles'")  # written by another version
    first = sorted(plans_dir.glob("*.xlsx"))[0]
    plan = read_plan(first)
    edit(first, plan.field_loc("close_date"), plan.close_date + dt.timedelta(days=30))
    report = sync([plans_dir], out, today=TODAY)
    assert report.read == 1
    sync([plans_dir], scratch, today=TODAY)
    assert dump(out) == dump(scratch)
    assert calamine(out) == calamine(scratch)


def test_blocks_kept_by_a_version_that_wrote_deals_otherwise_are_used_for_the_other_sheets(plans_dir, tmp_path):
    """A history kept by mapsheet before Deals rows were written by blocks: its blocks name the detail sheets'
    formats only, and hold no Deals row. The next sync writes what a sync from scratch writes."""
    out, scratch = synced_twice(plans_dir, tmp_path)
    with sqlite3.connect(out.with_name("rollup.history.sqlite")) as db:
        styles = db.execute("SELECT value FROM meta WHERE key = 'block_styles'").fetchone()[0]
        older = xlsx_blocks.FORMAT + " " + repr([s for s in xlsx_blocks._kept_formats(styles).items() if s[0] != "Deals"])
        db.execute("UPDATE meta SET value = ? WHERE key = 'block_styles'", (older,))
        db.execute("DELETE FROM meta WHERE key = 'block_keyed'")
    first = sorted(plans_dir.glob("*.xlsx"))[0]
    plan = read_plan(first)
    edit(first, plan.field_loc("close_date"), plan.close_date + dt.timedelta(days=30))
    assert sync([plans_dir], out, today=TODAY).read == 1
    sync([plans_dir], scratch, today=TODAY)
    assert dump(out) == dump(scratch)


def test_a_deals_row_whose_plan_did_not_change_is_rendered_again_when_its_link_changes(plans_dir, tmp_path):
    """A Deals row's key holds what the row is made of besides its plan's summary: its link (from where the roll-up
    is) and its close-date pushes. The same history writing a roll-up in another folder links each plan from there."""
    out = tmp_path / "a" / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    moved = tmp_path / "b" / "deeper" / "rollup.xlsx"
    moved.parent.mkdir(parents=True)
    shutil.copy(out.with_name("rollup.history.sqlite"), moved.with_name("rollup.history.sqlite"))
    report = sync([plans_dir], moved, today=TODAY)
    assert report.read == 0 and report.written  # every plan taken from the history, and its blocks kept
    scratch = moved.with_name("scratch.xlsx")
    sync([plans_dir], scratch, today=TODAY)  # a history of its own: every row rendered
    assert dump(moved)["Deals"] == dump(scratch)["Deals"] != dump(out)["Deals"]
    assert calamine(moved)["Deals"] == calamine(scratch)["Deals"]


def test_blocks_made_while_the_skeleton_is_made_apart_are_those_made_after_it(plans_dir, tmp_path, monkeypatch):
    """A re-sync makes its new blocks with the kept blocks' column formats while a forked copy writes the
    skeleton; the roll-up and the blocks kept are those made with the skeleton's own formats, also when the
    guess is wrong (then the blocks are made again)."""
    sync([plans_dir], tmp_path / "first" / "rollup.xlsx", today=TODAY)
    first = sorted(plans_dir.glob("*.xlsx"))[0]
    action = next(a for a in read_plan(first).actions if a.values["status"] not in ("Done", "Cancelled"))
    edit(first, action.loc("status"), "Done")
    for name in ("guessed", "wrong", "alone"):  # siblings of "first": the same links to the plans
        shutil.copytree(tmp_path / "first", tmp_path / name)
    made = []
    real_blocks, real_formats = xlsx_blocks._blocks, xlsx_blocks._kept_formats
    monkeypatch.setattr(xlsx_blocks, "_blocks", lambda order, styles, *rest: made.append(styles) or
                        real_blocks(order, styles, *rest))
    sync([plans_dir], tmp_path / "guessed" / "rollup.xlsx", today=TODAY)
    assert len(made) == 1 or not forked_here()  # the blocks made while the skeleton was made were used
    monkeypatch.setattr(xlsx_blocks, "_kept_formats", lambda kept: {
        sheet: [s + 1 for s in styles] for sheet, styles in (real_formats(kept) or {}).items()})
    made.clear()
    sync([plans_dir], tmp_path / "wrong" / "rollup.xlsx", today=TODAY)
    assert len(made) == 2 or not forked_here()  # made again with the skeleton's formats
    monkeypatch.setattr(xlsx_blocks.Skeleton, "__init__",
                        lambda self, rollup, apart=True: real_init(self, rollup, apart=False))
    sync([plans_dir], tmp_path / "alone" / "rollup.xlsx", today=TODAY)
    books = {name: zipfile.ZipFile(tmp_path / name / "rollup.xlsx") for name in ("guessed", "wrong", "alone")}
    for book in books.values():
        assert book.testzip() is None and book.namelist() == books["alone"].namelist()
        for part in book.namelist():
            if part != "docProps/core.xml":  # the time it was written
                assert book.read(part) == books["alone"].read(part), part

    def blocks(folder: str) -> list:
        with sqlite3.connect(tmp_path / folder / "rollup.history.sqlite") as db:
            return db.execute("SELECT * FROM rollup_blocks ORDER BY key").fetchall()

    assert blocks("guessed") == blocks("wrong") == blocks("alone")


real_init = xlsx_blocks.Skeleton.__init__


def forked_here() -> bool:
    import os

    from mapsheet.sync import forked

    return forked.can_fork() and (os.cpu_count() or 1) > 1


def test_rows_are_cut_into_blocks_after_a_marked_digest_or_at_most_rows():
    """A block ends after a row whose digest's first byte is a multiple of AVERAGE_ROWS (KEYED_ROWS for the Deals
    sheet), or after MAX_ROWS rows."""
    import random

    def one_by_one(digests, average):
        block = []
        for d in digests:
            block.append(d)
            if d[0] % average == 0 or len(block) >= xlsx_blocks.MAX_ROWS:
                yield block
                block = []
        if block:
            yield block

    rng = random.Random(5)
    for average, marks in ((xlsx_blocks.AVERAGE_ROWS, xlsx_blocks._ENDS), (xlsx_blocks.KEYED_ROWS, xlsx_blocks._KEYED_ENDS)):
        for n in (0, 1, 2, 255, 256, 257, 513, 5000):
            for marked in (0.0, 0.002, 0.05, 1.0):
                digests = [bytes([rng.choice((0, average, 2 * average)) if rng.random() < marked
                                  else rng.choice((1, average - 1, average + 1, 255))]) + rng.randbytes(7)
                           for _ in range(n)]
                assert list(xlsx_blocks._cut(digests, marks)) == list(one_by_one(digests, average)), (n, marked)


def test_a_sheet_crc_combined_from_its_blocks_is_the_crc_of_their_text():
    """The zip's CRC of a detail sheet, combined from its blocks' CRCs and lengths (``_combine``), is the CRC of the
    whole text, for texts of every length from none to past a few megabytes (each bit of the length its own step)."""
    import random

    rng = random.Random(3)
    lengths = [0, 1, 2, 3, 7, 8, 255, 256, 257, 4095, 40_000, 65_536, 1 << 20, (3 << 21) + 5]
    texts = [rng.randbytes(n) for n in lengths]
    whole, crc = b"", 0
    for text in texts:
        crc = xlsx_blocks._combine(crc, zlib.crc32(text), len(text))
        whole += text
        assert crc == zlib.crc32(whole), len(whole)
    for n in lengths:
        first, second = rng.randbytes(rng.randrange(300)), bytes(n)
        assert xlsx_blocks._combine(zlib.crc32(first), zlib.crc32(second), n) == zlib.crc32(first + second), n
