"""`mapsheet new` and the sample plans read back to exactly what was meant."""

from __future__ import annotations

import datetime as dt


from mapsheet import read_plan
from cli.runner import run_cli
from mapsheet.fill import PlanDraft
from mapsheet.samples import DEFAULT_MIX, generate_samples
from mapsheet.workback import STANDARD_MILESTONES, new_plan_draft, schedule_milestones



def assert_plan_matches(plan, draft: PlanDraft):
    for key, value in draft.overview.items():
        assert plan.field(key) == value, f"Overview {key}: {plan.field(key)!r} != {value!r}"
    for table, rows in draft.tables.items():
        records = plan.tables[table].records
        assert len(records) == len(rows), table
        for record, row in zip(records, rows):
            for key, value in row.items():
                got = record.values[key]
                if key in ("depends_on", "milestone"):
                    got = ", ".join(got) or None
                assert got == value, f"{table} row {record.row + 1} {key}: {got!r} != {value!r}"


def test_new_round_trip(tmp_path):
    out = tmp_path / "acme.xlsx"
    result = run_cli(["new", "--customer", "Acme", "--deal", "Analytics", "--owner", "Dana Reyes",
                                 "--close", "2027-02-26", "--start", "2026-11-27", "--value", "120000",
                                 "--currency", "usd", "--stage", "evaluation", "--champion", "Lee Park",
                                 "--economic-buyer", "Kim Wu", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Created" in result.output
    plan = read_plan(out)
    assert plan.problems == []
    draft = new_plan_draft(customer="Acme", deal="Analytics", owner="Dana Reyes", close=dt.date(2027, 2, 26),
                           start=dt.date(2026, 11, 27), value=120000, currency="USD", stage="Evaluation",
                           champion="Lee Park", economic_buyer="Kim Wu")
    assert_plan_matches(plan, draft)
    assert [m.name for m in plan.milestones] == [m.name for m in STANDARD_MILESTONES]
    assert plan.milestones[7].due == dt.date(2027, 2, 26)  # signature on the close date
    assert all(a.due <= b.due for a, b in zip(plan.milestones, plan.milestones[1:]))


def test_text_given_to_new_stays_text(tmp_path):
    import openpyxl

    out = tmp_path / "p.xlsx"
    r = run_cli(["new", "-c", "=HYPERLINK(\"http://x\")", "-o", "Dana", "--close", "2027-02-26",
                            "--goals", "=1+1 more revenue", "--out", str(out)])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["Overview"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    assert read_plan(out).field("goals") == "=1+1 more revenue"


def test_new_refuses_to_overwrite_and_rejects_bad_input(tmp_path):
    out = tmp_path / "p.xlsx"
    out.write_bytes(b"keep me")
    base = ["new", "-c", "Acme", "-o", "Dana", "--out", str(out)]
    r = run_cli([*base, "--close", "2027-02-26"])
    assert r.exit_code == 2 and "already exists" in r.output and out.read_bytes() == b"keep me"
    r = run_cli([*base, "--close", "26/02/2027", "--force"])
    assert r.exit_code == 2 and "not a date" in r.output
    r = run_cli([*base, "--close", "2027-02-26", "--stage", "Nearly there", "--force"])
    assert r.exit_code == 2 and "not one of" in r.output
    assert out.read_bytes() == b"keep me"


def test_work_back_squeezes_a_short_runway():
    rows = schedule_milestones(dt.date(2027, 1, 10), dt.date(2026, 12, 20), "Dana", "Lee")
    signature = next(r for r in rows if r["name"] == "Contract signature")
    assert signature["due"] == dt.date(2027, 1, 10)
    assert all(r["due"] > dt.date(2026, 12, 20) for r in rows)
    assert [r["due"] for r in rows] == sorted(r["due"] for r in rows)


def test_samples_are_reproducible_and_mixed(today):
    a = generate_samples(25, seed=7, today=today)
    b = generate_samples(25, seed=7, today=today)
    assert [s.draft for s in a] == [s.draft for s in b]
    assert {p: sum(s.profile == p for s in a) for p in DEFAULT_MIX} == DEFAULT_MIX
    assert generate_samples(25, seed=8, today=today)[0].draft != a[0].draft


def test_sample_plans_read_back_to_what_the_generator_meant(sample_plans):
    for sample, path in sample_plans:
        plan = read_plan(path)
        assert_plan_matches(plan, sample.draft)
        kinds = {p.kind.value for p in plan.problems}
        assert kinds == ({"renamed-column", "extra-column"} if sample.profile == "drift" else set()), path.name


def test_sample_profiles_show_what_they_were_made_for(sample_plans, today):
    for sample, path in sample_plans:
        plan = read_plan(path)
        overdue_customer = [a for a in plan.actions if a.party == "Customer" and not a.is_closed
                            and a.due and a.due < today]
        late = max(((today - a.due).days for a in overdue_customer), default=0)
        if sample.profile == "healthy":
            assert not overdue_customer and plan.risks and plan.close_date > today
        elif sample.profile == "at-risk":
            assert 1 <= late <= 6
        elif sample.profile == "neglected":
            assert late >= 7 and max(c.date for c in plan.checkins) < today - dt.timedelta(days=30)
        elif sample.profile == "vague":
            assert any(a.owner in (None, "Customer", "TBD", "Vendor") for a in plan.actions)
        elif sample.profile == "bloated":
            assert len(plan.actions) > 60
    assert any(read_plan(p).close_date < today for s, p in sample_plans if s.profile == "neglected")


def test_demo_writes_sample_plans(tmp_path):
    r = run_cli(["demo", "--out", str(tmp_path / "d"), "--count", "6", "--today", "2026-11-27"])
    assert r.exit_code == 0, r.output
    plans = sorted((tmp_path / "d" / "plans").glob("*.xlsx"))
    assert len(plans) == 6 and str(tmp_path / "d" / "plans") in r.output.replace("\n", "")
