"""Bus consumer: undo an order (a failed saga step, an admin's cancellation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from commerce.adapters.invocation import observed
from commerce.bootstrap import bootstrap
from commerce.events import CompensationRequested
from commerce.handlers import COMPENSATION_HANDLERS
from handlers.runtime import from_bus

if TYPE_CHECKING:
    from commerce.orders import Order

bus = bootstrap(COMPENSATION_HANDLERS)


@observed(from_bus)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    (order,) = cast("list[Order]", bus.handle(CompensationRequested(**event["detail"])))
    return {"order_id": order.id, "status": order.status.value}
