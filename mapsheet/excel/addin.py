"""Build ``mapsheet_addin.xlam`` from the installed xlwings' BSD-licensed ribbon add-in.

The add-in is xlwings' ``quickstart_addin_ribbon.xlam`` with three XML parts changed and nothing else:
the ribbon (``customUI/customUI.xml``, from ``macros/customUI.xml``), the config sheet's cells
(``xl/worksheets/sheet1.xml`` and ``xl/sharedStrings.xml``) and the config sheet's name in
``xl/workbook.xml``. ``xl/vbaProject.bin`` is copied byte for byte, so building needs no Excel, and as
the source is the installed xlwings, the VBA always matches the Python package it calls.

Why the file is called ``mapsheet_addin.xlam``: the ribbon callback ``RibbonMyAddin.RunMain`` runs
``import <file name without extension>; <that>.main()``. Named ``mapsheet.xlam`` it would import the
``mapsheet`` package itself; ``mapsheet_addin`` is a one-function module in ``runpython/`` that the
config sheet's PYTHONPATH puts on sys.path.
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from importlib import resources
from pathlib import Path
from html import escape  # not xml.sax.saxutils: it imports urllib, a tenth of the CLI's start-up

from ..errors import MapsheetError
from ..safeio import atomic_path
from .settings import CONFIG_SHEET, VBA_PROJECT_NAME, AddinSettings, ConfigValue


def xlwings_dir() -> Path:
    """The installed xlwings package's folder, found without importing xlwings (which takes half a second
    and pulls in pandas: every mapsheet command would pay for it)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise MapsheetError("xlwings is not installed; reinstall mapsheet (pip install mapsheet)")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def xlwings_version() -> str:
    from importlib.metadata import version  # imported here: it costs every command start-up time

    return version("xlwings")

ADDIN_NAME = "mapsheet_addin.xlam"
SOURCE_NAME = "quickstart_addin_ribbon.xlam"
RIBBON_NAME = "customUI.xml"

RIBBON_PART = "customUI/customUI.xml"
WORKBOOK_PART = "xl/workbook.xml"
CONFIG_SHEET_PART = "xl/worksheets/sheet1.xml"
SHARED_STRINGS_PART = "xl/sharedStrings.xml"
VBA_PART = "xl/vbaProject.bin"

_DISABLED_CONFIG_SHEET = f"_{CONFIG_SHEET}"  # xlwings ships it switched off by the leading underscore


def source_addin() -> Path:
    """xlwings' ribbon add-in, from the installed package."""
    path = xlwings_dir() / SOURCE_NAME
    if not path.is_file():
        raise MapsheetError(f"{path}: this xlwings ({xlwings_version()}) does not ship {SOURCE_NAME}; "
                            "upgrade xlwings (pip install -U xlwings)")
    return path


def ribbon_xml() -> bytes:
    """The packaged ribbon (wheel installs) or the repository's ``macros/`` copy (source checkouts)."""
    packaged = resources.files("mapsheet").joinpath("_data").joinpath(RIBBON_NAME)
    if packaged.is_file():
        return packaged.read_bytes()
    repo = Path(__file__).resolve().parents[2] / "macros" / RIBBON_NAME
    if repo.is_file():
        return repo.read_bytes()
    raise MapsheetError(f"the ribbon {RIBBON_NAME} is missing from this installation; reinstall mapsheet")


def build_addin(out: str | Path, settings: AddinSettings) -> Path:
    """Write the add-in to ``out`` (a file, or a folder to put ``mapsheet_addin.xlam`` in)."""
    out = Path(out)
    if out.is_dir():
        out = out / ADDIN_NAME
    if out.stem != Path(ADDIN_NAME).stem:
        # RunMain imports the module named like the file: any other name breaks the button.
        raise MapsheetError(f"{out}: the add-in must be named {ADDIN_NAME}, because its button runs "
                            f"'import {out.stem}'")
    with zipfile.ZipFile(source_addin()) as src:
        replaced = _replaced_parts(src, settings)
        with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = replaced.get(info.filename)
                part = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                dst.writestr(part, data if data is not None else src.read(info.filename),
                             compress_type=zipfile.ZIP_DEFLATED)
    return out


def _replaced_parts(src: zipfile.ZipFile, settings: AddinSettings) -> dict[str, bytes]:
    workbook = src.read(WORKBOOK_PART).decode("utf-8")
    enabled = f'name="{CONFIG_SHEET}"'
    if f'name="{_DISABLED_CONFIG_SHEET}"' not in workbook and enabled not in workbook:
        raise MapsheetError(f"{SOURCE_NAME} of xlwings {xlwings_version()} has no '{_DISABLED_CONFIG_SHEET}' "
                            "sheet; mapsheet does not know this version of the add-in")
    workbook = workbook.replace(f'name="{_DISABLED_CONFIG_SHEET}"', enabled)
    strings, references, sheet_data = _config_cells(settings.rows())
    sheet = src.read(CONFIG_SHEET_PART).decode("utf-8")
    sheet = _replace_once(sheet, r"<sheetData>.*?</sheetData>|<sheetData\s*/>", sheet_data)
    sheet = _replace_once(sheet, r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:B{len(settings.rows())}" />')
    return {
        RIBBON_PART: ribbon_xml(),
        WORKBOOK_PART: workbook.encode("utf-8"),
        CONFIG_SHEET_PART: sheet.encode("utf-8"),
        SHARED_STRINGS_PART: _shared_strings(strings, references),
    }


def _replace_once(xml: str, pattern: str, new: str) -> str:
    # Plain text surgery, not an XML round trip: ElementTree would drop namespace declarations that
    # mc:Ignorable still names, and Excel calls such a file corrupt.
    result, count = re.subn(pattern, lambda _m: new, xml, count=1, flags=re.S)
    if count != 1:
        raise MapsheetError(f"{SOURCE_NAME}: unexpected config sheet layout (no match for {pattern!r})")
    return result


def _config_cells(rows: list[tuple[str, ConfigValue]]) -> tuple[list[str], int, str]:
    """Shared strings, how often they are used, and <sheetData> for key/value rows; style 1 is the template's own cell style."""
    strings: list[str] = []
    references = 0

    def cell(ref: str, value: ConfigValue) -> str:
        if isinstance(value, bool):
            return f'<c r="{ref}" s="1" t="b"><v>{int(value)}</v></c>'
        if value == "":
            return ""  # an empty cell reads as "" in VBA, which is what an unset text setting is
        nonlocal references
        references += 1
        if value not in strings:
            strings.append(value)
        return f'<c r="{ref}" s="1" t="s"><v>{strings.index(value)}</v></c>'

    xml_rows = [f'<row r="{n}">{cell(f"A{n}", key)}{cell(f"B{n}", value)}</row>'
                for n, (key, value) in enumerate(rows, start=1)]
    return strings, references, "<sheetData>" + "".join(xml_rows) + "</sheetData>"


def _shared_strings(strings: list[str], references: int) -> bytes:
    items = "".join(f'<si><t xml:space="preserve">{escape(s, quote=False)}</t></si>' for s in strings)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{references}" uniqueCount="{len(strings)}">{items}</sst>').encode("utf-8")


__all__ = ["ADDIN_NAME", "AddinSettings", "VBA_PROJECT_NAME", "build_addin", "ribbon_xml", "source_addin"]
