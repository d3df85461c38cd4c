"""The local API Gateway's side of observability: a request to a route that is a Lambda on AWS (the GraphQL API, the
Stripe webhook) is one invocation of that function here too, with its segment, correlation keys, metrics flush and
summary line (`POST /graphql placeOrder 200 34ms order=ord_…`)."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from commerce.adapters.invocation import invocation
from infra.local.iam_enforcement import acting_as
from infra.local.xray import LocalXRay


class ObservedRoutes:
    def __init__(self, app: ASGIApp, functions: Mapping[str, str], xray: LocalXRay | None) -> None:
        self.app = app
        self.functions = dict(functions)  # path → the function that serves it on AWS
        self.xray = xray

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        service = self.functions.get(scope["path"]) if scope["type"] == "http" else None
        if service is None:
            await self.app(scope, receive, send)
            return
        http: dict[str, str | int] = {"method": scope["method"], "path": scope["path"]}
        # A new trace per request: API Gateway's HTTP APIs do not take part in X-Ray, so on AWS the Lambda starts it.
        # The request's AWS calls are made as that function's role, as on AWS.
        with self._segment(service), acting_as(service), invocation(service, http=http) as found:

            async def send_recording_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    found.http["status"] = int(message["status"])
                await send(message)

            await self.app(scope, receive, send_recording_status)

    def _segment(self, service: str) -> AbstractContextManager[Any]:
        return nullcontext() if self.xray is None else self.xray.segment(service)
