"""Bus consumer: tell the customer about status changes that have no step of their own to do it."""

from __future__ import annotations

from typing import Any

from commerce.adapters.invocation import observed
from commerce.events import OrderStatusChanged
from commerce.order_status import OrderStatus
from handlers.runtime import from_bus, services


@observed(from_bus)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    change = OrderStatusChanged(**event["detail"])
    order = services().repositories.orders.get(change.order_id)
    if order is None:
        return {"order_id": change.order_id, "sent": False}
    notifications, emails = services().notifications, services().emails
    sent: bool | None = False
    if change.status == OrderStatus.AUTHORIZED.value:
        sent = emails.once("confirmed", order.id, lambda: notifications.order_confirmed(order))
    elif change.status == OrderStatus.PAYMENT_FAILED.value:
        reason = change.reason or order.payment.failure_reason or "declined"
        # One email per declined attempt, not per delivery of the event.
        attempt = order.payment.last_failure_id or "unknown"
        sent = emails.once(f"payment-failed:{attempt}", order.id, lambda: notifications.payment_failed(order, reason))
    return {"order_id": order.id, "sent": bool(sent)}
