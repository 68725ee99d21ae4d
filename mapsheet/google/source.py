"""A Google Sheet as a plan source (see mapsheet/sources.py): read in one request, edited in one.

Checking reads the Sheet once (``spreadsheets.get``, fields ``grid.READ_FIELDS``); annotating after a
check sends one ``batchUpdate`` built from that same read (no second read); cleaning is one read and
one ``batchUpdate`` (none when there is nothing to clean)."""

from __future__ import annotations

import os
from typing import Callable

from ..errors import MapsheetError
from ..sources import GOOGLE, PlanRef, given_config
from .body import build_body
from .client import GoogleError
from .grid import READ_FIELDS, title, workbook_from_response
from .ids import sheet_url


UNSURE_WRITES = 3  # attempts at a write whose outcome was unknown (each after a fresh read)


class GoogleSource:
    def __init__(self, spreadsheet: str, client: "Callable[[], object] | object | None" = None):
        self.spreadsheet = spreadsheet
        self._client = client
        self.response: dict | None = None
        self.ref = PlanRef(f"google:{spreadsheet}", spreadsheet, sheet_url(spreadsheet), GOOGLE)

    @property
    def client(self):
        if self._client is None:
            from .client import connect

            self._client = connect()
        elif callable(self._client) and not hasattr(self._client, "get"):
            self._client = self._client()
        return self._client

    def fetch(self) -> dict:
        """The one read; kept, so that annotating after a check does not read again."""
        self.response = self.client.get(self.spreadsheet, fields=READ_FIELDS)
        self.ref = PlanRef(self.ref.key, title(self.response), self.ref.link, GOOGLE)
        return self.response

    def read(self):
        return workbook_from_response(self.fetch(), source=f"{self.ref.name} ({self.ref.link})")

    def config(self, given=None):
        from ..config import Config

        return given_config(given) or Config.default()

    def apply(self, edits, output: str | os.PathLike | None = None) -> tuple[str, bool]:
        if output is not None:
            raise MapsheetError(f"{self.ref.link}: --output writes files; a Google Sheet is annotated in place "
                                "(make a copy in Google Sheets first to keep the original)")
        edits = list(edits)
        response = self.response if self.response is not None else self.fetch()
        for attempt in range(UNSURE_WRITES):
            body = build_body(response, edits)
            if not body["requests"]:
                return self.ref.link, attempt > 0
            try:
                self.client.batch_update(self.spreadsheet, body)
                break
            except GoogleError as exc:
                # A timeout or 5xx: the write may have landed. A batchUpdate is atomic, so the Sheet is
                # either as read or fully edited; read it again and send what is still needed (an edit
                # list applied twice gives the same Sheet as once).
                if not exc.unsure or attempt == UNSURE_WRITES - 1:
                    raise
                response = self.fetch()
        self.response = None  # the Sheet changed: a later edit reads it again
        return self.ref.link, True


def opener(credentials: str | os.PathLike | None = None, *, session=None, retry=None,
           caller=None) -> Callable[[str], GoogleSource]:
    """Open Sheets by id with ONE shared client, signed in only when the first Sheet is used."""
    shared: dict = {}

    def client():
        if "client" not in shared:
            from .client import connect

            shared["client"] = connect(credentials, session=session, retry=retry, caller=caller)
        return shared["client"]

    return lambda spreadsheet: GoogleSource(spreadsheet, client)
