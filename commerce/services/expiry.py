"""Unpaid orders do not hold anything forever: after a configured time they expire and their intent is cancelled."""

from __future__ import annotations

import logging
from datetime import timedelta

from commerce.clock import Clock, to_iso
from commerce.order_status import AWAITING_PAYMENT, OrderStatus
from commerce.orders import Order
from commerce.payments import PaymentStatus
from commerce.ports import OrderRepository
from commerce.services.order_changes import Change, OrderChanges
from commerce.services.payments import PaymentService
from commerce.timeline import OrderEvent

logger = logging.getLogger(__name__)

_CANCELLABLE = frozenset(
    {PaymentStatus.REQUIRES_PAYMENT_METHOD, PaymentStatus.REQUIRES_CONFIRMATION, PaymentStatus.REQUIRES_ACTION}
)


class ExpiryService:
    def __init__(
        self,
        *,
        orders: OrderRepository,
        changes: OrderChanges,
        payments: PaymentService,
        clock: Clock,
        unpaid_for: timedelta,
        batch: int = 50,
    ) -> None:
        self.orders = orders
        self.changes = changes
        self.payments = payments
        self.clock = clock
        self.unpaid_for = unpaid_for
        self.batch = batch

    def expire_unpaid(self) -> list[str]:
        """Expire every order unpaid since before the cut-off (from the status index, oldest pages first)."""
        cutoff = to_iso(self.clock() - self.unpaid_for)
        expired: list[str] = []
        for status in sorted(AWAITING_PAYMENT):
            orders = self.orders.each_by_status(status, created_to=cutoff, batch=self.batch)
            expired += [order.id for order in orders if self._expire(order)]
        return expired

    def _expire(self, order: Order) -> bool:
        intent_id = order.payment.intent_id
        if intent_id is not None:
            intent = self.payments.gateway.retrieve(intent_id)
            if intent.status not in _CANCELLABLE and intent.status is not PaymentStatus.CANCELED:
                # Authorized (or in flight) at Stripe after all: the authorization event will move the order on.
                logger.info("not expiring an order whose payment is %s", intent.status, extra={"order_id": order.id})
                return False
            if intent.status is not PaymentStatus.CANCELED:
                self.payments.gateway.cancel(intent_id, idempotency_key=f"{order.id}:expire")

        def expire(current: Order) -> Change | None:
            if current.status not in AWAITING_PAYMENT:
                return None
            moved = current.transitioned(OrderStatus.EXPIRED, self.clock(), failure_reason="unpaid")
            message = f"Expired after {int(self.unpaid_for.total_seconds() // 60)} minutes without payment"
            event = OrderEvent.new(moved.id, self.clock(), "EXPIRED", message, status=moved.status.value)
            return Change(moved, [event])

        return self.changes.apply(order.id, expire).status is OrderStatus.EXPIRED
