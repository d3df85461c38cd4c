from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from commerce.admin.tokens import TokenCheck
from commerce.bootstrap import Services
from commerce.catalog import Availability, Product

# CloudFront's own header: "<viewer ip>:<source port>", IPv6 unbracketed ("2001:db8::1:46532"). The API's cache
# behaviours use the managed origin request policy AllViewerExceptHostHeader, which adds every CloudFront header,
# this one included ("Use managed origin request policies", CloudFront developer guide), and CloudFront writes it
# itself rather than passing on a viewer's header of that name (infra/components/web.py).
VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address"

# Set per request by the app: on Lambda an execution environment serves one request at a time, so a thread hop buys
# no concurrency, only latency (~0.1 ms per resolver call, the larger part of a cached query's overhead).
_blocking_calls_inline: ContextVar[bool] = ContextVar("blocking_calls_inline", default=False)


@dataclass
class Loaders:
    availability: DataLoader[Product, Availability]


@dataclass
class Context:
    services: Services
    loaders: Loaders
    request: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
    # The caller as their `Authorization: Bearer` admin token proves (or fails to); admin fields' permissions read it.
    admin: TokenCheck = field(default_factory=TokenCheck.missing)

    def caller_address(self) -> str | None:
        """The address the request came from, as the edge saw it; None where it cannot be told (no request)."""
        behind_edge = self.services.settings.secrets.origin_secrets is not None
        return caller_address(self.request, behind_edge=behind_edge)


def caller_address(request: Any, *, behind_edge: bool) -> str | None:
    """On AWS the peer is CloudFront (API Gateway's `requestContext.http.sourceIp`, Mangum's scope "client"), so the
    viewer's address is the header CloudFront adds. It is trusted only behind the edge, where the Lambda refuses any
    request without CloudFront's origin secret (commerce/adapters/edge.py), so no caller can set it. Not
    X-Forwarded-For: CloudFront appends the viewer to whatever list the viewer sent, so its first hop is the
    caller's to choose. Locally (uvicorn, no edge) the peer is the caller and the header is ignored."""
    if request is None:
        return None
    if behind_edge and "aws.event" in request.scope:
        viewer = request.headers.get(VIEWER_ADDRESS_HEADER, "")
        host = viewer.rpartition(":")[0].strip("[]")
        if host:
            return str(host)
    client = request.client
    return str(client.host) if client is not None and client.host else None


def new_context(services: Services, request: Any = None, *, one_request_at_a_time: bool = False) -> Context:
    """One per request: DataLoaders cache for one request only."""
    if one_request_at_a_time:
        _blocking_calls_inline.set(True)

    async def load_availability(products: list[Product]) -> list[Availability]:
        return await run_sync(services.catalog.availability, products)

    # Only a request that carries credentials costs a signing-key lookup: shoppers never send one.
    authorization = request.headers.get("authorization") if request is not None else None
    return Context(
        services=services,
        loaders=Loaders(availability=DataLoader(load_fn=load_availability, cache_key_fn=lambda product: product.id)),
        request=request,
        admin=services.admin_tokens.check_authorization(authorization) if authorization else TokenCheck.missing(),
    )


async def run_sync[**P, R](function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run blocking service code (boto3, Stripe) off the event loop, so one slow call does not stall the server;
    in place where the server takes one request at a time."""
    if _blocking_calls_inline.get():
        return function(*args, **kwargs)
    return await asyncio.to_thread(function, *args, **kwargs)
