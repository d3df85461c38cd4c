from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from commerce.admin.analytics import AnalyticsPeriodError
from commerce.admin.order_search import OrderFilter, normalized_filter
from commerce.pagination import InvalidCursorError
from graphql_api.admin.analytics_types import Analytics
from graphql_api.admin.inventory_types import ProductInventory
from graphql_api.admin.order_types import AdminOrder, AdminOrderFilter, AdminOrderSummary
from graphql_api.admin.permissions import ADMIN_ONLY
from graphql_api.admin.product_types import AdminProduct
from graphql_api.admin.warehouse_types import Warehouse
from graphql_api.context import Context, run_sync
from graphql_api.errors import BadRequestError
from graphql_api.pagination import Connection, page_size

Info = strawberry.Info[Context, None]


@strawberry.type
class AdminQuery:
    @strawberry.field(
        permission_classes=ADMIN_ONLY,
        description="Orders newest first, filtered by status, customer email and creation time; read from indexes.",
    )
    async def admin_orders(
        self, info: Info, filter: AdminOrderFilter | None = None, first: int = 20, after: str | None = None
    ) -> Connection[AdminOrderSummary]:
        read = info.context.read
        limit = page_size(first, read.settings.max_page_size)
        given = filter or AdminOrderFilter()
        wanted, issues = normalized_filter(OrderFilter(given.status, given.email, given.created_from, given.created_to))
        if issues:
            raise BadRequestError("; ".join(f"{issue.field} {issue.message}" for issue in issues))
        try:
            page = await run_sync(read.order_search.search, wanted, limit=limit, cursor=after)
        except InvalidCursorError as exc:
            raise BadRequestError("after is not a cursor of this listing and filter") from exc
        return Connection[AdminOrderSummary].of(page, AdminOrderSummary.of)

    @strawberry.field(permission_classes=ADMIN_ONLY, description="One order with its whole timeline; null if none.")
    async def admin_order(self, info: Info, id: strawberry.ID) -> AdminOrder | None:
        search = info.context.read.order_search
        found = await run_sync(search.order, str(id))
        if found is None:
            return None
        return AdminOrder.of_order(found, await run_sync(search.timeline, found.id))

    @strawberry.field(permission_classes=ADMIN_ONLY, description="Every warehouse, by id; createWarehouse adds one.")
    async def warehouses(self, info: Info) -> list[Warehouse]:
        found = await run_sync(info.context.read.warehouses.list)
        return [Warehouse.of(warehouse) for warehouse in found]

    @strawberry.field(
        permission_classes=ADMIN_ONLY, description="A product's stock in every warehouse; null for an unknown product."
    )
    async def inventory(self, info: Info, product_id: strawberry.ID) -> ProductInventory | None:
        read = info.context.read
        product = await run_sync(read.products.get, str(product_id))
        if product is None:
            return None
        return ProductInventory.of(product, await run_sync(read.stock.levels, product.id))

    @strawberry.field(
        permission_classes=ADMIN_ONLY,
        description="Products by category then SKU: the active ones, or with active: false the deactivated ones.",
    )
    async def admin_products(
        self, info: Info, active: bool = True, category: str | None = None, first: int = 20, after: str | None = None
    ) -> Connection[AdminProduct]:
        read = info.context.read
        limit = page_size(first, read.settings.max_page_size)
        products = read.products
        try:
            page = await run_sync(products.page, category=category, limit=limit, cursor=after, active=active)
        except InvalidCursorError as exc:
            raise BadRequestError("after is not a cursor of this listing") from exc
        return Connection[AdminProduct].of(page, AdminProduct.of_product)

    @strawberry.field(permission_classes=ADMIN_ONLY, description="Figures for the UTC days from `from` to `to`.")
    async def analytics(
        self, info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date
    ) -> Analytics:
        try:
            report = await run_sync(info.context.read.analytics.report, from_, to)
        except AnalyticsPeriodError as exc:
            raise BadRequestError(str(exc)) from exc
        return Analytics.of(report)
