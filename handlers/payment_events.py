"""Bus consumers for payment facts, whichever path (payOrder or Stripe's webhook) reported them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from commerce.adapters.invocation import observed
from commerce.bootstrap import bootstrap
from commerce.events import PaymentAuthorized, PaymentFailed, event_from
from commerce.handlers import PAYMENT_EVENT_HANDLERS
from handlers.runtime import from_bus

if TYPE_CHECKING:
    from commerce.orders import Order
    from commerce.services.authorizations import AuthorizationHandled

bus = bootstrap(PAYMENT_EVENT_HANDLERS)


@observed(from_bus)
def on_payment_authorized(event: dict[str, Any], context: Any) -> dict[str, Any]:
    (handled,) = cast("list[AuthorizationHandled]", bus.handle(PaymentAuthorized(**event["detail"])))
    return {"order_id": handled.order.id, "saga_started": handled.saga_started}


@observed(from_bus)
def on_payment_failed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    (order,) = cast("list[Order]", bus.handle(PaymentFailed(**event["detail"])))
    return {"order_id": order.id, "status": order.status.value}


@observed(from_bus)
def on_payment_reversed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A refund or a cancellation Stripe reported (its Dashboard's, or our own): one function for the two facts."""
    (order,) = cast("list[Order]", bus.handle(event_from(event["detail-type"], event["detail"])))
    return {"order_id": order.id, "status": order.status.value, "payment": order.payment.status}
