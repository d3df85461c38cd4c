"""uvicorn on a background thread: the local API Gateway, startable and stoppable from code and tests."""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.types import ASGIApp

from infra.local.ports import require_free


class HttpServer:
    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        require_free(host, port, "the HTTP server")
        self.host = host
        self.port = port
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"http-{port}", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> HttpServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"HTTP server did not start on {self.base_url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
