"""Any sheet built from the words real MAP sheets use, in any order, is read, checked and imported without a
crash or a crashed rule: what cannot be understood is a located problem, an unresolved value, or a sentence."""

from __future__ import annotations

import datetime as dt
import random

from mapsheet.check import check_plan
from mapsheet.errors import MapsheetError
from mapsheet.grid import Sheet, Workbook
from mapsheet.importer import import_plan
from mapsheet.parse import parse_plan

WORDS = ["Task", "Owner", "Due", "Status", "Milestone", "Buyer: Ann Lee", "Us", "Them", "Both", "✅", "⬜", "Week 3",
         "Day 5", "[Date +2]", "TBD", "Nov 4", "11/4/2026", "Phase 1: Discovery", "2/5 completed", "Owner (Vendor)",
         "Owner (Customer / Vendor)", "Seller owner", "a/b/c", "(", ")", ":", "Name (IT)", "x@y.com", "=SUM(A1)",
         "#REF!", "", None, 0, 1.5, -3, True, dt.date(2026, 11, 4), dt.datetime(2026, 1, 1), 10 ** 12, "Customer:",
         "Northwind", "Week 99-100", "Day 0", "0/0/0", "31/31/2026", "Feb 30", "Completed ✓", "✓", "%", "150%", "-"]
NAMES = ["Sheet1", "MAP", "Timeline", "Instructions", "Actions", "Plan"]


def test_random_sheets_of_map_words_never_crash():
    rng = random.Random(11)  # fixed: the same sheets every run
    for _ in range(80):
        sheets = [Sheet(f"{rng.choice(NAMES)}{i}", [[rng.choice(WORDS) for _ in range(rng.randint(0, 7))]
                                                     for _ in range(rng.randint(0, 25))])
                  for i in range(rng.randint(1, 3))]
        plan = parse_plan(Workbook("random.xlsx", sheets))
        result = check_plan(plan, today=dt.date(2026, 11, 10))
        assert not [f.message for f in result.findings if f.code == "MAP000"]
        if plan.reading is not None:
            try:
                import_plan(plan)
            except MapsheetError as exc:
                assert "random.xlsx" in str(exc)
