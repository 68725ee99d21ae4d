"""The package calamine reads from memory (backends/xlsx_image.py, its styles from xlsx_styles.py) after the quick
pass: on real plan files, the values are what calamine reads from the file itself, a package it cannot read there
is read from the file (whose failure is the one reported), and a zip the quick pass cannot read plainly is still
read the same."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest
import python_calamine

from mapsheet.backends import xlsx_styles
from mapsheet.backends.xlsx_guard import Limits, sheet_parts
from mapsheet.backends.xlsx_quick import quick_package
from mapsheet.backends.xlsx_read import SUPPORTED_SUFFIXES, UNREAD_SHEETS, read_workbook
from mapsheet.errors import UnreadableWorkbook

LIMITS = Limits.from_settings()


def _quick(path: Path):
    return quick_package(path, SUPPORTED_SUFFIXES, LIMITS, UNREAD_SHEETS)


def _from_file(path: Path) -> dict[str, list[list]]:
    """Every sheet the reader reads, as python-calamine reads it from the file."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names if name not in UNREAD_SHEETS}


def _read(path: Path) -> dict[str, list[list]]:
    return {s.name: s.rows for s in read_workbook(path).sheets if s.name not in UNREAD_SHEETS}


def test_every_value_is_what_calamine_reads_from_the_file(sample_plans):
    for _, path in sample_plans[:6]:
        assert _quick(path).unpacked is not None  # read from memory, not from the file
        assert _read(path) == _from_file(path)


def test_a_sheet_calamine_cannot_read_is_reported_as_reading_the_file_reports_it(sample_plans, tmp_path):
    source = sample_plans[0][1]
    actions = sheet_parts(source, zipfile.ZipFile(source))["Actions"]
    bad = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, data[:len(data) // 2] if info.filename == actions else data)
    assert _quick(bad) is not None  # the package is clean: only its XML is cut off
    with pytest.raises(Exception) as direct:
        python_calamine.CalamineWorkbook.from_path(str(bad)).get_sheet_by_name("Actions")
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(bad)
    assert caught.value.reason == f"the workbook could not be read ({type(direct.value).__name__}: {direct.value})"


def test_a_zip_with_a_comment_is_left_to_zipfile_and_read_the_same(sample_plans, tmp_path):
    source = sample_plans[1][1]
    commented = tmp_path / "commented.xlsx"
    shutil.copy(source, commented)
    with zipfile.ZipFile(commented, "a") as z:
        z.comment = b"saved by a tool that signs its zips"
    assert _quick(commented) is None
    assert _read(commented) == _read(source)


def test_a_part_named_differently_in_its_local_header_is_left_to_the_full_diagnosis(sample_plans, tmp_path):
    source = sample_plans[2][1]
    data = bytearray(source.read_bytes())
    at = data.find(b"xl/styles.xml")  # the first copy of the name is the local header's
    data[at:at + 13] = b"xl/stylez.xml"
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(bytes(data))
    assert _quick(renamed) is None
    with pytest.raises(UnreadableWorkbook, match="the file is damaged"):
        read_workbook(renamed)


def test_when_calamine_fails_on_the_image_the_file_itself_is_read(sample_plans, monkeypatch):
    from mapsheet.backends import xlsx_read

    path = sample_plans[3][1]
    monkeypatch.setattr(xlsx_read, "image", lambda unpacked: b"PK\x05\x06 a package calamine cannot open")
    assert _read(path) == _from_file(path)


def _with_actions(source: Path, path: Path, change) -> Path:
    """A copy of ``source`` whose Actions sheet XML is ``change(xml)``, written by zipfile (a clean package)."""
    actions = sheet_parts(source, zipfile.ZipFile(source))["Actions"]
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, change(data) if info.filename == actions else data)
    return path


def _outcome(read) -> tuple:
    try:
        return "read", read()
    except Exception as exc:  # what calamine says, whatever its type
        return "refused", type(exc).__name__, str(exc)


@pytest.mark.parametrize("tail, what", [
    (b"<pageMargins left=\"0.4\"", "the XML cut off after the cells"),
    (b"</worksheet></worksheet>", "an end tag with no start after the cells"),
    (b"<mergeCells count=\"1\"><mergeCell ref=\"not a range\"/></mergeCells></worksheet>", "a merged range that is none"),
    (b"<!-- a comment, unclosed", "an unclosed comment after the cells"),
])
def test_a_sheet_broken_after_its_cells_is_refused_as_reading_the_file_refuses_it(sample_plans, tmp_path, tail, what):
    """calamine's search for merged cells reads a sheet to its end: what it refuses there is refused still, though
    a clean sheet's search is cut short in the image."""
    source = sample_plans[0][1]
    broken = _with_actions(source, tmp_path / "broken.xlsx",
                           lambda xml: xml[:xml.rfind(b"</sheetData>") + len(b"</sheetData>")] + tail)
    assert _quick(broken) is not None  # a clean package: only the sheet's XML is broken
    direct = _outcome(lambda: python_calamine.CalamineWorkbook.from_path(str(broken)).get_sheet_by_name("Actions"))
    assert direct[0] == "refused", what
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(broken)
    assert caught.value.reason == f"the workbook could not be read ({direct[1]}: {direct[2]})"


