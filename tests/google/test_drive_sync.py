"""mapsheet sync from Google Drive folders, against the local Google with Google's latency (150 ms a
request, on the fake's virtual clock) and its 60-a-minute Sheets quota: listing, incremental re-syncs,
history by file id, and faults. Every request is checked against the discovery documents (strict)."""

from __future__ import annotations

import openpyxl
import pytest

from fake import FakeGoogle, Quota, ThreadClock

from conftest import TODAY
from drive_plans import fill_folder
from mapsheet.google.client import Caller, Retry
from mapsheet.google.ratelimit import Limits
from mapsheet.sync import sync
from mapsheet.sync.drive import client_factory

LATENCY = 0.15


def google(g: FakeGoogle, deadline: float = 60.0):
    clock = g.clock
    return client_factory(session=g.session(), caller=Caller(g.user),
                          retry=Retry(deadline=deadline, sleep=clock.sleep, clock=clock.monotonic, jitter=lambda: 0.5))


def slow_google() -> FakeGoogle:
    return FakeGoogle(quota=True, latency=LATENCY, clock=ThreadClock())


def reads(g: FakeGoogle) -> int:
    """Plans read: exports of native Sheets, downloads of uploaded files, Sheets API reads."""
    return sum(1 for r in g.requests if r.operation in ("drive.files.export", "sheets.spreadsheets.get")
               or (r.operation == "drive.files.get" and r.params.get("alt") == "media"))


def rows(path, sheet: str) -> list[tuple]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return [r for r in ws.iter_rows(min_row=3, values_only=True) if any(v is not None for v in r)]


def edit_plan(g: FakeGoogle, file_id: str) -> None:
    """Someone edits a plan: a native Sheet in the browser, an uploaded file by uploading a new copy."""
    f = g.file(file_id)
    if file_id in g.books:
        g.edit(file_id, "Overview!B30", "edited")
    else:
        f.content = f.content + b""  # same bytes, a new upload: Drive moves its version anyway
        g.touch(file_id)


@pytest.fixture(scope="module")
def templates(sample_plans):
    return [path for _, path in sample_plans]


@pytest.mark.slow
def test_cold_sync_of_1000_plans_then_a_warm_one_reads_only_the_10_changed(templates, tmp_path):
    g = slow_google()
    folder = g.add_folder("Team plans")
    sub = g.add_folder("EMEA", parents=[folder])
    ids = fill_folder(g, folder, templates, 1000, subfolder=sub)
    out = tmp_path / "rollup.xlsx"

    cold = sync([f"https://drive.google.com/drive/folders/{folder}"], out, today=TODAY, google=google(g))
    assert (cold.plans, cold.read, cold.unreadable) == (1000, 1000, 0)
    assert len(rows(out, "Deals")) == 1000
    # Requests: 1 per plan (an export or a download), plus the listing: the folder's metadata and one page
    # per 1,000 files of each folder (the top folder, its subfolder).
    assert reads(g) == 1000
    assert len(g.requests) == 1000 + 1 + 2
    assert g.quota.rejected == 0 and all(n <= 60 for n in g.quota.peak.values())
    assert g.clock.elapsed() < 60  # 8 at a time: about 20 s of Google's latency, not 150 s one by one
    assert g.violations == []

    changed = ids[::100]  # 10 plans, native and uploaded, in both folders
    for file_id in changed:
        edit_plan(g, file_id)
    g.reset_log()
    warm = sync([folder], out, today=TODAY, google=google(g))
    assert (warm.read, warm.cached) == (10, 990)
    read_ids = {r.path.split("/")[4] for r in g.requests if r.path.startswith("/drive/v3/files/")
                and (r.path.endswith("/export") or r.params.get("alt") == "media")}
    assert read_ids == set(changed)
    assert len(g.requests) == 10 + 3
    assert len(rows(out, "Deals")) == 1000

    g.reset_log()
    again = sync([folder], out, today=TODAY, google=google(g))
    assert (again.read, again.written) == (0, False)
    assert len(g.requests) == 3  # the listing only


