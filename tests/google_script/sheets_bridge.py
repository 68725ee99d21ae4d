"""Lets the Apps Script's fake `Sheets` service (in node) reach the local Google fake (in this Python
process): a small HTTP server on 127.0.0.1 that forwards spreadsheets.get and spreadsheets.batchUpdate
to a requests session the fake serves, and keeps what the sheet looked like after each batchUpdate."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets/"


class SheetsBridge:
    def __init__(self, session, snapshot):
        """``snapshot(spreadsheet_id)`` is called after every batchUpdate; its results are in ``states``."""
        self.states: list = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
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
                body = answer.content
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()
