"""Faults, quota and latency of the fake, and counting its requests: what mapsheet's retry, rate limiter and
benchmarks are tested against. Envelopes as Google sends them (see fake/errors.py for the sources)."""
from __future__ import annotations

import gspread
import pytest
import requests

from fake import FakeClock, FakeGoogle, Quota
from fake.fixtures import fake_google  # noqa: F401 (the fixture)

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
FILES = "https://www.googleapis.com/drive/v3/files"


@pytest.fixture
def g(fake_google):
    return fake_google


def test_a_429_storm_then_success(g):
    sid = g.add_spreadsheet("Plan")
    fault = g.inject("429", times=3, retry_after=7)
    session = g.session()
    answers = [session.get(f"{SHEETS}/{sid}") for _ in range(4)]
    assert [a.status_code for a in answers] == [429, 429, 429, 200]
    error = answers[0].json()["error"]
    assert error["status"] == "RESOURCE_EXHAUSTED" and error["code"] == 429
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert answers[0].headers["Retry-After"] == "7"
    assert fault.hits == 3 and fault.exhausted
    assert g.count(status=429) == 3 and g.count(status=200) == 1


@pytest.mark.parametrize("kind,status,reason", [
    ("rate_limit", 403, "rateLimitExceeded"), ("user_rate_limit", 403, "userRateLimitExceeded"),
    ("storage_quota", 403, "storageQuotaExceeded")])
def test_drive_style_403s(g, kind, status, reason):
    g.inject(kind)
    answer = g.session().get(f"{FILES}/x")
    assert answer.status_code == status and answer.json()["error"]["errors"][0]["reason"] == reason


@pytest.mark.parametrize("kind,status,name", [("500", 500, "INTERNAL"), ("503", 503, "UNAVAILABLE"),
                                              ("404", 404, "NOT_FOUND"), ("400", 400, "INVALID_ARGUMENT")])
def test_sheets_errors(g, kind, status, name):
    sid = g.add_spreadsheet("Plan")
    g.inject(kind)
    answer = g.session().get(f"{SHEETS}/{sid}")
    assert answer.status_code == status and answer.json()["error"]["status"] == name


def test_faults_match_method_url_and_skip_the_first_requests(g):
    sid = g.add_spreadsheet("Plan")
    g.inject("500", method="POST", url=r":batchUpdate$", after=1, times=None)
    session = g.session()
    batch = {"requests": [{"updateSpreadsheetProperties": {"properties": {"title": "x"}, "fields": "title"}}]}
    assert session.get(f"{SHEETS}/{sid}").status_code == 200
    assert session.post(f"{SHEETS}/{sid}:batchUpdate", json=batch).status_code == 200  # the first is let through
    assert [session.post(f"{SHEETS}/{sid}:batchUpdate", json=batch).status_code for _ in range(3)] == [500] * 3
    g.clear_faults()
    assert session.post(f"{SHEETS}/{sid}:batchUpdate", json=batch).status_code == 200


def test_a_timeout_after_the_write_landed(g):
    sid = g.add_spreadsheet("Plan")
    g.inject("timeout", method="POST", applied=True)
    batch = {"requests": [{"updateCells": {"start": {"sheetId": 0}, "rows": [{"values": [{"note": "landed"}]}],
                                           "fields": "note"}}]}
    with pytest.raises(requests.exceptions.ReadTimeout):
        g.session().post(f"{SHEETS}/{sid}:batchUpdate", json=batch)
    assert g.cell(sid, "Sheet1!A1")["note"] == "landed" and g.file(sid).version == 2


def test_a_timeout_before_anything_happened(g):
    sid = g.add_spreadsheet("Plan")
    g.inject("timeout")
    with pytest.raises(requests.exceptions.ReadTimeout):
        g.session().post(f"{SHEETS}/{sid}:batchUpdate", json={"requests": [{"addSheet": {}}]})
    assert len(g.spreadsheet(sid).sheets) == 1 and g.file(sid).version == 1


