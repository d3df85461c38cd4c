from __future__ import annotations

import strawberry

from graphql_api.context import Context, run_sync
from graphql_api.orders.types import Order


@strawberry.type
class OrderQuery:
    @strawberry.field(description="An order, given the access token from placeOrder; null for a wrong token or id.")
    async def order(self, info: strawberry.Info[Context, None], id: strawberry.ID, access_token: str) -> Order | None:
        tracking = info.context.services.tracking
        found = await run_sync(tracking.order_for_shopper, str(id), access_token)
        if found is None:
            return None
        events = await run_sync(tracking.timeline, found.id)
        return Order.of(found, events)
