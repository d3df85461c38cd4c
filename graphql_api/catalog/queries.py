from __future__ import annotations

import strawberry

from commerce.pagination import InvalidCursorError
from graphql_api.catalog.types import Product
from graphql_api.context import Context, run_sync
from graphql_api.errors import BadRequestError
from graphql_api.pagination import Connection, page_size


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Active products by category, then SKU. `first` is at most the server's page size.")
    async def products(
        self,
        info: strawberry.Info[Context, None],
        category: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Product]:
        read = info.context.read
        limit = page_size(first, read.settings.max_page_size)
        try:
            page = await run_sync(read.catalog.page, category=category, limit=limit, cursor=after)
        except InvalidCursorError as exc:
            raise BadRequestError("after is not a cursor of this listing") from exc
        return Connection[Product].of(page, Product.of)

    @strawberry.field
    async def product(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Product | None:
        found = await run_sync(info.context.read.catalog.product, str(id))
        return Product.of(found) if found else None
