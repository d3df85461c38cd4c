"""The local HTTP surface: what API Gateway routes to Lambda on AWS, served by one ASGI app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from commerce.bootstrap import Services
from graphql_api.app import create_app


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def local_app(services: Services) -> Starlette:
    return Starlette(
        routes=[
            Route("/health", health),
            # A Route, not a Mount: a Mount would redirect /graphql to /graphql/.
            Route("/graphql", create_app(services), methods=["GET", "POST"]),
        ]
    )
