"""The Order's rules on the saga's way: stock reserved, payment captured, handed to the carrier, fulfilled.

Each step acts only from the status it expects, treats a later status as "already done" (Step Functions retries
steps, and a duplicate event may start a saga twice), and refuses with OrderNoLongerFulfillableError when someone
else (an admin's cancellation, a compensation) took the order elsewhere.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from commerce.errors import DomainError
from commerce.order_change import Change, amount_text, entry
from commerce.order_payment import PaymentState
from commerce.order_status import OrderStatus, reached
from commerce.timeline import OrderEventKind

if TYPE_CHECKING:
    from commerce.orders import Order, Shipment

_S = OrderStatus
_K = OrderEventKind


class SagaStep(StrEnum):
    RESERVE_INVENTORY = "ReserveInventory"
    CAPTURE_PAYMENT = "CapturePayment"
    ALLOCATE_SHIPMENT = "AllocateShipment"


# Each step's status before and after.
_MOVES: dict[SagaStep, tuple[OrderStatus, OrderStatus]] = {
    SagaStep.RESERVE_INVENTORY: (_S.AUTHORIZED, _S.RESERVED),
    SagaStep.CAPTURE_PAYMENT: (_S.RESERVED, _S.CAPTURED),
    SagaStep.ALLOCATE_SHIPMENT: (_S.CAPTURED, _S.SHIPPED),
}


class OrderNoLongerFulfillableError(DomainError):
    def __init__(self, order_id: str, status: str, step: str) -> None:
        super().__init__(f"order {order_id} is {status}: {step} does nothing")
        self.order_id = order_id
        self.status = status
        self.step = step


def step_due(order: Order, step: SagaStep) -> bool:
    """Whether `step` has work to do: False when it is done already; raises OrderNoLongerFulfillableError when the
    order is somewhere the step cannot act (cancelled, compensating, never authorized)."""
    source, target = _MOVES[step]
    if reached(order.status, target):
        return False
    if order.status is not source:
        raise OrderNoLongerFulfillableError(order.id, order.status.value, step.value)
    if step is SagaStep.CAPTURE_PAYMENT and order.payment.intent_id is None:
        raise OrderNoLongerFulfillableError(order.id, "without a payment intent", step.value)
    return True


def reserve(order: Order, warehouses: list[str], at: datetime) -> Change | None:
    if not step_due(order, SagaStep.RESERVE_INVENTORY):
        return None
    moved = order.transitioned(_S.RESERVED, at)
    message = f"Inventory reserved in {', '.join(warehouses)}"
    return Change(moved, [entry(moved, at, _K.INVENTORY_RESERVED, message, detail={"warehouses": warehouses})])


def capture(order: Order, captured: int, at: datetime) -> Change | None:
    """The authorization was captured at Stripe for `captured` (minor units of the order's currency)."""
    if not step_due(order, SagaStep.CAPTURE_PAYMENT):
        return None
    payment = replace(order.payment, status=PaymentState.CAPTURED, captured=captured)
    moved = order.transitioned(_S.CAPTURED, at, payment=payment)
    message = f"Payment captured ({amount_text(captured, order.currency)})"
    return Change(moved, [entry(moved, at, _K.PAYMENT_CAPTURED, message)])


def ship(order: Order, shipments: tuple[Shipment, ...], at: datetime) -> Change | None:
    """Handed to the carrier: from here nothing undoes the order."""
    if not step_due(order, SagaStep.ALLOCATE_SHIPMENT):
        return None
    moved = order.transitioned(_S.SHIPPED, at, shipments=shipments)
    carriers = ", ".join(f"{s.carrier} {s.tracking_number}" for s in shipments)
    return Change(moved, [entry(moved, at, _K.SHIPPED, f"Handed to the carrier: {carriers}")])


def fulfil(order: Order, at: datetime) -> Change | None:
    if order.status is not _S.SHIPPED:
        return None
    moved = order.transitioned(_S.FULFILLED, at)
    return Change(moved, [entry(moved, at, _K.FULFILLED, "Order fulfilled")])
