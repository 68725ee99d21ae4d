"""What the Apps Script posts and what it gets back, apart from HTTP.

The script posts ``{"spreadsheetId": ID, "spreadsheet": <the spreadsheets.get answer>}``, the answer it
fetched with ``READ_FIELDS`` for the plan's tabs; the same function the CLI uses turns it into one
Sheets ``batchUpdate`` body. Check answers the body with the score, grade, band, its reasons and a
one-line summary for the toast; Clear answers the body that removes every mark.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from ..config import Config
from ..errors import MapsheetError
from ..rules.base import Severity
from .errors import Refused

_SPREADSHEET_ID = re.compile(r"^[A-Za-z0-9_-]{10,100}$")


def parse_request(raw: bytes) -> tuple[str, dict[str, Any]]:
    """The spreadsheet id and the spreadsheets.get answer in a posted body, or ``Refused`` (400)."""
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "malformed-json", "the request is not valid JSON; update the mapsheet script "
                      "(mapsheet google script) and try again") from None
    if not isinstance(payload, dict):
        raise Refused(400, "bad-request", "the request must be a JSON object with spreadsheetId and spreadsheet")
    spreadsheet_id, answer = payload.get("spreadsheetId"), payload.get("spreadsheet")
    if not isinstance(spreadsheet_id, str) or not _SPREADSHEET_ID.match(spreadsheet_id):
        raise Refused(400, "bad-request", "the request has no valid spreadsheetId")
    if not isinstance(answer, dict) or not isinstance(answer.get("sheets"), list):
        raise Refused(400, "bad-request", "the request has no spreadsheet (the spreadsheets.get answer with its "
                      "sheets)")
    if answer.get("spreadsheetId", spreadsheet_id) != spreadsheet_id:
        raise Refused(400, "bad-request", "spreadsheetId does not match the spreadsheet sent")
    return spreadsheet_id, answer


def check_answer(spreadsheet_id: str, answer: dict[str, Any], *, config: Config | None,
                 today: dt.date | None = None) -> dict[str, Any]:
    from .. import api

    result, body = _judged(lambda: api.google_check_body(answer, today=today, config=config))
    score = result.score
    return {"spreadsheetId": spreadsheet_id, "body": body, "score": score.total, "grade": score.grade,
            "band": score.band.value, "reasons": list(score.band_reasons), "summary": summary(result)}


def clear_answer(spreadsheet_id: str, answer: dict[str, Any]) -> dict[str, Any]:
    from .. import api

    return {"spreadsheetId": spreadsheet_id, "body": _judged(lambda: api.google_clear_body(answer))}


def summary(result) -> str:
    """The toast's line: score, grade, band and what there is to fix."""
    parts = []
    for severity in Severity:
        n = result.count(severity)
        if n:
            plural = "s" if n != 1 and severity is not Severity.INFO else ""
            parts.append(f"{n} {severity.value}{plural}")
    counts = ", ".join(parts)
    todo = f"{counts}: see the Plan check tab" if counts else "nothing to fix"
    return f"Score {result.score.total}/100 ({result.score.grade}), {result.score.band.value}. {todo}."


def _judged(work):
    try:
        return work()
    except MapsheetError as exc:
        raise Refused(422, "not-checkable", str(exc)) from None
