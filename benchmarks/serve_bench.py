"""The Google Sheets button's costs: what the Apps Script posts, and how long `mapsheet serve` takes.

    python benchmarks/serve_bench.py [--repeat 200]

For a template-sized sample plan and a plan of 150 actions, each uploaded to the local Google fake and
read back the way the script reads it (spreadsheets.get with READ_FIELDS, the plan's tabs in full and
the skipped tabs' A1):
1. the request's size (the JSON the script posts);
2. the server's time per check in process (protocol.check_answer: read, check, score, edits, body);
3. the same over HTTP: `mapsheet serve` started as its own process on 127.0.0.1, a verified ID token
   (certificates cached), JSON both ways: the time the server logs for each request (from its arrival to
   the answer, body reading and token check included), and the round trip the client sees (which adds
   the client's own costs, e.g. urllib3 sending headers and body apart, which delayed ACKs can stall). Medians and 95th percentiles; the machine is whatever runs it (CI: 2 cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "google"), str(ROOT / "benchmarks")]

import requests  # noqa: E402

from check_bench import big_plan  # noqa: E402
from fake import FakeGoogle  # noqa: E402
from google_script.harness import script_read, upload_plan  # noqa: E402
from mapsheet.samples import write_samples  # noqa: E402
from mapsheet.serve.protocol import check_answer  # noqa: E402
from serve.google_signer import AUDIENCE, CertServer, GoogleSigner  # noqa: E402

TODAY = dt.date(2026, 11, 27)


def start_server(certs_url: str, log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MAPSHEET_AUDIENCE": AUDIENCE, "MAPSHEET_ALLOW": "acme.com", "MAPSHEET_RATE_LIMIT": "1000000"}
    proc = subprocess.Popen([sys.executable, "-m", "mapsheet", "serve", "--port", str(port), "--certs-url", certs_url],
                            env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(url + "/health", timeout=1)
            return proc, url
        except requests.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("mapsheet serve did not start")


def server_times(log: Path) -> list[float]:
    return [float(m) for m in re.findall(r"POST /check 200 (\d+)ms", log.read_text())]


def stats(samples_ms: list[float]) -> str:
    p95 = statistics.quantiles(samples_ms, n=20)[-1]
    return f"median {statistics.median(samples_ms):6.1f} ms   p95 {p95:6.1f} ms"


def timed(work, repeat: int) -> list[float]:
    work()  # warm
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mapsheet-serve-bench-"))
    template_sized = write_samples(folder, 1, seed=7, today=TODAY)[0][1]
    plans = {"template-sized plan": template_sized, "150-action plan": big_plan(folder)}
    google = FakeGoogle(user="dana@acme.com")
    session = google.session()
    signer = GoogleSigner()
    certs = CertServer(signer, max_age=3600)
    log = folder / "serve.log"
    server, url = start_server(certs.url, log)
    try:
        for name, path in plans.items():
            sid = upload_plan(session, path)
            payload = json.dumps({"spreadsheetId": sid, "spreadsheet": script_read(session, sid)}).encode()
            answer = json.loads(payload)["spreadsheet"]
            in_process = timed(lambda: check_answer(sid, answer, config=None), args.repeat)
            headers = {"Authorization": f"Bearer {signer.token()}", "Content-Type": "application/json"}
            with requests.Session() as http:
                def over_http():
                    response = http.post(url + "/check", data=payload, headers=headers, timeout=30)
                    assert response.status_code == 200, response.text
                    return response
                reply = over_http()
                logged = len(server_times(log))
                over = timed(over_http, args.repeat)
                on_server = server_times(log)[logged + 1:]
            print(f"{name}:")
            print(f"  request {len(payload) / 1024:7.1f} KB   answer {len(reply.content) / 1024:7.1f} KB "
                  f"({len(reply.json()['body']['requests'])} requests in the batchUpdate body)")
            print(f"  in process  {stats(in_process)}")
            print(f"  over HTTP   {stats(on_server)}   (server's log)")
            print(f"              {stats(over)}   (client's round trip)")
    finally:
        server.terminate()
        server.wait(10)
        certs.close()


if __name__ == "__main__":
    main()
