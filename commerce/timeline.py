from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from commerce.clock import to_iso

if TYPE_CHECKING:
    from commerce.orders import Order
    from commerce.ports import OrderEventRepository


class OrderEventKind(StrEnum):
    """Every kind of timeline entry, a closed list. Stored as its value, so entries written before this list read."""

    ORDER_PLACED = "ORDER_PLACED"
    STOCK_HELD = "STOCK_HELD"
    PAYMENT_ACTION_REQUIRED = "PAYMENT_ACTION_REQUIRED"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    PAYMENT_AUTHORIZED = "PAYMENT_AUTHORIZED"
    INVENTORY_RESERVED = "INVENTORY_RESERVED"
    PAYMENT_CAPTURED = "PAYMENT_CAPTURED"
    SHIPPED = "SHIPPED"
    CUSTOMER_NOTIFIED = "CUSTOMER_NOTIFIED"
    NOTIFICATION_FAILED = "NOTIFICATION_FAILED"
    FULFILLED = "FULFILLED"
    STATUS_CHANGED = "STATUS_CHANGED"
    STEP_SUCCEEDED = "STEP_SUCCEEDED"
    STEP_FAILED = "STEP_FAILED"
    CANCELLATION_REQUESTED = "CANCELLATION_REQUESTED"
    COMPENSATION_STARTED = "COMPENSATION_STARTED"
    COMPENSATION_REFUSED = "COMPENSATION_REFUSED"
    INVENTORY_RELEASED = "INVENTORY_RELEASED"
    AUTHORIZATION_CANCELLED = "AUTHORIZATION_CANCELLED"
    PAYMENT_CANCELLED = "PAYMENT_CANCELLED"
    PAYMENT_REFUNDED = "PAYMENT_REFUNDED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"
    # A stored kind this code does not know (written by a newer or an older version): read, never written.
    OTHER = "OTHER"

    @classmethod
    def of(cls, stored: str) -> OrderEventKind:
        try:
            return cls(stored)
        except ValueError:
            return cls.OTHER


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One entry of an order's timeline: a status change, a saga step attempt, a compensation.

    `id` sorts in time order (timestamp first, then a random suffix for events of the same millisecond),
    so it doubles as the polling cursor of `orderUpdates`.
    """

    order_id: str
    id: str
    at: str
    type: str
    message: str
    status: str | None = None
    step: str | None = None
    attempt: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> OrderEventKind:
        return OrderEventKind.of(self.type)

    @classmethod
    def new(
        cls,
        order_id: str,
        at: datetime,
        type: OrderEventKind,
        message: str,
        *,
        status: str | None = None,
        step: str | None = None,
        attempt: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> OrderEvent:
        stamp = to_iso(at)
        return cls(
            order_id=order_id,
            id=f"{stamp}#{secrets.token_hex(4)}",
            at=stamp,
            type=str(type),
            message=message,
            status=status,
            step=step,
            attempt=attempt,
            detail=detail or {},
        )


def authorized_at(order: Order, events: OrderEventRepository) -> str | None:
    """When the order's payment was authorized: recorded on the payment, or (orders authorized before it was)
    found in the timeline."""
    if order.payment.authorized_at is not None:
        return order.payment.authorized_at
    return next(
        (event.at for event in events.list(order.id, limit=1000) if event.kind is OrderEventKind.PAYMENT_AUTHORIZED),
        None,
    )


def compensation_started(order_id: str, events: OrderEventRepository) -> dict[str, Any] | None:
    """How the order's last compensation was started, as a compensation begun before the order carried its request
    recorded it: in the detail of its COMPENSATION_STARTED entry."""
    started = [e for e in events.list(order_id, limit=1000) if e.kind is OrderEventKind.COMPENSATION_STARTED]
    return {**started[-1].detail, "failed_step": started[-1].step} if started else None
