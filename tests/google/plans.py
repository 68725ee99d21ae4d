"""Plans in the local Google: a real plan file converted into a native Sheet, and what a user sees."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl

from fake import FakeGoogle
from fake import xlsx as fake_xlsx
from fake.styles import twin_colours

from mapsheet.google.client import Caller, Retry
from mapsheet.google.source import GoogleSource, opener


def upload_plan(g: FakeGoogle, path: Path, *, fills: bool = True, owner: str | None = None) -> str:
    """The plan at ``path`` as a native Google Sheet (as Drive's .xlsx import makes it), with the
    file's solid fills as backgrounds. Returns its id."""
    sid = g.add_spreadsheet(path.stem, owner=owner)
    fake_xlsx.import_xlsx(g.spreadsheet(sid), path.read_bytes())
    if fills:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            sheet = g.spreadsheet(sid).sheet_by_title(ws.title)
            for row in ws.iter_rows():
                for c in row:
                    if c.fill is not None and c.fill.fill_type == "solid" and c.fill.fgColor.type == "rgb":
                        rgb = c.fill.fgColor.rgb[-6:]
                        fmt = sheet.cell(c.row - 1, c.column - 1).setdefault("userEnteredFormat", {})
                        fmt["backgroundColor"] = {k: int(rgb[i:i + 2], 16) / 255 for k, i in
                                                  (("red", 0), ("green", 2), ("blue", 4))}
                        twin_colours(fmt)  # stored as Google stores it: float32 channels, both twins
    return sid


class Clock:
    """Simulated time for the retry: sleeping advances it, nothing waits."""

    def __init__(self):
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def source(g: FakeGoogle, sid: str, *, user: str | None = None, deadline: float = 60.0) -> GoogleSource:
    clock = Clock()
    retry = Retry(deadline=deadline, sleep=clock.sleep, clock=clock, jitter=lambda: 0.5)
    who = user or g.user
    caller = Caller(who, who.endswith(".gserviceaccount.com"))
    return opener(session=g.session(user), retry=retry, caller=caller)(sid)


def snapshot(g: FakeGoogle, sid: str) -> dict:
    """Everything a user sees: tabs (title, hidden) in order, and every cell's stored data (links to a
    tab name the tab, not its id, so two uploads of one plan compare equal)."""
    book = g.spreadsheet(sid)
    names = {f"#gid={s.sheet_id}&": f"#gid=<{s.title}>&" for s in book.sheets}
    gid = re.compile(r"#gid=\d+&")
    text = lambda v: json.loads(gid.sub(lambda m: names.get(m.group(0), m.group(0)), json.dumps(v)))
    return {"tabs": [(s.title, bool(s.properties.get("hidden"))) for s in book.sheets],
            "cells": {s.title: {k: text(v) for k, v in s.cells.items() if v} for s in book.sheets}}