def test_a_sheet_with_merged_cells_reads_as_from_the_file(sample_plans, tmp_path):
    source = sample_plans[1][1]
    merged = _with_actions(source, tmp_path / "merged.xlsx", lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells>'))
    assert _quick(merged).unpacked is not None
    assert _read(merged) == _from_file(merged)
    assert python_calamine.CalamineWorkbook.from_path(str(merged)).get_sheet_by_name("Actions").merged_cell_ranges


def test_the_image_reads_the_values_of_a_clean_sheet_without_its_merged_cell_search(sample_plans):
    """The image's sheets carry an empty list of merged cells before their cells: calamine's search stops there,
    and the values are those of the file (test_every_value_is_what_calamine_reads_from_the_file)."""
    import io

    from mapsheet.backends.xlsx_image import image

    package = _quick(sample_plans[4][1])
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(image(package.unpacked)))
    for name, part in package.sheet_parts.items():
        if name not in UNREAD_SHEETS:
            assert book.get_sheet_by_name(name).merged_cell_ranges == []
    assert _read(sample_plans[4][1]) == _from_file(sample_plans[4][1])


def test_every_part_of_the_image_passes_its_checksum(sample_plans):
    """The sheets gain an element before their cells but keep their CRC (``_no_merges``): zipfile, which checks
    every part's CRC, reads each one back as the quick pass inflated it, the element aside."""
    import io

    from mapsheet.backends.xlsx_image import image

    for _, path in sample_plans[:3]:
        package = _quick(path)
        with zipfile.ZipFile(io.BytesIO(image(package.unpacked))) as z:
            assert z.testzip() is None
            for part, xml in package.unpacked.inflated.items():
                stored = z.read(part)
                assert stored != xml and re.sub(rb'<mergeCells x="[`a-o]{9}"></mergeCells>', b"", stored) == xml
                assert z.getinfo(part).CRC == zipfile.ZipFile(path).getinfo(part).CRC


def test_the_element_before_the_cells_leaves_any_crc_as_it_was():
    import random

    from mapsheet.backends.xlsx_image import _SOLVED, _no_merges, _solve

    assert tuple(_solve()) == _SOLVED  # the table written out is the one worked out
    rng = random.Random(16)
    for size in list(range(40)) + [rng.randrange(40, 5000) for _ in range(200)]:
        before = rng.randbytes(size)
        marker = _no_merges(before)
        assert zlib.crc32(before + marker) == zlib.crc32(before)
        assert re.fullmatch(rb'<mergeCells x="[`a-o]{9}"></mergeCells>', marker)


def test_the_parts_met_before_are_handed_over_stored_and_other_styles_are_read_as_their_own(sample_plans, tmp_path):
    """The parts calamine reads at each opening (the styles above all) are kept inflated by their stored bytes and
    stored in the image; a workbook with other styles gets its own."""
    import io

    from mapsheet.backends.xlsx_image import image

    source = sample_plans[0][1]
    package = _quick(source)
    with zipfile.ZipFile(io.BytesIO(image(package.unpacked))) as z, zipfile.ZipFile(source) as original:
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"):
            assert z.getinfo(part).compress_type == zipfile.ZIP_STORED
        assert z.read("xl/workbook.xml") == original.read("xl/workbook.xml")
    plain = tmp_path / "plain-dates.xlsx"  # its dates formatted as plain numbers: read as numbers, not dates
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, data.replace(b'formatCode="d mmm yyyy"', b'formatCode="0.0"')
                          if info.filename == "xl/styles.xml" else data)
    assert _quick(plain).unpacked.opened["xl/styles.xml"] != package.unpacked.opened["xl/styles.xml"]
    assert _read(plain) == _from_file(plain) != _read(source)


def _with_styles(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, change(data) if info.filename == "xl/styles.xml" else data)
    return target


def test_styles_met_again_are_shortened_and_read_the_same(sample_plans):
    styles = zipfile.ZipFile(sample_plans[0][1]).read("xl/styles.xml")
    xlsx_styles._MET.clear()
    xlsx_styles._SHORT.clear()
    assert xlsx_styles.short_styles(styles) is None  # met once: handed over whole
    short, _ = xlsx_styles.short_styles(styles)
    assert len(short) < len(styles) // 5 and b"<font" not in short
    for _, path in sample_plans[:4]:  # the same styles: the short ones from the second plan on
        assert _read(path) == _from_file(path)


