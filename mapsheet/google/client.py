"""Talking to Google: sign-in, a bounded retry, and errors that say what to do. The ONLY module that
imports gspread or google-auth.

Transport is gspread's plain ``HTTPClient`` (not ``BackOffHTTPClient``, which 6.2.1 lets retry ~1000
times, retries a storage-quota 403 and ignores ``Retry-After``). mapsheet retries only what Google says
is worth retrying: 429, 5xx, 403 ``rateLimitExceeded``/``userRateLimitExceeded`` and timeouts, honours
``Retry-After``, adds jitter and gives up at a total deadline. Every write mapsheet sends is idempotent
(a whole ``batchUpdate`` that gives the same sheet when applied twice), so a retried write is safe.
"""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import requests

from ..errors import MapsheetError

SHEETS_API = "https://sheets.googleapis.com/v4/spreadsheets"
DRIVE_API = "https://www.googleapis.com/drive/v3/files"
SHEET_MIME = "application/vnd.google-apps.spreadsheet"
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}
QUOTA_HINT = ("Google allows 60 reads and 60 writes a minute per user; wait a minute and run again "
              "(or check fewer Sheets at once)")


class GoogleError(MapsheetError):
    """Google refused or could not answer; the message names the Sheet and says what to do."""

    def __init__(self, message: str, status: int | None = None, reason: str = "", *, unsure: bool = False):
        super().__init__(message)
        self.status, self.reason = status, reason
        self.unsure = unsure  # a write that may or may not have landed (timeout, 5xx): read again to know


@dataclass
class Retry:
    """How long and how often to try again. ``sleep``, ``clock`` and ``jitter`` are injectable so
    tests run a 429 storm in no real time."""

    deadline: float = 60.0  # seconds for one call, retries included
    first: float = 1.0
    cap: float = 16.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    waited: list[float] = field(default_factory=list)  # every pause taken, for reports and tests


@dataclass
class Caller:
    """Who is signed in: their e-mail (for 'share it with ...') and whether it is a service account."""

    email: str = ""
    service_account: bool = False


class GoogleClient:
    def __init__(self, http: Any, *, caller: Caller | None = None, retry: Retry | None = None):
        self.http = http  # gspread.http_client.HTTPClient
        self.caller = caller or Caller()
        self.retry = retry or Retry()

    # -- the calls mapsheet makes -------------------------------------------------------------------------
    def get(self, spreadsheet: str, *, fields: str, ranges: list[str] | None = None, grid: bool = True) -> dict:
        params: dict[str, Any] = {"fields": fields, "includeGridData": "true" if grid else "false"}
        if ranges:
            params["ranges"] = ranges
        return self.call("get", f"{SHEETS_API}/{spreadsheet}", spreadsheet, params=params).json()

    def batch_update(self, spreadsheet: str, body: dict) -> dict:
        """One write. Retried only when Google said it did not happen (429, rate-limit 403); after a
        timeout or a 5xx it raises ``GoogleError(unsure=True)``: the caller reads again and rebuilds the
        body (resending an addSheet that landed would fail)."""
        return self.call("post", f"{SHEETS_API}/{spreadsheet}:batchUpdate", spreadsheet, json=body,
                         unsure_is_final=True).json()

    def create_spreadsheet(self, body: dict, *, folder: str | None = None, title: str) -> dict:
        """A new Sheet from a ``spreadsheets.create`` body, moved into ``folder`` when given (Drive)."""
        if folder is None:
            return self.call("post", SHEETS_API, title, json=body, creating=True).json()
        meta = {"name": title, "mimeType": SHEET_MIME, "parents": [folder]}
        created = self.call("post", DRIVE_API, title, json=meta, creating=True,
                            params={"supportsAllDrives": "true", "fields": "id"}).json()
        return {"spreadsheetId": created["id"]}

    def copy_file(self, file_id: str, *, title: str, folder: str | None = None) -> str:
        meta: dict[str, Any] = {"name": title}
        if folder:
            meta["parents"] = [folder]
        copied = self.call("post", f"{DRIVE_API}/{file_id}/copy", file_id, json=meta, creating=True,
                           params={"supportsAllDrives": "true", "fields": "id"}).json()
        return copied["id"]

    # -- retry and errors ---------------------------------------------------------------------------------
    def call(self, method: str, url: str, what: str, *, creating: bool = False, unsure_is_final: bool = False,
             **kwargs: Any) -> requests.Response:
        from gspread.exceptions import APIError

        retry = self.retry
        start = retry.clock()
        attempt = 0
        while True:
            left = retry.deadline - (retry.clock() - start)
            self.http.set_timeout((min(10.0, max(left, 0.1)), max(left, 0.1)))
            try:
                return self.http.request(method, url, **kwargs)
            except APIError as exc:
                status, reason, after = exc.code, _reason(exc.error), _retry_after(exc.response)
                if not _retriable(status, reason):
                    raise self.explain(status, reason, exc.error.get("message", ""), what, creating) from None
                failure = GoogleError(f"{_name(what)}: {QUOTA_HINT}" if status in (403, 429)
                                      else f"{_name(what)}: Google is not answering properly ({status} "
                                           f"{exc.error.get('status', '')}); try again in a few minutes",
                                      status, reason, unsure=status >= 500)
            except (requests.Timeout, requests.ConnectionError) as exc:
                after, failure = None, GoogleError(f"{_name(what)}: Google did not answer in time ({type(exc).__name__}); "
                                                   "check the network and try again", None, "timeout", unsure=True)
            if failure.unsure and unsure_is_final:
                raise failure
            pause = after if after is not None else min(retry.cap, retry.first * 2 ** attempt) * (0.5 + retry.jitter() / 2)
            attempt += 1
            if retry.clock() - start + pause >= retry.deadline:
                raise failure
            retry.waited.append(pause)
            retry.sleep(pause)

    def explain(self, status: int, reason: str, message: str, what: str, creating: bool) -> GoogleError:
        """A refusal as a sentence naming the Sheet and saying what to do."""
        name, who = _name(what), self.caller
        if reason == "storageQuotaExceeded" or (creating and status == 403 and who.service_account):
            text = (f"{name}: a service account cannot create files (it has no Drive storage of its own); sign in "
                    "as a person with --credentials client_secret.json (OAuth), or create it in a Shared Drive "
                    "folder the service account is a member of (--folder ID)")
        elif reason in ("ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions") or "scope" in message.lower():
            text = (f"{name}: the sign-in lacks the Google scopes mapsheet needs (spreadsheets and drive); sign in again "
                    "granting them (delete ~/.config/gspread/authorized_user.json, or pass the scopes to gcloud "
                    "auth application-default login --scopes=...)")
        elif status == 404:
            text = (f"{name}: no Google Sheet with this id can be seen" + _share_hint(who)
                    + "; check the URL")
        elif status == 403:
            text = f"{name}: no access to this Google Sheet" + _share_hint(who)
        elif status == 401:
            text = (f"{name}: Google refused the sign-in (expired or revoked); sign in again or pass "
                    "--credentials with a valid key")
        else:
            text = f"{name}: Google refused the request ({status} {message})"
        return GoogleError(text, status, reason)


