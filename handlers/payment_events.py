"""Bus consumers for payment facts, whichever path (payOrder or Stripe's webhook) reported them."""

from __future__ import annotations

import logging
from typing import Any

from commerce.events import CompensationRequested, PaymentAuthorized, PaymentFailed
from commerce.order_status import OrderStatus
from handlers.runtime import services

logger = logging.getLogger(__name__)

_SAGA_STATUSES = frozenset({OrderStatus.AUTHORIZED, OrderStatus.RESERVED, OrderStatus.CAPTURED})


def on_payment_authorized(event: dict[str, Any], context: Any) -> dict[str, Any]:
    authorized = PaymentAuthorized(**event["detail"])
    order = services().payments.record_authorization(authorized)
    if order.status in _SAGA_STATUSES:
        started = services().sagas.launch(order.id)
        return {"order_id": order.id, "saga_started": started}
    if order.status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED):
        # The money arrived for an order that is gone: give the authorization back.
        services().compensation.compensate(
            CompensationRequested(order.id, reason=f"payment authorized after the order was {order.status.value}")
        )
    return {"order_id": order.id, "saga_started": False}


def on_payment_failed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order = services().payments.record_failure(PaymentFailed(**event["detail"]))
    return {"order_id": order.id, "status": order.status.value}
