"""Realistic sample deal plans for ``mapsheet demo`` and the tests: seeded, so the same seed and
reference date always give the same plans.

Each sample is made for a *profile*, the kind of plan a sales manager meets every week:

- ``healthy``: on schedule, both sides own and finish their items, risks and check-ins kept up;
- ``at-risk``: a customer item a few days overdue, no risks written down, check-ins slipping;
- ``neglected``: items weeks overdue, no check-in for over a month, the close date already past;
- ``vague``: owners missing or just "Customer", "TBD" and "follow up" actions;
- ``bloated``: far too many steps for anyone to follow;
- ``drift``: a renamed and an extra column, as happens when someone edits the template.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from .fill import PlanDraft, fill_workbook, load_template
from .safeio import atomic_save_workbook
from .template.spec import TEMPLATE_VERSION
from .workback import schedule_milestones

PROFILES = ("healthy", "at-risk", "neglected", "vague", "bloated", "drift")
#: How the default 25 plans are spread over the profiles.
DEFAULT_MIX = {"healthy": 9, "at-risk": 6, "neglected": 5, "vague": 2, "bloated": 1, "drift": 2}

_CUSTOMERS = [
    ("Northwind Traders", "Demand forecasting"), ("Contoso Health", "Patient scheduling"),
    ("Fabrikam Logistics", "Fleet analytics"), ("Tailspin Airways", "Crew rostering"),
    ("Wide World Importers", "Supplier portal"), ("Adventure Works", "Retail analytics"),
    ("Litware Bank", "Fraud monitoring"), ("Proseware Labs", "Lab data platform"),
    ("Woodgrove Insurance", "Claims automation"), ("Alpine Ski House", "Booking engine"),
    ("Coho Vineyard", "Inventory planning"), ("Lucerne Publishing", "Content hub"),
    ("Margie's Travel", "Expense control"), ("Trey Research", "Survey analytics"),
    ("Blue Yonder Air", "Maintenance planning"), ("Graphic Design Institute", "Student CRM"),
    ("Humongous Insurance", "Broker portal"), ("Southridge Video", "Media asset manager"),
    ("VanArsdel Foods", "Quality tracking"), ("Relecloud", "Cost analytics"),
    ("First Up Consultants", "Resource planning"), ("Datum Corporation", "Data catalogue"),
    ("Consolidated Messenger", "Routing optimisation"), ("Fourth Coffee", "Loyalty programme"),
    ("Best For You Organics", "Supply chain visibility"), ("Lamna Healthcare", "Care coordination"),
    ("Bellows College", "Admissions portal"), ("Wingtip Toys", "E-commerce search"),
]
_FIRST = ["Dana", "Lee", "Priya", "Marcus", "Sofia", "Tom", "Aisha", "Jonas", "Mei", "Carlos", "Nina", "Omar",
          "Hannah", "Ravi", "Elena", "Sam", "Grace", "Yusuf", "Laura", "Kenji", "Ines", "Peter", "Zoe", "Ben"]
_LAST = ["Reyes", "Park", "Shah", "Webb", "Rossi", "Nguyen", "Khan", "Berg", "Chen", "Diaz", "Novak", "Haddad",
         "Fischer", "Iyer", "Popescu", "Turner", "Okafor", "Yilmaz", "Moreau", "Sato", "Costa", "Larsen"]
_SELLERS = ["Dana Reyes", "Marcus Webb", "Sofia Rossi", "Jonas Berg", "Aisha Khan"]

# Milestone number (1-based, as in workback.STANDARD_MILESTONES) -> actions (text, party).
_ACTIONS = {
    1: [("Share current process and the pain points behind the project", "Customer"),
        ("Send discovery summary with proposed success criteria", "Vendor")],
    2: [("Confirm demo attendees and the three use cases to show", "Customer"),
        ("Run tailored demo for the evaluation team", "Vendor")],
    3: [("Provide a sample data set for the trial", "Customer"),
        ("Set up trial environment and accounts", "Vendor"),
        ("Complete the trial scorecard with the evaluation team", "Customer")],
    4: [("Share budget figures for the ROI model", "Customer"),
        ("Deliver ROI model and business case draft", "Vendor"),
        ("Present the business case to the CFO", "Customer")],
    5: [("Send the security questionnaire", "Customer"),
        ("Return the security questionnaire with the SOC 2 report", "Vendor"),
        ("Send contract redlines", "Customer"),
        ("Respond to contract redlines", "Vendor")],
    6: [("Register the vendor in the procurement system", "Customer"),
        ("Submit supplier forms and banking details", "Vendor"),
        ("Raise the purchase order", "Customer")],
    7: [("Obtain budget sign-off from the CFO", "Customer")],
    8: [("Send the final order form", "Vendor"), ("Sign the order form", "Customer")],
    9: [("Share the implementation plan and schedule kickoff", "Vendor"),
        ("Name the project lead and system administrators", "Customer")],
}
_RISKS = [
    ("Budget may be frozen at the fiscal year end", "Budget", "Agree signature before the freeze; CFO briefed by the champion"),
    ("Competitor trial running in parallel", "Competition", "Joint scorecard agreed up front; reference call with a peer"),
    ("Security review queue is six weeks long", "Legal", "Send the SOC 2 report early and book the review slot now"),
    ("Champion changing roles next quarter", "Stakeholder", "Second sponsor introduced; executive sponsor meeting set"),
    ("Data migration more complex than expected", "Technical", "Sample migration in the trial; services scoped in the order"),
    ("Priorities may shift after the reorganisation", "Priority change", "Tie the plan to the compelling event; revisit monthly"),
]
_OUTCOMES = [
    ("Forecast accuracy", "68%", "85%"), ("Hours spent on manual reporting per week", "40", "10"),
    ("Time to onboard a new site (days)", "30", "7"), ("Customer satisfaction (CSAT)", "3.9", "4.5"),
    ("Cost per transaction", "$1.80", "$1.20"),
]
_DECISIONS = ["Scope agreed for the trial", "Security review to start early", "Pricing option B preferred",
              "Signature date confirmed", "Legal to review in parallel"]


@dataclass
class Sample:
    """One generated plan: where it goes, what it holds, what it was made to show."""

    filename: str
    profile: str
    draft: PlanDraft
    rename_headers: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, header) -> new text
    extra_columns: dict[str, list[tuple[str, list]]] = field(default_factory=dict)  # sheet -> [(header, values)]


def generate_samples(count: int = 25, *, seed: int = 7, today: dt.date) -> list[Sample]:
    """``count`` sample plans spread over the profiles like ``DEFAULT_MIX``, reproducible for a seed."""
    rng = random.Random(seed)
    profiles = _profile_sequence(count)
    customers = list(_CUSTOMERS)
    rng.shuffle(customers)
    samples = []
    for i, profile in enumerate(profiles):
        customer, project = customers[i % len(customers)]
        if i >= len(customers):
            customer = f"{customer} {i // len(customers) + 1}"
        samples.append(_make_sample(rng, profile, customer, project, today, i + 1, width=len(str(count))))
    return samples


def _profile_sequence(count: int) -> list[str]:
    """Profiles for ``count`` plans in DEFAULT_MIX's proportions, interleaved so any prefix is mixed."""
    total = sum(DEFAULT_MIX.values())
    quotas = {p: n * count / total for p, n in DEFAULT_MIX.items()}
    counts = {p: int(q) for p, q in quotas.items()}
    for p in sorted(quotas, key=lambda p: quotas[p] - counts[p], reverse=True)[: count - sum(counts.values())]:
        counts[p] += 1
    seq: list[str] = []
    while len(seq) < count:
        for p in PROFILES:
            if counts[p]:
                seq.append(p)
                counts[p] -= 1
    return seq


