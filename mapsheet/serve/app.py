"""The HTTP service behind the Google Sheets button: a Starlette app.

POST /check and POST /clear take what the Apps Script posts (see ``protocol``) and answer one Sheets
``batchUpdate`` body; GET /health says the server is up. Every refusal is JSON
``{"error": {"code", "message"}}`` whose message the script shows as it is. The log has one line per
request (route, status, time, caller, sizes) and never a plan's contents.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .._version import __version__
from ..config import Config, load_config
from .auth import Authenticator
from .errors import Refused
from .limits import RateLimiter, read_body
from .protocol import check_answer, clear_answer, parse_request
from .settings import ServeSettings

log = logging.getLogger("mapsheet.serve")


def create_app(settings: ServeSettings, *, authenticator: Authenticator | None = None) -> Starlette:
    """The service for these settings (the team's mapsheet.toml is loaded once, here)."""
    config = load_config(settings.config) if settings.config else Config.default()
    auth = authenticator or Authenticator(settings)
    limiter = RateLimiter(settings.rate_per_minute)

    def endpoint(answer: Callable[[str, dict[str, Any]], dict[str, Any]]):
        async def handle(request: Request) -> JSONResponse:
            started, who, size = time.perf_counter(), "-", 0
            try:
                caller = await run_in_threadpool(auth.caller, request.headers)
                who = caller.email
                limiter.take(caller.email)
                raw = await read_body(request.stream(), request.headers.get("content-length"),
                                      settings.max_body_bytes, settings.timeout_seconds)
                size = len(raw)
                spreadsheet_id, spreadsheet = parse_request(raw)
                work = run_in_threadpool(answer, spreadsheet_id, spreadsheet)
                try:
                    result = await asyncio.wait_for(work, settings.timeout_seconds)
                except asyncio.TimeoutError:
                    raise Refused(504, "too-slow", f"checking the plan took more than {settings.timeout_seconds:g} "
                                  "s and was stopped; try again, and tell your RevOps admin if it keeps "
                                  "happening") from None
                response = JSONResponse(result)
            except Refused as refused:
                response = _refusal(refused)
            except Exception as exc:  # noqa: BLE001 - the script must always get JSON it can show
                reference = uuid.uuid4().hex[:12]
                # the type and where it happened, never the message: it could quote the plan
                log.error("internal error %s: %s at %s", reference, type(exc).__name__, _where(exc))
                response = _refusal(Refused(500, "internal-error", "mapsheet failed on this plan; tell your RevOps "
                                            f"admin, quoting reference {reference}"))
            log.info("%s %s %s %.0fms caller=%s in=%dB out=%dB", request.method, request.url.path,
                     response.status_code, (time.perf_counter() - started) * 1000, who, size, len(response.body))
            return response

        return handle

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "mapsheet": __version__})

    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        messages = {404: "no such address on this mapsheet server (it has /check, /clear and /health)",
                    405: "this address does not take that method"}
        return _refusal(Refused(exc.status_code, "not-found" if exc.status_code == 404 else "bad-method",
                                messages.get(exc.status_code, exc.detail), dict(exc.headers or {})))

    routes = [
        Route("/check", endpoint(lambda sid, answer: check_answer(sid, answer, config=config)), methods=["POST"]),
        Route("/clear", endpoint(clear_answer), methods=["POST"]),
        Route("/health", health, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: http_error})


def _refusal(refused: Refused) -> JSONResponse:
    return JSONResponse(refused.as_json(), status_code=refused.status, headers=refused.headers)


def _where(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb and tb.tb_next:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else "?"
