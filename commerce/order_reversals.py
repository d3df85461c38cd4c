"""The Order's rules for refunds and cancellations Stripe reports, ours or made in its Dashboard.

Reports carry the intent's totals, never deltas, so a report heard twice, late or out of order changes nothing more.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from commerce.order_change import Change, amount_text, entry
from commerce.order_payment import PaymentState
from commerce.order_status import AWAITING_PAYMENT, UNCAPTURED, OrderStatus
from commerce.timeline import OrderEvent, OrderEventKind

if TYPE_CHECKING:
    from commerce.events import PaymentCanceled, PaymentRefunded
    from commerce.orders import Order

logger = logging.getLogger(__name__)

CANCELLED_IN_STRIPE = "payment cancelled in Stripe"


def record_refund(order: Order, event: PaymentRefunded, at: datetime) -> Change | None:
    if not _is_the_orders(order, event.intent_id) or event.refunded <= order.payment.refunded:
        return None
    if order.status is OrderStatus.COMPENSATING:
        return None  # the compensation is refunding: it records the intent's total when it finishes
    amount = event.refunded - order.payment.refunded
    paid = order.payment.captured or order.total.amount
    state = PaymentState.REFUNDED if event.refunded >= paid else PaymentState.PARTIALLY_REFUNDED
    revised = order.revised(at, payment=replace(order.payment, status=state, refunded=event.refunded))
    detail = {"amount": amount, "refunded": event.refunded, "currency": order.currency, "by": "stripe"}
    message = f"Refunded {amount_text(amount, order.currency)}"
    return Change(revised, [entry(revised, at, OrderEventKind.PAYMENT_REFUNDED, message, detail=detail)])


def record_cancel(order: Order, event: PaymentCanceled, at: datetime) -> Change | None:
    """The intent was cancelled at Stripe. An unpaid order can never be paid now and ends CANCELLED; an uncaptured
    one keeps its status (its capture will fail and the compensation follow); otherwise we gave the money back."""
    if not _is_the_orders(order, event.intent_id) or order.payment.status is PaymentState.CANCELLED:
        return None
    payment = replace(order.payment, status=PaymentState.CANCELLED)
    if order.status in AWAITING_PAYMENT:
        moved = order.transitioned(OrderStatus.CANCELLED, at, payment=payment, failure_reason=CANCELLED_IN_STRIPE)
        return Change(moved, [_cancelled(moved, at, "Payment cancelled in Stripe: the order is cancelled")])
    if order.status in UNCAPTURED:
        revised = order.revised(at, payment=payment)
        message = "Payment authorization cancelled in Stripe: the capture will fail and the order be undone"
        return Change(revised, [_cancelled(revised, at, message)])
    return None


def _is_the_orders(order: Order, intent_id: str) -> bool:
    if order.payment.intent_id == intent_id:
        return True
    # A second intent a racing payOrder opened (and cancelled) carries the same order id: not the order's payment.
    logger.info("payment report about another intent of the order", extra={"order_id": order.id})
    return False


def _cancelled(order: Order, at: datetime, message: str) -> OrderEvent:
    return entry(order, at, OrderEventKind.PAYMENT_CANCELLED, message, detail={"by": "stripe"})