def _share_hint(who: Caller) -> str:
    if who.service_account and who.email:
        return (f"; share it with the service account {who.email} (Editor to annotate or clean, Viewer to "
                "check)")
    if who.email:
        return f"; ask its owner to share it with {who.email}"
    return "; ask its owner to share it with the account you signed in with"


def _name(what: str) -> str:
    from .ids import sheet_url

    return sheet_url(what) if len(what) >= 30 and " " not in what else what


def _reason(error: dict) -> str:
    for item in error.get("errors") or []:
        if item.get("reason"):
            return item["reason"]
    for detail in error.get("details") or []:
        if detail.get("reason"):
            return detail["reason"]
    return ""


def _retriable(status: int, reason: str) -> bool:
    return status == 429 or status >= 500 or (status == 403 and reason in RATE_REASONS)


def _retry_after(response: Any) -> float | None:
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to backing off


# ---------------------------------------------------------------------------------------------- sign-in

def connect(credentials: str | os.PathLike | None = None, *, session: requests.Session | None = None,
            retry: Retry | None = None, caller: Caller | None = None) -> GoogleClient:
    """A client signed in the way gspread users know: ``credentials`` (a service-account key, an OAuth
    client file or an authorized-user file; also MAPSHEET_GOOGLE_CREDENTIALS), else gspread's default
    files (~/.config/gspread: service_account.json, authorized_user.json, credentials.json), else
    Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, the cloud metadata server).
    ``session`` (tests, services): an already authorised ``requests.Session`` used as it is, for the
    account ``caller``; no sign-in is made."""
    from gspread.http_client import HTTPClient

    if session is not None:
        return GoogleClient(HTTPClient(auth=None, session=session), caller=caller, retry=retry)
    creds, caller = _credentials(Path(credentials) if credentials else None)
    return GoogleClient(HTTPClient(auth=creds), caller=caller, retry=retry)


def _credentials(path: Path | None):
    import gspread.auth as gauth

    if path is not None:
        return _from_file(path)
    for candidate in (gauth.DEFAULT_SERVICE_ACCOUNT_FILENAME, gauth.DEFAULT_AUTHORIZED_USER_FILENAME,
                      gauth.DEFAULT_CREDENTIALS_FILENAME):
        if Path(candidate).exists():
            return _from_file(Path(candidate))
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        creds, _ = google.auth.default(scopes=gauth.DEFAULT_SCOPES)
    except DefaultCredentialsError:
        raise MapsheetError("no Google sign-in found: pass --credentials FILE (a service-account key or an OAuth "
                            "client file), put one in ~/.config/gspread/, or run `gcloud auth application-default "
                            "login`; see README, 'Google Sheets'") from None
    email = getattr(creds, "service_account_email", "") or ""
    return creds, Caller(email, bool(email) and email.endswith("gserviceaccount.com"))


def _from_file(path: Path):
    import gspread.auth as gauth
    from google.oauth2.credentials import Credentials as UserCredentials
    from google.oauth2.service_account import Credentials as ServiceCredentials

    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MapsheetError(f"{path}: cannot read these Google credentials ({exc})") from None
    kind = info.get("type") or next((k for k in ("installed", "web") if k in info), "")
    if kind == "service_account":
        creds = ServiceCredentials.from_service_account_info(info, scopes=gauth.DEFAULT_SCOPES)
        return creds, Caller(creds.service_account_email, True)
    if kind == "authorized_user":
        return UserCredentials.from_authorized_user_info(info, gauth.DEFAULT_SCOPES), Caller()
    if kind in ("installed", "web"):  # an OAuth client: the desktop flow, remembered as gspread does
        creds = gauth.load_credentials(gauth.DEFAULT_AUTHORIZED_USER_FILENAME)
        if creds is None:
            creds = gauth.local_server_flow(info, gauth.DEFAULT_SCOPES)
            gauth.store_credentials(creds, gauth.DEFAULT_AUTHORIZED_USER_FILENAME)
        return creds, Caller()
    raise MapsheetError(f"{path}: not a service-account key, OAuth client or authorized-user file "
                        "(its \"type\" should be service_account or authorized_user)")
