"""FakeGoogle: the state, the sessions that reach it, the request log, faults, quota and latency."""
from __future__ import annotations

import threading
import urllib.parse
from typing import Iterable

import requests

from . import render, routes, styles
from .call import Call
from .errors import ApiError, quota_exhausted
from .faults import Fault, Quota, constant_latency
from .ranges import resolve
from .store import (FOLDER_MIME, SPREADSHEET_MIME, XLSX_MIME, DriveFile, FakeClock, RealClock, Spreadsheet,
                    new_file_id, new_spreadsheet, new_sheet)
from .transport import HOSTS, FakeAdapter, Served, _flat, _params, decode_body, error_response, respond, unknown_route


class FakeGoogle:
    """A stateful in-process Sheets v4 + Drive v3.

    g = FakeGoogle(); client = gspread.Client(auth=None, session=g.session())
    Every request is checked against Google's discovery documents (strict=True: a request or answer that
    does not fit raises discovery.DiscoveryError in the caller and is kept in g.violations).
    """

    def __init__(self, *, user: str = "me@example.com", strict: bool = True, quota: bool | Quota = False,
                 latency: float | None = None, clock: FakeClock | RealClock | None = None,
                 service_account_storage: bool = False):
        self.user = user
        # Service accounts lost their Drive storage in 2025 (gspread #1592): creating a file outside a Shared
        # Drive answers 403 storageQuotaExceeded. True restores the old world the cassettes were recorded in.
        self.service_account_storage = service_account_storage
        self.clock = clock or FakeClock()
        self.files: dict[str, DriveFile] = {}
        self.books: dict[str, Spreadsheet] = {}
        self.requests: list[Served] = []
        self.faults: list[Fault] = []
        self.violations: list[str] = []
        self.quota: Quota | None = Quota() if quota is True else (quota or None)
        self.latency = constant_latency(latency) if isinstance(latency, (int, float)) else latency
        self.strict = strict
        self._lock = threading.RLock()
        self._validator = None

    # ---- sessions ------------------------------------------------------------------------------------
    def session(self, user: str | None = None) -> requests.Session:
        """A requests.Session whose Google requests are served by this fake, as `user` (default: self.user)."""
        session = requests.Session()
        adapter = FakeAdapter(self, user or self.user)
        for host in HOSTS:
            session.mount(host, adapter)
        session.mount("https://", _Refuse())
        session.mount("http://", _Refuse())
        for host in HOSTS:  # mount order: longest prefix wins in requests, re-mount to be explicit
            session.mount(host, adapter)
        return session

    # ---- state helpers -------------------------------------------------------------------------------
    def now(self):
        return self.clock.now()

    def new_file(self, name: str, mime: str, *, owner: str, parents: Iterable[str] = (), drive_id: str | None = None,
                 file_id: str | None = None) -> DriveFile:
        moment = self._stamp()
        f = DriveFile(file_id or new_file_id(), name, mime, owner, list(parents), moment, moment, drive_id=drive_id)
        self.files[f.id] = f
        return f

    def attach_spreadsheet(self, f: DriveFile) -> Spreadsheet:
        book = new_spreadsheet(f.id, f.name)
        self.books[f.id] = book
        return book

    def create_spreadsheet(self, title: str, *, owner: str, parents: Iterable[str] = ()) -> Spreadsheet:
        return self.attach_spreadsheet(self.new_file(title, SPREADSHEET_MIME, owner=owner, parents=parents))

    def remove_file(self, file_id: str) -> None:
        self.files.pop(file_id, None)
        self.books.pop(file_id, None)
        for child in [f for f in self.files.values() if file_id in f.parents]:
            self.remove_file(child.id)

    def _stamp(self):
        """The clock's time, strictly after the last stamp (two writes in one instant still differ)."""
        import datetime as dt

        moment = self.clock.now()
        last = getattr(self, "_last_stamp", None)
        if last is not None and moment <= last:
            moment = last + dt.timedelta(milliseconds=1)
        self._last_stamp = moment
        return moment

    def touch(self, file_id: str) -> None:
        """A write landed: Drive bumps version and modifiedTime (mapsheet's own writes included)."""
        f = self.files.get(file_id)
        if f is not None:
            f.version += 1
            f.modified = self._stamp()

    def is_service_account(self, email: str) -> bool:
        return email.endswith(".gserviceaccount.com")

    def role_of(self, f: DriveFile, email: str) -> str | None:
        seen = set()
        roles = []
        todo = [f]
        while todo:
            item = todo.pop()
            if item is None or item.id in seen:
                continue
            seen.add(item.id)
            role = item.role_of(email)
            if role:
                roles.append(role)
            todo.extend(self.files.get(p) for p in item.parents)
        for role in ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"):
            if role in roles:
                return role
        return None

    def can_read(self, f: DriveFile, email: str) -> bool:
        return self.role_of(f, email) is not None

    def can_write(self, f: DriveFile | None, email: str) -> bool:
        return f is not None and self.role_of(f, email) in ("owner", "organizer", "fileOrganizer", "writer")

    # ---- the test's side: build and inspect ----------------------------------------------------------
    def add_folder(self, name: str, *, parents: Iterable[str] = (), owner: str | None = None,
                   shared_drive: bool = False, file_id: str | None = None) -> str:
        f = self.new_file(name, FOLDER_MIME, owner=owner or self.user, parents=parents, file_id=file_id)
        if shared_drive:
            f.drive_id = f.id
        else:
            f.drive_id = next((self.files[p].drive_id for p in f.parents if p in self.files), None)
        return f.id

    def add_spreadsheet(self, title: str = "Untitled spreadsheet", sheets: dict | None = None, *,
                        owner: str | None = None, parents: Iterable[str] = (), shared_with: Iterable[str] = (),
                        notes: dict | None = None, file_id: str | None = None) -> str:
        """A spreadsheet in Drive, as if a user had made it. sheets: {title: rows of values (as typed by a user)};
        notes: {"Sheet!A1": "text"}. Returns its id. Does not count as a request or bump the version."""
        f = self.new_file(title, SPREADSHEET_MIME, owner=owner or self.user, parents=parents, file_id=file_id)
        f.drive_id = next((self.files[p].drive_id for p in f.parents if p in self.files), None)
        book = self.attach_spreadsheet(f)
        if sheets:
            book.sheets = []
            for index, (name, rows) in enumerate(sheets.items()):
                sheet = new_sheet(0 if index == 0 else book.new_sheet_id(), name, index,
                                  max(1000, len(rows)), max(26, max((len(r) for r in rows), default=0)))
                from .cells import write_value

                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        write_value(sheet, r, c, value, True)
                book.sheets.append(sheet)
        for where, text in (notes or {}).items():
            area = resolve(book, where)
            area.sheet.cell(area.r0, area.c0)["note"] = text
        for email in shared_with:
            self.share(f.id, email)
        return f.id

    def add_file(self, name: str, content: bytes, *, mime: str = XLSX_MIME, parents: Iterable[str] = (),
                 owner: str | None = None) -> str:
        """An uploaded (non-native) file such as an .xlsx plan."""
        f = self.new_file(name, mime, owner=owner or self.user, parents=parents)
        f.drive_id = next((self.files[p].drive_id for p in f.parents if p in self.files), None)
        f.content = content
        return f.id

    def share(self, file_id: str, email: str, role: str = "writer") -> None:
        f = self.files[file_id]
        f.permissions = [p for p in f.permissions if p.get("emailAddress") != email]
        f.permissions.append({"id": f"p{len(f.permissions) + 1}", "type": "user", "role": role, "emailAddress": email})

    def revoke(self, file_id: str, email: str) -> None:
        f = self.files[file_id]
        f.permissions = [p for p in f.permissions if p.get("emailAddress") != email]
        if f.owner == email:
            f.owner = "someone-else@example.com"

    def trash(self, file_id: str) -> None:
        self.files[file_id].trashed = True
        self.touch(file_id)

    def edit(self, file_id: str, where: str, value) -> None:
        """A user types a value into a cell in the browser: the file's version and modifiedTime move."""
        from .cells import write_value

        area = resolve(self.books[file_id], where)
        write_value(area.sheet, area.r0, area.c0, value, True)
        self.touch(file_id)

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        return self.books[spreadsheet_id]

    def file(self, file_id: str) -> DriveFile:
        return self.files[file_id]

    def values(self, spreadsheet_id: str, where: str, render_option: str = "FORMATTED_VALUE") -> list[list]:
        """The values a user sees in a range (trailing blanks trimmed per row), for assertions."""
        area = resolve(self.books[spreadsheet_id], where)
        rows = []
        for r in range(area.r0, area.r1):
            row = [render.rendered(area.sheet.cells.get((r, c), {}), render_option, "SERIAL_NUMBER")
                   for c in range(area.c0, area.c1)]
            row = ["" if v is None else v for v in row]
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def cell(self, spreadsheet_id: str, where: str) -> dict:
        """The stored CellData of one cell (userEnteredValue, userEnteredFormat, note, dataValidation...)."""
        area = resolve(self.books[spreadsheet_id], where)
        return dict(area.sheet.cells.get((area.r0, area.c0), {}))

    # ---- faults and counting -------------------------------------------------------------------------
    def inject(self, kind, *, times: int | None = 1, method: str | None = None, url: str | None = None,
               api: str | None = None, after: int = 0, applied: bool = False, retry_after: int | None = None) -> Fault:
        """Make matching requests fail: see faults.Fault. Returns the Fault (its .hits says how often it fired)."""
        fault = Fault(kind, times, method, url, api, after, applied, retry_after)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def count(self, *, api: str | None = None, kind: str | None = None, method: str | None = None,
              operation: str | None = None, status: int | None = None) -> int:
        """How many requests were served that match every given filter."""
        return sum(1 for r in self.requests if (api is None or r.api == api) and (kind is None or r.kind == kind)
                   and (method is None or r.method == method) and (operation is None or r.operation == operation)
                   and (status is None or r.status == status))

    def reset_log(self) -> None:
        self.requests.clear()

    # ---- serving -------------------------------------------------------------------------------------
    @property
    def validator(self):
        if self._validator is None and self.strict:
            from .checks import validator

            self._validator = validator()
        return self._validator

    def _serve(self, request, user: str, timeout):
        parsed = urllib.parse.urlsplit(request.url)
        params = _params(parsed.query)
        body, raw = decode_body(request)
        route, path_args = routes.match(parsed.hostname, request.method, parsed.path)
        api = "sheets" if parsed.hostname == "sheets.googleapis.com" else "drive"
        served = Served(request.method, request.url, parsed.path, _flat(params), body if not isinstance(body, bytes) else None,
                        api=api, kind=route.kind if route else "", operation=route.discovery_id if route else "",
                        user=user, at=self.clock.monotonic(), headers=dict(request.headers))
        self.requests.append(served)
        if route is not None:
            path_args = {k: urllib.parse.unquote(v) for k, v in path_args.items()}
        if self.validator is not None and route is not None:
            self._check(self.validator.check_request, route, request.method, request.url, body)
        delay = self.latency(request.method, request.url) if self.latency else 0.0
        read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout
        if delay:
            if read_timeout is not None and delay > read_timeout:
                self.clock.sleep(read_timeout)
                served.fault = "timeout"
                raise requests.exceptions.ReadTimeout(f"fake: {request.method} {request.url} took longer than {read_timeout}s")
            self.clock.sleep(delay)
        with self._lock:
            fault = next((f for f in self.faults if f.matches(request.method, request.url, api) and f.fire()), None)
            if fault is not None:
                served.fault = str(fault.kind)
                if fault.kind in ("timeout", "connection"):
                    if fault.applied and route is not None:
                        self._handle(route, path_args, params, body, raw, request, user, served)
                    if fault.kind == "timeout":
                        raise requests.exceptions.ReadTimeout(f"fake: injected timeout on {request.method} {request.url}")
                    raise requests.exceptions.ConnectionError(f"fake: injected connection reset on {request.url}")
                err = fault.error(api)
                served.status = err.code
                return error_response(request, err)
            if route is None:
                err = unknown_route(api, request.method, parsed.path)
                served.status = err.code
                return error_response(request, err)
            if self.quota is not None and api == "sheets" and not self.quota.admit(user, route.kind, self.clock.monotonic()):
                err = quota_exhausted("Read" if route.kind == "read" else "Write")
                served.status, served.fault = 429, "quota"
                return error_response(request, err)
            return self._handle(route, path_args, params, body, raw, request, user, served)

    def _handle(self, route, path_args, params, body, raw, request, user, served):
        call = Call(self, user, request.method, path_args, params, body, raw, dict(request.headers))
        try:
            result = self._dispatch(route, call)
        except ApiError as err:
            served.status = err.code
            return error_response(request, err)
        if isinstance(result, bytes):
            served.status = 200
            ctype = call.param("mimeType") if route.discovery_id == "drive.files.export" else None
            return respond(request, 200, result, content_type=ctype)
        if result is None:
            served.status = 204
            return respond(request, 204, None)
        if self.validator is not None:
            self._check(self.validator.check_response, route, result)
        served.status = 200
        return respond(request, 200, result)

    def _dispatch(self, route, call: Call):
        from . import fields

        if not route.book:
            return self._masked(route, call, route.handler(call))
        book_id = call.path_args["spreadsheetId"]
        f = self.files.get(book_id)
        book = self.books.get(book_id)
        if f is None or book is None:
            from .errors import not_found

            raise not_found()
        if not self.can_read(f, call.user):
            from .errors import no_permission

            raise no_permission()
        if route.kind == "write" and not self.can_write(f, call.user):
            from .errors import no_permission

            raise no_permission()
        result = styles.strip_empty_lists(route.handler(call, book))  # proto3: empty repeated fields are left out
        if route.kind == "write":
            f.name = book.properties.get("title", f.name)  # the Drive name is the spreadsheet's title
            self.touch(book_id)
        return self._masked(route, call, result, fields)

    def _masked(self, route, call, result, fields=None):
        from . import fields as fieldmask

        mask = call.param("fields")
        if mask and route.api == "sheets" and isinstance(result, dict):
            return fieldmask.apply(result, fieldmask.parse(mask))
        return result

    def _check(self, check, route, *args):
        problems = check(route.discovery_id, *args)
        if problems:
            self.violations.extend(f"{route.discovery_id}: {p}" for p in problems)
            from .checks import DiscoveryError

            raise DiscoveryError(f"{route.discovery_id}: " + "; ".join(problems))


class _Refuse(requests.adapters.BaseAdapter):
    """Anything else the session tries to reach: the fake's sessions never touch the network."""

    def send(self, request, **kwargs):
        raise requests.exceptions.ConnectionError(f"fake Google session refuses {request.url} (not a Google API host)")

    def close(self) -> None:
        pass
