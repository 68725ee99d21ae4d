"""The reader's quick pass (backends/xlsx_quick.py) on real files: a healthy plan is read in one cheap pass, and
whatever it cannot vouch for gets the full guard's sentence, exactly as before: nothing it skips lets a bad
file through or changes what the reader says."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from mapsheet.backends.xlsx_guard import Limits, inspect, sheet_parts
from mapsheet.backends.xlsx_quick import quick_package
from mapsheet.backends.xlsx_read import SUPPORTED_SUFFIXES, UNREAD_SHEETS, read_workbook
from mapsheet.errors import UnreadableWorkbook

LIMITS = Limits.from_settings()


def _rewrite(source: Path, target: Path, change) -> Path:
    """A copy of ``source`` with each part's bytes passed through ``change(name, data)``."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return target


def _quick(path: Path):
    return quick_package(path, SUPPORTED_SUFFIXES, LIMITS, UNREAD_SHEETS)


def _cell(xml: bytes, ref: str, value: bytes) -> bytes:
    """``xml`` with one more cell holding ``value`` in a row of its own at ``ref`` (before </sheetData>)."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    return xml.replace(b"</sheetData>", b'<row r="%d"><c r="%s" t="inlineStr"><is><t>%s</t></is></c></row></sheetData>'
                       % (row, ref.encode(), value))


def test_a_healthy_plan_is_vouched_for_with_what_the_full_guard_finds(sample_plans):
    path = sample_plans[0][1]
    assert _quick(path) == inspect(path, LIMITS, UNREAD_SHEETS)
    assert read_workbook(path).sheet("Actions").value(2, 0) == "ID"


def test_a_value_far_right_or_an_error_cell_is_read_as_the_full_guard_reads_it(sample_plans, tmp_path):
    source = sample_plans[0][1]
    actions = sheet_parts(source, zipfile.ZipFile(source))["Actions"]
    far = _rewrite(source, tmp_path / "far.xlsx", lambda n, d: _cell(d, "AB60", b"a note") if n == actions else d)
    assert _quick(far) == inspect(far, LIMITS, UNREAD_SHEETS)
    assert read_workbook(far).sheet("Actions").value(59, 27) == "a note"
    broken = _rewrite(source, tmp_path / "error.xlsx", lambda n, d: d.replace(
        b"</sheetData>", b'<row r="61"><c r="B61" t="e"><v>#REF!</v></c></row></sheetData>') if n == actions else d)
    assert _quick(broken) == inspect(broken, LIMITS, UNREAD_SHEETS)
    assert read_workbook(broken).sheet("Actions").value(60, 1) == "#REF!"


def test_a_document_type_in_a_part_no_reader_opens_is_still_refused_naming_the_part(sample_plans, tmp_path):
    bad = _rewrite(sample_plans[0][1], tmp_path / "doctype.xlsx", lambda n, d: (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + d.split(b"?>", 1)[-1]) if n == "docProps/app.xml" else d)
    assert _quick(bad) is None
    with pytest.raises(UnreadableWorkbook, match="the part docProps/app.xml declares XML entities"):
        read_workbook(bad)


def test_a_cell_far_below_the_plan_is_left_to_the_full_inspection_and_read_at_its_own_cell(sample_plans, tmp_path):
    source = sample_plans[0][1]
    actions = sheet_parts(source, zipfile.ZipFile(source))["Actions"]
    far = _rewrite(source, tmp_path / "deep.xlsx", lambda n, d: _cell(d, "C200000", b"x") if n == actions else d)
    assert _quick(far) is None
    sheet = {s.name: s for s in read_workbook(far).sheets}["Actions"]
    assert sheet.height == 200_000 and sheet.rows[199_999][2] == "x"


def test_a_sheet_that_fails_its_checksum_is_called_damaged(sample_plans, tmp_path):
    source = sample_plans[0][1]
    part = sheet_parts(source, zipfile.ZipFile(source))["Milestones"]
    data = bytearray(source.read_bytes())
    info = zipfile.ZipFile(source).getinfo(part)
    wrong = struct.pack("<L", info.CRC ^ 1)
    data[info.header_offset + 14:info.header_offset + 18] = wrong  # the local header's CRC...
    name = part.encode()
    at = data.find(b"PK\x01\x02", 0)
    while data[at + 46:at + 46 + len(name)] != name:  # ...and the central directory's
        at = data.find(b"PK\x01\x02", at + 4)
    data[at + 16:at + 20] = wrong
    bad = tmp_path / "crc.xlsx"
    bad.write_bytes(bytes(data))
    assert _quick(bad) is None
    with pytest.raises(UnreadableWorkbook, match="the file is damaged") as caught:
        read_workbook(bad)
    assert caught.value.path == str(bad) and part in caught.value.reason  # the file, and the part that is bad


def test_a_sheet_whose_compressed_data_is_corrupt_is_called_damaged(sample_plans, tmp_path):
    """Its deflate stream cannot be inflated (a block of a reserved type): the quick pass's engine (ISA-L's or
    zlib's) raises, which leaves the file to the full diagnosis, whose sentence is the one it always gave."""
    from mapsheet import deflate

    source = sample_plans[0][1]
    part = sheet_parts(source, zipfile.ZipFile(source))["Actions"]
    data = bytearray(source.read_bytes())
    info = zipfile.ZipFile(source).getinfo(part)
    start = info.header_offset + 30 + sum(struct.unpack_from("<2H", data, info.header_offset + 26))  # past the names
    data[start] = 0xFF  # the first block's type: 3, reserved
    with pytest.raises(zlib.error):
        deflate.inflate(bytes(data[start:start + info.compress_size]), info.file_size)
    bad = tmp_path / "corrupt.xlsx"
    bad.write_bytes(bytes(data))
    assert _quick(bad) is None
    with pytest.raises(UnreadableWorkbook, match="the file is damaged") as caught:
        read_workbook(bad)
    assert caught.value.path == str(bad) and "invalid block type" in caught.value.reason


