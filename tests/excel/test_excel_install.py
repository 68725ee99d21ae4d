"""Installing the add-in, into folders the tests choose, and the settings it is built with."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlwings
from fake_xlwings import book_with

from cli.runner import run_cli
from mapsheet.edits import NOTE_MARKER
from mapsheet.excel import install as install_module
from mapsheet.excel.addin import ADDIN_NAME, RIBBON_PART
from mapsheet.excel.install import Targets, applescript_source, default_targets, install, uninstall
from mapsheet.excel.settings import for_python



def test_default_folders_are_where_excel_loads_add_ins():
    win = default_targets("win32", Path("C:/Users/ana"), {"APPDATA": "C:/Users/ana/AppData/Roaming"})
    assert win == Targets(Path("C:/Users/ana/AppData/Roaming/Microsoft/Excel/XLSTART"))
    mac = default_targets("darwin", Path("/Users/ana"), {})
    assert mac.startup_dir == Path("/Users/ana/Library/Group Containers/UBF8T346G9.Office/"
                                   "User Content.localized/Startup.localized/Excel")
    assert mac.applescript_dir == Path("/Users/ana/Library/Application Scripts/com.microsoft.Excel")
    assert default_targets("linux", Path("/home/ana"), {}) is None


def test_install_puts_the_add_in_and_the_applescript_in_place(tmp_path):
    targets = Targets(tmp_path / "XLSTART", tmp_path / "Application Scripts")
    done = install(targets, for_python("/Users/ana/.venv/bin/python", "darwin"))
    assert done.addin == tmp_path / "XLSTART" / ADDIN_NAME
    with zipfile.ZipFile(done.addin) as z:
        assert b"Mutual action plan" in z.read(RIBBON_PART)
    assert done.applescript.read_bytes() == applescript_source().read_bytes()
    assert [p.name for p in (tmp_path / "XLSTART").iterdir()] == [ADDIN_NAME]  # no temp files for Excel to open


def test_reinstalling_replaces_the_add_in_and_uninstall_removes_it(tmp_path):
    targets = Targets(tmp_path / "XLSTART")
    install(targets, for_python("C:/old/python.exe", "win32", prefix=str(tmp_path), environ={}))
    install(targets, for_python("C:/new/python.exe", "win32", prefix=str(tmp_path), environ={}))
    with zipfile.ZipFile(tmp_path / "XLSTART" / ADDIN_NAME) as z:
        strings = z.read("xl/sharedStrings.xml")
    assert b"C:/new/python.exe" in strings and b"C:/old/python.exe" not in strings
    assert uninstall(targets) == tmp_path / "XLSTART" / ADDIN_NAME
    assert not (tmp_path / "XLSTART" / ADDIN_NAME).exists()
    assert uninstall(targets) is None


def test_a_locked_add_in_asks_the_user_to_quit_excel(tmp_path, monkeypatch):
    def locked(out, settings):
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(install_module, "build_addin", locked)
    with pytest.raises(Exception, match="quit Excel"):
        install(Targets(tmp_path), for_python())


def test_windows_conda_environment_is_activated_by_the_add_in(tmp_path):
    base = tmp_path / "miniconda3"
    env = base / "envs" / "deals"
    (env / "conda-meta").mkdir(parents=True)
    settings = for_python(str(env / "python.exe"), "win32", prefix=str(env), environ={})
    assert (settings.conda_path, settings.conda_env) == (str(base), "deals")
    assert settings.interpreter_win == str(env / "python.exe") and settings.interpreter_mac == ""


def test_windows_conda_environment_outside_envs_is_activated_by_path(tmp_path):
    base, env = tmp_path / "miniconda3", tmp_path / "projects" / "env"
    (env / "conda-meta").mkdir(parents=True)
    settings = for_python(str(env / "python.exe"), "win32", prefix=str(env),
                          environ={"CONDA_EXE": str(base / "Scripts" / "conda.exe")})
    assert (settings.conda_path, settings.conda_env) == (str(base), str(env))


def test_a_plain_venv_needs_no_conda_and_macos_uses_only_its_own_key(tmp_path):
    venv = for_python(str(tmp_path / "Scripts" / "python.exe"), "win32", prefix=str(tmp_path), environ={})
    assert (venv.conda_path, venv.conda_env) == ("", "")
    mac = for_python("/Users/ana/.venv/bin/python", "darwin")
    assert (mac.interpreter_mac, mac.interpreter_win) == ("/Users/ana/.venv/bin/python", "")


def test_cli_install_into_a_chosen_folder(tmp_path):
    result = run_cli(["excel", "install", "--startup-dir", str(tmp_path / "XLSTART"),
                                 "--applescript-dir", str(tmp_path / "scripts")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "XLSTART" / ADDIN_NAME).is_file()
    assert "Restart Excel" in result.output


def test_cli_install_without_excel_says_so_and_shows_the_built_file(tmp_path, monkeypatch):
    monkeypatch.setattr("mapsheet.cli.excel.default_targets", lambda: None)
    monkeypatch.chdir(tmp_path)
    result = run_cli(["excel", "install"])
    assert result.exit_code == 2
    assert "Excel is not available" in result.output
    assert (tmp_path / ADDIN_NAME).is_file()


def test_cli_build_addin(tmp_path):
    result = run_cli(["excel", "build-addin", "--out", str(tmp_path),
                                 "--interpreter", "/opt/py/bin/python"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / ADDIN_NAME) as z:
        assert b"/opt/py/bin/python" in z.read("xl/sharedStrings.xml")


class _NoExcel:
    @property
    def active(self):
        raise RuntimeError("no Excel instance running")


def test_cli_clear_without_excel_explains_what_to_do_instead(monkeypatch):
    monkeypatch.setattr(xlwings, "books", _NoExcel())  # also on a Mac with Excel open: touch no real book
    result = run_cli(["excel", "clear"])
    assert result.exit_code == 2
    assert "found no Excel" in result.output and "mapsheet clean" in result.output


def test_cli_clear_removes_the_marks_from_the_open_book(monkeypatch):
    book = book_with({"Actions": {"B5": "Send the security pack"}})
    book.sheets["Actions"].range("B5").add_note(f"Ana: call Bo\n\n{NOTE_MARKER}\nNo owner.")
    monkeypatch.setattr("mapsheet.cli.excel._open_book", lambda name: book)
    result = run_cli(["excel", "clear"])
    assert result.exit_code == 0, result.output
    assert book.sheets["Actions"].range("B5").note.text == "Ana: call Bo"
    assert "save it in Excel" in result.output
