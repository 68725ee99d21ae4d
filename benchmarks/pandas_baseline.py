"""The pandas roll-up a RevOps analyst would write: the baseline `mapsheet sync` is timed against.

It reads only the four tabs a roll-up needs (Overview, Milestones, Actions, Risks), each workbook opened once
(``pd.ExcelFile``), the tables under their two title rows (``header=2``) and the Overview as label/value pairs;
it renames the two accepted synonyms the sample plans use, computes what is overdue, and writes the sheets a
manager reads: Deals, Actions (open), Overdue (by party and owner), Milestones (open), Risks (open) and
Problems (columns that differ from the template's). It prints how many rows each sheet got, as JSON, so the
benchmark can check they are the rows `mapsheet sync` writes. The template's headers are read from the template
workbook, as an analyst would copy them; the status words are typed, as an analyst would type them.

Usage: python benchmarks/pandas_baseline.py PLANS_FOLDER OUT.xlsx --engine openpyxl|calamine --today YYYY-MM-DD
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pandas as pd

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "mutual-action-plan.xlsx"
TABLES = ("Milestones", "Actions", "Risks")
CLOSED = {"Done", "Cancelled"}
SETTLED_RISKS = {"Mitigated", "Closed"}
RENAMED = {"Responsible": "Owner", "Deadline": "Due"}  # names some teams use for the template's columns


def read_plan(path: Path, engine: str, expected: dict[str, list[str]]) -> tuple[dict, dict[str, pd.DataFrame], list]:
    with pd.ExcelFile(path, engine=engine) as book:
        labels = pd.read_excel(book, sheet_name="Overview", header=None, usecols=[0, 1]).dropna(subset=[0])
        tables = pd.read_excel(book, sheet_name=list(TABLES), header=2)
    overview = dict(zip(labels[0].astype(str).str.strip(), labels[1]))
    problems = []
    for name, frame in tables.items():
        renamed = {c: RENAMED[c] for c in frame.columns if c in RENAMED}
        problems += [(path.name, name, "Renamed column", f"{old} -> {new}") for old, new in renamed.items()]
        frame = frame.rename(columns=renamed).dropna(how="all")
        problems += [(path.name, name, "Extra column", c) for c in frame.columns if c not in expected[name]]
        problems += [(path.name, name, "Missing column", c) for c in expected[name] if c not in frame.columns]
        tables[name] = frame.reindex(columns=expected[name]).assign(Deal=overview.get("Deal name"),
                                                                   **{"Deal owner": overview.get("Seller owner")})
    return overview, tables, problems


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("folder")
    args.add_argument("out")
    args.add_argument("--engine", required=True, choices=["openpyxl", "calamine"])
    args.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    opts = args.parse_args()
    today = pd.Timestamp(opts.today)
    expected = {name: list(pd.read_excel(TEMPLATE, sheet_name=name, header=2, nrows=0, engine=opts.engine).columns)
                for name in TABLES}

    deals, frames, problems = [], {name: [] for name in TABLES}, []
    for path in sorted(Path(opts.folder).rglob("*.xlsx")):
        overview, tables, found = read_plan(path, opts.engine, expected)
        for name, frame in tables.items():
            frames[name].append(frame)
        problems += found
        deals.append({"Deal": overview.get("Deal name"), "Customer": overview.get("Customer"),
                      "Owner": overview.get("Seller owner"), "Stage": overview.get("Stage"),
                      "Value": overview.get("Deal value"), "Currency": overview.get("Currency"),
                      "Close date": overview.get("Target close date"), "File": path.name})

    actions = pd.concat(frames["Actions"], ignore_index=True)
    actions["Due"] = pd.to_datetime(actions["Due"], errors="coerce")
    open_actions = actions[~actions["Status"].isin(CLOSED)].copy()
    open_actions["Days overdue"] = (today - open_actions["Due"]).dt.days.clip(lower=0).fillna(0).astype(int)
    late = open_actions[open_actions["Days overdue"] > 0].fillna({"Party": "(no party)", "Owner": "(no owner)"})
    overdue = late.groupby(["Party", "Owner"]).agg(
        **{"Overdue items": ("Days overdue", "size"), "1-6 days late": ("Days overdue", lambda d: int((d < 7).sum())),
           "7+ days late": ("Days overdue", lambda d: int((d >= 7).sum())), "Oldest (days)": ("Days overdue", "max"),
           "Deals": ("Deal", "nunique"), "Which deals": ("Deal", lambda d: ", ".join(sorted(set(d))))}).reset_index()
    overdue = overdue.sort_values(["Party", "Overdue items"], ascending=[True, False])

    deal_table = pd.DataFrame(deals)
    by_deal = late.groupby(["Deal", "Party"]).size().unstack(fill_value=0)
    for party in ("Vendor", "Customer"):
        deal_table[f"Overdue {party.lower()}"] = deal_table["Deal"].map(by_deal.get(party, {})).fillna(0).astype(int)
    deal_table["Days to close"] = (pd.to_datetime(deal_table["Close date"], errors="coerce") - today).dt.days

    milestones = pd.concat(frames["Milestones"], ignore_index=True)
    milestones = milestones[~milestones["Status"].isin(CLOSED)].sort_values("Due")
    risks = pd.concat(frames["Risks"], ignore_index=True)
    risks = risks[~risks["Status"].isin(SETTLED_RISKS)]
    sheets = {"Deals": deal_table, "Actions": open_actions.sort_values("Days overdue", ascending=False),
              "Overdue": overdue, "Milestones": milestones, "Risks": risks,
              "Problems": pd.DataFrame(problems, columns=["Plan", "Tab", "Problem", "Column"])}
    with pd.ExcelWriter(opts.out) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    print(json.dumps({name: len(frame) for name, frame in sheets.items()}))


if __name__ == "__main__":
    main()