def test_gspread_sees_the_injected_error(g):
    sid = g.add_spreadsheet("Plan")
    g.inject("403")
    with pytest.raises(PermissionError) as caught:  # gspread turns a 403 on open into PermissionError
        gspread.Client(auth=None, session=g.session()).open_by_key(sid)
    assert caught.value.__cause__.response.status_code == 403


def test_quota_of_sixty_reads_a_minute_per_user():
    g = FakeGoogle(quota=True)
    sid = g.add_spreadsheet("Plan")
    session = g.session()
    statuses = [session.get(f"{SHEETS}/{sid}/values/A1").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    other = g.session("someone@example.com")
    g.share(sid, "someone@example.com")
    assert other.get(f"{SHEETS}/{sid}/values/A1").status_code == 200  # the quota is per user
    write = session.put(f"{SHEETS}/{sid}/values/A1", params={"valueInputOption": "RAW"}, json={"values": [["x"]]})
    assert write.status_code == 200  # writes have their own 60
    assert session.get(f"{FILES}/{sid}").status_code == 200  # Drive is not counted against the Sheets quota
    g.clock.advance(60)
    assert session.get(f"{SHEETS}/{sid}/values/A1").status_code == 200
    assert g.quota.rejected == 1 and g.quota.peak[("me@example.com", "read")] == 60


def test_latency_on_the_fake_clock_and_read_timeouts():
    clock = FakeClock()
    g = FakeGoogle(latency=0.15, clock=clock)
    sid = g.add_spreadsheet("Plan")
    session = g.session()
    start = clock.monotonic()
    for _ in range(10):
        session.get(f"{SHEETS}/{sid}")
    assert clock.monotonic() - start == pytest.approx(1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        session.get(f"{SHEETS}/{sid}", timeout=0.1)
    assert [r.at for r in g.requests][:2] == pytest.approx([start, start + 0.15])


def test_a_custom_quota_and_counting_by_operation():
    g = FakeGoogle(quota=Quota(reads=2, writes=1, window=10))
    sid = g.add_spreadsheet("Plan")
    session = g.session()
    codes = [session.get(f"{SHEETS}/{sid}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert g.count(api="sheets", kind="read") == 3
    assert g.count(operation="sheets.spreadsheets.get", status=200) == 2
    served = g.requests[0]
    assert (served.method, served.api, served.kind, served.user) == ("GET", "sheets", "read", "me@example.com")


def test_the_session_reaches_nothing_but_the_fake(g):
    with pytest.raises(requests.exceptions.ConnectionError, match="not a Google API host"):
        g.session().get("https://example.com/")


def test_concurrent_readers_overlap_on_a_thread_clock():
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from fake import ThreadClock

    clock = ThreadClock()
    start = clock.monotonic()
    g = FakeGoogle(latency=0.15, clock=clock, quota=True)
    ids = [g.add_spreadsheet(f"Plan {i}") for i in range(80)]

    together = threading.Barrier(8)

    def read(chunk):  # eight threads, each its own ten (the barrier keeps the pool from reusing a thread)
        together.wait(timeout=30)
        return [g.session().get(f"{SHEETS}/{sid}").status_code for sid in chunk]

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = [code for chunk in pool.map(read, [ids[i::8] for i in range(8)]) for code in chunk]
    assert codes.count(200) == 60 and codes.count(429) == 20  # 60 reads a minute, whatever the concurrency
    # eight threads of ten reads: 10 x 0.15 = 1.5 s of Google time, not the 12 s of one after the other
    assert clock.elapsed() == pytest.approx(10 * 0.15)
    assert clock.monotonic() - start == pytest.approx(clock.elapsed())  # the main thread waited for them all


def test_the_project_quota_covers_all_users_together():
    g = FakeGoogle(quota=Quota(reads=60, project_reads=100))
    sid = g.add_spreadsheet("Plan")
    codes = []
    for user in ("a@example.com", "b@example.com"):
        g.share(sid, user)
        codes += [g.session(user).get(f"{SHEETS}/{sid}").status_code for _ in range(60)]
    assert codes[:60] == [200] * 60 and codes[60:100] == [200] * 40 and codes[100:] == [429] * 20
