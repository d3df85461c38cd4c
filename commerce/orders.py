from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from commerce.clock import to_iso
from commerce.money import Money
from commerce.order_status import OrderStatus, require_transition


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    region: str = ""


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One product on an order, priced from the catalog when the order was placed."""

    product_id: str
    sku: str
    name: str
    unit_price: Money
    quantity: int

    @property
    def total(self) -> Money:
        return self.unit_price.times(self.quantity)


@dataclass(frozen=True, slots=True)
class Shipment:
    id: str
    warehouse_id: str
    carrier: str
    tracking_number: str
    estimated_delivery: str
    lines: tuple[tuple[str, int], ...]  # (product id, quantity)


@dataclass(frozen=True, slots=True)
class Payment:
    """What Stripe holds for the order. Amounts are in the order's currency."""

    intent_id: str | None = None
    status: str = "NONE"
    authorized: int = 0
    captured: int = 0
    refunded: int = 0
    failure_reason: str | None = None
    last_failure_id: str | None = None  # the declined attempt last recorded, so a repeated report is ignored
    authorized_at: str | None = None  # when the authorization was recorded: payment-to-shipment starts here


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    email: str
    lines: tuple[OrderLine, ...]
    shipping_address: Address
    subtotal: Money
    shipping: Money
    total: Money
    status: OrderStatus
    access_token_hash: str
    idempotency_key: str
    created_at: str
    updated_at: str
    payment: Payment = field(default_factory=Payment)
    shipments: tuple[Shipment, ...] = ()
    failure_reason: str | None = None
    version: int = 0

    @property
    def currency(self) -> str:
        return self.total.currency

    def revised(self, at: datetime, *, payment: Payment) -> Order:
        """This order with new payment facts and no status change (a new version all the same)."""
        return replace(self, payment=payment, updated_at=to_iso(at), version=self.version + 1)

    def transitioned(
        self,
        target: OrderStatus,
        at: datetime,
        *,
        payment: Payment | None = None,
        shipments: tuple[Shipment, ...] | None = None,
        failure_reason: str | None = None,
    ) -> Order:
        """This order in `target` status; raises IllegalTransitionError if the life cycle forbids it."""
        require_transition(self.id, self.status, target)
        return replace(
            self,
            status=target,
            updated_at=to_iso(at),
            version=self.version + 1,
            payment=payment if payment is not None else self.payment,
            shipments=shipments if shipments is not None else self.shipments,
            failure_reason=failure_reason if failure_reason is not None else self.failure_reason,
        )
