"""The Apps Script that puts the mapsheet menu in a Google Sheet, made ready for one server.

``macros/google/mapsheet.gs`` (packaged as ``mapsheet/_data/google/``) is the script; only its settings
block is written here, from the same Python facts the server uses: the server's address, the fields
mask of the Sheets read (``google.grid.READ_FIELDS``) and the tabs mapsheet never judges. A test holds
the committed script's block to what this module writes for an empty address.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from ..edits import CHECK_SHEET
from ..errors import MapsheetError
from ..safeio import atomic_write
from ..template.spec import SPEC

SCRIPT_NAME = "mapsheet.gs"
MANIFEST_NAME = "appsscript.json"
CLASP_NAME = ".clasp.json"
_BLOCK = re.compile(r"(// --- settings written by `mapsheet google script`.*?\n)(.*?)(// --- end of settings ---)",
                    re.DOTALL)
_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~/%-]*)?$")


def skipped_tabs() -> list[str]:
    """Tabs the script does not send in full: the template's Timeline and Instructions, and Plan check."""
    return [*SPEC.extra_sheets, CHECK_SHEET]


def settings_block(url: str) -> str:
    from ..google.grid import READ_FIELDS

    return (f"var MAPSHEET_URL = {json.dumps(url)};\n"
            f"var MAPSHEET_READ_FIELDS = {json.dumps(READ_FIELDS)};\n"
            "/** @type {string[]} */\n"
            f"var MAPSHEET_SKIPPED_TABS = {json.dumps(skipped_tabs(), ensure_ascii=False)};\n")


def source_file(name: str) -> Path:
    """A file of the script: packaged (wheel installs) or in the repository's macros/google/."""
    packaged = resources.files("mapsheet").joinpath("_data", "google", name)
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "macros" / "google" / name


def committed_block() -> str:
    return _BLOCK.search(source_file(SCRIPT_NAME).read_text(encoding="utf-8")).group(2)


def render_script(url: str) -> str:
    if url and not _URL.match(url):
        raise MapsheetError(f"--url {url!r} must be the server's https:// address, e.g. "
                            "https://mapsheet-abc123-ew.a.run.app (Apps Script cannot call http:// or localhost)")
    text = source_file(SCRIPT_NAME).read_text(encoding="utf-8")
    return _BLOCK.sub(lambda m: m.group(1) + settings_block(url) + m.group(3), text, count=1)


def write_script(out: Path, url: str, script_id: str | None = None) -> list[Path]:
    """Write the script and its manifest (and a clasp project file for ``script_id``) into ``out``."""
    script = render_script(url)
    out.mkdir(parents=True, exist_ok=True)
    files = {SCRIPT_NAME: script, MANIFEST_NAME: source_file(MANIFEST_NAME).read_text(encoding="utf-8")}
    if script_id:
        files[CLASP_NAME] = json.dumps({"scriptId": script_id, "rootDir": "."}, indent=2) + "\n"
    written = []
    for name, text in files.items():
        written.append(atomic_write(out / name, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8")))
    return written


if __name__ == "__main__":  # python -m mapsheet.serve.script: refresh the committed script's settings block
    target = Path(__file__).resolve().parents[2] / "macros" / "google" / SCRIPT_NAME
    target.write_text(render_script(""), encoding="utf-8")
    print(f"Wrote {target}")
