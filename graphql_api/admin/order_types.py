from __future__ import annotations

from dataclasses import replace

import strawberry

from commerce import orders
from commerce.admin.cancellation import is_cancellable
from commerce.order_payment import PaymentState
from commerce.order_status import OrderStatus
from commerce.timeline import OrderEvent as DomainOrderEvent
from graphql_api.catalog.types import Money
from graphql_api.errors import UserError
from graphql_api.orders.types import Order
from graphql_api.scalars import DateTime


@strawberry.type(description="An order in the admin's list; open it with adminOrder for lines, payment and timeline.")
class AdminOrderSummary:
    id: strawberry.ID
    email: str
    status: OrderStatus
    total: Money
    units: int
    payment_status: PaymentState
    failure_reason: str | None
    created_at: DateTime
    updated_at: DateTime

    @classmethod
    def of(cls, order: orders.Order) -> AdminOrderSummary:
        return cls(
            id=strawberry.ID(order.id),
            email=order.email,
            status=order.status,
            total=Money.of(order.total),
            units=sum(line.quantity for line in order.lines),
            payment_status=order.payment.status,
            failure_reason=order.failure_reason,
            created_at=DateTime(order.created_at),
            updated_at=DateTime(order.updated_at),
        )


@strawberry.type(
    description="An order with everything about it: lines, payment (authorized, captured, refunded), shipments, "
    "and the full timeline (every saga step attempt with its error, every compensation step, who cancelled and why)."
)
class AdminOrder(Order):
    payment_intent_id: str | None = strawberry.field(default=None, description="Stripe's PaymentIntent id.")
    cancellable: bool = strawberry.field(default=False, description="Whether cancelOrder can still undo it.")

    @classmethod
    def of_order(cls, order: orders.Order, events: list[DomainOrderEvent]) -> AdminOrder:
        built = cls.of(order, events)  # Order.of builds the class it is called on
        assert isinstance(built, AdminOrder)
        return replace(built, payment_intent_id=order.payment.intent_id, cancellable=is_cancellable(order))


@strawberry.input
class AdminOrderFilter:
    status: OrderStatus | None = None
    email: str | None = strawberry.field(default=None, description="The customer's email, any case.")
    created_from: DateTime | None = strawberry.field(default=None, description="Placed at or after this instant.")
    created_to: DateTime | None = strawberry.field(default=None, description="Placed at or before this instant.")


@strawberry.type
class CancelOrderPayload:
    order: AdminOrder | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
