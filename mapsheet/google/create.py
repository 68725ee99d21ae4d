"""``mapsheet new --google``: a plan made in Google Sheets, from the template description or a team's
own template in Drive.

- From the spec: the same workbook ``mapsheet new`` writes (template/build.py, filled by fill.py) is
  laid out in a new spreadsheet by ``template.build_requests``: Drive ``files.create`` (into
  ``--folder`` when given) + ONE ``batchUpdate``.
- From ``--template-id``: Drive ``files.copy`` (keeps everything the team's template has, a bound
  Apps Script included), ONE read to find where the values go (the reader's own label and header
  matching), ONE ``batchUpdate`` writing the values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..backends.memory import draft_cells
from ..errors import MapsheetError
from ..fill import PlanDraft, fill_workbook, load_template
from .client import GoogleClient, GoogleError
from .formats import date_format, extended_value
from .grid import READ_FIELDS, sheet_ids, workbook_from_response
from .ids import sheet_url
from .template import build_requests


def create_plan(client: GoogleClient, draft: PlanDraft, *, title: str, folder: str | None = None,
                template_id: str | None = None, template: str | None = None) -> str:
    """Make the plan; returns the new spreadsheet's id."""
    if template_id:
        sid = client.copy_file(template_id, title=title, folder=folder)
        requests = fill_requests(client.get(sid, fields=READ_FIELDS), draft, sid)
    else:
        wb = load_template(template)
        fill_workbook(wb, draft)
        sid = client.create_spreadsheet(title=title, folder=folder)
        requests = build_requests(wb, replace_sheet=0)  # a new spreadsheet's one blank tab
    try:
        client.batch_update(sid, {"requests": requests})
    except GoogleError as exc:
        raise MapsheetError(f"{exc} (the new spreadsheet {sheet_url(sid)} was created but not filled in; "
                            "delete it and run the command again)") from None
    return sid


def fill_requests(response: dict, draft: PlanDraft, sid: str) -> list[dict]:
    """Values of ``draft`` written into a copied template, where the reader finds its labels and headers."""
    template = workbook_from_response(response, source=sheet_url(sid))
    ids = sheet_ids(response)
    try:
        cells = draft_cells(draft, template)
    except (KeyError, AttributeError, ValueError) as exc:
        raise MapsheetError(f"{sheet_url(sid)}: the template does not have the plan's tabs and headers ({exc}); "
                            "start from `mapsheet new --google` without --template-id, or fix the template") from None
    requests = []
    for (sheet, r, c), value in sorted(cells.items(), key=lambda kv: kv[0]):
        cell: dict[str, Any] = {"userEnteredValue": extended_value(_plain(value))}
        fields = "userEnteredValue"
        if isinstance(value, dt.date):
            cell["userEnteredFormat"] = date_format()
            fields += ",userEnteredFormat.numberFormat"
        requests.append({"updateCells": {"rows": [{"values": [cell]}], "fields": fields,
                                         "start": {"sheetId": ids[sheet], "rowIndex": r, "columnIndex": c}}})
    return requests


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if isinstance(value, dt.datetime):
        return value.date()
    return "" if value is None else value
