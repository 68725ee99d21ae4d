"""Lets the Apps Script's fake `Sheets` service (in node) reach the local Google fake (in this Python
process): a small HTTP server on 127.0.0.1 that forwards spreadsheets.get and spreadsheets.batchUpdate
to a requests session the fake serves, and keeps what the sheet looked like after each batchUpdate."""

from __future__ import annotations

import json

from loopback import Handler, LoopbackServer

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets/"


class SheetsBridge(LoopbackServer):
    def __init__(self, session, snapshot):
        """``snapshot(spreadsheet_id)`` is called after every batchUpdate; its results are in ``states``."""
        self.states: list = []
        outer = self

        class Bridge(Handler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                call = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                sid = call["spreadsheetId"]
                if self.path == "/get":
                    params = {k: ("true" if v is True else v) for k, v in call["params"].items()}
                    answer = session.get(SHEETS + sid, params=params, timeout=30)
                else:
                    answer = session.post(SHEETS + sid + ":batchUpdate", json=call["body"], timeout=30)
                    if answer.status_code == 200:
                        outer.states.append(snapshot(sid))
                self.reply(answer.status_code, answer.content, "application/json")

        super().__init__(Bridge)
