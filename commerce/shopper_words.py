"""What a shopper reads about their order, in their words: one fixed sentence per timeline event kind and per
ending, never the event's own message or detail.

Those carry what only admins may see: who cancelled and why, exception text, Stripe and warehouse ids. (Knowing
an admin's user name is half of guessing their password.) A kind missing here is not shown to the shopper at all,
so a new internal event cannot leak until someone words it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from commerce.order_status import OrderStatus

if TYPE_CHECKING:
    from commerce.orders import Order
    from commerce.timeline import OrderEvent

_EVENTS: dict[str, str | None] = {
    "ORDER_PLACED": "Order placed, awaiting payment",
    "PAYMENT_ACTION_REQUIRED": "Your bank asked you to confirm the payment",
    "PAYMENT_FAILED": "Payment declined",
    "PAYMENT_AUTHORIZED": "Payment authorized",
    "INVENTORY_RESERVED": "Your items are reserved",
    "PAYMENT_CAPTURED": "Payment taken",
    "SHIPPED": "Handed to the carrier",
    "CUSTOMER_NOTIFIED": "Tracking details emailed to you",
    "FULFILLED": "Order complete",
    "STATUS_CHANGED": "Order updated",
    "CANCELLATION_REQUESTED": "We are cancelling your order",
    "COMPENSATION_STARTED": "We are undoing your order",
    "AUTHORIZATION_CANCELLED": "The hold on your card was released",
    "PAYMENT_CANCELLED": "Your payment was cancelled",
    "PAYMENT_REFUNDED": "Your payment was refunded",
    "CANCELLED": "Your order was cancelled",
    "FAILED": "We could not complete your order",
    "EXPIRED": "Your order expired: it was not paid in time",
    # The saga's bookkeeping and what only the shop can act on.
    "STEP_SUCCEEDED": None,
    "STEP_FAILED": None,
    "NOTIFICATION_FAILED": None,
    "INVENTORY_RELEASED": None,
    "COMPENSATION_REFUSED": None,
}

_ENDINGS: dict[OrderStatus, str] = {
    OrderStatus.CANCELLED: "Your order was cancelled.",
    OrderStatus.FAILED: "We could not complete your order.",
    OrderStatus.EXPIRED: "Your order expired: it was not paid in time.",
}


def event_for_shopper(event: OrderEvent) -> OrderEvent | None:
    """The event as the shopper reads it, or None when it is not theirs to read."""
    message = _EVENTS.get(event.type)
    if message is None:
        return None
    return replace(event, message=message, step=None, attempt=None, detail={})


def failure_reason_for_shopper(order: Order) -> str | None:
    """Why the order ended, without the admin's reason or the error behind it (both stay on the order)."""
    if order.failure_reason is None:
        return None
    return _ENDINGS.get(order.status)
