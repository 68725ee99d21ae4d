"""`mapsheet serve` from the command line: settings from options and environment variables, and a
clear refusal to start open to everyone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import requests

from cli.runner import run_cli

from .google_signer import AUDIENCE


def test_serve_refuses_to_start_without_an_audience_or_a_key(monkeypatch):
    for name in ("MAPSHEET_AUDIENCE", "MAPSHEET_ALLOW", "MAPSHEET_SHARED_SECRET"):
        monkeypatch.delenv(name, raising=False)
    result = run_cli(["serve"])
    assert result.exit_code == 2
    assert "--audience" in result.output and "open to everyone" in result.output


def test_serve_starts_from_environment_variables_and_checks_tokens(signer, certs):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MAPSHEET_AUDIENCE": AUDIENCE, "MAPSHEET_ALLOW": "acme.com, lee@partner.io",
           "PORT": str(port), "MAPSHEET_CERTS_URL": certs.url, "MAPSHEET_RATE_LIMIT": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "mapsheet", "serve"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                health = requests.get(url + "/health", timeout=1)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.05)
        assert health.json()["status"] == "ok"
        empty = {"spreadsheetId": "1AbCdEfGhIjKlMnOp", "spreadsheet": {"sheets": []}}
        answers = [requests.post(url + "/clear", json=empty, timeout=10,
                                 headers={"Authorization": f"Bearer {signer.token('lee@partner.io')}"})
                   for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]  # MAPSHEET_RATE_LIMIT=2
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert f"mapsheet serve on http://127.0.0.1:{port}: accepts Google ID tokens for {AUDIENCE}" in output
    assert "POST /clear 429" in output and "caller=lee@partner.io" in output
