"""A roll-up's history may be written where isal is installed and used where it is not (or the other way round):
the blocks of rows and the summaries one engine compressed are read by the other, and a sheet made of blocks from
both is the one a sync from scratch writes (mapsheet.deflate)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import mapsheet
from mapsheet.sync import sync

from .conftest import TODAY
from .test_rollup_by_blocks import calamine, change_plans, dump, parts_parse

_WITHOUT_ISAL = """
import datetime as dt, sys
sys.modules["isal"] = None  # as where no wheel installs: ``import isal`` raises ImportError
from mapsheet import deflate
from mapsheet.sync import sync
assert deflate._lib.__name__ == "zlib", deflate._lib
report = sync([sys.argv[1]], sys.argv[2], today=dt.date.fromisoformat(sys.argv[3]))
print(report.read, report.unreadable)
"""


def test_a_resync_without_isal_uses_what_a_sync_with_it_kept(plans_dir):
    out = plans_dir.parent / "out" / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)  # with isal: its blocks and summaries kept
    scratch = out.with_name("scratch.xlsx")
    shutil.copy(out.with_name("rollup.history.sqlite"), scratch.with_name("scratch.history.sqlite"))
    with sqlite3.connect(scratch.with_name("scratch.history.sqlite")) as db:
        db.execute("DELETE FROM rollup_blocks")

    change_plans(plans_dir)
    root = Path(mapsheet.__file__).parents[1]  # this checkout's mapsheet, whatever the environment installed
    again = subprocess.run([sys.executable, "-c", _WITHOUT_ISAL, str(plans_dir), str(out), TODAY.isoformat()],
                           cwd=root, capture_output=True, text=True, check=True)
    assert again.stdout.split() == ["6", "1"]  # the edited, new, renamed and broken plans only: the rest kept
    sync([plans_dir], scratch, today=TODAY)

    parts_parse(out)
    assert dump(out) == dump(scratch)
    assert calamine(out) == calamine(scratch)
