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
from commerce.timeline import OrderEventKind

if TYPE_CHECKING:
    from commerce.orders import Order
    from commerce.timeline import OrderEvent

_K = OrderEventKind
_EVENTS: dict[OrderEventKind, str | None] = {
    _K.ORDER_PLACED: "Order placed, awaiting payment",
    _K.STOCK_HELD: "Your items are held for you while you pay",
    _K.PAYMENT_ACTION_REQUIRED: "Your bank asked you to confirm the payment",
    _K.PAYMENT_FAILED: "Payment declined",
    _K.PAYMENT_AUTHORIZED: "Payment authorized",
    _K.INVENTORY_RESERVED: "Your items are reserved",
    _K.PAYMENT_CAPTURED: "Payment taken",
    _K.SHIPPED: "Handed to the carrier",
    _K.CUSTOMER_NOTIFIED: "Tracking details emailed to you",
    _K.FULFILLED: "Order complete",
    _K.STATUS_CHANGED: "Order updated",
    _K.CANCELLATION_REQUESTED: "We are cancelling your order",
    _K.COMPENSATION_STARTED: "We are undoing your order",
    _K.AUTHORIZATION_CANCELLED: "The hold on your card was released",
    _K.PAYMENT_CANCELLED: "Your payment was cancelled",
    _K.PAYMENT_REFUNDED: "Your payment was refunded",
    _K.CANCELLED: "Your order was cancelled",
    _K.FAILED: "We could not complete your order",
    _K.EXPIRED: "Your order expired: it was not paid in time",
    # The saga's bookkeeping and what only the shop can act on.
    _K.STEP_SUCCEEDED: None,
    _K.STEP_FAILED: None,
    _K.NOTIFICATION_FAILED: None,
    _K.INVENTORY_RELEASED: None,
    _K.COMPENSATION_REFUSED: None,
    _K.OTHER: None,
}

_ENDINGS: dict[OrderStatus, str] = {
    OrderStatus.CANCELLED: "Your order was cancelled.",
    OrderStatus.FAILED: "We could not complete your order.",
    OrderStatus.EXPIRED: "Your order expired: it was not paid in time.",
}


def event_for_shopper(event: OrderEvent) -> OrderEvent | None:
    """The event as the shopper reads it, or None when it is not theirs to read."""
    message = _EVENTS.get(event.kind)
    if message is None:
        return None
    return replace(event, message=message, step=None, attempt=None, detail={})


def failure_reason_for_shopper(order: Order) -> str | None:
    """Why the order ended, without the admin's reason or the error behind it (both stay on the order)."""
    if order.failure_reason is None:
        return None
    return _ENDINGS.get(order.status)
