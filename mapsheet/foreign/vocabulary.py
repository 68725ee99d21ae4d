"""The words real MAP sheets use: their headers, statuses, sides and placeholders, once.

Collected from published layouts (tests/foreign/LAYOUTS.md). Headers are compared normalised
(``normalize_header``: case, spacing and punctuation ignored). What the template itself calls things stays
in ``template.spec``; this module holds only what sheets made elsewhere write.
"""

from __future__ import annotations

import re

from ..template.spec import CLOSED_STATUSES, normalize_header

VENDOR, CUSTOMER, JOINT = "Vendor", "Customer", "Joint"
DONE, DOING, TODO, BLOCKED = "Done", "In progress", "Not started", "Blocked"
assert DONE in CLOSED_STATUSES

#: Header words for each field of a step, best first. A header matches a field when its normalised text is
#: one of these, or (for the longer ones) contains one as whole words.
STEP_HEADERS: dict[str, tuple[str, ...]] = {
    "action": ("action", "action item", "action items", "task", "tasks", "task name", "step", "steps", "activity",
               "activities", "key activities", "key activity", "item", "items", "description", "deliverable",
               "objective", "goal", "event", "what", "title", "next action", "to do", "todo", "key milestones",
               "deal steps", "step description", "action step"),
    "owner": ("owner", "owners", "task owner", "responsible", "who", "assigned to", "assignee", "assigned stakeholders",
              "action officers", "action officer", "name", "lead", "contact", "person", "accountable", "owner name",
              "resource", "dri", "owned by", "responsible party", "point person", "poc", "owner s", "owner lead",
              "who owns", "driver", "assigned"),
    "due": ("due", "due date", "date", "when", "target date", "deadline", "by when", "timing", "timeline",
            "target", "planned date", "finish", "end date", "week", "day", "by", "eta", "target completion",
            "date due", "due by", "completion target", "target completion date", "planned", "end", "finish date",
            "complete by", "target end", "planned end", "target completion", "commit date", "committed date"),
    "status": ("status", "state", "progress", "done", "done?", "complete", "complete?", "% complete",
               "percent complete", "health", "item status", "progress (%)", "progress %", "rag", "completed ✓",
               "completed?", "stage status"),
    "completed": ("completed", "completed on", "completion date", "date completed", "completed date", "done on", "actual date",
                  "actual", "closed on", "date closed"),
    "party": ("party", "side", "owner side", "buyer/seller", "seller/buyer", "vendor / customer", "vendor/customer",
              "customer / vendor", "us / them / both", "us/them", "us / them", "company", "organisation",
              "organization", "team", "who (us/them/both)"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "risk / notes", "risks", "blockers"),
    "id": ("#", "id", "no", "no.", "step #", "ref", "nr", "number"),
    "phase": ("phase", "milestone", "milestones", "stage", "focus area", "workstream", "category", "section"),
}

#: "Owner (Customer / Vendor)": one cell holds both sides' owners, in the header's order.
OWNER_PAIR_HEADER = re.compile(r"^(?:owners?|leads?|responsible|who|contacts?|names?|dri)\s*[:\-]?\s*\(?\s*"
                               r"(?P<first>[a-z][a-z ]*?)\s*/\s*(?P<second>[a-z][a-z ]*?)\s*\)?$")

SIDE_WORDS: dict[str, str] = {
    "vendor": VENDOR, "seller": VENDOR, "supplier": VENDOR, "us": VENDOR, "we": VENDOR, "our company": VENDOR,
    "your company": VENDOR, "our side": VENDOR, "sales": VENDOR, "seller side": VENDOR, "vendor side": VENDOR,
    "our team": VENDOR, "your side": VENDOR,
    "customer": CUSTOMER, "buyer": CUSTOMER, "client": CUSTOMER, "prospect": CUSTOMER, "them": CUSTOMER,
    "they": CUSTOMER, "their side": CUSTOMER, "customer side": CUSTOMER, "buyer side": CUSTOMER, "partner": CUSTOMER,
    "both": JOINT, "joint": JOINT, "shared": JOINT, "mutual": JOINT, "all": JOINT, "both sides": JOINT,
    "joint milestone": JOINT,
}

#: Departments a buyer's sheet names owners by ("Raj Iyer (IT)"): they are the customer's.
CUSTOMER_DEPARTMENTS = frozenset({"it", "legal", "procurement", "security", "infosec", "finance", "ops",
                                  "operations", "hr", "purchasing", "it lead", "cfo", "cio", "ciso", "ceo"})
#: Roles that belong to the selling side ("Lee Park (SE)").
VENDOR_ROLES = frozenset({"ae", "se", "sales", "account executive", "sales engineer", "csm", "solutions engineer"})

