"""Requests, bytes and time per command on a Google plan, measured against the local Google (tests/google/fake).

    python benchmarks/google_requests.py

For each command: the requests Google would see (by Sheets/Drive method), the bytes sent in the write,
and the wall time in this process (the fake answers instantly: this is mapsheet's own cost, not
Google's latency). Then a 429 storm: how long mapsheet keeps trying (simulated time) and what it says.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "google")]

from fake import FakeGoogle  # noqa: E402
from plans import source, upload_plan  # noqa: E402

from mapsheet import api  # noqa: E402
from mapsheet.google.client import GoogleError  # noqa: E402
from mapsheet.google.create import create_plan  # noqa: E402
from mapsheet.google.client import connect  # noqa: E402
from mapsheet.samples import generate_samples, write_sample  # noqa: E402
from mapsheet.workback import new_plan_draft  # noqa: E402

TODAY = dt.date(2026, 11, 27)


def measure(g: FakeGoogle, what: str, run) -> None:
    g.reset_log()
    start = time.perf_counter()
    run()
    ms = (time.perf_counter() - start) * 1000
    kinds = Counter(r.operation for r in g.requests)
    sent = sum(len(json.dumps(r.json)) for r in g.requests if r.json)
    print(f"{what:<28} {len(g.requests)} request(s): {dict(kinds)}; {sent / 1024:.0f} KB sent; {ms:.0f} ms")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    path = write_sample(next(s for s in generate_samples(25, today=TODAY) if s.profile == "neglected"), folder)
    g = FakeGoogle()
    sid = upload_plan(g, path)
    measure(g, "check", lambda: api.check(source(g, sid), today=TODAY))
    plan = source(g, sid)
    measure(g, "check --annotate", lambda: api.annotate(plan, api.check(plan, today=TODAY)))
    measure(g, "check --annotate (again)", lambda: api.annotate(source(g, sid), today=TODAY))
    measure(g, "clean", lambda: api.clean(source(g, sid)))
    measure(g, "clean (nothing to clean)", lambda: api.clean(source(g, sid)))
    draft = new_plan_draft(customer="Northwind", deal="ERP", owner="Dana Reyes", close=dt.date(2027, 3, 31),
                           start=TODAY)
    client = connect(session=g.session())
    measure(g, "new --google", lambda: create_plan(client, draft, title="Northwind MAP"))
    measure(g, "new --google --template-id", lambda: create_plan(client, draft, title="Northwind 2", template_id=sid))
    g.inject("429", times=None)
    storm = source(g, sid)
    try:
        api.check(storm, today=TODAY)
    except GoogleError as exc:
        print(f"429 storm: gave up after {len(g.requests)} requests and {sum(storm.client.retry.waited):.0f} s "
              f"(simulated) of back-off: {exc}")


if __name__ == "__main__":
    main()
