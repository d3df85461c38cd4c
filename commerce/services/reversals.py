"""Refunds and cancellations made outside the product (Stripe's Dashboard, another tool on the account) reach the
order: its payment amounts, its timeline, and, through OrderChanges' observers, the analytics' refund counters.

Stripe's webhook reports them (commerce/webhooks.py) as totals re-read from the intent, never as deltas, so a
report heard twice, late or out of order changes nothing more. Our own refunds and cancellations are reported too:
the compensation records those itself, and these decisions find nothing left to do.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from commerce.clock import Clock
from commerce.events import PaymentCanceled, PaymentRefunded
from commerce.money import Money
from commerce.notifications import format_amount
from commerce.order_status import AWAITING_PAYMENT, OrderStatus
from commerce.orders import Order
from commerce.services.order_changes import Change, OrderChanges
from commerce.timeline import OrderEvent

logger = logging.getLogger(__name__)

# Authorized but not captured: a cancelled authorization fails the capture, and the saga's compensation follows.
_UNCAPTURED = frozenset({OrderStatus.AUTHORIZED, OrderStatus.RESERVED})
CANCELLED_IN_STRIPE = "payment cancelled in Stripe"


class PaymentReversals:
    def __init__(self, *, changes: OrderChanges, clock: Clock) -> None:
        self.changes = changes
        self.clock = clock

    def refunded(self, event: PaymentRefunded) -> Order:
        return self.changes.apply(event.order_id, lambda current: self._refunded(current, event))

    def canceled(self, event: PaymentCanceled) -> Order:
        return self.changes.apply(event.order_id, lambda current: self._canceled(current, event))

    def _refunded(self, order: Order, event: PaymentRefunded) -> Change | None:
        if not _is_the_orders(order, event.intent_id) or event.refunded <= order.payment.refunded:
            return None
        if order.status is OrderStatus.COMPENSATING:
            return None  # the compensation is refunding: it records the intent's total when it finishes
        amount = event.refunded - order.payment.refunded
        paid = order.payment.captured or order.total.amount
        status = "REFUNDED" if event.refunded >= paid else "PARTIALLY_REFUNDED"
        revised = order.revised(self.clock(), payment=replace(order.payment, status=status, refunded=event.refunded))
        refund = format_amount(Money(amount, order.currency))
        timeline = OrderEvent.new(
            order.id,
            self.clock(),
            "PAYMENT_REFUNDED",
            f"Refunded {refund}",
            status=order.status.value,
            detail={"amount": amount, "refunded": event.refunded, "currency": order.currency, "by": "stripe"},
        )
        return Change(revised, [timeline])

    def _canceled(self, order: Order, event: PaymentCanceled) -> Change | None:
        if not _is_the_orders(order, event.intent_id) or order.payment.status == "CANCELLED":
            return None
        now = self.clock()
        payment = replace(order.payment, status="CANCELLED")
        if order.status in AWAITING_PAYMENT:
            # A cancelled intent takes no card: the order can never be paid, so it ends here.
            moved = order.transitioned(OrderStatus.CANCELLED, now, payment=payment, failure_reason=CANCELLED_IN_STRIPE)
            message = "Payment cancelled in Stripe: the order is cancelled"
            return Change(moved, [_cancelled_event(moved, now, message)])
        if order.status in _UNCAPTURED:
            revised = order.revised(now, payment=payment)
            message = "Payment authorization cancelled in Stripe: the capture will fail and the order be undone"
            return Change(revised, [_cancelled_event(revised, now, message)])
        # Compensating or ended: the money was given back by us, or never taken.
        return None


def _is_the_orders(order: Order, intent_id: str) -> bool:
    if order.payment.intent_id == intent_id:
        return True
    # A second intent a racing payOrder opened (and cancelled) carries the same order id: not the order's payment.
    logger.info("payment report about another intent of the order", extra={"order_id": order.id})
    return False


def _cancelled_event(order: Order, now: datetime, message: str) -> OrderEvent:
    return OrderEvent.new(
        order.id, now, "PAYMENT_CANCELLED", message, status=order.status.value, detail={"by": "stripe"}
    )
