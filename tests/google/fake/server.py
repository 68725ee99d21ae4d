"""FakeGoogle: the state, the sessions that reach it, the request log, faults, quota and latency."""
from __future__ import annotations

import threading
import urllib.parse

import requests

from . import routes, styles
from .call import Call
from .errors import ApiError, quota_exhausted
from .faults import Fault, Quota, constant_latency
from .store import DriveFile, FakeClock, RealClock, Spreadsheet, ThreadClock
from .world import World
from .transport import HOSTS, FakeAdapter, Served, _flat, _params, decode_body, error_response, respond, unknown_route


class FakeGoogle(World):
    """A stateful in-process Sheets v4 + Drive v3.

    g = FakeGoogle(); client = gspread.Client(auth=None, session=g.session())
    Every request is checked against Google's discovery documents (strict=True: a request or answer that
    does not fit raises discovery.DiscoveryError in the caller and is kept in g.violations).
    """

    def __init__(self, *, user: str = "me@example.com", strict: bool = True, quota: bool | Quota = False,
                 latency: float | None = None, clock: FakeClock | ThreadClock | RealClock | None = None,
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
        session.mount("https://", _Refuse())
        session.mount("http://", _Refuse())
        for host in HOSTS:  # requests picks the longest matching prefix
            session.mount(host, adapter)
        return session

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
