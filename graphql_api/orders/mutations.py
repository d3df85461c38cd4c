from __future__ import annotations

import strawberry

from commerce.commands import PlaceOrder
from commerce.orders import Address
from commerce.validation import OrderRejectedError
from graphql_api.context import Context, run_sync
from graphql_api.errors import user_errors
from graphql_api.orders.types import Order, PlaceOrderInput, PlaceOrderPayload


@strawberry.type
class OrderMutation:
    @strawberry.mutation(description="Place an order awaiting payment. Idempotent per idempotencyKey.")
    async def place_order(self, info: strawberry.Info[Context, None], input: PlaceOrderInput) -> PlaceOrderPayload:
        address = input.shipping_address
        command = PlaceOrder(
            idempotency_key=input.idempotency_key,
            email=input.email,
            lines=[(str(line.product_id), line.quantity) for line in input.lines],
            shipping_address=Address(
                name=address.name,
                line1=address.line1,
                line2=address.line2,
                city=address.city,
                region=address.region,
                postal_code=address.postal_code,
                country=address.country,
            ),
        )
        try:
            placed = await info.context.send(command)
        except OrderRejectedError as rejected:
            return PlaceOrderPayload(errors=user_errors(rejected.issues))
        # No PaymentIntent yet: it is opened at the first payOrder, so an order never paid costs no Stripe call.
        timeline = await run_sync(info.context.read.tracking.timeline, placed.order.id)
        return PlaceOrderPayload(order=Order.for_shopper(placed.order, timeline), access_token=placed.access_token)
