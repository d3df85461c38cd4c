"""Bus consumer: undo an order (a failed saga step, an admin's cancellation)."""

from __future__ import annotations

from typing import Any

from commerce.adapters.invocation import observed
from commerce.events import CompensationRequested
from handlers.runtime import from_bus, services


@observed(from_bus)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order = services().compensation.compensate(CompensationRequested(**event["detail"]))
    return {"order_id": order.id, "status": order.status.value}
