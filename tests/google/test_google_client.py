"""Sign-in files and refusals turned into sentences that say what to do."""

from __future__ import annotations

import json

import pytest
import requests

from mapsheet.errors import MapsheetError
from mapsheet.google.client import Caller, GoogleClient, _from_file

SID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"


def explain(status, reason="", message="", *, caller=Caller(), creating=False):
    return str(GoogleClient(None, caller=caller).explain(status, reason, message, SID, creating))


def test_refusals_name_the_sheet_and_say_what_to_do():
    robot = Caller("mapsheet@acme.iam.gserviceaccount.com", True)
    assert "share it with the service account mapsheet@acme.iam.gserviceaccount.com" in explain(403, caller=robot)
    assert SID in explain(403, caller=robot)
    assert "ask its owner to share it with ana@acme.com" in explain(403, caller=Caller("ana@acme.com"))
    assert "check the URL" in explain(404)
    assert "lacks the Google scopes" in explain(403, "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                                                "Request had insufficient authentication scopes.")
    assert "cannot create files" in explain(403, "storageQuotaExceeded", creating=True, caller=robot)
    assert "Shared Drive" in explain(403, "storageQuotaExceeded", creating=True, caller=robot)
    assert "sign in again" in explain(401)


def test_an_authorized_user_file_signs_in_and_a_wrong_file_is_named(tmp_path):
    user = tmp_path / "authorized_user.json"
    user.write_text(json.dumps({"type": "authorized_user", "client_id": "id", "client_secret": "secret",
                                "refresh_token": "token"}))
    creds, caller = _from_file(user)
    assert creds.refresh_token == "token" and not caller.service_account
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    with pytest.raises(MapsheetError, match="other.json: not a service-account key"):
        _from_file(other)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(MapsheetError, match="broken.json: cannot read these Google credentials"):
        _from_file(broken)


def test_a_service_account_key_says_who_to_share_with(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp_path / "sa.json"
    path.write_text(json.dumps({"type": "service_account", "client_email": "bot@proj.iam.gserviceaccount.com",
                                "private_key": pem, "private_key_id": "k1", "token_uri": "https://oauth2.googleapis.com/token",
                                "project_id": "proj"}))
    _, caller = _from_file(path)
    assert caller == Caller("bot@proj.iam.gserviceaccount.com", True)


def test_the_retry_never_runs_past_its_deadline():
    from mapsheet.google.client import GoogleError, Retry

    class Slow:
        timeout = None

        def set_timeout(self, t):
            self.timeout = t

        def request(self, *a, **k):
            clock.now += min(4, self.timeout[1])  # requests gives up at the timeout the client sets
            raise requests.ReadTimeout("slow")

    class Clock:
        now = 0.0

        def __call__(self):
            return self.now

        def sleep(self, s):
            self.now += s

    clock = Clock()
    client = GoogleClient(Slow(), retry=Retry(deadline=20, sleep=clock.sleep, clock=clock, jitter=lambda: 0.5))
    with pytest.raises(GoogleError, match="did not answer in time"):
        client.get(SID, fields="spreadsheetId")
    assert clock.now <= 20
