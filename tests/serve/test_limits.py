"""What `mapsheet serve` refuses before judging a plan: bodies too large, malformed or too slow to arrive,
and a burst over the per-user rate limit. Over a real socket; each refusal is JSON the script can show."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from .test_auth import EMPTY, post, refused


def test_a_body_declared_too_large_is_refused_before_it_is_read(serve, signer):
    server = serve(max_body_bytes=100_000)
    big = {**EMPTY, "padding": "x" * 200_000}
    assert "larger than this server accepts" in refused(post(server, signer.token(), json=big), 413, "too-large")


def test_a_streamed_body_is_cut_off_at_the_limit(serve, signer):
    server = serve(max_body_bytes=100_000)
    chunks = (b"x" * 10_000 for _ in range(50))  # chunked: no Content-Length to trust
    response = requests.post(server.url + "/check", data=chunks, timeout=10,
                             headers={"Authorization": f"Bearer {signer.token()}", "Content-Type": "application/json"})
    refused(response, 413, "too-large")


@pytest.mark.parametrize("body, code", [
    (b"{not json", "malformed-json"),
    (b"\xff\xfe\x00", "malformed-json"),
    (b"[1, 2]", "bad-request"),
    (json.dumps({"spreadsheet": EMPTY["spreadsheet"]}).encode(), "bad-request"),
    (json.dumps({"spreadsheetId": "../../etc", "spreadsheet": {"sheets": []}}).encode(), "bad-request"),
    (json.dumps({"spreadsheetId": "1AbCdEfGhIjKlMnOp", "spreadsheet": {"sheets": "all"}}).encode(), "bad-request"),
    (json.dumps({"spreadsheetId": "1AbCdEfGhIjKlMnOp",
                 "spreadsheet": {"spreadsheetId": "1ZzZzZzZzZzZzZ", "sheets": []}}).encode(), "bad-request"),
])
def test_a_malformed_body_is_a_400_that_says_what_is_wrong(serve, signer, body, code):
    server = serve()
    response = requests.post(server.url + "/check", data=body, timeout=10,
                             headers={"Authorization": f"Bearer {signer.token()}"})
    refused(response, 400, code)


def test_a_client_that_trickles_its_body_is_cut_off_with_408(serve, signer):
    server = serve(timeout_seconds=1)
    head = (f"POST /check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {signer.token()}\r\n"
            "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n").encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head + b'{"spreadsheetId": ')  # ... and never the rest
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            piece = sock.recv(4096)
            if not piece:
                break
            answer += piece
    assert time.monotonic() - started < 5
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 408 " in status_line
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "too-slow"


def test_a_burst_over_the_rate_limit_is_told_when_to_retry_and_other_users_are_not(serve, signer):
    server = serve(rate_per_minute=3)
    dana, sam = signer.token("dana@acme.com"), signer.token("sam@acme.com")
    answers = [post(server, dana) for _ in range(5)]
    assert [a.status_code == 429 for a in answers] == [False, False, False, True, True]
    message = refused(answers[-1], 429, "rate-limited")
    assert "dana@acme.com" in message and "try again in" in message
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert post(server, sam).status_code != 429


def test_the_rate_limit_slides_with_the_minute():
    from mapsheet.serve.errors import Refused
    from mapsheet.serve.limits import RateLimiter

    now = [1000.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    limiter.take("dana")
    now[0] += 30
    limiter.take("dana")
    with pytest.raises(Refused):
        limiter.take("dana")
    now[0] += 31  # the first request is now more than a minute old
    limiter.take("dana")


def test_health_unknown_addresses_and_methods_answer_json(serve):
    server = serve()
    health = requests.get(server.url + "/health", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    refused(requests.get(server.url + "/nope", timeout=5), 404, "not-found")
    refused(requests.get(server.url + "/check", timeout=5), 405, "bad-method")
