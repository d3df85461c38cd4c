"""The Order's rules for being undone: a compensation begun (by a failed saga, an admin, a late authorization)
and finished, ending CANCELLED or FAILED as the request that began it asked.

The request lives on the order from its begin, so whoever finishes the compensation (the requester, a racing
second request, the re-drive of a stalled one) ends it the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from commerce.errors import DomainError
from commerce.order_change import Change, entry
from commerce.order_payment import PaymentState
from commerce.order_status import AWAITING_PAYMENT, BEYOND_UNDO, IN_SAGA, OrderStatus
from commerce.timeline import OrderEventKind

if TYPE_CHECKING:
    from commerce.orders import Order

_S = OrderStatus
_K = OrderEventKind
STEP = "Compensation"


@dataclass(frozen=True, slots=True)
class CompensationRequest:
    reason: str
    cancel: bool = False  # an admin's cancellation ends CANCELLED, a failure FAILED
    requested_by: str = "saga"
    failed_step: str | None = None

    @property
    def final(self) -> OrderStatus:
        return _S.CANCELLED if self.cancel else _S.FAILED

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> CompensationRequest:
        """The request as a COMPENSATION_STARTED timeline entry recorded it (before orders carried it)."""
        return cls(
            reason=str(detail.get("reason") or "compensated"),
            cancel=bool(detail.get("cancel")),
            requested_by=str(detail.get("requested_by") or "saga"),
            failed_step=detail.get("failed_step"),
        )


class OrderBeyondUndoError(DomainError):
    """Handed to the carrier: the goods are gone and the money stays."""

    def __init__(self, order_id: str, status: OrderStatus) -> None:
        super().__init__(f"order {order_id} is {status.value}: nothing can be undone")
        self.order_id = order_id
        self.status = status


def begin_compensation(order: Order, request: CompensationRequest, at: datetime) -> Change | None:
    """COMPENSATING with the request on the order; an unpaid order ends CANCELLED at once (nothing to undo but its
    intent). None when a compensation began already or the order ended. OrderBeyondUndoError once shipped."""
    if order.status in BEYOND_UNDO:
        raise OrderBeyondUndoError(order.id, order.status)
    detail: dict[str, object] = {"reason": request.reason}
    if order.status in AWAITING_PAYMENT:
        moved = order.transitioned(_S.CANCELLED, at, failure_reason=request.reason)
        return Change(
            moved, [entry(moved, at, _K.CANCELLED, "Order cancelled before payment", step=STEP, detail=detail)]
        )
    if order.status not in IN_SAGA:
        return None
    moved = replace(order.transitioned(_S.COMPENSATING, at), compensation=request)
    # The detail repeats the request for admins reading the timeline.
    detail |= {"cancel": request.cancel, "requested_by": request.requested_by}
    message = f"Compensation started by {request.requested_by}"
    return Change(moved, [entry(moved, at, _K.COMPENSATION_STARTED, message, step=request.failed_step, detail=detail)])


def finish_compensation(
    order: Order, refunded: int, at: datetime, *, unrecorded: CompensationRequest | None = None
) -> Change | None:
    """Everything is undone: the order ends as its compensation was requested. `refunded` is the intent's refunded
    total (0 when the authorization was cancelled instead). `unrecorded` is how a compensation begun before orders
    carried their request was asked for. None unless the order is COMPENSATING."""
    if order.status is not _S.COMPENSATING:
        return None
    request = order.compensation or unrecorded or CompensationRequest("compensated")
    if refunded:
        state = PaymentState.REFUNDED
    elif order.payment.intent_id:
        state = PaymentState.CANCELLED
    else:
        state = order.payment.status
    payment = replace(order.payment, status=state, refunded=max(order.payment.refunded, refunded))
    moved = order.transitioned(request.final, at, payment=payment, failure_reason=request.reason)
    kind, message = (
        (_K.CANCELLED, "Order cancelled") if request.cancel else (_K.FAILED, "Order failed and was compensated")
    )
    return Change(moved, [entry(moved, at, kind, message, step=STEP, detail={"reason": request.reason})])
