"""Who may call `mapsheet serve`: Google ID tokens minted with a local key, checked by the real google-auth
verifier against a local certificate endpoint, over a real socket. Every refusal is JSON with a sentence
the Apps Script shows to the seller."""

from __future__ import annotations

import time

import pytest
import requests

from mapsheet.errors import MapsheetError
from mapsheet.serve.settings import ServeSettings

from .google_signer import AUDIENCE

EMPTY = {"spreadsheetId": "1AbCdEfGhIjKlMnOp", "spreadsheet": {"spreadsheetId": "1AbCdEfGhIjKlMnOp", "sheets": []}}


def post(server, token=None, path="/clear", json=EMPTY, headers=None):
    headers = dict(headers or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(server.url + path, json=json, headers=headers, timeout=10)


def refused(response, status, code):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert len(error["message"]) > 20
    return error["message"]


@pytest.fixture
def server(serve):
    return serve()


def test_a_valid_token_from_an_allowed_domain_gets_through_to_the_plan(server, signer):
    # a sheet with nothing of mapsheet's: Clear has nothing to remove
    response = post(server, signer.token("dana@acme.com"))
    assert response.status_code == 200, response.text
    assert response.json()["body"] == {"requests": []}


def test_an_allowed_address_outside_the_allowed_domains_gets_through(server, signer):
    assert post(server, signer.token("lee@partner.io")).status_code == 200


@pytest.mark.parametrize("make, status, code, words", [
    (lambda s: s.token(aud="999-other.apps.googleusercontent.com"), 401, "wrong-audience", "another application"),
    (lambda s: s.token(iss="https://evil.example.com"), 401, "wrong-issuer", "not issued by Google"),
    (lambda s: s.token(issued=time.time() - 7200, lifetime=3600), 401, "token-expired", "expired"),
    (lambda s: s.token(issued=time.time() + 600), 401, "token-not-yet-valid", "not valid yet"),
    (lambda s: s.token(email_verified=False), 403, "email-not-verified", "dana@acme.com"),
    (lambda s: s.token("mallory@acme.com.evil.io"), 403, "not-allowed", "mallory@acme.com.evil.io"),
    (lambda s: s.token("sam@other.com"), 403, "not-allowed", "--allow"),
    (lambda s: s.token(email=None), 401, "no-email", "userinfo.email"),
    (lambda s: "garbage", 401, "invalid-token", "could not be verified"),
    (lambda s: s.token()[:-12] + "AAAAAAAAAAAA", 401, "invalid-token", "could not be verified"),
])
def test_a_bad_token_is_refused_with_a_clear_message(server, signer, make, status, code, words):
    message = refused(post(server, make(signer)), status, code)
    assert words in message


def test_a_token_within_the_clock_skew_is_accepted(server, signer):
    # Google's clock 5 s ahead of ours: the token looks issued in the future, within the 10 s allowed
    assert post(server, signer.token(issued=time.time() + 5)).status_code == 200


def test_a_request_without_a_token_is_refused(server):
    assert "Authorization" in refused(post(server), 401, "missing-token")
    refused(post(server, headers={"Authorization": "Basic ZGFuYTpwdw=="}), 401, "missing-token")


def test_google_certificates_are_fetched_once_not_on_every_call(serve, signer, certs):
    server = serve()
    before = certs.fetches
    for _ in range(5):
        assert post(server, signer.token()).status_code == 200
    assert certs.fetches - before <= 1


def test_an_unreachable_certificate_endpoint_is_a_503_that_says_try_again(serve, signer):
    server = serve(certs_url="http://127.0.0.1:9/certs")
    assert "try again" in refused(post(server, signer.token()), 503, "certificates-unavailable")


def test_the_shared_secret_mode(serve):
    secret = "s3cret-" + "x" * 30
    server = serve(audiences=(), allowed=(), shared_secret=secret)
    ok = post(server, headers={"X-Mapsheet-Key": secret, "X-Mapsheet-User": "dana@acme.com"})
    assert ok.status_code == 200, ok.text
    refused(post(server, headers={"X-Mapsheet-Key": "s3cret-" + "y" * 30}), 401, "wrong-key")
    refused(post(server), 401, "missing-key")


@pytest.mark.parametrize("options, words", [
    ({}, "--audience"),
    ({"audiences": (AUDIENCE,)}, "--allow"),
    ({"audiences": (" ",), "allowed": ("acme.com",)}, "--audience"),
    ({"audiences": (AUDIENCE,), "allowed": ("not an address",)}, "neither an e-mail"),
    ({"shared_secret": "short"}, "at least 24"),
    ({"audiences": (AUDIENCE,), "allowed": ("acme.com",), "certs_url": "http://example.com/certs"}, "https"),
])
def test_the_server_refuses_to_start_open_or_misconfigured(options, words):
    with pytest.raises(MapsheetError, match=words):
        ServeSettings(**options)