@pytest.mark.parametrize("where", ["before", "after"])
def test_an_error_or_far_cell_outside_the_cells_is_found_as_the_full_guard_finds_it(sample_plans, tmp_path, where):
    """The quick pass searches a sheet's cells, and judges what comes before and after them once by its bytes: a
    cell written there (no writer does) is still found, after a clean plan with the same sheet was vouched for."""
    source = sample_plans[0][1]
    actions = sheet_parts(source, zipfile.ZipFile(source))["Actions"]
    assert _quick(source) == inspect(source, LIMITS, UNREAD_SHEETS)  # its sheet's ends judged clean, and remembered
    mark = b"<sheetData>" if where == "before" else b"</sheetData>"
    for cell, name in ((b'<c r="C7" t="e"><v>#N/A</v></c>', "error"), (b'<c r="AB7"><v>1</v></c>', "far")):
        def put(xml, cell=cell):
            return xml.replace(mark, cell + mark if where == "before" else mark + cell)
        changed = _rewrite(source, tmp_path / f"{name}-{where}.xlsx", lambda n, d: put(d) if n == actions else d)
        assert _quick(changed) == inspect(changed, LIMITS, UNREAD_SHEETS)
        if name == "error":
            assert _quick(changed).errors["Actions"] == {(6, 2): "#N/A"}


@pytest.mark.parametrize("text", [
    "plan.xlsx", "/abs/dir/plan.xlsx", "dir/Plan.XLSX", "./plan.xlsx", "dir//plan.xlsx", "//server/plan.xlsx",
    "///root/plan.xlsx", "dir/./plan.xlsx", "dir/../plan.xlsx", "dir/plan.xlsx/", "dir/.", ".", "", "plan",
    ".xlsx", "dir/.xlsx", "..xlsx", "plan.", "plan.tar.CSV", "dir.d/plan", "a b/c d.xlsm", "dir\\plan.xlsx",
    "~$plan.xlsx", "plan .xlsx", "é/plän.xlsx", "/data/.plans/p.xlsx", ".hidden/p.xlsx", "dir/..", "../p.xlsx",
    "dir/.../p.xlsx", "/.", "/", "./", "a/./", ".a.xlsx", "dir/.a.CSV",
])
def test_a_plans_name_and_suffix_are_those_its_path_gives(text):
    """The name messages and the grid give a plan, and the suffix that picks its reader, are what ``Path`` gives,
    whether or not one is made for it (a sync's paths are read without one)."""
    from mapsheet.backends.xlsx_quick import name_and_suffix

    assert name_and_suffix(text) == (str(Path(text)), Path(text).suffix.lower())
    assert name_and_suffix(Path(text)) == (str(Path(text)), Path(text).suffix.lower())


def test_a_plan_is_named_as_its_path_tidies_it(sample_plans, tmp_path, monkeypatch):
    """A path with an empty or "." part names the file as ``Path`` tidies it, in the reader's sentence and the grid."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UnreadableWorkbook) as raised:
        read_workbook(".//gone.xlsx")
    assert str(raised.value) == "gone.xlsx: no such file"
    Path("dir").mkdir()
    Path("dir/p.xlsx").write_bytes(sample_plans[0][1].read_bytes())
    assert read_workbook("dir//./p.xlsx").source == "dir/p.xlsx"
    assert read_workbook(str(tmp_path / "dir/p.xlsx")).source == str(tmp_path / "dir/p.xlsx")
