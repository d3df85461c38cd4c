"""Refunds and cancellations made outside the product (Stripe's Dashboard, another tool on the account) reach the
order: its payment amounts, its timeline, and, through OrderChanges' observers, the analytics' refund counters.

Stripe's webhook reports them (commerce/webhooks.py) as totals re-read from the intent, never as deltas, so a
report heard twice, late or out of order changes nothing more. Our own refunds and cancellations are reported too:
the compensation records those itself, and these decisions find nothing left to do.
"""

from __future__ import annotations

from commerce.clock import Clock
from commerce.events import PaymentCanceled, PaymentRefunded
from commerce.order_reversals import CANCELLED_IN_STRIPE
from commerce.orders import Order
from commerce.services.order_changes import OrderChanges

__all__ = ["CANCELLED_IN_STRIPE", "PaymentReversals"]


class PaymentReversals:
    def __init__(self, *, changes: OrderChanges, clock: Clock) -> None:
        self.changes = changes
        self.clock = clock

    def refunded(self, event: PaymentRefunded) -> Order:
        return self.changes.apply(event.order_id, lambda current: current.record_refund(event, self.clock()))

    def canceled(self, event: PaymentCanceled) -> Order:
        return self.changes.apply(event.order_id, lambda current: current.record_cancel(event, self.clock()))
