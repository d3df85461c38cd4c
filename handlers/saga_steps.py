"""Lambda handlers of the fulfillment saga's Tasks. Thin: the steps live in commerce.services.fulfillment."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from commerce.adapters.invocation import observed
from commerce.metrics import Metric
from commerce.timeline import OrderEvent, OrderEventKind
from handlers.runtime import TransientStepError, is_transient, services

logger = logging.getLogger(__name__)

StepHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def saga_step(step: str) -> Callable[[Callable[[str], dict[str, Any]]], StepHandler]:
    """Records each attempt in the order's timeline and names transient AWS failures for the Retry."""

    def correlate(event: dict[str, Any]) -> dict[str, object]:
        return {"order_id": event["order_id"], "execution": event.get("execution"), "step": step}

    def decorate(run: Callable[[str], dict[str, Any]]) -> StepHandler:
        @observed(correlate)
        @wraps(run)
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            order_id = str(event["order_id"])
            attempt = int(event.get("attempt", 0)) + 1
            events = services().repositories.events
            clock = services().clock
            try:
                result = run(order_id)
            except Exception as exc:
                transient = is_transient(exc)
                detail = {"error": type(exc).__name__, "message": str(exc), "transient": transient}
                message = f"{step} failed (attempt {attempt}): {type(exc).__name__}"
                events.append(
                    OrderEvent.new(
                        order_id,
                        clock(),
                        OrderEventKind.STEP_FAILED,
                        message,
                        step=step,
                        attempt=attempt,
                        detail=detail,
                    )
                )
                logger.warning(
                    "saga step failed",
                    extra={"order_id": order_id, "step": step, "attempt": attempt, "error": type(exc).__name__},
                )
                services().metrics.record(Metric.SAGA_STEP_FAILED, step=step)
                if transient:
                    raise TransientStepError(str(exc)) from exc
                raise
            events.append(
                OrderEvent.new(
                    order_id, clock(), OrderEventKind.STEP_SUCCEEDED, f"{step} done", step=step, attempt=attempt
                )
            )
            return result

        return handler

    return decorate


@saga_step("ReserveInventory")
def reserve_inventory(order_id: str) -> dict[str, Any]:
    order = services().fulfillment.reserve_inventory(order_id)
    return {"order_id": order_id, "status": order.status.value}


@saga_step("CapturePayment")
def capture_payment(order_id: str) -> dict[str, Any]:
    order = services().fulfillment.capture_payment(order_id)
    return {"order_id": order_id, "status": order.status.value, "captured": order.payment.captured}


@saga_step("AllocateShipment")
def allocate_shipment(order_id: str) -> dict[str, Any]:
    order = services().fulfillment.allocate_shipment(order_id)
    return {"order_id": order_id, "status": order.status.value, "shipments": [s.id for s in order.shipments]}


@saga_step("NotifyCustomer")
def notify_customer(order_id: str) -> dict[str, Any]:
    return {"order_id": order_id, "emailed": services().fulfillment.notify_customer(order_id)}


@saga_step("MarkFulfilled")
def mark_fulfilled(order_id: str) -> dict[str, Any]:
    order = services().fulfillment.mark_fulfilled(order_id)
    return {"order_id": order_id, "status": order.status.value}