def test_the_sheets_api_strategy_is_paced_under_the_quota_instead_of_hitting_429s(templates, tmp_path):
    # A quota of 10 reads a minute (Google's is 60) and a limiter set to it: the same pacing, fewer plans.
    g = FakeGoogle(quota=Quota(reads=10, writes=10), latency=LATENCY, clock=ThreadClock())
    folder = g.add_folder("Plans")
    fill_folder(g, folder, templates[:5], 15, native_every=1)  # all native: every read is a Sheets read
    retry = Retry(sleep=g.clock.sleep, clock=g.clock.monotonic)
    client = client_factory(session=g.session(), caller=Caller(g.user), retry=retry,
                            limits=Limits.google(clock=g.clock.monotonic, sleep=g.clock.sleep, sheets=10))
    report = sync([folder], tmp_path / "rollup.xlsx", today=TODAY, google=client, read_via="sheets")
    assert (report.read, report.unreadable) == (15, 0)
    assert g.count(operation="sheets.spreadsheets.get") == 15
    assert g.quota.rejected == 0  # never a 429: the limiter waited instead
    assert g.quota.peak[(g.user, "read")] == 10
    assert g.clock.elapsed() >= 60  # 15 reads at 10 a minute: the second minute has started

    unpaced = FakeGoogle(quota=Quota(reads=10, writes=10), latency=LATENCY, clock=ThreadClock())
    folder = unpaced.add_folder("Plans")
    fill_folder(unpaced, folder, templates[:5], 15, native_every=1)
    retry = Retry(sleep=unpaced.clock.sleep, clock=unpaced.clock.monotonic)
    sync([folder], tmp_path / "unpaced.xlsx", today=TODAY, read_via="sheets",
         google=client_factory(session=unpaced.session(), caller=Caller(unpaced.user), retry=retry,
                               limits=Limits.google(clock=unpaced.clock.monotonic, sleep=unpaced.clock.sleep,
                                                    sheets=10_000)))
    assert unpaced.quota.rejected > 0  # without the limiter, the same sync meets 429s


def test_plans_in_a_shared_drive_mixed_with_a_local_folder(templates, sample_plans, tmp_path):
    g = FakeGoogle()
    drive = g.add_folder("Sales (Shared Drive)", shared_drive=True)
    team = g.add_folder("Team", parents=[drive])
    fill_folder(g, team, templates[:3], 6)
    local = tmp_path / "local"
    local.mkdir()
    (local / "plan.xlsx").write_bytes(templates[4].read_bytes())
    report = sync([str(local), f"https://drive.google.com/drive/folders/{drive}"], tmp_path / "rollup.xlsx",
                  today=TODAY, google=google(g))
    assert (report.plans, report.read, report.unreadable) == (7, 7, 0)
    listing = [r for r in g.requests if r.operation == "drive.files.list"]
    assert listing and all(r.params["q"].endswith("in parents and trashed=false") for r in listing)
    assert all(r.params["supportsAllDrives"] == "true" and r.params["includeItemsFromAllDrives"] == "true"
               for r in listing)
    assert "webViewLink" in listing[0].params["fields"] and "version" in listing[0].params["fields"]


def test_a_folder_of_more_than_1000_files_is_listed_page_by_page(templates, tmp_path):
    g = FakeGoogle()
    folder = g.add_folder("Plans")
    plan = fill_folder(g, folder, templates[:1], 1, native_every=2)[0]
    content = g.file(plan).content
    for n in range(1200):  # other files in the folder: not plans, but listed
        g.add_file(f"notes {n}.txt", b"x", mime="text/plain", parents=[folder])
    g.add_file("~$lock.xlsx", content, parents=[folder])
    report = sync([folder], tmp_path / "rollup.xlsx", today=TODAY, google=google(g))
    assert report.plans == 1
    assert g.count(operation="drive.files.list") == 2


def test_a_renamed_and_moved_plan_keeps_its_history_and_a_trashed_one_leaves(templates, tmp_path):
    g = FakeGoogle()
    folder = g.add_folder("Plans")
    other = g.add_folder("Won", parents=[folder])
    ids = fill_folder(g, folder, templates[:4], 4, native_every=2)
    out = tmp_path / "rollup.xlsx"
    sync([folder], out, today=TODAY, google=google(g))
    moved, trashed = ids[0], ids[1]
    g.file(moved).name = "Renamed plan"
    g.file(moved).parents = [other]
    g.touch(moved)
    g.trash(trashed)
    report = sync([folder], out, today=TODAY, google=google(g))
    assert report.plans == 3
    changes = rows(out, "Changes")
    kinds = [r[0] for r in changes]
    assert kinds.count("Plan gone") == 1 and "New plan" not in kinds
    gone = next(r for r in changes if r[0] == "Plan gone")
    assert gone[1]  # the deal that left is named
    deals = [r[0] for r in rows(out, "Deals")]
    assert len(deals) == 3 and gone[1] not in deals


@pytest.mark.parametrize("fault", ["404", "403"])
def test_a_plan_deleted_or_unshared_mid_sync_lands_in_problems_with_the_reason(templates, tmp_path, fault):
    g = FakeGoogle()
    folder = g.add_folder("Plans")
    ids = fill_folder(g, folder, templates[:6], 6, native_every=2)
    victim = ids[2]  # a native Sheet: read by export
    g.inject(fault, times=None, url=f"/files/{victim}/export")
    out = tmp_path / "rollup.xlsx"
    report = sync([folder], out, today=TODAY, google=google(g))
    assert (report.read, report.unreadable) == (6, 1)
    problems = [r for r in rows(out, "Problems") if r[2] == "Could not be read"]
    assert len(problems) == 1
    assert problems[0][0] == g.file(victim).name
    assert ("gone from Drive since the folder was listed" if fault == "404" else "no access") in problems[0][4]
    assert len(rows(out, "Deals")) == 5
    g.clear_faults()
    again = sync([folder], out, today=TODAY, google=google(g))
    assert again.read == 1 and again.unreadable == 0 and len(rows(out, "Deals")) == 6  # read again, not cached


