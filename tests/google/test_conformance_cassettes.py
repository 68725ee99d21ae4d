"""The fake held to recorded truth: gspread's 124 cassettes of real Google traffic replayed against it.

Each cassette's requests are sent to a fresh fake as recorded (ids mapped, see replay.py); every answer must
equal the recorded one in status and JSON body. Cassettes the fake cannot pass are listed with a reason in
conformance_skips.txt; a listed cassette that passes fails the test, so the list only shrinks.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import replay
from fake import FakeGoogle

CASSETTES = replay.cassette_dir()
SKIPS_FILE = Path(__file__).with_name("conformance_skips.txt")

# The world as it was when a cassette was recorded, where the cassette itself cannot create it.
WORLD = {
    # a spreadsheet that exists but was never shared with the recording account: Google answers 403
    "ClientTest.test_access_private_spreadsheet.json": lambda g: g.add_spreadsheet(
        "Private", owner="someone-else@example.com", file_id="1jIKzPs8LsiZZdLdeMEP-5ZIHw6RkjiOmj1LrJN706Yc"),
}


def skip_list() -> dict[str, str]:
    skips = {}
    for line in SKIPS_FILE.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, reason = line.partition("#")
        skips[name.strip()] = reason.strip()
    return skips


def _required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or bool(os.environ.get("MAPSHEET_REQUIRE_LIBREOFFICE"))


def _names() -> list[str]:
    return sorted(p.name for p in CASSETTES.glob("*.json")) if CASSETTES else []


def make_fake(name: str):
    def make():
        # the cassettes were recorded by a service account when service accounts still had Drive storage
        g = FakeGoogle(user=replay.USER, strict=False, service_account_storage=True)
        WORLD.get(name, lambda g: None)(g)
        return g

    return make


def test_cassettes_are_present():
    """Without the recordings nothing holds the fake to the truth: under CI that is a failure, not a skip."""
    if CASSETTES is None:
        message = "../shared/google/gspread-cassettes not found beside the repository (set MAPSHEET_GOOGLE_CASSETTES)"
        if _required():
            pytest.fail(message)
        pytest.skip(message)
    assert len(_names()) == 124


def test_skip_list_names_real_cassettes_with_reasons():
    skips = skip_list()
    if CASSETTES is not None:
        assert set(skips) <= set(_names()), set(skips) - set(_names())
    assert all(skips.values()), [name for name, reason in skips.items() if not reason]


@pytest.mark.parametrize("name", _names())
def test_cassette_replays(name):
    problems = replay.replay(CASSETTES / name, make_fake(name))
    skips = skip_list()
    if name in skips:
        if not problems:
            pytest.fail(f"{name} now passes: remove it from {SKIPS_FILE.name}")
        pytest.skip(f"on the skip list: {skips[name]}")
    assert not problems, "\n".join(str(p) for p in problems)
