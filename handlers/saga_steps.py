"""Lambda handlers of the fulfillment saga's Tasks: one command each (commerce/handlers.py runs the step and
records its attempt in the order's timeline); a transient AWS failure is named for the state machine's Retry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from commerce.adapters.aws_errors import is_transient
from commerce.adapters.invocation import observed
from commerce.bootstrap import bootstrap
from commerce.commands import AllocateShipment, CapturePayment, MarkFulfilled, NotifyCustomer, ReserveInventory
from commerce.commands import SagaStep as Step
from commerce.handlers import SAGA_STEP_HANDLERS
from handlers.runtime import TransientStepError

bus = bootstrap(SAGA_STEP_HANDLERS)

StepHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def saga_step[R](command: type[Step[R]], answer: Callable[[R], dict[str, Any]]) -> StepHandler:
    def correlate(event: dict[str, Any]) -> dict[str, object]:
        return {"order_id": event["order_id"], "execution": event.get("execution"), "step": command.__name__}

    @observed(correlate)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        order_id = str(event["order_id"])
        try:
            result = bus.handle(command(order_id, attempt=int(event.get("attempt", 0)) + 1))
        except Exception as exc:
            if is_transient(exc):
                raise TransientStepError(str(exc)) from exc
            raise
        return {"order_id": order_id, **answer(result)}

    handler.__name__ = handler.__qualname__ = command.__name__
    return handler


reserve_inventory = saga_step(ReserveInventory, lambda order: {"status": order.status.value})
capture_payment = saga_step(
    CapturePayment, lambda order: {"status": order.status.value, "captured": order.payment.captured}
)
allocate_shipment = saga_step(
    AllocateShipment, lambda order: {"status": order.status.value, "shipments": [s.id for s in order.shipments]}
)
notify_customer = saga_step(NotifyCustomer, lambda emailed: {"emailed": emailed})
mark_fulfilled = saga_step(MarkFulfilled, lambda order: {"status": order.status.value})
