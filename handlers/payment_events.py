"""Bus consumers for payment facts, whichever path (payOrder or Stripe's webhook) reported them."""

from __future__ import annotations

import logging
from typing import Any

from commerce.adapters.invocation import observed
from commerce.events import PaymentAuthorized, PaymentCanceled, PaymentFailed, PaymentRefunded, event_from
from handlers.runtime import from_bus, services

logger = logging.getLogger(__name__)


@observed(from_bus)
def on_payment_authorized(event: dict[str, Any], context: Any) -> dict[str, Any]:
    handled = services().authorizations.handle(PaymentAuthorized(**event["detail"]))
    return {"order_id": handled.order.id, "saga_started": handled.saga_started}


@observed(from_bus)
def on_payment_failed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order = services().payments.record_failure(PaymentFailed(**event["detail"]))
    return {"order_id": order.id, "status": order.status.value}


@observed(from_bus)
def on_payment_reversed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A refund or a cancellation Stripe reported (its Dashboard's, or our own): one function for the two facts."""
    reported = event_from(event["detail-type"], event["detail"])
    if isinstance(reported, PaymentRefunded):
        order = services().reversals.refunded(reported)
    elif isinstance(reported, PaymentCanceled):
        order = services().reversals.canceled(reported)
    else:
        raise TypeError(f"not a payment reversal: {event['detail-type']}")
    return {"order_id": order.id, "status": order.status.value, "payment": order.payment.status}
