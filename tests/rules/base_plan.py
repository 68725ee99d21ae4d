"""A healthy plan, as of TODAY (2026-11-27): the base every rule case starts from.

It must pass every rule (a test says so). A case changes only what its rule is about, so a failing
case shows exactly one rule's judgement. Don't weaken this plan to make a case pass: change the case.
"""

from __future__ import annotations

import datetime as dt

from mapsheet.fill import PlanDraft

TODAY = dt.date(2026, 11, 27)


def d(month: int, day: int) -> dt.date:
    return dt.date(2027 if month < 6 else 2026, month, day)


def base_plan() -> PlanDraft:
    p = PlanDraft()
    p.overview = {
        "deal": "Northwind – Demand forecasting", "customer": "Northwind Traders", "seller_owner": "Dana Reyes",
        "champion": "Lee Park", "economic_buyer": "Kim Wu", "value": 180000, "currency": "USD",
        "stage": "Evaluation", "close_date": d(1, 29), "go_live": d(3, 15), "plan_start": d(10, 12),
        "last_reviewed": d(11, 24), "template_version": "1.0",
        "goals": "Replace spreadsheet forecasting before the spring planning cycle; cut forecast error by half.",
        "compelling_event": "Spring planning starts 1 March 2027 and the legacy tool's licence ends 31 January.",
        "success_criteria": "Trial scorecard of 4/5 or better; payback under 12 months.",
    }
    m = [
        ("M1", "Discovery and goals agreed", "Joint", "Dana Reyes", d(10, 12), d(10, 23), "Done", d(10, 22), "",
         "Goals and success criteria written on the Overview"),
        ("M2", "Solution demo", "Vendor", "Dana Reyes", d(10, 23), d(11, 6), "Done", d(11, 5), "M1",
         "Demo of the agreed use cases to the evaluation team"),
        ("M3", "Technical evaluation", "Customer", "Lee Park", d(11, 6), d(12, 4), "In progress", None, "M2",
         "Trial scorecard signed off by the technical evaluator"),
        ("M4", "Security and legal review", "Customer", "Ana Ortiz", d(12, 4), d(12, 18), "Not started", None, "M3",
         "Security questionnaire and redlines closed"),
        ("M5", "Procurement and approval", "Customer", "Kim Wu", d(12, 18), d(1, 15), "Not started", None, "M4",
         "Purchase order raised and budget released"),
        ("M6", "Contract signature", "Joint", "Kim Wu", d(1, 15), d(1, 29), "Not started", None, "M5",
         "Order form signed by both sides"),
        ("M7", "Implementation kickoff", "Vendor", "Dana Reyes", d(1, 29), d(2, 12), "Not started", None, "M6",
         "Kickoff held and project plan shared"),
    ]
    keys = ("id", "name", "side", "owner", "start", "due", "status", "completed", "depends_on", "exit_criteria")
    p.tables["milestones"] = [dict(zip(keys, row)) for row in m]
    a = [
        ("A1", "Share the current forecasting process and pain points", "M1", "Customer", "Lee Park", d(10, 20), "Done", d(10, 19)),
        ("A2", "Send discovery summary with proposed success criteria", "M1", "Vendor", "Dana Reyes", d(10, 23), "Done", d(10, 22)),
        ("A3", "Confirm demo attendees and the three use cases", "M2", "Customer", "Lee Park", d(11, 2), "Done", d(11, 2)),
        ("A4", "Run the tailored demo for the evaluation team", "M2", "Vendor", "Sam Turner", d(11, 5), "Done", d(11, 5)),
        ("A5", "Provide a sample data set for the trial", "M3", "Customer", "Raj Iyer", d(11, 13), "Done", d(11, 12)),
        ("A6", "Set up the trial environment and accounts", "M3", "Vendor", "Sam Turner", d(11, 16), "Done", d(11, 16)),
        ("A7", "Complete the trial scorecard with the evaluation team", "M3", "Customer", "Raj Iyer", d(12, 3), "In progress", None),
        ("A8", "Return the security questionnaire with the SOC 2 report", "M4", "Vendor", "Sam Turner", d(12, 10), "Not started", None),
        ("A9", "Send contract redlines to the vendor", "M4", "Customer", "Ana Ortiz", d(12, 16), "Not started", None),
        ("A10", "Raise the purchase order in the procurement system", "M5", "Customer", "Tom Berg", d(1, 12), "Not started", None),
        ("A11", "Send the final order form for signature", "M6", "Vendor", "Dana Reyes", d(1, 20), "Not started", None),
        ("A12", "Sign the order form", "M6", "Customer", "Kim Wu", d(1, 29), "Not started", None),
    ]
    keys = ("id", "action", "milestone", "party", "owner", "due", "status", "completed")
    p.tables["actions"] = [dict(zip(keys, row)) for row in a]
    s = [
        ("Dana Reyes", "Account Executive", "Vendor", "Account executive", "Medium", "Engaged", d(11, 24)),
        ("Sam Turner", "Solutions Engineer", "Vendor", "Sales engineer", "Medium", "Engaged", d(11, 20)),
        ("Lee Park", "Head of Operations", "Customer", "Champion", "High", "Engaged", d(11, 24)),
        ("Kim Wu", "Chief Financial Officer", "Customer", "Economic buyer", "High", "Neutral", d(11, 10)),
        ("Raj Iyer", "IT Architect", "Customer", "Technical evaluator", "Medium", "Engaged", d(11, 20)),
        ("Ana Ortiz", "Corporate Counsel", "Customer", "Legal", "Medium", "Neutral", d(11, 18)),
        ("Mia Chen", "CISO", "Customer", "Security", "Medium", "Neutral", d(11, 18)),
        ("Tom Berg", "Procurement Lead", "Customer", "Procurement", "Low", "Neutral", d(11, 18)),
    ]
    keys = ("name", "title", "side", "role", "influence", "engagement", "last_contact")
    p.tables["stakeholders"] = [
        {**dict(zip(keys, row)), "email": row[0].lower().replace(" ", ".") + "@example.com"} for row in s]
    p.tables["risks"] = [
        {"id": "R1", "risk": "Budget freeze at the fiscal year end", "category": "Budget", "likelihood": "Medium",
         "impact": "High", "mitigation": "Sign before 31 January; the CFO is briefed by the champion",
         "owner": "Lee Park", "status": "Open"},
        {"id": "R2", "risk": "Security review queue is six weeks long", "category": "Legal", "likelihood": "Medium",
         "impact": "Medium", "mitigation": "SOC 2 report sent early; review slot booked for 7 December",
         "owner": "Sam Turner", "status": "Open"},
    ]
    dates = [d(10, 13), d(10, 27), d(11, 10), d(11, 24)]
    p.tables["checkins"] = [
        {"date": day, "attendees": "Dana Reyes, Lee Park", "summary": "Walked through the plan and updated dates",
         "decisions": "Dates confirmed", "next_steps": "See open actions",
         "next_checkin": dates[i + 1] if i + 1 < len(dates) else d(12, 8)}
        for i, day in enumerate(dates)]
    p.tables["outcomes"] = [
        {"metric": "Forecast accuracy", "baseline": "68%", "target": "85%", "measured_by": d(6, 30) .replace(year=2027),
         "owner": "Lee Park"},
        {"metric": "Hours of manual reporting per week", "baseline": "40", "target": "10",
         "measured_by": dt.date(2027, 6, 30), "owner": "Raj Iyer"},
    ]
    return p
