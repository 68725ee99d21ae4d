"""``mapsheet serve``: the HTTP service the Google Sheets "Check plan" button calls.

Starlette (the ASGI toolkit FastAPI is built on, without pydantic) served by uvicorn. The service holds
no Google credentials: the Apps Script reads the sheet and applies the answer itself.
"""

from __future__ import annotations

import logging

from .app import create_app
from .settings import ServeSettings

__all__ = ["ServeSettings", "create_app", "run"]

#: Requests handled at once before uvicorn answers 503; a check is a few milliseconds of CPU.
MAX_CONCURRENT_REQUESTS = 32


def run(settings: ServeSettings) -> None:
    """Serve until interrupted."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, access_log=False,
                server_header=False, proxy_headers=False, timeout_keep_alive=5,
                limit_concurrency=MAX_CONCURRENT_REQUESTS, log_level="info")
