from __future__ import annotations

import strawberry

from commerce import catalog
from commerce.pagination import InvalidCursorError
from graphql_api.admin.product_types import AdminProduct
from graphql_api.admin.stock_types import StockAdjustment, StockLevel
from graphql_api.context import Context, run_sync
from graphql_api.errors import BadRequestError
from graphql_api.pagination import Connection, page_size


@strawberry.type(description="A product's stock per warehouse, and the admin changes that led there.")
class ProductInventory:
    product: AdminProduct
    levels: list[StockLevel] = strawberry.field(
        description="One per warehouse; version 0 and no units where the product was never stocked."
    )

    @classmethod
    def of(cls, product: catalog.Product, levels: list[catalog.StockLevel]) -> ProductInventory:
        return cls(
            product=AdminProduct.of_product(product),
            levels=[StockLevel.of(level, product.low_stock_threshold) for level in levels],
        )

    @strawberry.field(description="Admin stock changes, newest first: adjustments, splits and merges (`kind`).")
    async def adjustments(
        self, info: strawberry.Info[Context, None], first: int = 20, after: str | None = None
    ) -> Connection[StockAdjustment]:
        read = info.context.read
        limit = page_size(first, read.settings.max_page_size)
        ledger = read.stock_ledger
        try:
            page = await run_sync(ledger.history, str(self.product.id), limit=limit, cursor=after)
        except InvalidCursorError as exc:
            raise BadRequestError("after is not a cursor of this listing") from exc
        return Connection[StockAdjustment].of(page, StockAdjustment.of)
