from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

import strawberry
from strawberry.scalars import JSON

from commerce import orders
from commerce.order_payment import PaymentState
from commerce.order_status import OrderStatus
from commerce.shipping import tracking_url
from commerce.shopper_words import failure_reason_for_shopper
from commerce.timeline import OrderEvent as DomainOrderEvent
from commerce.timeline import OrderEventKind
from graphql_api.catalog.types import Money
from graphql_api.errors import UserError
from graphql_api.scalars import DateTime

if TYPE_CHECKING:
    from commerce.services.tracking import ShopperTimeline

strawberry.enum(OrderStatus, description="Where an order is in its life cycle.")
strawberry.enum(PaymentState, description="The order's payment as the order last recorded it.")
strawberry.enum(
    OrderEventKind,
    description="What a timeline entry records. OTHER: a kind this server does not know (written by another version).",
)


@strawberry.type
class Address:
    name: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str

    @classmethod
    def of(cls, address: orders.Address) -> Address:
        return cls(
            name=address.name,
            line1=address.line1,
            line2=address.line2,
            city=address.city,
            region=address.region,
            postal_code=address.postal_code,
            country=address.country,
        )


@strawberry.type
class OrderLine:
    product_id: strawberry.ID
    sku: str
    name: str
    unit_price: Money
    quantity: int
    total: Money


@strawberry.type
class Shipment:
    id: strawberry.ID
    warehouse_id: str
    carrier: str
    tracking_number: str
    tracking_url: str
    estimated_delivery: str


@strawberry.type(description="What Stripe holds for the order.")
class Payment:
    status: PaymentState
    authorized: Money
    captured: Money
    refunded: Money
    failure_reason: str | None


@strawberry.type(description="One entry of an order's timeline. Its id is the cursor for orderUpdates.")
class OrderEvent:
    id: str
    at: DateTime
    kind: OrderEventKind
    type: str = strawberry.field(description="The kind as stored; prefer kind.")
    message: str
    status: OrderStatus | None
    step: str | None
    attempt: int | None
    detail: JSON

    @classmethod
    def of(cls, event: DomainOrderEvent) -> OrderEvent:
        return cls(
            id=event.id,
            at=DateTime(event.at),
            kind=event.kind,
            type=event.type,
            message=event.message,
            status=OrderStatus(event.status) if event.status else None,
            step=event.step,
            attempt=event.attempt,
            detail=cast(JSON, event.detail),
        )


@strawberry.type
class Order:
    id: strawberry.ID
    email: str
    status: OrderStatus
    lines: list[OrderLine]
    subtotal: Money
    shipping: Money
    total: Money
    shipping_address: Address
    payment: Payment
    shipments: list[Shipment]
    failure_reason: str | None
    held_until: DateTime | None = strawberry.field(
        description="While the order waits for payment: its items are held for the shopper until then (UTC). "
        "Each payOrder renews the hold; once it lapses the items go back on sale, and the next payOrder holds "
        "them again if they are still there, else answers OUT_OF_STOCK. Null before the first payOrder and once "
        "the order is paid or ended."
    )
    created_at: DateTime
    updated_at: DateTime
    timeline: list[OrderEvent]

    @classmethod
    def of(cls, order: orders.Order, events: list[DomainOrderEvent]) -> Order:
        return cls(
            id=strawberry.ID(order.id),
            email=order.email,
            status=order.status,
            lines=[
                OrderLine(
                    product_id=strawberry.ID(line.product_id),
                    sku=line.sku,
                    name=line.name,
                    unit_price=Money.of(line.unit_price),
                    quantity=line.quantity,
                    total=Money.of(line.total),
                )
                for line in order.lines
            ],
            subtotal=Money.of(order.subtotal),
            shipping=Money.of(order.shipping),
            total=Money.of(order.total),
            shipping_address=Address.of(order.shipping_address),
            payment=payment_of(order),
            shipments=[shipment_of(shipment) for shipment in order.shipments],
            failure_reason=order.failure_reason,
            held_until=held_until_of(order),
            created_at=DateTime(order.created_at),
            updated_at=DateTime(order.updated_at),
            timeline=[OrderEvent.of(event) for event in events],
        )

    @classmethod
    def for_shopper(cls, order: orders.Order, timeline: ShopperTimeline) -> Order:
        """The order as its shopper sees it: the admin's reason and the error behind a failure stay on AdminOrder."""
        return cls.of(replace(order, failure_reason=failure_reason_for_shopper(order)), timeline.events)


def held_until_of(order: orders.Order) -> DateTime | None:
    held_until = order.stock_held_until
    return DateTime(held_until) if held_until is not None else None


def payment_of(order: orders.Order) -> Payment:
    currency = order.currency
    return Payment(
        status=order.payment.status,
        authorized=Money(amount=order.payment.authorized, currency=currency),
        captured=Money(amount=order.payment.captured, currency=currency),
        refunded=Money(amount=order.payment.refunded, currency=currency),
        failure_reason=order.payment.failure_reason,
    )


def shipment_of(shipment: orders.Shipment) -> Shipment:
    return Shipment(
        id=strawberry.ID(shipment.id),
        warehouse_id=shipment.warehouse_id,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        estimated_delivery=shipment.estimated_delivery,
        tracking_url=tracking_url(shipment.carrier, shipment.tracking_number),
    )


@strawberry.input
class AddressInput:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str = strawberry.field(description="Two-letter ISO-3166 code, e.g. US.")
    line2: str = ""
    region: str = ""


@strawberry.input
class OrderLineInput:
    product_id: strawberry.ID
    quantity: int


@strawberry.input(description="Prices come from the catalog; the client sends only what and how many.")
class PlaceOrderInput:
    idempotency_key: str = strawberry.field(
        description="A fresh random key (a UUID) per checkout; resending it returns the same order."
    )
    email: str
    lines: list[OrderLineInput]
    shipping_address: AddressInput


@strawberry.type
class PlaceOrderPayload:
    order: Order | None = None
    access_token: str | None = strawberry.field(
        default=None, description="Shown once: keep it to look the order up. Only its hash is stored."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)