@pytest.mark.parametrize("fault", ["429", "503", "user_rate_limit"])
def test_a_storm_of_429s_or_5xx_is_waited_out_and_the_sync_finishes(templates, tmp_path, fault):
    g = FakeGoogle(clock=ThreadClock())  # each reader waits on its own timeline, as threads do against Google
    folder = g.add_folder("Plans")
    fill_folder(g, folder, templates[:8], 8, native_every=2)
    # 5 in a row (backing off 1+2+4+8+16 s) stays inside one request's 60 s deadline, whichever reader meets them
    storm = g.inject(fault, times=5, api="drive", after=2)
    report = sync([folder], tmp_path / "rollup.xlsx", today=TODAY, google=google(g))
    assert storm.hits == 5
    assert (report.read, report.unreadable) == (8, 0)
    assert len(rows(tmp_path / "rollup.xlsx", "Deals")) == 8


def test_a_storm_longer_than_the_deadline_ends_with_the_plans_in_problems(templates, tmp_path):
    g = FakeGoogle()
    folder = g.add_folder("Plans")
    fill_folder(g, folder, templates[:3], 3, native_every=2)
    g.inject("429", times=None, url="/export|alt=media")
    start = g.clock.monotonic()
    report = sync([folder], tmp_path / "rollup.xlsx", today=TODAY, google=google(g, deadline=30))
    assert g.clock.monotonic() - start <= 3 * 30  # bounded: each plan gives up at its deadline
    assert report.unreadable == 3
    unread = [r for r in rows(tmp_path / "rollup.xlsx", "Problems") if r[2] == "Could not be read"]
    assert len(unread) == 3 and all("60 reads and 60 writes a minute" in r[4] for r in unread)


def test_a_sync_in_a_never_ending_storm_stops_at_its_time_limit(templates, tmp_path):
    g = FakeGoogle()
    folder = g.add_folder("Plans")
    fill_folder(g, folder, templates[:5], 40, native_every=2)
    g.inject("503", times=None, url="/export|alt=media")
    start = g.clock.monotonic()
    report = sync([folder], tmp_path / "rollup.xlsx", today=TODAY, google=google(g, deadline=60), jobs=4,
                  time_limit=120)
    assert g.clock.monotonic() - start < 120 + 4 * 60  # the limit, plus the reads under way when it passed
    assert report.unreadable == 40
    reasons = [r[4] for r in rows(tmp_path / "rollup.xlsx", "Problems") if r[2] == "Could not be read"]
    assert any("the sync's time limit (2 min) passed" in r for r in reasons)
    assert reads(g) < 40 * 5  # most plans were never tried


def test_a_killed_sync_resumes_without_reading_again_or_duplicating_rows(templates, tmp_path):
    g = FakeGoogle()
    folder = g.add_folder("Plans")
    fill_folder(g, folder, templates, 120)
    out = tmp_path / "rollup.xlsx"

    def kill(done, total):
        if done == 80:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync([folder], out, today=TODAY, google=google(g), progress=kill)
    assert not out.exists()
    g.reset_log()
    report = sync([folder], out, today=TODAY, google=google(g))
    assert report.cached >= 50 and report.read == 120 - report.cached
    assert reads(g) == report.read
    deals = rows(out, "Deals")
    assert len(deals) == 120 and len({r[-1] for r in deals}) == 120  # every plan once, by its link


@pytest.mark.parametrize("writer", ["rust", "xlsxwriter"])
def test_the_xlsx_rollup_of_drive_plans_links_each_plan_by_its_web_address(templates, tmp_path, writer):
    g = FakeGoogle()
    folder = g.add_folder("Plans")
    ids = fill_folder(g, folder, templates[:4], 4, native_every=2)
    out = tmp_path / "rollup.xlsx"
    sync([folder], out, today=TODAY, google=google(g), writer=writer)
    ws = openpyxl.load_workbook(out)["Deals"]
    targets = {ws.cell(r, ws.max_column).hyperlink.target for r in range(3, 7)}  # the Plan file column
    assert all(t.startswith(("https://docs.google.com/spreadsheets/d/", "https://drive.google.com/file/d/"))
               for t in targets)
    assert {t.split("/")[5] for t in targets} == set(ids)  # each plan's own address, by its file id
