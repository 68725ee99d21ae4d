"""Plans are not paths: references, sources chosen by kind, configuration by source."""

from __future__ import annotations

import pytest

from mapsheet import api
from mapsheet.backends import memory
from mapsheet.backends.xlsx_read import read_workbook
from mapsheet.errors import MapsheetError
from mapsheet.google.ids import sheet_url, spreadsheet_id
from mapsheet.sources import (FILE, MEMORY, FileSource, MemorySource, file_key, open_sources, plan_files,
                              plan_keys)

from conftest import TODAY

SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"


def test_a_sheet_url_or_bare_id_is_a_google_sheet_and_paths_are_not():
    assert spreadsheet_id(f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=0") == SHEET_ID
    assert spreadsheet_id(f"https://docs.google.com/spreadsheets/u/1/d/{SHEET_ID}/") == SHEET_ID
    assert spreadsheet_id(SHEET_ID) == SHEET_ID
    for not_a_sheet in ("plans/Acme MAP.xlsx", "plans/*.xlsx", "plans", "https://example.com/d/x"):
        assert spreadsheet_id(not_a_sheet) is None
    assert sheet_url(SHEET_ID, 7) == f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=7"


def test_files_and_sheets_mixed_keep_their_order_and_are_opened_by_kind(sample_plans):
    path = sample_plans[0][1]
    opened = []

    def google(spreadsheet):
        opened.append(spreadsheet)
        return MemorySource(memory.MemoryBook.from_workbook(read_workbook(path)))

    sources = open_sources([str(path), f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit", str(path)],
                           google=google)
    assert [s.ref.kind for s in sources] == [FILE, MEMORY]  # the file named twice is one plan
    assert opened == [SHEET_ID]
    assert sources[0].ref.key == file_key(path) == str(path.absolute())
    assert sources[0].ref.version  # size and modification time


def test_a_missing_file_is_named_and_never_taken_for_a_sheet(tmp_path):
    with pytest.raises(MapsheetError, match="no such file"):
        open_sources([str(tmp_path / "gone.xlsx")], google=lambda s: pytest.fail("not a Sheet"))


def test_config_is_found_beside_a_file_and_given_for_other_sources(tmp_path, sample_plans):
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(sample_plans[0][1].read_bytes())
    (tmp_path / "mapsheet.toml").write_text('ignore = ["MAP101"]\n')
    assert FileSource(plan).config().source.endswith("mapsheet.toml")
    in_memory = MemorySource(memory.MemoryBook.from_workbook(read_workbook(plan)))
    assert in_memory.config().source != FileSource(plan).config().source  # nothing beside a remote plan
    assert in_memory.config(tmp_path / "mapsheet.toml").source.endswith("mapsheet.toml")


def test_checking_and_annotating_a_memory_source_matches_the_file(sample_plans):
    path = sample_plans[3][1]
    source = MemorySource(memory.MemoryBook.from_workbook(read_workbook(path)))
    from_file, from_memory = api.check(path, today=TODAY), api.check(source, today=TODAY)
    assert [(f.code, f.location) for f in from_memory.findings] == [(f.code, f.location) for f in from_file.findings]
    api.annotate(source, from_memory)
    assert source.book.sheets[0].name == "Plan check"
    assert api.clean(source) == (source.ref.name, True)
    assert api.clean(source) == (source.ref.name, False)


def test_a_folder_lists_its_plans_in_path_order_skipping_hidden_folders_links_and_lock_files(tmp_path, monkeypatch):
    """What a folder holds, as a sync and a check list it: every plan under it in path order (a folder's plans
    sort by the folder's name among the files beside it), nothing from hidden folders or a link to a folder
    (a loop, or plans listed twice), no lock file, no other kind of file."""
    plans = tmp_path / "plans"
    for name in ("b.xlsx", "a.xlsx", "a/x.xlsx", "a/b/c.xlsm", "A.xlsx", "c/.git/hidden.xlsx", ".cache/old.xlsx",
                 "~$b.xlsx", ".~lock.b.xlsx#", "notes.txt", "c/d.XLSX"):
        (plans / name).parent.mkdir(parents=True, exist_ok=True)
        (plans / name).write_bytes(b"")
    (plans / "link").symlink_to(plans / "a", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    expected = ["plans/A.xlsx", "plans/a/b/c.xlsm", "plans/a/x.xlsx", "plans/a.xlsx", "plans/b.xlsx", "plans/c/d.XLSX"]
    assert [str(p) for p in plan_files(["plans"])] == expected
    # As a sync keys them (absolute paths), in the same order; a folder named twice lists its plans once.
    assert plan_keys(["plans", str(plans), "plans/a"]) == [f"{tmp_path}/{name}" for name in expected]
    assert [file_key(p) for p in plan_files([plans])] == plan_keys([plans])
    monkeypatch.chdir(plans)
    assert [str(p) for p in plan_files(["."])][:2] == ["A.xlsx", "a/b/c.xlsm"]