def _person(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if name not in used:
            used.add(name)
            return name


def _make_sample(rng: random.Random, profile: str, customer: str, project: str, today: dt.date, n: int,
                 width: int = 2) -> Sample:
    used: set[str] = set()
    seller = rng.choice(_SELLERS)
    used.add(seller)
    se = _person(rng, used)
    champion, buyer, legal, security, procurement, evaluator = (_person(rng, used) for _ in range(6))

    if profile == "neglected":
        close = today + dt.timedelta(days=rng.randint(-20, 10))
    elif profile == "at-risk":
        close = today + dt.timedelta(days=rng.randint(20, 45))
    else:
        close = today + dt.timedelta(days=rng.randint(25, 80))
    start = close - dt.timedelta(days=rng.randint(70, 90))
    milestones = schedule_milestones(close, start, seller, champion)

    actions = _actions(rng, profile, milestones, today, seller, se, champion, evaluator, buyer, legal, procurement)
    _sync_milestone_status(milestones, actions, today)

    draft = PlanDraft()
    value = rng.randrange(40, 600) * 1000
    last_checkin = today - dt.timedelta(days={"healthy": rng.randint(1, 8), "at-risk": rng.randint(15, 24),
                                             "neglected": rng.randint(38, 60)}.get(profile, rng.randint(5, 12)))
    draft.overview = {
        "deal": f"{customer} – {project}", "customer": customer, "seller_owner": seller,
        "champion": champion, "economic_buyer": buyer, "value": value,
        "currency": rng.choice(["USD", "USD", "EUR", "GBP"]),
        "stage": rng.choice(["Evaluation", "Business case", "Negotiation"]),
        "close_date": close, "go_live": close + dt.timedelta(days=rng.randint(45, 90)), "plan_start": start,
        "last_reviewed": last_checkin, "template_version": TEMPLATE_VERSION,
        "goals": f"Replace the manual {project.lower()} process before the next planning cycle; "
                 "cut reporting effort by at least half.",
        "compelling_event": f"Current contract for the legacy tool ends on {close + dt.timedelta(days=60):%d %b %Y}.",
        "success_criteria": "Trial scorecard of 4/5 or better; ROI payback under 12 months.",
    }
    if profile == "vague":
        draft.overview.pop("compelling_event")
        draft.overview["goals"] = "TBD"
    draft.tables["milestones"] = milestones
    draft.tables["actions"] = actions
    draft.tables["stakeholders"] = _stakeholders(rng, profile, today, seller, se, champion, buyer, legal,
                                                 security, procurement, evaluator)
    if profile not in ("at-risk", "vague") or rng.random() < 0.3:
        draft.tables["risks"] = _risks(rng, profile, seller, champion)
    draft.tables["checkins"] = _checkins(rng, profile, start, last_checkin, today, seller, champion)
    if profile != "vague":
        draft.tables["outcomes"] = [
            {"metric": m, "baseline": b, "target": t, "measured_by": close + dt.timedelta(days=120), "owner": champion}
            for m, b, t in rng.sample(_OUTCOMES, 2)]

    # Zero-padded to the count's width, so that files sort in order past 99 plans too.
    filename = f"{n:0{max(2, width)}d} {customer} - {project}.xlsx".replace("/", "-")
    sample = Sample(filename, profile, draft)
    if profile == "drift":
        sample.rename_headers = {("Actions", "Owner"): "Responsible", ("Milestones", "Due"): "Deadline"}
        sample.extra_columns = {"Actions": [("Internal notes", ["Keep procurement in the loop"] * min(3, len(actions)))]}
    return sample


def _actions(rng, profile, milestones, today, seller, se, champion, evaluator, buyer, legal, procurement):
    customer_people = {1: champion, 2: champion, 3: evaluator, 4: champion, 5: legal, 6: procurement,
                       7: buyer, 8: buyer, 9: champion}
    rows = []
    overdue_budget = {"at-risk": 2, "neglected": 4}.get(profile, 0)
    for mi, m in enumerate(milestones, start=1):
        items = list(_ACTIONS[mi])
        if profile == "bloated":
            items += [(f"{text} (part {k})", party) for k in (2, 3, 4) for text, party in _ACTIONS[mi]]
        for text, party in items:
            due = m["due"] - dt.timedelta(days=rng.randint(0, 4))
            owner = (seller if mi in (2, 8) else se) if party == "Vendor" else customer_people[mi]
            status, completed = "Not started", None
            late = (today - due).days
            if late > 0:
                slip = overdue_budget > 0 and party == "Customer" and (
                    profile == "neglected" and late >= 7 or profile == "at-risk" and 1 <= late <= 6)
                if slip:
                    overdue_budget -= 1
                    status = "In progress" if rng.random() < 0.5 else "Not started"
                else:
                    status, completed = "Done", due - dt.timedelta(days=rng.randint(0, 2))
            elif late > -7:
                status = "In progress"
            if profile == "vague" and rng.random() < 0.45:
                owner = rng.choice([None, "Customer", "TBD", "Vendor"])
                text = rng.choice(["Follow up", "TBD", "Discuss next steps", text])
            rows.append({"id": f"A{len(rows) + 1}", "action": text, "milestone": m["id"], "party": party,
                         "owner": owner, "due": due, "status": status, "completed": completed})
    if profile == "neglected":
        # A neglected plan has customer items weeks late even when the schedule gave none.
        for row in rows:
            if overdue_budget <= 0:
                break
            if row["party"] == "Customer" and row["status"] != "Done":
                row["due"] = today - dt.timedelta(days=rng.randint(9, 25))
                overdue_budget -= 1
    if profile == "at-risk" and overdue_budget == 2:
        for row in rows:
            if row["party"] == "Customer" and row["status"] != "Done":
                row["due"] = today - dt.timedelta(days=rng.randint(2, 5))
                row["status"] = "In progress"
                break
    return rows


def _sync_milestone_status(milestones: list[dict], actions: list[dict], today: dt.date) -> None:
    """A milestone's status follows its actions (as GetAccept does): done when all are done."""
    for m in milestones:
        own = [a for a in actions if a["milestone"] == m["id"]]
        if own and all(a["status"] == "Done" for a in own):
            m["status"] = "Done"
            m["completed"] = max(a["completed"] for a in own)
        elif any(a["status"] != "Not started" for a in own):
            m["status"] = "In progress"


def _stakeholders(rng, profile, today, seller, se, champion, buyer, legal, security, procurement, evaluator):
    def recent(days):
        return today - dt.timedelta(days=rng.randint(1, days))

    rows = [
        {"name": seller, "title": "Account Executive", "side": "Vendor", "role": "Account executive",
         "influence": "Medium", "engagement": "Engaged", "last_contact": recent(3)},
        {"name": se, "title": "Solutions Engineer", "side": "Vendor", "role": "Sales engineer",
         "influence": "Medium", "engagement": "Engaged", "last_contact": recent(5)},
        {"name": champion, "title": "Head of Operations", "side": "Customer", "role": "Champion",
         "influence": "High", "engagement": "Engaged", "last_contact": recent(7)},
        {"name": buyer, "title": "Chief Financial Officer", "side": "Customer", "role": "Economic buyer",
         "influence": "High", "engagement": "Neutral", "last_contact": recent(30)},
        {"name": evaluator, "title": "IT Architect", "side": "Customer", "role": "Technical evaluator",
         "influence": "Medium", "engagement": "Engaged", "last_contact": recent(10)},
        {"name": legal, "title": "Corporate Counsel", "side": "Customer", "role": "Legal",
         "influence": "Medium", "engagement": "Unknown", "last_contact": None},
        {"name": security, "title": "CISO", "side": "Customer", "role": "Security",
         "influence": "Medium", "engagement": "Neutral", "last_contact": None},
        {"name": procurement, "title": "Procurement Lead", "side": "Customer", "role": "Procurement",
         "influence": "Low", "engagement": "Unknown", "last_contact": None},
    ]
    for r in rows:
        first, last = r["name"].split(" ", 1)
        r["email"] = f"{first.lower()}.{last.lower()}@example.com"
    if profile == "vague":
        rows = rows[:3]
    elif profile == "neglected":
        rows = [r for r in rows if r["role"] not in ("Legal", "Procurement")]
    return rows


def _risks(rng, profile, seller, champion):
    picked = rng.sample(_RISKS, 3 if profile == "healthy" else 2)
    rows = []
    for i, (risk, category, mitigation) in enumerate(picked, start=1):
        rows.append({"id": f"R{i}", "risk": risk, "category": category, "likelihood": rng.choice(["Medium", "Low"]),
                     "impact": rng.choice(["High", "Medium"]), "mitigation": mitigation,
                     "owner": rng.choice([seller, champion]), "status": "Open"})
    if profile == "neglected":
        rows[0].update(likelihood="High", impact="High", mitigation=None, owner=None)
    return rows


def _checkins(rng, profile, start, last, today, seller, champion):
    rows = []
    gap = 14 if profile != "neglected" else 21
    day = start + dt.timedelta(days=3)
    while day <= last:
        rows.append({"date": day, "attendees": f"{seller}, {champion}",
                     "summary": "Walked through the plan; updated dates and owners.",
                     "decisions": rng.choice(_DECISIONS), "next_steps": "See open actions"})
        day += dt.timedelta(days=gap)
    if not rows or rows[-1]["date"] != last:
        rows.append({"date": last, "attendees": f"{seller}, {champion}",
                     "summary": "Reviewed progress against the milestones.",
                     "decisions": rng.choice(_DECISIONS), "next_steps": "See open actions"})
    for r, nxt in zip(rows, rows[1:]):
        r["next_checkin"] = nxt["date"]
    if profile in ("healthy", "drift", "bloated"):
        rows[-1]["next_checkin"] = max(today + dt.timedelta(days=rng.randint(2, 9)), last + dt.timedelta(days=1))
    return rows


def write_sample(sample: Sample, folder: Path, template: Path | None = None) -> Path:
    wb = load_template(template)
    fill_workbook(wb, sample.draft)
    _apply_drift(wb, sample)
    return atomic_save_workbook(wb, folder / sample.filename)


def _apply_drift(wb: openpyxl.Workbook, sample: Sample) -> None:
    from .template.build import HEADER_ROW

    for (sheet, header), new in sample.rename_headers.items():
        ws = wb[sheet]
        for cell in ws[HEADER_ROW]:
            if cell.value == header:
                cell.value = new
    for sheet, columns in sample.extra_columns.items():
        ws = wb[sheet]
        for header, values in columns:
            col = ws.max_column + 1
            head = ws.cell(HEADER_ROW, col, header)
            head._style = ws.cell(HEADER_ROW, col - 1)._style
            ws.column_dimensions[head.column_letter].width = 24
            for i, v in enumerate(values, start=HEADER_ROW + 1):
                ws.cell(i, col, v)


def write_samples(folder: str | Path, count: int = 25, *, seed: int = 7, today: dt.date) -> list[tuple[Sample, Path]]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    template = None
    return [(s, write_sample(s, folder, template)) for s in generate_samples(count, seed=seed, today=today)]
