"""Changing an order safely: read, decide, write on the version read; on a concurrent change, decide again."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from commerce.clock import Clock
from commerce.errors import ConcurrentUpdateError, OrderNotFoundError
from commerce.events import EventPublisher, OrderStatusChanged
from commerce.order_change import Change
from commerce.order_status import ANNOUNCED
from commerce.orders import Order
from commerce.ports import OrderRepository

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8

__all__ = ["Change", "Decision", "Observer", "OrderChanges"]

# An Order method bound to its arguments, e.g. `lambda order: order.capture(amount, now)`.
Decision = Callable[[Order], Change | None]
# Told of every committed change (before, after), e.g. to keep analytics counters.
Observer = Callable[[Order, Order], None]


class OrderChanges:
    def __init__(
        self, orders: OrderRepository, clock: Clock, publisher: EventPublisher, observers: Sequence[Observer] = ()
    ) -> None:
        self.orders = orders
        self.clock = clock
        self.publisher = publisher
        self.observers = tuple(observers)

    def apply(self, order_id: str, decide: Decision) -> Order:
        """`decide` sees the current order and returns the change to make (an Order method's answer), or None when
        nothing is to be done; what it raises (the life cycle refusing) reaches the caller.

        Decisions must be pure: they run again on the fresh order whenever someone else wrote in between
        (an admin's cancellation racing a saga step, a webhook racing the shopper's own confirmation).
        """
        for _ in range(MAX_ATTEMPTS):
            current = self.orders.get(order_id)
            if current is None:
                raise OrderNotFoundError(order_id)
            change = decide(current)
            if change is None:
                return current
            try:
                self.orders.save(change.order, expected_version=current.version, events=change.events)
            except ConcurrentUpdateError:
                logger.info("order changed concurrently, deciding again", extra={"order_id": order_id})
                continue
            self._tell_observers(current, change.order)
            published = list(change.publish)
            if change.order.status != current.status and change.order.status in ANNOUNCED:
                published.append(
                    OrderStatusChanged(
                        order_id=order_id,
                        status=change.order.status.value,
                        previous=current.status.value,
                        reason=change.order.failure_reason,
                    )
                )
            if published:
                self.publisher.publish(published)
            return change.order
        raise ConcurrentUpdateError("order", order_id)

    def _tell_observers(self, before: Order, after: Order) -> None:
        for observe in self.observers:
            try:
                observe(before, after)
            except Exception:
                # The change is committed: an observer's trouble must not make the caller think it was not.
                logger.exception("order change observer failed", extra={"order_id": after.id})
