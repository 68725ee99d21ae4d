"""The pieces the Apps Script tests share: node and its packages, the script made ready, a plan in the
local Google fake, and the state of a sheet read back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mapsheet.serve.script import render_script, skipped_tabs

from .sheet_state import STATE_FIELDS, google_state

HERE = Path(__file__).resolve().parent
TSC = HERE / "node_modules" / ".bin" / "tsc"
TYPES = HERE / "node_modules" / "@types"
#: The address the script is made with; the UrlFetchApp fake sends it to the server on 127.0.0.1, as
#: Cloud Run's HTTPS front end would.
PUBLIC_URL = "https://mapsheet.test"
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets/"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def node_or_skip() -> str:
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed"
    elif int(subprocess.run([node, "-p", "process.versions.node.split('.')[0]"], capture_output=True,
                            text=True).stdout) < 20:
        problem = "node is older than 20"
    elif not TSC.exists() or not (TYPES / "google-apps-script").is_dir():
        problem = f"the npm packages of {HERE} are not installed (npm ci --prefix {HERE})"
    if problem:
        if os.environ.get("MAPSHEET_REQUIRE_NODE"):
            pytest.fail(f"{problem}; ./dev test installs them")
        pytest.skip(problem)
    return node


def type_check(script: str, folder: Path) -> subprocess.CompletedProcess:
    """tsc --checkJs over the script, against @types/google-apps-script."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mapsheet.js").write_text(script, encoding="utf-8")
    (folder / "tsconfig.json").write_text(json.dumps({
        "compilerOptions": {"allowJs": True, "checkJs": True, "noEmit": True, "strict": True, "target": "ES2019",
                            "lib": ["ES2019"], "types": ["google-apps-script"], "typeRoots": [str(TYPES)]},
        "files": ["mapsheet.js"]}), encoding="utf-8")
    return subprocess.run([str(TSC), "-p", str(folder / "tsconfig.json")], capture_output=True, text=True, timeout=120)


def upload_plan(session, path: Path) -> str:
    """The plan converted to a Google Sheet, as Drive's upload with conversion does."""
    boundary = "mapsheet-boundary"
    meta = json.dumps({"name": path.stem, "mimeType": "application/vnd.google-apps.spreadsheet"})
    body = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{meta}\r\n"
            f"--{boundary}\r\nContent-Type: {XLSX_MIME}\r\n\r\n").encode() + path.read_bytes() + \
        f"\r\n--{boundary}--\r\n".encode()
    answer = session.post("https://www.googleapis.com/upload/drive/v3/files", params={"uploadType": "multipart"},
                          data=body, headers={"Content-Type": f"multipart/related; boundary={boundary}"}, timeout=30)
    answer.raise_for_status()
    return answer.json()["id"]


def script_read(session, spreadsheet_id: str) -> dict:
    """spreadsheets.get as mapsheet.gs asks for it (its mapsheetReadRanges_): every tab in full except the
    skipped ones, of which only A1; the node tests hold the script to the same ranges."""
    from mapsheet.google.grid import READ_FIELDS

    titles = [s["properties"]["title"] for s in session.get(
        SHEETS + spreadsheet_id, params={"fields": "sheets.properties.title"}, timeout=30).json()["sheets"]]
    ranges = ["'" + t.replace("'", "''") + "'" + ("!A1" if t in skipped_tabs() else "") for t in titles]
    answer = session.get(SHEETS + spreadsheet_id, timeout=30,
                         params={"ranges": ranges, "fields": READ_FIELDS, "includeGridData": "true"})
    answer.raise_for_status()
    return answer.json()


def read_state(session, spreadsheet_id: str) -> dict:
    answer = session.get(SHEETS + spreadsheet_id, params={"includeGridData": "true", "fields": STATE_FIELDS},
                         timeout=30)
    answer.raise_for_status()
    return google_state(answer.json())


def run_node_tests(node: str, env: dict[str, str], script: str, folder: Path) -> subprocess.CompletedProcess:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mapsheet.gs").write_text(script, encoding="utf-8")
    full_env = {**os.environ, **env, "MAPSHEET_SCRIPT": str(folder / "mapsheet.gs"),
                "MAPSHEET_RESULTS": str(folder / "results.json")}
    return subprocess.run([node, "--test", "--test-reporter=spec", str(HERE / "apps_script.test.mjs")],
                          capture_output=True, text=True, env=full_env, timeout=300)


def made_script() -> str:
    return render_script(PUBLIC_URL)
