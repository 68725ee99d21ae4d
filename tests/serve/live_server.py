"""``mapsheet serve``'s app run by a real uvicorn on 127.0.0.1 in a thread, for tests over a socket."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from mapsheet.serve import create_app
from mapsheet.serve.settings import ServeSettings


class LiveServer:
    def __init__(self, settings: ServeSettings):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("mapsheet serve did not start")
            time.sleep(0.01)

    def close(self):
        self._server.should_exit = True
        self._thread.join(10)
