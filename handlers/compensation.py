"""Bus consumer: undo an order (a failed saga step, an admin's cancellation)."""

from __future__ import annotations

from typing import Any

from commerce.events import CompensationRequested
from handlers.runtime import services


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order = services().compensation.compensate(CompensationRequested(**event["detail"]))
    return {"order_id": order.id, "status": order.status.value}
