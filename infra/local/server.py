"""The local HTTP surface: what API Gateway routes to the Lambdas on AWS, served by one ASGI app."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from graphql_api.app import create_app
from handlers.stripe_webhook import handle as handle_stripe_webhook
from infra.local.mailbox import sent_mail
from infra.local.observed_routes import ObservedRoutes

if TYPE_CHECKING:
    from infra.local.cloud import LocalCloud


SPA_DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"

_NOT_BUILT = """<!doctype html><title>Web app not built</title>
<p>The web app has not been built yet: run <code>make dev</code> (it builds <code>frontend/</code>)
or <code>npm --prefix frontend run build</code>. The GraphQL API is at <a href="/graphql">/graphql</a>.</p>"""


async def spa(request: Request) -> Response:
    """The built SPA: real files as they are, every other path the app's index.html (client-side routes)."""
    relative = request.path_params.get("path", "")
    candidate = (SPA_DIST / relative).resolve()
    if relative and candidate.is_file() and candidate.is_relative_to(SPA_DIST):
        return FileResponse(candidate)
    index = SPA_DIST / "index.html"
    if not index.is_file():
        return HTMLResponse(_NOT_BUILT, status_code=503)
    return FileResponse(index, headers={"cache-control": "no-cache"})


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def stripe_webhook(request: Request) -> JSONResponse:
    # The raw bytes, exactly as sent: the signature covers them.
    body = await request.body()
    status, payload = await asyncio.to_thread(handle_stripe_webhook, body, request.headers.get("stripe-signature"))
    return JSONResponse(payload, status_code=status)


async def mailbox(_: Request) -> JSONResponse:
    """The mail moto's SES "sent", newest first: the local stand-in for the customer's inbox."""
    messages = await asyncio.to_thread(sent_mail)
    return JSONResponse([asdict(message) for message in messages])


def local_app(cloud: LocalCloud) -> ASGIApp:
    settings = cloud.settings

    async def holds(request: Request) -> Response:
        """Local only: pause a saga step for one order (browser tests catch an order mid-saga), or let it go."""
        if request.method == "DELETE":
            cloud.runtime.faults.release(request.query_params.get("orderId"))
            return Response(status_code=204)
        body = await request.json()
        function, order_id = body.get("function"), body.get("orderId")
        if function not in {f.name for f in cloud.deployment.functions} or not isinstance(order_id, str):
            return JSONResponse({"error": "give a described function name and an orderId"}, status_code=400)
        cloud.runtime.faults.hold(cloud.function_name(function), order_id)
        return Response(status_code=204)

    async def client_config(_: Request) -> JSONResponse:
        return JSONResponse(
            {"stripePublishableKey": settings.stripe.publishable_key, "stripeJsUrl": settings.stripe.js_url}
        )

    observability = cloud.observability
    app = Starlette(
        routes=[
            Route("/health", health),
            # A Route, not a Mount: a Mount would redirect /graphql to /graphql/.
            Route("/graphql", create_app(cloud.bus), methods=["GET", "POST"]),
            Route("/webhooks/stripe", stripe_webhook, methods=["POST"]),
            Route("/config.json", client_config),
            Route("/_local/mail", mailbox),
            Route("/_local/holds", holds, methods=["POST", "DELETE"]),
            *(observability.routes() if observability else []),
            Route("/{path:path}", spa),
        ]
    )
    lambdas = {"/graphql": cloud.function_name("api"), "/webhooks/stripe": cloud.function_name("stripe-webhook")}
    return ObservedRoutes(app, lambdas, observability.xray if observability else None)
