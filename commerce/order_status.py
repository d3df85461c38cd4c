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

# The status groups every module asks about, each defined once, here.
TERMINAL: frozenset[OrderStatus] = frozenset(status for status, targets in TRANSITIONS.items() if not targets)
# Payable: a card may (still) be tried. The expiry sweeps these.
AWAITING_PAYMENT: frozenset[OrderStatus] = frozenset({_S.PENDING_PAYMENT, _S.PAYMENT_FAILED})
# Ended before or without a saga: an authorization that arrives for such an order is given back.
GONE: frozenset[OrderStatus] = frozenset({_S.EXPIRED, _S.CANCELLED})
# Authorized and not yet handed to the carrier: the saga is running (or about to), and a compensation can start
# from here to undo what it did.
IN_SAGA: frozenset[OrderStatus] = frozenset({_S.AUTHORIZED, _S.RESERVED, _S.CAPTURED})
# Authorized but not captured: a cancelled authorization fails the capture, and the compensation follows.
UNCAPTURED: frozenset[OrderStatus] = frozenset({_S.AUTHORIZED, _S.RESERVED})
# Handed to the carrier: neither the saga nor an admin can undo it any more.
BEYOND_UNDO: frozenset[OrderStatus] = frozenset({_S.SHIPPED, _S.FULFILLED})
# Where no step will ship the goods any more, so releasing stock and returning money is safe: being undone, or
# ended without shipping. A compensation runs its undo only here, whatever it read before its own write.
UNDO_SAFE: frozenset[OrderStatus] = frozenset({_S.COMPENSATING}) | (TERMINAL - BEYOND_UNDO)
# What an admin's cancellation can still act on (a compensating order ends as its compensation was started).
CANCELLABLE: frozenset[OrderStatus] = AWAITING_PAYMENT | IN_SAGA | {_S.COMPENSATING}
# The statuses a customer hears about through the notifications handler; the others are told by their own step.
ANNOUNCED: frozenset[OrderStatus] = frozenset({_S.AUTHORIZED, _S.PAYMENT_FAILED, _S.EXPIRED})
# The way a fulfilled order went, in order: a saga step finds its work done once the order is at or past its target.
HAPPY_PATH: tuple[OrderStatus, ...] = (_S.AUTHORIZED, _S.RESERVED, _S.CAPTURED, _S.SHIPPED, _S.FULFILLED)


def reached(current: OrderStatus, milestone: OrderStatus) -> bool:
    """Whether an order in `current` is at or past `milestone` on the happy path."""
    return current in HAPPY_PATH and HAPPY_PATH.index(current) >= HAPPY_PATH.index(milestone)


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def require_transition(order_id: str, current: OrderStatus, target: OrderStatus) -> None:
    if not can_transition(current, target):
        raise IllegalTransitionError(order_id, current.value, target.value)


def sources_of(target: OrderStatus) -> frozenset[OrderStatus]:
    """Statuses from which `target` may be reached: the condition a conditional write must check."""
    return frozenset(status for status, targets in TRANSITIONS.items() if target in targets)
