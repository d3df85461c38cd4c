"""Re-driving orders that stopped moving: a compensation whose handler kept failing, a shipped order whose last
step never ran, an authorization whose saga never started. Run on a schedule; every action is idempotent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from commerce.clock import Clock, to_iso
from commerce.events import CompensationRequested
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.ports import OrderRepository
from commerce.services.compensation import CompensationService
from commerce.services.fulfillment import FulfillmentSteps
from commerce.workflows import SagaStarter

logger = logging.getLogger(__name__)


class RecoveryService:
    def __init__(
        self,
        *,
        orders: OrderRepository,
        compensation: CompensationService,
        fulfillment: FulfillmentSteps,
        saga_starter: SagaStarter,
        clock: Clock,
        stuck_after: timedelta,
        batch: int = 50,
    ) -> None:
        self.orders = orders
        self.compensation = compensation
        self.fulfillment = fulfillment
        self.saga_starter = saga_starter
        self.clock = clock
        self.stuck_after = stuck_after
        self.batch = batch

    def redrive(self) -> dict[str, list[str]]:
        """Orders unchanged for `stuck_after` in a status that should have moved on, acted upon; ids per status."""
        cutoff = to_iso(self.clock() - self.stuck_after)
        acted: dict[str, list[str]] = {}
        for status, act in (
            (OrderStatus.COMPENSATING, self._finish_compensation),
            (OrderStatus.SHIPPED, lambda order: self.fulfillment.mark_fulfilled(order.id)),
            (OrderStatus.AUTHORIZED, self._resume_saga),
            (OrderStatus.RESERVED, self._resume_saga),
            (OrderStatus.CAPTURED, self._resume_saga),
        ):
            for order in self._stuck(status, cutoff):
                try:
                    act(order)
                except Exception:
                    logger.exception("re-drive failed", extra={"order_id": order.id, "status": status.value})
                    continue
                acted.setdefault(status.value, []).append(order.id)
        return acted

    def _stuck(self, status: OrderStatus, cutoff: str) -> list[Order]:
        orders = self.orders.each_by_status(status, created_to=cutoff, batch=self.batch)
        return [order for order in orders if order.updated_at <= cutoff]

    def _resume_saga(self, order: Order) -> None:
        """Start a saga that never started; compensate an order whose saga ended but left it half done
        (its CompensationRequested never arrived or never succeeded)."""
        status = self.saga_starter.status(order.id)
        if status is None and order.status is OrderStatus.AUTHORIZED:
            self.saga_starter.start(order.id, {"order_id": order.id})
        elif status not in (None, "RUNNING"):
            self.compensation.compensate(
                CompensationRequested(order.id, reason=f"saga {status} before finishing", requested_by="recovery")
            )

    def _finish_compensation(self, order: Order) -> None:
        # The compensation reads how it was started (cancel or fail, and why) from the order's timeline.
        self.compensation.compensate(
            CompensationRequested(order.id, reason="re-driven after a stalled compensation", requested_by="recovery")
        )
