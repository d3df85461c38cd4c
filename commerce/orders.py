"""The Order aggregate: its data, and the methods that are the only way it changes.

Each method enforces one rule of the life cycle and returns a Change (the order to save, its timeline entries, its
domain events), None when there is nothing to do, or raises a DomainError for a request the life cycle refuses.
Services read the order, call one method inside OrderChanges.apply, and save on the version read.
The rules live in one module per phase; the class below is their table of contents.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from commerce import order_fulfilling, order_paying, order_reversals, order_undoing
from commerce.clock import to_iso
from commerce.money import Money
from commerce.order_payment import Payment, PaymentState
from commerce.order_status import AWAITING_PAYMENT, CANCELLABLE, UNDO_SAFE, OrderStatus, require_transition
from commerce.order_undoing import CompensationRequest

__all__ = ["Address", "CompensationRequest", "Order", "OrderLine", "Payment", "PaymentState", "Shipment"]


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
    compensation: CompensationRequest | None = None  # how the order's compensation was asked for, from its begin
    held_until: str | None = None  # when its stock hold lapses unless paid (UTC ISO-8601); None before payOrder
    version: int = 0

    # Paying (commerce.order_paying)
    hold = order_paying.hold
    attach_intent = order_paying.attach_intent
    require_action = order_paying.require_action
    decline = order_paying.decline
    authorize = order_paying.authorize
    expire = order_paying.expire
    # What Stripe reports was done to the payment (commerce.order_reversals)
    record_refund = order_reversals.record_refund
    record_cancel = order_reversals.record_cancel
    # The saga (commerce.order_fulfilling)
    step_due = order_fulfilling.step_due
    reserve = order_fulfilling.reserve
    capture = order_fulfilling.capture
    ship = order_fulfilling.ship
    fulfil = order_fulfilling.fulfil
    # Undoing (commerce.order_undoing)
    begin_compensation = order_undoing.begin_compensation
    finish_compensation = order_undoing.finish_compensation

    @property
    def currency(self) -> str:
        return self.total.currency

    @property
    def stock_held_until(self) -> str | None:
        """Until when its stock is held for the shopper to pay: only while it waits for payment (then converted)."""
        return self.held_until if self.status in AWAITING_PAYMENT else None

    @property
    def cancellable(self) -> bool:
        """Whether an admin's cancellation can still act on it."""
        return self.status in CANCELLABLE

    @property
    def undo_safe(self) -> bool:
        """Whether releasing its stock and returning its money is safe: no step will ship it any more."""
        return self.status in UNDO_SAFE

    def revised(self, at: datetime, *, payment: Payment) -> Order:
        """This order with new payment facts and no status change (a new version all the same).

        The primitive under the methods above: only commerce/order_*.py call it (tests/unit/test_order_ownership.py).
        """
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
        """This order in `target` status; raises IllegalTransitionError if the life cycle forbids it.

        The primitive under the methods above: only commerce/order_*.py call it (tests/unit/test_order_ownership.py).
        """
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
