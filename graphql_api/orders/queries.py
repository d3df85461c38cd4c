from __future__ import annotations

import strawberry

from commerce.order_status import TERMINAL, OrderStatus
from commerce.shopper_words import failure_reason_for_shopper
from graphql_api.context import Context, run_sync
from graphql_api.orders.types import Order, OrderEvent, Payment, Shipment, held_until_of, payment_of, shipment_of
from graphql_api.scalars import DateTime


@strawberry.type(description="What changed since the cursor: for polling until `terminal`.")
class OrderUpdates:
    status: OrderStatus
    terminal: bool
    payment: Payment
    shipments: list[Shipment]
    failure_reason: str | None
    held_until: DateTime | None = strawberry.field(description="As Order.heldUntil.")
    events: list[OrderEvent]
    cursor: str | None = strawberry.field(description="Pass as `after` next time; null until the first event.")


@strawberry.type
class OrderQuery:
    @strawberry.field(description="An order, given the access token from placeOrder; null for a wrong token or id.")
    async def order(self, info: strawberry.Info[Context, None], id: strawberry.ID, access_token: str) -> Order | None:
        tracking = info.context.read.tracking
        found = await run_sync(tracking.order_for_shopper, str(id), access_token)
        if found is None:
            return None
        return Order.for_shopper(found, await run_sync(tracking.timeline, found.id))

    @strawberry.field(description="The order's status and only the timeline events after `after` (polling).")
    async def order_updates(
        self,
        info: strawberry.Info[Context, None],
        id: strawberry.ID,
        access_token: str,
        after: str | None = None,
    ) -> OrderUpdates | None:
        tracking = info.context.read.tracking
        found = await run_sync(tracking.order_for_shopper, str(id), access_token)
        if found is None:
            return None
        timeline = await run_sync(tracking.timeline, found.id, after=after)
        return OrderUpdates(
            status=found.status,
            terminal=found.status in TERMINAL,
            payment=payment_of(found),
            shipments=[shipment_of(shipment) for shipment in found.shipments],
            failure_reason=failure_reason_for_shopper(found),
            held_until=held_until_of(found),
            events=[OrderEvent.of(event) for event in timeline.events],
            cursor=timeline.cursor,
        )
