"""Unpaid orders do not hold anything forever: after a configured time they expire, their stock hold is released and
their intent cancelled. The same sweep puts lapsed holds back on sale (commerce/services/inventory.py has the rule
for time): a lapsed unit waits at most one sweep interval, or less when an allocation short of stock reclaims it."""

from __future__ import annotations

import logging
from datetime import timedelta

from commerce.clock import Clock, to_iso
from commerce.order_status import AWAITING_PAYMENT, OrderStatus
from commerce.orders import Order
from commerce.payments import PAID, PaymentIntentStateError, PaymentStatus
from commerce.ports import OrderRepository
from commerce.services.inventory import InventoryService
from commerce.services.order_changes import OrderChanges
from commerce.services.payments import PaymentService

logger = logging.getLogger(__name__)


class ExpiryService:
    def __init__(
        self,
        *,
        orders: OrderRepository,
        changes: OrderChanges,
        payments: PaymentService,
        inventory: InventoryService,
        clock: Clock,
        unpaid_for: timedelta,
        batch: int = 50,
        reclaims: int = 500,
    ) -> None:
        self.orders = orders
        self.changes = changes
        self.payments = payments
        self.inventory = inventory
        self.reclaims = reclaims
        self.clock = clock
        self.unpaid_for = unpaid_for
        self.batch = batch

    def expire_unpaid(self) -> list[str]:
        """Put lapsed holds back on sale (up to `reclaims` of them), then expire every order unpaid since before the
        cut-off (from the status index, oldest pages first) and release its hold. Returns the orders expired."""
        reclaimed = self.inventory.reclaim_lapsed(self.reclaims)
        if reclaimed:
            logger.info("lapsed holds reclaimed", extra={"count": reclaimed})
        cutoff = to_iso(self.clock() - self.unpaid_for)
        expired: list[str] = []
        for status in sorted(AWAITING_PAYMENT):
            orders = self.orders.each_by_status(status, created_to=cutoff, batch=self.batch)
            expired += [order.id for order in orders if self._expire(order)]
        return expired

    def _expire(self, order: Order) -> bool:
        """Claim the order EXPIRED, then release its intent: never the other way round.

        The claim is a conditional write on the order's version, so of an expiry and an authorization arriving
        together exactly one moves the order out of AWAITING_PAYMENT. Cancelling first (as this did) could void an
        authorization payOrder had just recorded, leaving an AUTHORIZED order whose capture must fail.
        """
        intent_id = order.payment.intent_id
        if intent_id is not None:
            intent = self.payments.gateway.retrieve(intent_id)
            if intent.status in PAID:
                # Authorized at Stripe after all (its report was lost or is late): record it, never void it.
                logger.info("not expiring an order whose payment is %s", intent.status, extra={"order_id": order.id})
                if intent.status is PaymentStatus.REQUIRES_CAPTURE:
                    self.payments.apply_intent(intent)
                return False
        minutes = int(self.unpaid_for.total_seconds() // 60)
        expired = self.changes.apply(order.id, lambda current: current.expire(minutes, self.clock()))
        if expired.status is not OrderStatus.EXPIRED:
            return False  # paid (or cancelled) meanwhile: its intent is not the sweep's to release
        # Its units back on sale now rather than when its hold lapses (a hold always lapses before the order expires
        # unless payOrder renewed it just then). A payOrder that held while we claimed gives its hold back itself.
        self.inventory.release_for(order.id)
        if intent_id is not None:
            self._release(expired, intent_id)
        return True

    def _release(self, order: Order, intent_id: str) -> None:
        try:
            self.payments.gateway.cancel(intent_id, idempotency_key=f"{order.id}:expire", unless_authorized=True)
        except PaymentIntentStateError as exc:
            if exc.status not in PAID:
                raise
            # The card was authorized between the claim and the cancel: the order is EXPIRED for good, so the
            # authorization goes back through the one path that gives money back (PaymentAuthorizations sees the
            # order gone and compensates), published here too in case payOrder's own report never comes.
            logger.warning("authorization arrived for an expired order", extra={"order_id": order.id})
            intent = self.payments.gateway.retrieve(intent_id)
            if intent.status is PaymentStatus.REQUIRES_CAPTURE:
                self.payments.apply_intent(intent)
