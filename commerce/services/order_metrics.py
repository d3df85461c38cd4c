"""Business metrics from committed order changes: the one place that sees every move of an order, whichever path
(payOrder or the webhook, the saga or an admin) made it, and only once, since only the committing writer is told.
"""

from __future__ import annotations

from commerce import timeline
from commerce.clock import from_iso
from commerce.metrics import Metric, Metrics
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.ports import OrderEventRepository

_S = OrderStatus
_ENTERED: dict[OrderStatus, Metric] = {
    _S.AUTHORIZED: Metric.PAYMENTS_AUTHORIZED,
    _S.CAPTURED: Metric.PAYMENTS_CAPTURED,
    _S.FULFILLED: Metric.ORDERS_FULFILLED,
    _S.COMPENSATING: Metric.COMPENSATIONS,
}


class OrderMetrics:
    """The OrderChanges observer for metrics."""

    def __init__(self, metrics: Metrics, events: OrderEventRepository) -> None:
        self.metrics = metrics
        self.events = events

    def record(self, before: Order, after: Order) -> None:
        if after.status is _S.PAYMENT_FAILED and after.payment.last_failure_id != before.payment.last_failure_id:
            # Each declined attempt counts, also a second card declined while the order is already PAYMENT_FAILED.
            self.metrics.record(Metric.PAYMENTS_FAILED)
        if after.status is before.status:
            return
        if after.status in _ENTERED:
            self.metrics.record(_ENTERED[after.status])
        elif after.status is _S.SHIPPED:
            self.metrics.record(Metric.PAYMENT_TO_SHIPMENT, self._since_authorization_ms(after))

    def _since_authorization_ms(self, shipped: Order) -> float:
        authorized_at = timeline.authorized_at(shipped, self.events) or shipped.created_at
        waited = from_iso(shipped.updated_at) - from_iso(authorized_at)
        return max(0.0, round(waited.total_seconds() * 1000, 3))
