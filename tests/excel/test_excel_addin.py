"""The built mapsheet_addin.xlam: a well-formed add-in whose button reaches mapsheet, checked without Excel.

The VBA is read with oletools (olevba), the config sheet with python-calamine: neither is the code that
wrote the file.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree as ET

import pytest
import python_calamine
import xlwings

with warnings.catch_warnings():  # oletools uses pyparsing names that newer pyparsing deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

from mapsheet.errors import MapsheetError
from mapsheet.excel.addin import ADDIN_NAME, RIBBON_PART, VBA_PART, build_addin, source_addin
from mapsheet.excel.install import applescript_source
from mapsheet.excel.settings import RUNPYTHON_DIR, AddinSettings

SETTINGS = AddinSettings(
    interpreter_win=r"C:\Users\Ana Lopez\mapsheet\.venv\Scripts\python.exe",
    interpreter_mac="/Users/ana/mapsheet/.venv/bin/python",
    conda_path=r"C:\Users\Ana Lopez\miniconda3", conda_env="deals",
)
CUSTOMUI_NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.fixture(scope="module")
def addin(tmp_path_factory):
    return build_addin(tmp_path_factory.mktemp("addin") / ADDIN_NAME, SETTINGS)


@pytest.fixture(scope="module")
def vba(addin) -> dict[str, str]:
    """Module name -> VBA source, as olevba extracts it from the add-in."""
    parser = VBA_Parser(str(addin))
    try:
        return {PurePosixPath(vba_file).stem: code for _f, _s, vba_file, code in parser.extract_macros()}
    finally:
        parser.close()


def procedures(code: str) -> dict[str, str]:
    """Public Sub/Function name -> its parameter list."""
    found = {}
    for m in re.finditer(r"^[ \t]*(Public[ \t]+|Private[ \t]+)?(Sub|Function)[ \t]+(\w+)[ \t]*\(([^)]*)\)", code, re.M):
        if (m.group(1) or "").strip() != "Private":
            found[m.group(3)] = m.group(4)
    return found


def test_every_xml_part_parses_and_content_types_cover_every_part(addin):
    with zipfile.ZipFile(addin) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        for name in names:
            if name.endswith((".xml", ".rels")):
                ET.fromstring(z.read(name))  # raises on malformed XML
        types = ET.fromstring(z.read("[Content_Types].xml"))
        ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
        defaults = {d.get("Extension").lower() for d in types.iter(ns + "Default")}
        overrides = {o.get("PartName") for o in types.iter(ns + "Override")}
        uncovered = [n for n in names if n != "[Content_Types].xml"
                     and "/" + n not in overrides and n.rsplit(".", 1)[-1].lower() not in defaults]
        assert uncovered == []
        assert "/xl/workbook.xml" in overrides and "/xl/vbaProject.bin" in overrides
        workbook_type = next(o.get("ContentType") for o in types.iter(ns + "Override")
                             if o.get("PartName") == "/xl/workbook.xml")
        assert workbook_type == "application/vnd.ms-excel.addin.macroEnabled.main+xml"  # Excel opens it as an add-in


def test_every_relationship_points_at_a_part_in_the_file(addin):
    with zipfile.ZipFile(addin) as z:
        names = set(z.namelist())
        for rels in [n for n in names if n.endswith(".rels")]:
            base = PurePosixPath(rels).parent.parent  # xl/_rels/workbook.xml.rels -> xl
            for rel in ET.fromstring(z.read(rels)):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                path = target.lstrip("/") if target.startswith("/") else str(base / target).lstrip("./")
                assert path.replace("\\", "/") in names, f"{rels}: {target} is missing"
        assert RIBBON_PART in names


def test_only_xml_parts_change_and_the_vba_is_xlwings_own(addin):
    with zipfile.ZipFile(source_addin()) as src, zipfile.ZipFile(addin) as out:
        assert out.namelist() == src.namelist()
        changed = {n for n in src.namelist() if src.read(n) != out.read(n)}
        assert out.read(VBA_PART) == src.read(VBA_PART)
    assert changed == {RIBBON_PART, "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"}


def test_ribbon_has_a_mutual_action_plan_tab_with_a_check_plan_button(addin):
    with zipfile.ZipFile(addin) as z:
        ui = ET.fromstring(z.read(RIBBON_PART))
    tabs = [t.get("label") for t in ui.iter(CUSTOMUI_NS + "tab")]
    buttons = [b.get("label") for b in ui.iter(CUSTOMUI_NS + "button")]
    assert tabs == ["Mutual action plan"] and buttons == ["Check plan"]


def test_every_ribbon_action_names_a_ribbon_callback_in_the_vba_project(addin, vba):
    with zipfile.ZipFile(addin) as z:
        ui = ET.fromstring(z.read(RIBBON_PART))
    actions = [el.get("onAction") for el in ui.iter() if el.get("onAction")]
    assert actions
    for action in actions:
        module, _, proc = action.rpartition(".")
        candidates = [vba[module]] if module else list(vba.values())
        params = [procedures(code).get(proc) for code in candidates]
        assert any(p is not None and re.search(r"\bAs\s+IRibbonControl\b", p) for p in params), \
            f"onAction {action!r}: no public procedure taking an IRibbonControl"


def test_the_callback_imports_the_module_named_like_the_file_and_calls_main(vba):
    """So the file must be mapsheet_addin.xlam and mapsheet_addin.py must be on sys.path."""
    body = vba["RibbonMyAddin"].split("Sub RunMain", 1)[1].split("End Sub", 1)[0]
    assert re.search(r"(\w+)\s*=\s*Left\(ThisWorkbook\.Name", body)
    assert re.search(r'RunPython\s+"import "\s*&\s*mymodule\s*&\s*";"\s*&\s*mymodule\s*&\s*"\.main\(\)"', body)
    module = ADDIN_NAME.rsplit(".", 1)[0]
    assert (RUNPYTHON_DIR / f"{module}.py").is_file()
    assert "def main()" in (RUNPYTHON_DIR / f"{module}.py").read_text()


def config_sheet(addin, vba) -> tuple[str, list[list]]:
    project = re.search(r'PROJECT_NAME\s+As\s+String\s*=\s*"(\w+)"', vba["xlwings"]).group(1)
    book = python_calamine.CalamineWorkbook.from_path(str(addin))
    name = f"{project}.conf"
    assert name in book.sheet_names, f"the VBA reads its settings from a sheet named {name}"
    return name, book.get_sheet_by_name(name).to_python()


def test_config_sheet_points_at_the_python_that_has_mapsheet(addin, vba):
    _name, rows = config_sheet(addin, vba)
    keys = [row[0] for row in rows]
    assert all(keys), "the VBA reads keys from A1 down to the first empty cell"
    values = {str(k).upper(): v for k, v in rows}
    assert values["INTERPRETER_WIN"] == SETTINGS.interpreter_win
    assert values["INTERPRETER_MAC"] == SETTINGS.interpreter_mac
    assert values["PYTHONPATH"] == str(RUNPYTHON_DIR)
    assert values["CONDA PATH"] == SETTINGS.conda_path and values["CONDA ENV"] == "deals"
    assert values["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"  # OneDrive/SharePoint plans: no URL to resolve
    # The VBA assigns these to Booleans: an empty string there would be a VBA type mismatch.
    assert values["USE UDF SERVER"] is False and values["SHOW CONSOLE"] is False


def test_every_config_key_is_one_the_vba_reads(addin, vba):
    _name, rows = config_sheet(addin, vba)
    read_by_vba = set(re.findall(r'GetConfig\("([^"]+)"', vba["xlwings"]))
    assert {str(row[0]).upper() for row in rows} <= read_by_vba


def test_vba_and_applescript_match_the_installed_xlwings(vba):
    version = re.search(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', vba["xlwings"]).group(1)
    assert version == xlwings.__version__
    assert '"xlwings-" & XLWINGS_VERSION & ".applescript"' in vba["xlwings"]
    assert applescript_source().is_file() and applescript_source().name == f"xlwings-{version}.applescript"


def test_nothing_in_the_button_path_needs_xlwings_pro(addin, vba):
    """RunPython wants a licence key only for code embedded in sheets named *.py: the add-in has none."""
    assert re.search(r'If uses_embedded_code = True Then\s+licenseKey = GetConfig\("LICENSE_KEY"\)', vba["xlwings"])
    with zipfile.ZipFile(addin) as z:
        sheet_names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
    assert sheet_names == ["myaddin.conf"]


def test_an_add_in_with_another_file_name_is_refused(tmp_path):
    with pytest.raises(MapsheetError, match="must be named mapsheet_addin.xlam"):
        build_addin(tmp_path / "mapsheet.xlam", SETTINGS)


def test_building_into_a_folder_uses_the_add_ins_name(tmp_path):
    assert build_addin(tmp_path, SETTINGS) == tmp_path / ADDIN_NAME
