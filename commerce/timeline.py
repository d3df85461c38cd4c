from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from commerce.clock import to_iso

if TYPE_CHECKING:
    from commerce.orders import Order
    from commerce.ports import OrderEventRepository


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

    @classmethod
    def new(
        cls,
        order_id: str,
        at: datetime,
        type: str,
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
            type=type,
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
    return next((event.at for event in events.list(order.id, limit=1000) if event.type == "PAYMENT_AUTHORIZED"), None)
