"""Which checks can run on a plan in a foreign layout: a check about risks needs a list of risks, one about
due dates needs due dates. The rest are not run, and said once ("not the mapsheet template: 23 of 71
checks apply"), instead of one error per tab the layout never had.
"""

from __future__ import annotations

from ..model import Plan

#: What each check reads, beyond the plan's steps: template tables ("milestones", ...), step columns
#: ("actions.owner"), or "deal" (a block of deal fields). Checks not listed read only the steps.
NEEDS: dict[str, tuple[str, ...]] = {
    "MAP001": ("template",), "MAP002": ("template",), "MAP003": ("template",), "MAP004": ("template",),
    "MAP008": ("template",), "MAP009": ("milestones",), "MAP010": ("template",),
    "MAP101": ("deal",), "MAP102": ("deal",), "MAP103": ("milestones",), "MAP105": ("stakeholders",),
    "MAP106": ("outcomes",), "MAP107": ("outcomes",), "MAP108": ("deal",), "MAP109": ("deal",),
    "MAP110": ("deal",), "MAP111": ("outcomes",),
    "MAP201": ("actions.owner",), "MAP202": ("actions.owner",), "MAP203": ("actions.due",),
    "MAP205": ("actions.party",), "MAP206": ("milestones",), "MAP207": ("milestones",), "MAP208": ("milestones",),
    "MAP301": ("actions.party",), "MAP302": ("actions.party", "actions.owner"), "MAP303": ("actions.party",
                                                                                          "actions.status"),
    "MAP304": ("milestones",), "MAP305": ("stakeholders",),
    "MAP401": ("deal", "actions.due"), "MAP402": ("milestones",), "MAP403": ("actions.due",),
    "MAP404": ("deal", "actions.due"), "MAP405": ("deal",), "MAP406": ("milestones",), "MAP407": ("actions.status",),
    "MAP408": ("milestones",),
    "MAP501": ("stakeholders",), "MAP502": ("stakeholders",), "MAP503": ("stakeholders", "milestones"),
    "MAP504": ("stakeholders",), "MAP505": ("stakeholders",), "MAP506": ("stakeholders",),
    "MAP601": ("risks",), "MAP602": ("risks",), "MAP603": ("risks",), "MAP604": ("risks",), "MAP605": ("risks",),
    "MAP701": ("checkins",), "MAP702": ("checkins",), "MAP703": ("checkins",), "MAP704": ("deal",),
    "MAP705": ("checkins",),
    "MAP801": ("actions.party", "actions.status", "actions.due"), "MAP802": ("actions.party", "actions.status",
                                                                              "actions.due"),
    "MAP803": ("milestones",), "MAP804": ("actions.status",), "MAP805": ("actions.status",),
    "MAP806": ("actions.status",), "MAP807": ("actions.status", "actions.due"), "MAP808": ("milestones",),
    "MAP902": ("milestones",), "MAP903": ("actions.owner",),
}

_WHAT = {"template": "the template's tabs", "deal": "deal fields (close date, goals...)",
         "milestones": "a Milestones tab", "stakeholders": "a Stakeholders tab", "risks": "a Risks tab",
         "checkins": "a Check-ins tab", "outcomes": "an Outcomes tab", "actions.owner": "an owner column",
         "actions.due": "due dates", "actions.status": "statuses", "actions.party": "the owners' sides"}


def missing(code: str, plan: Plan) -> list[str]:
    """What a check needs that a foreign plan does not have (empty: the check applies)."""
    reading = plan.reading
    if reading is None:
        return []
    have = {t for t, d in plan.tables.items() if d.sheet is not None}
    steps = plan.tables["actions"]
    out = []
    for need in NEEDS.get(code, ()):
        if need == "template":
            ok = False
        elif need == "deal":
            ok = bool(plan.overview_cells)
        elif need.startswith("actions."):
            key = need.split(".", 1)[1]
            ok = key in steps.columns and any(r.values.get(key) or r.inferred.get(key) for r in steps.records)
        else:
            ok = need in have
        if not ok:
            out.append(need)
    return out


def applies(code: str, plan: Plan) -> bool:
    return not missing(code, plan)


def what(need: str) -> str:
    return _WHAT.get(need, need)
