"""Bus consumer: tell the customer about status changes that have no step of their own to do it."""

from __future__ import annotations

from typing import Any

from commerce.adapters.invocation import observed
from commerce.bootstrap import bootstrap
from commerce.events import OrderStatusChanged
from commerce.handlers import NOTIFICATION_HANDLERS
from handlers.runtime import from_bus

bus = bootstrap(NOTIFICATION_HANDLERS)


@observed(from_bus)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    change = OrderStatusChanged(**event["detail"])
    (sent,) = bus.handle(change)
    return {"order_id": change.order_id, "sent": bool(sent)}
