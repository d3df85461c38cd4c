"""An admin's cancellation: the compensation a failed saga runs, requested by a person, with their reason.

The race with a saga still running for the order is settled by the order's conditional status transitions
(OrderChanges): compensation moves the order to COMPENSATING only from a status a saga step expects, and every
step re-checks the status it expects before it acts and again when it records, so whichever write lands first
wins and the other side sees it. A step that loses raises OrderNoLongerFulfillableError; the saga's Catch then
asks for a compensation that finds everything already undone.
"""

from __future__ import annotations

import logging

from commerce.clock import Clock
from commerce.errors import ConcurrentUpdateError, DomainError, OrderNotFoundError
from commerce.events import CompensationRequested, EventPublisher
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.payments import PaymentProviderUnavailableError
from commerce.ports import OrderEventRepository, OrderRepository
from commerce.services.compensation import CompensationService
from commerce.timeline import OrderEvent, OrderEventKind
from commerce.validation import IssueCode, ValidationIssue

logger = logging.getLogger(__name__)

_S = OrderStatus
MAX_REASON_LENGTH = 500


class OrderNotCancellableError(DomainError):
    def __init__(self, order_id: str, status: OrderStatus) -> None:
        super().__init__(f"order {order_id} is {status.value} and can no longer be cancelled")
        self.order_id = order_id
        self.status = status


class CancellationDeferredError(DomainError):
    """The undo could not finish now (Stripe unreachable, too much contention); the compensation handler will."""

    def __init__(self, order_id: str, cause: str) -> None:
        super().__init__(f"cancellation of {order_id} continues in the background: {cause}")
        self.order_id = order_id


def check_reason(reason: str) -> list[ValidationIssue]:
    if not reason.strip():
        return [ValidationIssue("reason", IssueCode.REQUIRED, "say why the order is cancelled")]
    if len(reason) > MAX_REASON_LENGTH:
        return [ValidationIssue("reason", IssueCode.INVALID, f"is longer than {MAX_REASON_LENGTH}")]
    return []


def is_cancellable(order: Order) -> bool:
    return order.cancellable


class OrderCancellation:
    def __init__(
        self,
        *,
        orders: OrderRepository,
        events: OrderEventRepository,
        compensation: CompensationService,
        publisher: EventPublisher,
        clock: Clock,
    ) -> None:
        self.orders = orders
        self.events = events
        self.compensation = compensation
        self.publisher = publisher
        self.clock = clock

    def cancel(self, order_id: str, reason: str, *, by: str) -> Order:
        """The cancelled order. Idempotent: an order already CANCELLED is returned as it is.

        Raises OrderNotFoundError, OrderNotCancellableError (shipped, failed or expired, also when it got there
        while we cancelled) and CancellationDeferredError.
        """
        order = self.orders.get(order_id)
        if order is None:
            raise OrderNotFoundError(order_id)
        if order.status is _S.CANCELLED:
            return order
        if not order.cancellable:
            raise OrderNotCancellableError(order_id, order.status)
        reason = reason.strip()
        self.events.append(
            OrderEvent.new(
                order_id,
                self.clock(),
                OrderEventKind.CANCELLATION_REQUESTED,
                f"Cancellation requested by {by}: {reason}",
                detail={"by": by, "reason": reason},
            )
        )
        request = CompensationRequested(order_id, reason, requested_by=f"admin:{by}", cancel=True)
        try:
            result = self.compensation.compensate(request)
        except (PaymentProviderUnavailableError, ConcurrentUpdateError) as exc:
            # Compensation is idempotent and resumable: its handler finishes what this request started.
            logger.warning("cancellation handed to the compensation handler", extra={"order_id": order_id})
            self.publisher.publish([request])
            raise CancellationDeferredError(order_id, str(exc)) from exc
        if result.status is not _S.CANCELLED:
            raise OrderNotCancellableError(order_id, result.status)
        return result
