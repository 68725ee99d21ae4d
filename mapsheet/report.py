"""Check results as data: the stable JSON document of ``mapsheet check --format json``.

Schema ``mapsheet.check/1`` (documented in the README; fields are only ever added, never renamed or
removed, within a schema version)::

    {"schema": "mapsheet.check/1", "mapsheet": "0.1.0", "today": "2026-11-27",
     "plans": [{"file": "...", "deal": "...", "customer": "...", "owner": "...",
                "score": 72, "grade": "C", "band": "At risk", "band_reasons": ["..."],
                "families": [{"family": "follow-through", "title": "Follow-through", "weight": 11,
                              "lost": 6.0, "score": 5.0, "findings": 2}],
                "dimensions": [{"dimension": "mutual-ownership", "title": "Mutual ownership",
                                "state": "failing", "why": "...", "lost": 12.0}],
                "understood": {"actions": {"rows": 14, "owner": 12, "party": 14, "due": 14, "status": 14},
                               "milestones": {"rows": 7, "owner": 7, "due": 7, "status": 7},
                               "stakeholders": {"rows": 8}, "risks": {"rows": 2}, "checkins": {"rows": 4},
                               "outcomes": {"rows": 2}},
                "counts": {"error": 1, "warning": 3, "info": 0},
                "findings": [{"code": "MAP801", "name": "overdue-customer-item", "severity": "error",
                              "family": "follow-through", "message": "...", "sheet": "Actions",
                              "cell": "F10", "row": 10, "column": 6, "points": 4.5, "band": "Off track"}],
                "suppressed": [ ...same shape as findings... ],
                "checked_at": "2026-11-27T10:00:00+00:00", "config": "defaults", "error": null}]}

``band`` is On track, At risk, Off track or Not checkable. ``dimensions`` gives each core dimension's state
(ok, weak, failing, not read) and the points it cost beyond its families; ``band_lost`` the points the
band itself took; ``understood`` counts the records
read per table and, per field, those understood (an owner that is a person or a side, a party from the
list, a real date, a known status). A plan that could not be read has ``"error": "<message>"`` and no score. ``row`` and ``column`` are
1-based like Excel's (null for a finding about a whole sheet).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ._version import __version__
from .check import CheckResult
from .rules.base import Finding, Severity

SCHEMA = "mapsheet.check/1"


def finding_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "code": f.code, "name": f.name, "severity": f.severity.value, "family": f.family.value,
        "message": f.message, "sheet": loc.sheet, "cell": loc.a1 or None,
        "row": None if loc.row is None else loc.row + 1, "column": None if loc.col is None else loc.col + 1,
        "points": round(f.points, 2), "band": f.band.value if f.band else None,
    }


def result_dict(result: CheckResult, file: str) -> dict[str, Any]:
    plan, score = result.plan, result.score
    return {
        "file": file, "deal": json_value(plan.field("deal")), "customer": json_value(plan.field("customer")),
        "owner": json_value(plan.field("seller_owner")),
        "score": score.total, "grade": score.grade, "band": score.band.value,
        "band_reasons": list(score.band_reasons),
        "families": [{"family": fs.family.value, "title": fs.family.title, "weight": fs.weight,
                      "lost": round(fs.lost, 2), "score": round(fs.score, 2), "findings": fs.findings}
                     for fs in score.families],
        "dimensions": [{"dimension": d.dimension.value, "title": d.dimension.title, "state": d.state.value,
                        "why": d.why, "lost": round(d.lost, 2)} for d in score.dimensions],
        "band_lost": round(score.band_lost, 2),
        "understood": result.understood,
        "counts": {s.value: result.count(s) for s in Severity},
        "findings": [finding_dict(f) for f in result.findings],
        "suppressed": [finding_dict(f) for f in result.suppressed],
        "checked_at": result.checked_at.isoformat(), "config": result.config_source, "error": None,
    }


def json_value(value: Any) -> Any:
    """A cell's value as JSON can hold it: dates and times as ISO text, a duration or anything else as its
    text, a NaN or an infinity (not JSON) as "nan" / "inf"."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def error_dict(file: str, message: str) -> dict[str, Any]:
    return {"file": file, "error": message}


def document(plans: list[dict[str, Any]], today: dt.date) -> dict[str, Any]:
    return {"schema": SCHEMA, "mapsheet": __version__, "today": today.isoformat(), "plans": plans}
