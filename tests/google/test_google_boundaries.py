"""Only mapsheet/google/ talks to Google's libraries (today: client.py alone); the core and the pure Google
modules (grid, body, formats, ids, template: what the Apps Script service shares) never do."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mapsheet"
GOOGLE_LIBRARIES = ("gspread", "google.auth", "google.oauth2", "googleapiclient")
PURE = ("grid.py", "body.py", "formats.py", "ids.py", "template.py")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_the_google_package_imports_gspread_or_google_auth_and_never_its_pure_modules():
    users = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                   if any(n == lib or n.startswith(lib + ".") for n in imported(p) for lib in GOOGLE_LIBRARIES))
    assert "google/client.py" in users
    assert all(u.startswith("google/") and u.split("/")[-1] not in PURE for u in users), users
    for name in PURE:
        assert not any(n.startswith(("requests", "gspread", "google.")) for n in imported(PACKAGE / "google" / name))
