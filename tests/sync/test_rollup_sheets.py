"""Each sheet of the roll-up, on the 25 demo plans (seed 7, judged on 2026-11-27): what a manager reads,
written by each writer (the ``synced`` fixture)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

from mapsheet.rules import Band
from mapsheet.template.spec import CLOSED_STATUSES

from .conftest import TODAY


def open_actions(sample_plans):
    return [(s, a) for s, _ in sample_plans for a in s.draft.tables["actions"] if a["status"] not in CLOSED_STATUSES]


def test_every_plan_is_one_deal_row_worst_band_first(synced, sample_plans):
    report, out, book = synced
    deals = book.rows("Deals")
    assert report.plans == len(deals) == 25
    assert {d["Customer"] for d in deals} == {s.draft.overview["customer"] for s, _ in sample_plans}
    ranks = [["On track", "At risk", "Off track"].index(d["Band"]) for d in deals]
    assert ranks == sorted(ranks, reverse=True)
    by_customer = {d["Customer"]: d for d in deals}
    for sample, _ in sample_plans:
        row = by_customer[sample.draft.overview["customer"]]
        close = sample.draft.overview["close_date"]
        assert row["Close date"].date() == close
        assert row["Days to close"] == (close - TODAY).days
        assert row["Value"] == sample.draft.overview["value"]
        assert row["Owner"] == sample.draft.overview["seller_owner"]
        late = [a for a in sample.draft.tables["actions"]
                if a["status"] not in CLOSED_STATUSES and a["due"] < TODAY]
        assert row["Overdue customer"] == sum(1 for a in late if a["party"] == "Customer")
        assert row["Overdue vendor"] == sum(1 for a in late if a["party"] == "Vendor")
        if sample.profile == "neglected":
            assert row["Band"] == "Off track", row
        assert 0 <= row["Score"] <= 100 and row["Grade"]


def test_every_deal_links_to_its_plan(synced):
    _, out, book = synced
    ws = book.sheet("Deals")
    headers = book.headers("Deals")
    for row in range(3, ws.max_row + 1):
        links = book.links("Deals", row)
        assert len(links) == 1, row  # on the deal's name (XlsxWriter) or its plan file (rust)
        # Stored as Excel stores a relative link: Windows separators, URL-quoted.
        target = unquote(links[0]).replace("\\", "/")
        assert (out.parent / target).resolve().is_file(), target
        assert target == ws.cell(row, headers.index("Plan file") + 1).value.replace("\\", "/")
    problems = book.sheet("Problems")
    assert all(len(book.links("Problems", r)) == 1 for r in range(3, problems.max_row + 1))


def test_band_cells_are_coloured_by_band(synced):
    _, _, book = synced
    ws = book.sheet("Deals")
    band_col = book.headers("Deals").index("Band") + 1
    fills = {}
    for row in range(3, ws.max_row + 1):
        cell = ws.cell(row, band_col)
        fills.setdefault(cell.value, set()).add(book.fill(cell))
    assert None not in set().union(*fills.values())
    assert set(fills) == {"On track", "At risk", "Off track"}
    assert all(len(colours) == 1 for colours in fills.values())
    assert len({next(iter(c)) for c in fills.values()}) == 3  # three different colours


def test_actions_are_every_open_item_most_overdue_first(synced, sample_plans):
    _, _, book = synced
    rows = book.rows("Actions")
    expected = open_actions(sample_plans)
    assert len(rows) == len(expected)
    assert not {r["Status"] for r in rows} & CLOSED_STATUSES
    for r in rows:
        due = r["Due"].date() if r["Due"] else None
        assert r["Days overdue"] == (max(0, (TODAY - due).days) if due else 0)
    late = [r["Days overdue"] for r in rows]
    assert late[: sum(1 for d in late if d)] == sorted((d for d in late if d), reverse=True)


def test_overdue_counts_by_party_and_owner(synced, sample_plans):
    _, _, book = synced
    rows = book.rows("Overdue")
    late = [a for _, a in open_actions(sample_plans) if a["due"] < TODAY]
    assert sum(r["Overdue items"] for r in rows) == len(late)
    for r in rows:
        mine = [a for a in late if a["party"] == r["Party"] and (a["owner"] or "(no owner)") == r["Owner"]]
        assert r["Overdue items"] == len(mine)
        assert r["7+ days late"] == sum(1 for a in mine if (TODAY - a["due"]).days >= 7)
        assert r["Oldest (days)"] == max((TODAY - a["due"]).days for a in mine)
    assert rows[0]["Party"] == "Customer"


def test_open_risks_and_milestones(synced, sample_plans):
    _, _, book = synced
    risks = book.rows("Risks")
    expected = [r for s, _ in sample_plans for r in s.draft.tables.get("risks", []) if r["status"] == "Open"]
    assert sorted(r["Risk"] for r in risks) == sorted(r["risk"] for r in expected)
    unmitigated = [r for r in risks if not r["Mitigation / contingency"]]
    assert unmitigated and all("no mitigation" in r["Attention"] for r in unmitigated)
    milestones = book.rows("Milestones")
    expected = [m for s, _ in sample_plans for m in s.draft.tables["milestones"] if m["status"] not in CLOSED_STATUSES]
    assert len(milestones) == len(expected)
    dues = [m["Due"] for m in milestones]
    assert dues == sorted(dues)  # a timeline across deals


def test_drifted_plans_are_said_loudly(synced, sample_plans):
    report, _, book = synced
    drifted = {s.draft.overview["deal"] for s, _ in sample_plans if s.profile == "drift"}
    assert report.drifted == len(drifted) and report.exit_code == 1
    assert book.caption("Problems").startswith("ATTENTION: 2 plans no longer follow the template")
    rows = book.rows("Problems")
    assert {r["Plan"] for r in rows} == drifted
    assert {(r["Problem"], r["Where"]) for r in rows} == {
        ("Renamed column (accepted)", "Actions!E3"), ("Renamed column (accepted)", "Milestones!F3"),
        ("Extra column", "Actions!J3")}
    assert "Responsible" in " ".join(r["Detail"] for r in rows)
    assert book.sheet("Problems").sheet_properties.tabColor.rgb.endswith("C62828")
    assert "ATTENTION" in book.sheet("Dashboard")["A2"].value


def test_dashboard_figures_and_charts(synced, sample_plans):
    _, out, book = synced
    ws = book.sheet("Dashboard")
    figures = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, 20) if ws.cell(r, 1).value}
    assert figures["Plans rolled up"] == 25
    deals = book.rows("Deals")
    for band in Band:
        assert figures[band.value] == sum(1 for d in deals if d["Band"] == band.value)
    usd = sum(s.draft.overview["value"] for s, _ in sample_plans if s.draft.overview["currency"] == "USD")
    assert figures["Pipeline value (USD)"] == usd
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    titles = {t for t in ("Plans by health band", "Plans by owner and band", "Close dates by month",
                          "Overdue actions by party") if any(t in c for c in charts)}
    assert len(charts) == 4 and len(titles) == 4
    # Each chart draws the numbers beside it, in the band colours: categories and values from the sheet.
    band_chart = next(c for c in charts if "Plans by health band" in c)
    categories, values = (_cells(ws, ref) for ref in re.findall(r"<c:f>(.*?)</c:f>", band_chart)[-2:])
    assert categories == ["On track", "At risk", "Off track", "Not checkable"]
    assert values == [figures[band] for band in categories]
    assert all(colour in band_chart for colour in ("43A047", "F9A825", "E53935", "9E9E9E"))
    for chart in charts:
        for ref in re.findall(r"<c:cat>.*?<c:f>(.*?)</c:f>", chart, re.S):
            assert all(isinstance(v, str) and v for v in _cells(ws, ref)), ref


def _cells(ws, ref: str) -> list:
    """The values of a one-column range such as Dashboard!$A$20:$A$22."""
    col, first, last = re.fullmatch(r"Dashboard!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)", ref).groups()
    return [ws[f"{col}{r}"].value for r in range(int(first), int(last) + 1)]


def test_sheets_have_frozen_headers_filters_and_formats(synced):
    _, _, book = synced
    assert book.book.sheetnames == ["Dashboard", "Deals", "Actions", "Overdue", "Milestones", "Risks", "Changes",
                                    "Problems"]
    for name in book.book.sheetnames[1:]:
        ws = book.sheet(name)
        assert ws.freeze_panes in ("A3", "B3"), name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2"), name
        assert ws.column_dimensions["A"].width > 5
    deals = book.sheet("Deals")
    headers = book.headers("Deals")
    assert deals.cell(3, headers.index("Close date") + 1).number_format == "d mmm yyyy"
    assert deals.cell(3, headers.index("% done") + 1).number_format == "0%"
    assert isinstance(deals.cell(3, headers.index("Close date") + 1).value, dt.datetime)


def test_first_sync_says_there_is_nothing_to_compare_yet(synced):
    _, _, book = synced
    assert book.rows("Changes") == []
    assert book.caption("Changes").startswith("First sync")


def test_plan_files_column_is_relative_to_the_rollup(synced):
    _, out, book = synced
    for row in book.rows("Deals"):
        assert not Path(row["Plan file"]).is_absolute()
        assert (out.parent / row["Plan file"]).is_file()


def test_a_plans_link_is_its_path_relative_to_the_rollups_folder_worked_out_once_a_folder(tmp_path):
    """``_relative`` gives what ``os.path.relpath`` gives for plans beside the roll-up, below it, above it and
    beside it (its folder's relative path worked out once, then each file's name put after it)."""
    import os

    from mapsheet.sync.tables import _relative

    out = tmp_path / "out"
    paths = [str(out / "a.xlsx"), str(out / "team" / "b.xlsx"), str(out / "team" / "c d.xlsx"), str(tmp_path / "e.xlsx"),
             str(tmp_path / "other" / "f.xlsx"), str(out / "a b" / "deep" / "g.xlsx")]
    folders: dict = {}
    for _ in range(2):  # the second time from the folders worked out
        assert [_relative(p, out, folders) for p in paths] == [os.path.relpath(p, out) for p in paths]