def test_styles_calamine_would_read_otherwise_when_short_are_handed_over_whole(sample_plans, tmp_path):
    """A cell format nested in another (no writer makes one) counts for calamine, not for the short version: the
    probe finds them different, and the workbook is read with its own styles."""
    source = sample_plans[0][1]
    nested = _with_styles(source, tmp_path / "nested.xlsx", lambda xml: xml.replace(
        b'<cellXfs count="28"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" '
        b'xfId="0" />', b'<cellXfs count="28"><xf numFmtId="0"><xf numFmtId="164"/></xf>', 1))
    styles = zipfile.ZipFile(nested).read("xl/styles.xml")
    assert b'<xf numFmtId="164"/></xf>' in styles
    xlsx_styles.short_styles(styles)
    assert xlsx_styles.short_styles(styles) is None
    for _ in range(2):
        assert _read(nested) == _from_file(nested) != _read(source)  # its dates moved one format on


def test_the_image_is_the_same_whatever_sheet_starts_were_met_before(sample_plans):
    """The element put before each sheet's cells is remembered by the sheet's start (``_MARKS``), and the sheets are
    cut around their cells by the quick pass (``frame``): a plan gets, byte for byte, the image it gets with nothing
    remembered and with its sheets cut afresh."""
    from mapsheet.backends import xlsx_image

    path = sample_plans[1][1]
    xlsx_image._MARKS.clear()
    xlsx_image._CLEAN_TAILS.clear()
    fresh = xlsx_image.image(_quick(path).unpacked)
    for _, other in sample_plans[:5]:
        xlsx_image.image(_quick(other).unpacked)
    unpacked = _quick(path).unpacked
    assert unpacked.frames and xlsx_image.image(unpacked) == fresh
    unpacked.frames = {}
    assert xlsx_image.image(unpacked) == fresh


def _opened(open_book, data: bytes) -> tuple:
    """What calamine makes of ``data``: every sheet's values, or the error it raises, by type and words."""
    try:
        with open_book(data) as book:
            return "read", {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                            for name in book.sheet_names}
    except Exception as exc:
        return "refused", type(exc).__name__, str(exc)


def _from_bytes(data: bytes):
    import contextlib
    import io

    return contextlib.nullcontext(python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)))


def _open_descriptors() -> list[str]:
    return sorted(os.listdir("/proc/self/fd"))


def _images(sample_plans, tmp_path) -> tuple[list[bytes], list[bytes]]:
    """Images of sample plans, and bytes calamine refuses (nothing, text, an .xls's start, an .ods, a cut image)."""
    from mapsheet.backends.xlsx_image import image

    ods = tmp_path / "sheet.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    images = [image(_quick(path).unpacked) for _, path in sample_plans[:3]]
    return images, [b"", b"a,b\n1,2\n", b"PK\x05\x06 not a package", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
                    ods.read_bytes(), images[0][:len(images[0]) // 2]]


def test_the_image_opened_as_a_file_in_memory_reads_and_refuses_as_the_bytes_do(sample_plans, tmp_path, monkeypatch):
    """``opened_image`` hands calamine a file in memory by a path with no suffix (where the system has one), each
    image written over the last, a long one then a short one: it reads what calamine reads from the bytes, and
    refuses what it refuses, in the same words; so does a thread that finds that file in use (it makes its own,
    closed after), and a system without such files."""
    from mapsheet.backends import xlsx_read

    images, others = _images(sample_plans, tmp_path)
    _opened(xlsx_read.opened_image, images[0])  # the process's own file, made before the count
    before = _open_descriptors()
    for data in sorted(images + others, key=len, reverse=True) + images:
        expected = _opened(_from_bytes, data)
        assert expected[0] == ("read" if data in images else "refused")
        assert _opened(xlsx_read.opened_image, data) == expected
        with xlsx_read._image_file_lock:  # another thread reading its image
            assert _opened(xlsx_read.opened_image, data) == expected
        monkeypatch.setattr(xlsx_read, "_MEMORY_FILES", False)
        assert _opened(xlsx_read.opened_image, data) == expected
        monkeypatch.undo()
    assert _open_descriptors() == before


def test_a_forked_process_writes_its_images_to_a_file_of_its_own(sample_plans, tmp_path):
    """A reading process forked after its parent read a plan must not write over the parent's file in memory."""
    from mapsheet.backends import xlsx_read

    images, _ = _images(sample_plans, tmp_path)
    expected = _opened(_from_bytes, images[1])
    assert _opened(xlsx_read.opened_image, images[0]) == _opened(_from_bytes, images[0])
    parent_file = list(xlsx_read._image_file)
    with open(f"/proc/self/fd/{parent_file[0]}", "rb") as fh:
        assert fh.read() == images[0]
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: reads another plan, says whether it read it right
        try:
            os.close(read)
            os.write(write, b"ok" if _opened(xlsx_read.opened_image, images[1]) == expected else b"wrong")
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        said = fh.read()
    os.waitpid(child, 0)
    assert said == b"ok"
    assert xlsx_read._image_file == parent_file
    with open(f"/proc/self/fd/{parent_file[0]}", "rb") as fh:
        assert fh.read() == images[0]  # the child wrote its image to a file of its own
