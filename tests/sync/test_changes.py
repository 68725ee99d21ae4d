"""Two syncs with edits between them: the Changes sheet says what a manager must notice, the history
remembers close-date pushes, and a re-sync where nothing changed leaves the roll-up alone."""

from __future__ import annotations

import datetime as dt
import os

import openpyxl

from mapsheet import read_plan
from mapsheet.samples import generate_samples, write_sample
from mapsheet.sync import sync

from .conftest import TODAY, RollupBook


def set_cell(path, location, value) -> None:
    wb = openpyxl.load_workbook(path)
    wb[location.sheet].cell(location.row + 1, location.col + 1).value = value
    wb.save(path)


def test_changes_across_two_syncs(plans_dir, tmp_path):
    out = tmp_path / "out" / "rollup.xlsx"
    first = sync([plans_dir], out, today=TODAY)
    assert first.written and first.read == 25
    files = sorted(plans_dir.glob("*.xlsx"))

    moved = files[0]  # its close date slips three weeks
    plan = read_plan(moved)
    set_cell(moved, plan.field_loc("close_date"), plan.close_date + dt.timedelta(days=21))
    finished = files[1]  # one open action gets done
    plan = read_plan(finished)
    action = next(a for a in plan.actions if a.values["status"] not in ("Done", "Cancelled"))
    set_cell(finished, action.loc("status"), "Done")
    gone = files[2]
    gone_deal = read_plan(gone).deal
    gone.unlink()
    extra = generate_samples(30, seed=11, today=TODAY)[-1]  # a deal the first sync never saw
    added = write_sample(extra, plans_dir)

    second = sync([plans_dir], out, today=TODAY)
    assert (second.read, second.cached) == (3, 22)  # only the edited and the added plans were read
    book = RollupBook(out)
    changes = book.rows("Changes")
    by_kind = {}
    for c in changes:
        by_kind.setdefault(c["Change"], []).append(c)
    moved_deal = read_plan(moved).deal
    slipped = by_kind["Close date slipped"]
    assert [(c["Deal"], c["Move"]) for c in slipped] == [(moved_deal, 21)]
    assert slipped[0]["Before"] != slipped[0]["After"]
    assert [c["Deal"] for c in by_kind["Plan gone"]] == [gone_deal]
    assert [c["Deal"] for c in by_kind["New plan"]] == [extra.draft.overview["deal"]]
    progress = {c["Deal"]: c for c in by_kind["Progress"]}
    assert progress[read_plan(finished).deal]["Move"] > 0
    assert changes[0]["Change"] == "Plan gone"  # the most alarming first
    assert book.caption("Changes").startswith("Since the last sync")

    deals = {d["Deal"]: d for d in book.rows("Deals")}
    assert gone_deal not in deals and extra.draft.overview["deal"] in deals
    assert deals[moved_deal]["Close-date pushes"] == 1
    assert sum(d["Close-date pushes"] for d in deals.values()) == 1
    open_ids = {(r["Deal"], r["ID"]) for r in book.rows("Actions")}
    assert (read_plan(finished).deal, action.values["id"]) not in open_ids
    assert added.exists()


def test_milestone_slip_and_score_moves_over_time(plans_dir, tmp_path):
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    path = sorted(plans_dir.glob("*.xlsx"))[4]
    plan = read_plan(path)
    milestone = next(m for m in plan.milestones if m.values["status"] != "Done")
    set_cell(path, milestone.loc("due"), milestone.values["due"] + dt.timedelta(days=10))
    report = sync([plans_dir], out, today=TODAY + dt.timedelta(days=14))  # two weeks on: items fall overdue
    assert report.read == 25  # a new reference date re-checks every plan
    changes = RollupBook(out).rows("Changes")
    slipped = [c for c in changes if c["Change"] == "Milestone slipped"]
    assert [(c["Deal"], c["Move"]) for c in slipped] == [(plan.deal, 10)]
    assert milestone.values["name"] in slipped[0]["What"]
    assert any(c["Change"] in ("Band worse", "Score down") for c in changes)


def test_a_resync_with_nothing_changed_reads_and_writes_nothing(plans_dir, tmp_path):
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    before = out.stat().st_mtime_ns
    again = sync([plans_dir], out, today=TODAY)
    assert (again.read, again.cached, again.written) == (0, 25, False)
    assert out.stat().st_mtime_ns == before
    assert again.exit_code == 1 and again.drifted == 2  # the problems are still reported

    out.unlink()  # the roll-up was deleted: written again, from the history, without reading a plan
    rebuilt = sync([plans_dir], out, today=TODAY)
    assert (rebuilt.read, rebuilt.written) == (0, True) and out.exists()
    assert len(RollupBook(out).rows("Deals")) == 25


def test_an_unchanged_plan_is_not_parsed_again(plans_dir, tmp_path):
    """Proof by sabotage: a cached plan's bytes are replaced by garbage of the same size, and its
    modification time put back. Had the sync parsed it, it would be unreadable; it is taken from the history."""
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    victim, other = sorted(plans_dir.glob("*.xlsx"))[:2]
    deal = read_plan(victim).deal
    st = victim.stat()
    victim.write_bytes(b"x" * st.st_size)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # another plan changed: a real re-sync

    report = sync([plans_dir], out, today=TODAY)
    assert (report.read, report.cached, report.unreadable) == (1, 24, 0)
    assert deal in {d["Deal"] for d in RollupBook(out).rows("Deals")}

    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 5 * 10**9))  # now it looks changed: read, and bad
    report = sync([plans_dir], out, today=TODAY)
    assert (report.read, report.unreadable) == (1, 1)
    problems = RollupBook(out).rows("Problems")
    assert victim.name in {p["Plan"] for p in problems}
    changes = RollupBook(out).rows("Changes")
    assert [c["Deal"] for c in changes if c["Change"] == "Unreadable now"] == [deal]


def test_a_plan_not_read_again_keeps_its_pushes_and_says_no_change_twice(plans_dir, tmp_path):
    """A plan's state is carried from sync to sync while it is not read again (stored as it was): its
    close-date pushes still count the push of two syncs ago, and its slip is said once, not at every sync."""
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    moved, other, third = sorted(plans_dir.glob("*.xlsx"))[:3]
    plan = read_plan(moved)
    set_cell(moved, plan.field_loc("close_date"), plan.close_date + dt.timedelta(days=7))
    sync([plans_dir], out, today=TODAY)  # the push: read, counted and said
    deal = plan.deal

    def touch(path) -> None:
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))

    touch(other)
    report = sync([plans_dir], out, today=TODAY)  # only another plan read: the moved plan's state carried
    assert (report.read, report.cached) == (1, 24)
    book = RollupBook(out)
    assert {d["Deal"]: d["Close-date pushes"] for d in book.rows("Deals")}[deal] == 1
    assert [c for c in book.rows("Changes") if c["Deal"] == deal] == []

    touch(third)
    sync([plans_dir], out, today=TODAY)  # carried once more, from the state the last sync stored unchanged
    plan = read_plan(moved)
    set_cell(moved, plan.field_loc("close_date"), plan.close_date + dt.timedelta(days=7))
    sync([plans_dir], out, today=TODAY)  # a second push, counted on top of the first
    book = RollupBook(out)
    assert {d["Deal"]: d["Close-date pushes"] for d in book.rows("Deals")}[deal] == 2
    assert [(c["Change"], c["Move"]) for c in book.rows("Changes") if c["Deal"] == deal] == [("Close date slipped", 7)]
