"""Re-driving orders that stopped moving: a compensation whose handler kept failing, a shipped order whose last
step never ran, a saga that never started or ended half way. Run on a schedule; every action is idempotent.
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
from commerce.services.saga_launch import SagaLauncher

logger = logging.getLogger(__name__)


class RecoveryService:
    def __init__(
        self,
        *,
        orders: OrderRepository,
        compensation: CompensationService,
        fulfillment: FulfillmentSteps,
        sagas: SagaLauncher,
        clock: Clock,
        stuck_after: timedelta,
        batch: int = 50,
    ) -> None:
        self.orders = orders
        self.compensation = compensation
        self.fulfillment = fulfillment
        self.sagas = sagas
        self.clock = clock
        self.stuck_after = stuck_after
        self.batch = batch

    def redrive(self) -> dict[str, list[str]]:
        """Orders unchanged for `stuck_after` in a status that should have moved on, acted upon; ids per status."""
        cutoff = to_iso(self.clock() - self.stuck_after)
        acted: dict[str, list[str]] = {}
        for status, act in (
            (OrderStatus.COMPENSATING, self._finish_compensation),
            (OrderStatus.SHIPPED, self._finish_saga),
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
        """Run the saga again: its steps skip what is done and go on from where it stopped; a decision it met
        (out of stock, capture refused) it meets again and asks for compensation again.

        No saga can still be running: an Express execution lasts at most five minutes, less than `stuck_after`.
        """
        self.sagas.relaunch(order.id)

    def _finish_saga(self, order: Order) -> None:
        """The saga's last steps after the hand-off: the shipping email (at most once, however often this runs),
        then fulfilled."""
        self.fulfillment.notify_customer(order.id)
        self.fulfillment.mark_fulfilled(order.id)

    def _finish_compensation(self, order: Order) -> None:
        # The order carries how its compensation was asked for (cancel or fail, and why): it ends that way.
        self.compensation.compensate(
            CompensationRequested(order.id, reason="re-driven after a stalled compensation", requested_by="recovery")
        )
