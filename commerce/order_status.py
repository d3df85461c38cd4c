"""The order life cycle: every legal status change is in TRANSITIONS, and nowhere else."""

from __future__ import annotations

from enum import StrEnum

from commerce.errors import IllegalTransitionError


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    AUTHORIZED = "AUTHORIZED"
    RESERVED = "RESERVED"
    CAPTURED = "CAPTURED"
    SHIPPED = "SHIPPED"
    FULFILLED = "FULFILLED"
    COMPENSATING = "COMPENSATING"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


_S = OrderStatus

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    # A declined card may be followed by another card on the same order, hence PAYMENT_FAILED → PAYMENT_FAILED.
    _S.PENDING_PAYMENT: frozenset({_S.AUTHORIZED, _S.PAYMENT_FAILED, _S.EXPIRED, _S.CANCELLED}),
    _S.PAYMENT_FAILED: frozenset({_S.AUTHORIZED, _S.PAYMENT_FAILED, _S.EXPIRED, _S.CANCELLED}),
    _S.AUTHORIZED: frozenset({_S.RESERVED, _S.COMPENSATING}),
    _S.RESERVED: frozenset({_S.CAPTURED, _S.COMPENSATING}),
    _S.CAPTURED: frozenset({_S.SHIPPED, _S.COMPENSATING}),
    # Once handed to the carrier the order can no longer be undone by the saga or an admin.
    _S.SHIPPED: frozenset({_S.FULFILLED}),
    _S.COMPENSATING: frozenset({_S.FAILED, _S.CANCELLED}),
    _S.FULFILLED: frozenset(),
    _S.FAILED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.EXPIRED: frozenset(),
}

TERMINAL: frozenset[OrderStatus] = frozenset(status for status, targets in TRANSITIONS.items() if not targets)
AWAITING_PAYMENT: frozenset[OrderStatus] = frozenset({_S.PENDING_PAYMENT, _S.PAYMENT_FAILED})
# Ended before or without a saga: an authorization that arrives for such an order is given back.
GONE: frozenset[OrderStatus] = frozenset({_S.EXPIRED, _S.CANCELLED})


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def require_transition(order_id: str, current: OrderStatus, target: OrderStatus) -> None:
    if not can_transition(current, target):
        raise IllegalTransitionError(order_id, current.value, target.value)


def sources_of(target: OrderStatus) -> frozenset[OrderStatus]:
    """Statuses from which `target` may be reached: the condition a conditional write must check."""
    return frozenset(status for status, targets in TRANSITIONS.items() if target in targets)