STATUS_WORDS: dict[str, str] = {
    # finished
    "done": DONE, "complete": DONE, "completed": DONE, "finished": DONE, "closed": DONE, "achieved": DONE,
    "held": DONE, "yes": DONE, "y": DONE, "signed": DONE, "approved": DONE, "delivered": DONE, "green done": DONE,
    "✅": DONE, "✔": DONE, "✓": DONE, "☑": DONE, "✔️": DONE, "x": DONE, "[x]": DONE,
    # under way (a late one is still open: being late is what the due date says)
    "in progress": DOING, "wip": DOING, "ongoing": DOING, "started": DOING, "underway": DOING, "under way": DOING,
    "on track": DOING, "at risk": DOING, "delayed": DOING, "overdue": DOING, "late": DOING, "slipping": DOING,
    "behind": DOING, "in flight": DOING, "active": DOING, "scheduled": TODO, "🔄": DOING, "⏳": DOING, "🟡": DOING,
    "amber": DOING, "yellow": DOING, "green": DOING, "red": DOING,
    # not started
    "not started": TODO, "to do": TODO, "todo": TODO, "pending": TODO, "open": TODO, "planned": TODO,
    "ready": TODO, "not yet started": TODO, "not scheduled": TODO, "upcoming": TODO, "new": TODO, "no": TODO,
    "not achieved": TODO, "⬜": TODO, "☐": TODO, "[ ]": TODO, "□": TODO, "🔲": TODO, "⚪": TODO, "n": TODO,
    "next": TODO, "queued": TODO,
    # stuck
    "blocked": BLOCKED, "waiting": BLOCKED, "on hold": BLOCKED, "stuck": BLOCKED, "stalled": BLOCKED,
    "🔴": BLOCKED, "waiting on customer": BLOCKED, "waiting on vendor": BLOCKED,
    "cancelled": "Cancelled", "canceled": "Cancelled", "dropped": "Cancelled", "n/a": "Cancelled",
}

#: Cells that hold no value yet: a missing value, never an error.
PLACEHOLDERS = frozenset({"tbd", "tba", "tbc", "n a", "na", "", "?", "[date]", "[name]", "date", "xx", "none yet",
                          "to be confirmed", "to be decided", "[your name]", "[notes]", "-", "—", "–"})

#: Overview labels real sheets use, beyond the template's own synonyms (normalised -> field key).
DEAL_LABELS: dict[str, str] = {
    "target close": "close_date", "target close date": "close_date", "contract signature target": "close_date",
    "target decision date": "close_date", "expected close": "close_date", "close date": "close_date",
    "decision date": "close_date", "target signature": "close_date",
    "target go live": "go_live", "target go live date": "go_live", "go live": "go_live", "release date": "go_live",
    "created": "plan_start", "plan start": "plan_start", "start date": "plan_start", "kickoff": "plan_start",
    "target start date": "plan_start", "kick off": "plan_start", "plan start date": "plan_start",
    "last updated": "last_reviewed", "last reviewed": "last_reviewed", "updated": "last_reviewed",
    "account": "customer", "prospect": "customer", "buyer": "customer", "customer": "customer", "client": "customer",
    "partner": "customer", "company": "customer", "prepared for": "customer",
    "opportunity": "deal", "deal": "deal", "deal name": "deal", "deal room": "deal", "project": "deal",
    "stage": "stage", "objective": "goals", "business objective": "goals", "goals": "goals", "north star": "goals",
    "pov objective": "goals",
}
#: Labels that name the selling company (kept for party inference; the template has no field for it).
VENDOR_LABELS = frozenset({"seller", "vendor", "supplier", "our company", "prepared by", "seller company"})


def norm(text: object) -> str:
    """Text reduced to its words, as headers are compared."""
    return normalize_header(text)


#: Words that make a header an owner's ("Customer owner", "Responsible (Vendor)", "Seller lead").
OWNER_WORDS = frozenset({"owner", "owners", "lead", "leads", "responsible", "contact", "name", "dri", "poc",
                         "accountable", "resp"})


def owner_side_header(normalised: str) -> str | None:
    """The side an owner header names ("Owner (Vendor)", "Buyer owner", "Customer lead"), or None. The header
    must hold an owner word and exactly one side word, and nothing else but filler."""
    words = normalised.split()
    if not words or not OWNER_WORDS & set(words) or len(words) > 4:
        return None
    sides = set()
    for i, w in enumerate(words):
        two = " ".join(words[i:i + 2])
        if two in SIDE_WORDS and SIDE_WORDS[two] != JOINT:
            sides.add(SIDE_WORDS[two])
        elif w in SIDE_WORDS and SIDE_WORDS[w] != JOINT and w not in ("we", "they", "all"):
            sides.add(SIDE_WORDS[w])
    return sides.pop() if len(sides) == 1 else None
