"""One workbook (or CSV) per published MAP layout of LAYOUTS.md, each holding the deal of ``deal.py``,
with its ground truth written next to it before mapsheet reads anything.

Deterministic: the same files every run. ``python -m tests.foreign.generate OUT_DIR`` writes them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl

from .deal import (CLOSE, CUSTOMER, CUSTOMER_SHORT, DEAL, GO_LIVE, JOINT, LAST_UPDATED, PEOPLE, PHASES, PLAN_START,
                   VENDOR, Step, expert_band, steps)

Rows = list[list]


@dataclass
class Sheet:
    name: str
    rows: Rows
    merges: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    key: str
    variant: str  # the deal's band variant
    build: Callable[[list[Step]], list[Sheet]]
    has: tuple[str, ...] = ("text", "owner", "party", "due", "status")  # what the sheet says of each step
    weeks: bool = False  # dates written as weeks of the plan
    joint: bool = True  # the layout can say a step belongs to both sides
    csv: bool = False


# -- how layouts write values ---------------------------------------------------------------------------

def us(d: dt.date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def mon(d: dt.date) -> str:
    return f"{d.strftime('%b')} {d.day}"


def day_n(s: Step) -> str:
    return f"Day {(s.due - PLAN_START).days + 1}"


def rel(s: Step) -> str:
    return f"[Date +{(s.due - PLAN_START).days}]"


def words(done: str, doing: str, todo: str, late: str | None = None) -> Callable[[Step], str]:
    """A status vocabulary: ``late`` is what the layout writes for an open step past its date."""
    from .deal import TODAY

    def say(s: Step) -> str:
        if s.status == "Done":
            return done
        if late and s.due < TODAY and s.status == "In progress":  # "At risk" is said of work under way
            return late
        return doing if s.status == "In progress" else todo
    return say


def side_of(s: Step, side: str) -> str:
    return next((o for o in s.owners if PEOPLE[o].side == side), "")


def owners_joined(s: Step, sep: str = " & ") -> str:
    return sep.join(s.owners)


def by_phase(ss: list[Step]):
    for phase in PHASES:
        yield phase, [s for s in ss if s.phase == phase]


def pad(rows: Rows, width: int) -> Rows:
    return [r + [None] * (width - len(r)) for r in rows]


# -- the layouts (facts and addresses in LAYOUTS.md, same order) -----------------------------------------

def l01_skillmd(ss):
    st = words("✅", "🔄", "⬜")
    rows: Rows = [[f"Mutual Action Plan: {CUSTOMER} - Contoso Analytics"], [],
                  [f"Target Go-Live Date: {us(GO_LIVE)}"], [f"Contract Signature Target: {us(CLOSE)}"],
                  [f"Created: {us(PLAN_START)}"], [f"Last Updated: {us(LAST_UPDATED)}"], [],
                  ["Key Stakeholders"], ["Role", "Name", "Email", "Responsibility"], ["Customer Side"]]
    for p in PEOPLE.values():
        if p.side == "Customer":
            rows.append([p.role, p.name, p.email, ""])
    rows.append(["Your Side"])
    for p in PEOPLE.values():
        if p.side == "Vendor":
            rows.append([p.role, p.name, p.email, ""])
    rows += [[], ["Deal Steps & Timeline"],
             ["#", "Step", "Owner (Customer)", "Owner (Your Company)", "Target Date", "Status", "Dependencies", "Notes"]]
    for s in ss:
        rows.append([s.n, s.text, side_of(s, "Customer"), side_of(s, "Vendor"), us(s.due), st(s),
                     "None" if s.n == 1 else f"Step {s.n - 1}", ""])
    return [Sheet("Mutual Action Plan", rows)]


def l02_knitknot(ss):
    rows: Rows = [["Enterprise SaaS MAP", None, None, None], ["Customer", CUSTOMER, None, None],
                  ["Plan start", PLAN_START, None, None], [],
                  ["Step", "Owner", "Timing", "Status"]]
    st = words("Done", "In progress", "Not started")
    merges = []
    for phase, group in by_phase(ss):
        lo, hi = min(s.week for s in group), max(s.week for s in group)
        rows.append([f"{phase} (Week {lo}–{hi})"])
        merges.append(f"A{len(rows)}:D{len(rows)}")
        for s in group:
            who = (f"Both ({', '.join(s.owners)})" if s.party == JOINT else
                   f"{'Buyer' if s.party == 'Customer' else 'Seller'} ({s.owners[0]})")
            rows.append([s.text, who, f"Week {s.week}", st(s)])
    return [Sheet("MAP", pad(rows, 4), merges)]


def l03_getaccept(ss):
    st = words("Completed", "In progress", "Not started")
    rows: Rows = [["Action Plan", None], ["Deal room", DEAL], ["Buyer", CUSTOMER], ["Seller", VENDOR], [],
                  ["Task", "Task owner", "Buyer/Seller", "Due date", "Status"]]
    for phase, group in by_phase(ss):
        rows.append([phase, None, None, None, f"{sum(s.status == 'Done' for s in group)}/{len(group)} completed"])
        for s in group:
            side = {"Customer": "Buyer", "Vendor": "Seller", JOINT: "Both"}[s.party]
            rows.append([s.text, owners_joined(s, ", "), side, s.due, st(s)])
    return [Sheet("Action plan", rows)]


def l04_commercialleadership(ss):
    st = words("Done", "On track", "Not started", late="At risk")
    rows: Rows = [["Account", CUSTOMER, None, "Target close", CLOSE], ["Opportunity", DEAL, None, "Seller", VENDOR],
                  [], ["Milestone", "Date", "Seller owner", "Customer owner", "Status", "Risk / notes"]]
    for s in ss:
        rows.append([s.text, s.due, side_of(s, "Vendor"), side_of(s, "Customer"), st(s), ""])
    return [Sheet("MAP", rows)]


def l05_doris(ss):
    st = words("Complete", "In progress", "Not started", late="Delayed")
    rows: Rows = [[f"{CUSTOMER} × {VENDOR}: mutual action plan"], ["Target go-live", GO_LIVE],
                  ["Target close", CLOSE], [],
                  ["Milestone", "Seller owner", "Buyer owner", "Target date", "Status"]]
    for s in reversed(ss):  # backward-planned from the go-live date
        rows.append([s.text, side_of(s, "Vendor"), side_of(s, "Customer"), s.due, st(s)])
    return [Sheet("Plan", rows)]


def l06_gsheet(ss):
    st = words("Completed", "In progress", "Not started", late="Delayed")
    rows: Rows = [["Target Date", "Description", "Status", "Completion Date", "Owner", "Notes"]]
    for s in ss:
        # The source's owner column holds "company name, 'Customer', 'Both', or" a person.
        who = (f"Both ({', '.join(s.owners)})" if s.party == JOINT else
               f"{s.owners[0]} ({'Customer' if s.party == 'Customer' else VENDOR})")
        rows.append([us(s.due), s.text, st(s), us(s.due) if s.status == "Done" else "", who, ""])
    return [Sheet("Sheet1", rows)]


def l07_use60_tasks(ss):
    rows: Rows = [["deal_name", DEAL], ["target_close_date", CLOSE.isoformat()], [],
                  ["title", "owner", "due_date", "status", "priority"]]
    for s in ss:
        who = {"Customer": "customer", "Vendor": "us", JOINT: "shared"}[s.party]
        rows.append([s.text, who, s.due.isoformat(), "completed" if s.status == "Done" else "pending", "high"])
    return [Sheet("tasks", rows)]


def l08_use60_milestones(ss):
    rows: Rows = [[f"NORTH STAR: {CUSTOMER} cuts reporting time by 30% by {us(GO_LIVE)}"], [],
                  ["Milestone", "Owner", "Duration", "Due", "Status", "Exit criteria"]]
    st = words("Done", "In progress", "Not started")
    for i, (phase, group) in enumerate(by_phase(ss), 1):
        rows.append([f"MILESTONE {i}: {phase}"])
        for s in group:
            who = {"Customer": "Customer", "Vendor": "Us", JOINT: "Shared"}[s.party]
            rows.append([s.text, who, "3-5 business days", s.due, st(s), "agreed in writing"])
    return [Sheet("MAP", rows)]


def l09_medley(ss):
    st = words("Completed", "In Progress", "Not Started")
    rows: Rows = [[f"MAP - {CUSTOMER}", None, f"Last updated {us(LAST_UPDATED)}"], [],
                  ["Milestone", "Owner (Customer / Vendor)", "Due Date", "Status"]]
    for s in ss:
        rows.append([s.text, f"{side_of(s, 'Customer')} / {side_of(s, 'Vendor')}".strip(), mon(s.due), st(s)])
    return [Sheet("MAP", rows)]


def l10_medley_weeks(ss):
    st = words("Completed", "In Progress", "Not Started")
    rows: Rows = [["Mutual Action Plan", None], ["Plan start", us(PLAN_START)], ["Customer", CUSTOMER], [],
                  ["Milestone", "Owner (Customer / Vendor)", "Due Date", "Status"]]
    for s in ss:
        rows.append([s.text, f"{side_of(s, 'Customer')} / {side_of(s, 'Vendor')}".strip(), f"Week {s.week}", st(s)])
    return [Sheet("Plan", rows)]


def l11_phases_tables(ss):
    st = words("Done", "In Progress", "To do")
    rows: Rows = [["Action Plan"], ["Document Version: 1.0"], [f"Last Updated: {LAST_UPDATED.isoformat()}"],
                  [f"Customer: {CUSTOMER}"], []]
    merges = []
    for i, (phase, group) in enumerate(by_phase(ss), 1):
        rows.append([f"Phase {i}: {phase}"])
        merges.append(f"A{len(rows)}:E{len(rows)}")
        rows.append(["Task", "Owner", "Status", "Due Date", "Dependencies"])
        for s in group:
            rows.append([s.text, owners_joined(s), st(s), s.due, ""])
        rows.append([])
    people = [["Name", "Company", "Role"]] + [[p.name, CUSTOMER if p.side == "Customer" else VENDOR, p.role]
                                               for p in PEOPLE.values()]
    return [Sheet("Action Plan", pad(rows, 5), merges), Sheet("Stakeholders", people)]


def l12_idea_incubator(ss):
    st = words("Done", "In Progress", "Not Started")
    rows: Rows = [[f"Action Plan: {DEAL}"], ["created", PLAN_START.isoformat()], []]
    for title, lo, hi in (("30-Day Goals", 0, 30), ("60-Day Goals", 30, 60), ("90-Day Goals", 60, 90)):
        group = [s for s in ss if lo < (s.due - PLAN_START).days + 1 <= hi]
        rows += [[title], ["Goal", "Success Criteria", "Owner", "Status", "Target Date"]]
        for s in group:
            rows.append([s.text, "signed off by both sides", owners_joined(s), st(s), day_n(s)])
        rows.append([])
    people = [["Name", "Email", "Role"]] + [[p.name, p.email, p.role] for p in PEOPLE.values()]
    return [Sheet("Plan", rows), Sheet("Stakeholders", people)]


def l13_legalclarity(ss):
    st = words("Complete", "In progress", "Not started", late="Overdue")
    rows: Rows = [[f"This plan outlines the steps for {CUSTOMER} to evaluate, purchase, and implement Contoso "
                   f"Analytics to cut reporting time by 30% by {us(GO_LIVE)}."], [],
                  ["Buyer", CUSTOMER], ["Seller", VENDOR], ["Target close", us(CLOSE)], [],
                  ["Milestone", "Task", "Task owner", "Deadline", "Success criteria", "Status"]]
    for s in ss:
        rows.append([s.phase, s.text, owners_joined(s, " and "), us(s.due), "both sides agree", st(s)])
    people = [["Stakeholder", "Organisation", "Role"]] + [[p.name, CUSTOMER if p.side == "Customer" else VENDOR, p.role]
                                                        for p in PEOPLE.values()]
    return [Sheet("MAP", rows), Sheet("Stakeholders", people)]


def l14_mural(ss):
    def pct(s: Step):
        return {"Done": 1.0, "In progress": 0.5}.get(s.status, 0.0)
    rows: Rows = [["Release date", GO_LIVE], ["Customer", CUSTOMER], ["Vendor", VENDOR], [],
                  ["Key activities", "Assigned stakeholders", "When", "Progress"]]
    for s in ss:
        rows.append([s.text, ", ".join(f"{o} ({PEOPLE[o].dept})" for o in s.owners), mon(s.due), pct(s)])
    return [Sheet("Mutual action plan", rows)]


def l15_beefed_poc(ss):
    st = words("Complete", "On track", "Not started", late="At risk")
    rows: Rows = [["POC Mutual Action Plan"], ["Account:", CUSTOMER], ["Decision date:", us(CLOSE)], [],
                  ["Milestone", "Success criteria", "Owner", "Due", "Status"]]
    for s in ss:
        who = " / ".join(f"{o} ({CUSTOMER_SHORT if PEOPLE[o].side == 'Customer' else VENDOR})" for o in s.owners)
        rows.append([s.text, "pass/fail agreed", who, s.due, st(s)])
    return [Sheet("POC MAP", rows)]


def l16_beefed_timeline(ss):
    st = words("Done", "In progress", "Ready")
    rows: Rows = [["POC timeline"], ["Kickoff", PLAN_START], [], ["Activity", "Owner", "Day", "Deliverable", "Status"]]
    for phase, group in by_phase(ss):
        rows.append([phase.upper()])
        for s in group:
            rows.append([s.text, owners_joined(s), day_n(s), "sign-off", st(s)])
    people = [["Name", "Side"]] + [[p.name, "Buyer" if p.side == "Customer" else "Seller"] for p in PEOPLE.values()]
    return [Sheet("Timeline", rows), Sheet("Stakeholders", people)]


def l17_jasonlanders(ss):
    st = words("Done", "In progress", "Pending")
    rows: Rows = [["POV objective: prove Contoso cuts Northwind's reporting time by 30%."], ["Customer", CUSTOMER], [],
                  ["DATE", "MILESTONE", "OWNER", "STATUS"]]
    for s in ss:
        who = " + ".join(f"{o} ({CUSTOMER_SHORT if PEOPLE[o].side == 'Customer' else VENDOR})" for o in s.owners)
        rows.append([s.due, s.text, who, st(s)])
    return [Sheet("POV MAP", rows)]


def l18_oldwinter(ss):
    st = words("Done", "In progress", "To do")
    rows: Rows = [["Deal snapshot"], [f"Account: {CUSTOMER}"], ["Stage: Evaluation"],
                  [f"Target decision date: {us(CLOSE)}"], [f"Target start date: {us(PLAN_START)}"], [],
                  ["Item", "Owner", "Date", "Status"]]
    for s in ss:
        who = " / ".join(f"{'Buyer' if PEOPLE[o].side == 'Customer' else 'Seller'}: {o}" for o in s.owners)
        rows.append([s.text, who, s.due, st(s)])
    return [Sheet("Deal pack", rows)]


def l19_poam(ss):
    st = words("Complete", "Ongoing", "Open")
    months = ["Oct", "Nov", "Dec"]
    rows: Rows = [["Plan of Action and Milestones", None, None, None, None, None, None],
                  ["Objective", f"Close {DEAL} by {us(CLOSE)}"], ["Prepared for", CUSTOMER], [],
                  ["Action items", "Action officers", "Due date", *months, "Status"]]
    for s in ss:
        marks = ["X" if s.due.strftime("%b") == m else "" for m in months]
        rows.append([s.text, "; ".join(f"{o}, {CUSTOMER_SHORT if PEOPLE[o].side == 'Customer' else VENDOR}"
                                      for o in s.owners), s.due, *marks, st(s)])
    return [Sheet("POA&M", rows)]


def l20_cascade(ss):
    rows: Rows = [["Mutual Action Plan", None], ["Partner", CUSTOMER], [],
                  ["Focus area", "Objective", "Owner", "Due date", "Progress (%)"]]
    for s in ss:
        pct = {"Done": 100, "In progress": 50}.get(s.status, 0)
        rows.append([s.phase, s.text, owners_joined(s, ", "), us(s.due), pct])
    people = [["Name", "Email"]] + [[p.name, p.email] for p in PEOPLE.values()]
    return [Sheet("Plan", rows), Sheet("Team", people)]


def l21_amworld(ss):
    rows: Rows = [["Close Plan", None, None, None, None], ["Customer", CUSTOMER], ["Close date", CLOSE], [],
                  ["Step", "Us / Them / Both", "Name", "Date", "Completed ✓"]]
    for s in ss:
        who = {"Customer": "Them", "Vendor": "Us", JOINT: "Both"}[s.party]
        rows.append([s.text, who, owners_joined(s, ", "), s.due, "✓" if s.status == "Done" else ""])
    return [Sheet("Close plan", rows)]


def l22_forecastable(ss):
    st = words("Held", "In progress", "Not scheduled")
    rows: Rows = [["Evaluation Plan", None], ["Prospect", CUSTOMER], ["Expected close", CLOSE], [],
                  ["Date", "Event", "Owner", "Outcome", "Status"]]
    for s in ss:
        rows.append([s.due, s.text, ", ".join(PEOPLE[o].email for o in s.owners), "", st(s)])
    return [Sheet("Evaluation Plan", rows)]


def l23_dock(ss):
    st = words("✅ Done", "🔄 In progress", "⬜")
    rows: Rows = [[f"{CUSTOMER} + {VENDOR} | Mutual action plan"], [f"Go-live: {mon(GO_LIVE)}, {GO_LIVE.year}"], [],
                  ["Status", "Task", "Owner", "Due date"]]
    for s in ss:
        rows.append([st(s), s.text, " & ".join(f"{o} — {CUSTOMER_SHORT if PEOPLE[o].side == 'Customer' else VENDOR}"
                                               for o in s.owners), mon(s.due)])
    return [Sheet("Checklist", rows)]


def l24_tldv(ss):
    st = words("Done", "In progress", "Pending")
    rows: Rows = [["Close plan"], ["Target close", CLOSE], ["Plan start", PLAN_START], [],
                  ["Key milestones", "Owner", "Vendor / Customer", "When", "Status"]]
    for s in ss:
        rows.append([s.text, owners_joined(s, ", "), {"Customer": "Customer", "Vendor": "Vendor", JOINT: "Joint"}[s.party],
                     rel(s), st(s)])
    return [Sheet("Close plan", rows)]


def l25_getaccept_csv(ss):
    st = words("Completed", "In progress", "Not started")
    rows: Rows = [["Milestone", "Task", "Task owner", "Buyer/Seller", "Due date", "Status"]]
    for s in ss:
        side = {"Customer": "Buyer", "Vendor": "Seller", JOINT: "Both"}[s.party]
        rows.append([s.phase, s.text, owners_joined(s, ", "), side, us(s.due), st(s)])
    return [Sheet("action-plan", rows)]


def l26_gsheet_csv(ss):
    return [Sheet("map-export", l06_gsheet(ss)[0].rows)]


LAYOUTS = (
    Layout("01-skillmd-deal-steps", "at_risk", l01_skillmd),
    Layout("02-knitknot-phases-weeks", "at_risk", l02_knitknot, weeks=True),
    Layout("03-getaccept-action-plan", "at_risk", l03_getaccept),
    Layout("04-commercialleadership-seller-customer-owner", "off_track", l04_commercialleadership, joint=True),
    Layout("05-doris-backward-plan", "at_risk", l05_doris),
    Layout("06-gsheet-target-date-first", "on_track", l06_gsheet),
    Layout("07-use60-tasks", "at_risk", l07_use60_tasks, has=("text", "party", "due", "done")),
    Layout("08-use60-milestone-blocks", "off_track", l08_use60_milestones, has=("text", "party", "due", "status")),
    Layout("09-medley-owner-pair-yearless", "at_risk", l09_medley),
    Layout("10-medley-weeks", "off_track", l10_medley_weeks, weeks=True),
    Layout("11-phase-tables-repeated-headers", "at_risk", l11_phases_tables),
    Layout("12-30-60-90-day-goals", "on_track", l12_idea_incubator, has=("text", "owner", "due", "status")),
    Layout("13-legalclarity-objective", "at_risk", l13_legalclarity),
    Layout("14-mural-key-activities", "at_risk", l14_mural),
    Layout("15-beefed-poc-map", "off_track", l15_beefed_poc),
    Layout("16-beefed-poc-timeline-days", "at_risk", l16_beefed_timeline),
    Layout("17-jasonlanders-pov", "on_track", l17_jasonlanders),
    Layout("18-oldwinter-deal-pack", "at_risk", l18_oldwinter),
    Layout("19-poam-monthly", "at_risk", l19_poam),
    Layout("20-cascade-objectives", "off_track", l20_cascade),
    Layout("21-amworld-close-plan-ticks", "at_risk", l21_amworld, has=("text", "owner", "party", "due", "done")),
    Layout("22-forecastable-evaluation-emails", "at_risk", l22_forecastable),
    Layout("23-dock-checklist-emoji", "on_track", l23_dock),
    Layout("24-tldv-relative-dates", "at_risk", l24_tldv),
    Layout("25-getaccept-export", "at_risk", l25_getaccept_csv, csv=True),
    Layout("26-gsheet-export", "off_track", l26_gsheet_csv, csv=True),
)


def truth(layout: Layout, ss: list[Step]) -> dict:
    """What an expert reads in the file: each step as far as the layout says it, and the band."""
    def one(s: Step) -> dict:
        t = {"text": s.text, "owners": list(s.owners), "party": s.party, "due": s.due.isoformat(),
             "status": s.status, "done": s.status == "Done"}
        if "owner" not in layout.has:
            t.pop("owners")
        return {k: v for k, v in t.items() if k in layout.has or k == "owners"}
    return {"layout": layout.key, "steps": [one(s) for s in ss], "band": expert_band(ss),
            "has": list(layout.has)}


def write(layout: Layout, out: Path) -> Path:
    ss = steps(layout.variant, weeks=layout.weeks, joint=layout.joint)
    sheets = layout.build(ss)
    if layout.csv:
        path = out / f"{layout.key}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([["" if v is None else v for v in r] for r in sheets[0].rows])
    else:
        path = out / f"{layout.key}.xlsx"
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for sh in sheets:
            ws = wb.create_sheet(sh.name)
            for r in sh.rows:
                ws.append(r)
            for m in sh.merges:
                ws.merge_cells(m)
        wb.properties.created = dt.datetime(2026, 10, 5)  # deterministic files
        wb.save(path)
    (out / f"{layout.key}.truth.json").write_text(json.dumps(truth(layout, ss), indent=1, ensure_ascii=False))
    return path


def write_all(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [write(layout, out) for layout in LAYOUTS]


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "foreign-corpus")):
        print(p)
