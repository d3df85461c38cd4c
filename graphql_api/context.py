from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from commerce import wiring, wiring_services
from commerce.admin.tokens import TokenCheck
from commerce.bootstrap import Bus
from commerce.catalog import Availability, Product
from commerce.commands import Command

if TYPE_CHECKING:
    from commerce.admin.analytics import AnalyticsQueries
    from commerce.admin.order_search import AdminOrderSearch
    from commerce.admin.stock import StockLedger
    from commerce.admin.stock_adjustments import StockAdjustments
    from commerce.admin.warehouses import WarehouseAdmin
    from commerce.ports import ProductRepository
    from commerce.services.catalog import CatalogService
    from commerce.services.tracking import OrderTracking
    from commerce.settings import Settings

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


@dataclass(frozen=True)
class ReadSide:
    """What queries read, straight from the repositories and read-only services; every change is a command."""

    settings: Settings
    catalog: CatalogService
    tracking: OrderTracking
    order_search: AdminOrderSearch
    products: ProductRepository
    stock_ledger: StockLedger
    stock: StockAdjustments
    warehouses: WarehouseAdmin
    analytics: AnalyticsQueries

    @classmethod
    def of(cls, bus: Bus) -> ReadSide:
        """Made on the first request that needs it (never at init: the DynamoDB client comes with it)."""
        made = bus.dependencies
        return cls(
            settings=made.build(wiring.settings),
            catalog=made.build(wiring_services.catalog),
            tracking=made.build(wiring_services.tracking),
            order_search=made.build(wiring_services.order_search),
            products=made.build(wiring.products),
            stock_ledger=made.build(wiring.stock_ledger),
            stock=made.build(wiring_services.stock_adjustments),
            warehouses=made.build(wiring_services.warehouse_admin),
            analytics=made.build(wiring_services.analytics_queries),
        )


@dataclass
class Context:
    bus: Bus
    read: ReadSide
    loaders: Loaders
    request: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
    # The caller as their `Authorization: Bearer` admin token proves (or fails to); admin fields' permissions read it.
    admin: TokenCheck = field(default_factory=TokenCheck.missing)

    async def send[R](self, command: Command[R]) -> R:
        """A change: one command to the bus, its blocking calls off the event loop like any other."""
        return await run_sync(lambda: self.bus.handle(command))

    def caller_address(self) -> str | None:
        """The address the request came from, as the edge saw it; None where it cannot be told (no request)."""
        behind_edge = self.read.settings.secrets.origin_secrets is not None
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


def new_context(bus: Bus, request: Any = None, *, one_request_at_a_time: bool = False) -> Context:
    """One per request: DataLoaders cache for one request only."""
    if one_request_at_a_time:
        _blocking_calls_inline.set(True)
    read = ReadSide.of(bus)

    async def load_availability(products: list[Product]) -> list[Availability]:
        return await run_sync(read.catalog.availability, products)

    # Only a request that carries credentials costs a signing-key lookup: shoppers never send one.
    authorization = request.headers.get("authorization") if request is not None else None
    admin = bus.dependencies.build(wiring.admin_tokens).check_authorization(authorization) if authorization else None
    return Context(
        bus=bus,
        read=read,
        loaders=Loaders(availability=DataLoader(load_fn=load_availability, cache_key_fn=lambda product: product.id)),
        request=request,
        admin=admin or TokenCheck.missing(),
    )


async def run_sync[**P, R](function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run blocking service code (boto3, Stripe) off the event loop, so one slow call does not stall the server;
    in place where the server takes one request at a time."""
    if _blocking_calls_inline.get():
        return function(*args, **kwargs)
    return await asyncio.to_thread(function, *args, **kwargs)
