"""Requests to the local HTTP surface that API Gateway routes to a Lambda on AWS: GraphQL ("api") and the Stripe
webhook ("stripe-webhook"), each with its handling time, which is what that Lambda would bill.

The local server (infra/local/server.py) looks both up as module attributes when it builds its app and when a
webhook arrives; this swaps in timing wrappers there, so it must be installed before the local cloud starts.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_NAMED_OPERATION = re.compile(r"^\s*(?:query|mutation)\s+(\w+)")
_FIRST_FIELD = re.compile(r"{\s*(\w+)")


@dataclass(frozen=True)
class HttpRequest:
    function: str  # the Lambda that serves it on AWS
    operation: str  # the GraphQL operation, or the webhook's event type
    seconds: float


def operation_name(body: bytes) -> str:
    try:
        request = json.loads(body)
    except ValueError:
        return "(unparsable)"
    if not isinstance(request, dict):
        return "(batch)"
    if request.get("operationName"):
        return str(request["operationName"])
    query = str(request.get("query", ""))
    named = _NAMED_OPERATION.match(query) or _FIRST_FIELD.search(query)
    return named.group(1) if named else "(anonymous)"


class HttpApiMeter:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._in_flight = 0
        self._requests: list[HttpRequest] = []
        self._originals: dict[str, Any] = {}
        self.active = False

    def install(self) -> None:
        import infra.local.server as local_server  # the API app: imported only by a bench that meters it

        # Not re-exported by the server module, so by name: mypy's view of the module stays what it declares.
        create_app: Callable[[Any], AsgiApp] = getattr(local_server, "create_app")  # noqa: B009
        handle_webhook: Callable[[bytes, str | None], tuple[int, dict[str, str]]] = getattr(  # noqa: B009
            local_server, "handle_stripe_webhook"
        )
        self._originals = {"create_app": create_app, "handle_stripe_webhook": handle_webhook}
        meter = self

        def timed_create_app(services: Any) -> AsgiApp:
            return meter._timed_app(create_app(services))

        def timed_webhook(body: bytes, signature: str | None) -> tuple[int, dict[str, str]]:
            if not meter.active:
                return handle_webhook(body, signature)
            meter._begin()
            started = time.perf_counter()
            try:
                return handle_webhook(body, signature)
            finally:
                meter._add(HttpRequest("stripe-webhook", _event_type(body), time.perf_counter() - started))

        setattr(local_server, "create_app", timed_create_app)  # noqa: B010
        setattr(local_server, "handle_stripe_webhook", timed_webhook)  # noqa: B010

    def uninstall(self) -> None:
        import infra.local.server as local_server

        for name, original in self._originals.items():
            setattr(local_server, name, original)
        self._originals = {}

    def take(self, timeout_s: float = 10.0) -> list[HttpRequest]:
        """What was served since the last take. A client has its answer before the app returns: wait for that."""
        with self._lock:
            self._lock.wait_for(lambda: self._in_flight == 0, timeout_s)
            requests, self._requests = self._requests, []
        return requests

    def _begin(self) -> None:
        with self._lock:
            self._in_flight += 1

    def _add(self, request: HttpRequest) -> None:
        with self._lock:
            self._requests.append(request)
            self._in_flight -= 1
            self._lock.notify_all()

    def _timed_app(self, app: AsgiApp) -> AsgiApp:
        return _TimedApp(app, self)


class _TimedApp:
    """A class, not a function: Starlette's Route serves a plain function as a request handler, not as an app."""

    def __init__(self, app: AsgiApp, meter: HttpApiMeter) -> None:
        self._app = app
        self._meter = meter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._meter.active:
            await self._app(scope, receive, send)
            return
        body: list[bytes] = []

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.append(message.get("body", b""))
            return message

        self._meter._begin()
        started = time.perf_counter()
        try:
            await self._app(scope, recording_receive, send)
        finally:
            self._meter._add(HttpRequest("api", operation_name(b"".join(body)), time.perf_counter() - started))


def _event_type(body: bytes) -> str:
    try:
        return str(json.loads(body).get("type", "(no type)"))
    except (ValueError, AttributeError):
        return "(unparsable)"
