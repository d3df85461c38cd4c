"""The Order's rules while it waits for its payment: an intent opened, a card that needs 3-D Secure, a decline,
the authorization, and the expiry of an order nobody paid. Before any of them, its stock is held (`hold`).
Each is a method of Order (see commerce.orders)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from commerce.clock import to_iso
from commerce.order_change import Change, entry
from commerce.order_payment import PaymentState
from commerce.order_status import AWAITING_PAYMENT, OrderStatus
from commerce.timeline import OrderEvent, OrderEventKind

if TYPE_CHECKING:
    from commerce.events import PaymentAuthorized
    from commerce.orders import Order

_K = OrderEventKind
UNPAID = "unpaid"


def hold(order: Order, held_until: str, at: datetime) -> Change | None:
    """Its stock is held for it until `held_until` (a new hold, or one renewed by another attempt to pay).

    Only an order waiting for payment takes a hold; None once it left (authorized, ended) or when the hold recorded
    lasts as long already. The timeline hears of a hold taken, not of each renewal.
    """
    if order.status not in AWAITING_PAYMENT or (order.held_until or "") >= held_until:
        return None
    renewed = order.held_until is not None and order.held_until > to_iso(at)
    moved = replace(order.revised(at, payment=order.payment), held_until=held_until)
    if renewed:
        return Change(moved)
    message = f"Stock held until {held_until}"
    return Change(moved, [entry(moved, at, _K.STOCK_HELD, message, detail={"held_until": held_until})])


def attach_intent(order: Order, intent_id: str, at: datetime) -> Change | None:
    """The order's one PaymentIntent; None when it has one already (a racing creator's intent is not the order's)."""
    if order.payment.intent_id:
        return None
    payment = replace(order.payment, intent_id=intent_id, status=PaymentState.REQUIRES_PAYMENT)
    return Change(order.revised(at, payment=payment))


def require_action(order: Order, at: datetime) -> Change | None:
    if order.status not in AWAITING_PAYMENT or order.payment.status is PaymentState.REQUIRES_ACTION:
        return None
    revised = order.revised(at, payment=replace(order.payment, status=PaymentState.REQUIRES_ACTION))
    return Change(
        revised, [OrderEvent.new(order.id, at, _K.PAYMENT_ACTION_REQUIRED, "Card needs 3-D Secure confirmation")]
    )


def decline(order: Order, reason: str, attempt_id: str, at: datetime) -> Change | None:
    """A declined card: the order stays payable with another card. A decline already recorded changes nothing."""
    if order.status not in AWAITING_PAYMENT or order.payment.last_failure_id == attempt_id:
        return None
    payment = replace(order.payment, status=PaymentState.DECLINED, failure_reason=reason, last_failure_id=attempt_id)
    moved = order.transitioned(OrderStatus.PAYMENT_FAILED, at, payment=payment)
    event = entry(moved, at, _K.PAYMENT_FAILED, f"Payment declined: {reason}", detail={"reason": reason})
    return Change(moved, [event])


def authorize(order: Order, authorized: PaymentAuthorized, at: datetime) -> Change | None:
    """The card is authorized: the saga may start. None once the order left AWAITING_PAYMENT (already authorized,
    or ended: then the authorization is given back by the compensation, see PaymentAuthorizations)."""
    if order.status not in AWAITING_PAYMENT:
        return None
    payment = replace(
        order.payment,
        intent_id=authorized.intent_id,
        status=PaymentState.AUTHORIZED,
        authorized=authorized.amount,
        failure_reason=None,
        authorized_at=to_iso(at),
    )
    moved = order.transitioned(OrderStatus.AUTHORIZED, at, payment=payment)
    detail = {"amount": authorized.amount, "currency": authorized.currency}
    return Change(moved, [entry(moved, at, _K.PAYMENT_AUTHORIZED, "Payment authorized", detail=detail)])


def expire(order: Order, unpaid_minutes: int, at: datetime) -> Change | None:
    """Nobody paid in time. Only an order still waiting for payment expires: one authorized meanwhile is kept."""
    if order.status not in AWAITING_PAYMENT:
        return None
    moved = order.transitioned(OrderStatus.EXPIRED, at, failure_reason=UNPAID)
    message = f"Expired after {unpaid_minutes} minutes without payment"
    return Change(moved, [entry(moved, at, _K.EXPIRED, message)])
