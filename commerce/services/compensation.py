"""Undoing an order: exactly what was done, in reverse, whoever asks (a failed saga, an admin) and however often.

Every step reads the truth before acting (the reservation's state, the intent's status at Stripe), so running
twice, concurrently, or after a late saga step still leaves stock released and money returned exactly once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace

from commerce.clock import Clock
from commerce.errors import OrderNotFoundError
from commerce.events import CompensationRequested
from commerce.money import Money
from commerce.notifications import NotificationService, format_amount
from commerce.order_status import AWAITING_PAYMENT, OrderStatus
from commerce.orders import Order
from commerce.payments import PaymentStatus
from commerce.ports import OrderEventRepository, OrderRepository
from commerce.services.customer_emails import CustomerEmails
from commerce.services.inventory import InventoryService
from commerce.services.order_changes import Change, OrderChanges
from commerce.services.payments import PaymentService
from commerce.timeline import OrderEvent

logger = logging.getLogger(__name__)

_S = OrderStatus
_IN_FLIGHT = frozenset({_S.AUTHORIZED, _S.RESERVED, _S.CAPTURED})
_BEYOND_UNDO = frozenset({_S.SHIPPED, _S.FULFILLED})
_VOIDABLE = frozenset(
    {
        PaymentStatus.REQUIRES_CAPTURE,
        PaymentStatus.REQUIRES_PAYMENT_METHOD,
        PaymentStatus.REQUIRES_CONFIRMATION,
        PaymentStatus.REQUIRES_ACTION,
    }
)


def readable_reason(reason: str) -> str:
    """A saga's Catch hands over the Lambda error document as JSON; people want "Type: message"."""
    try:
        document = json.loads(reason)
    except (TypeError, ValueError):
        return reason
    if isinstance(document, dict) and "errorType" in document:
        return f"{document['errorType']}: {document.get('errorMessage', '')}".strip()
    return reason


class CompensationService:
    def __init__(
        self,
        *,
        orders: OrderRepository,
        events: OrderEventRepository,
        changes: OrderChanges,
        inventory: InventoryService,
        payments: PaymentService,
        notifications: NotificationService,
        emails: CustomerEmails,
        clock: Clock,
    ) -> None:
        self.orders = orders
        self.events = events
        self.changes = changes
        self.inventory = inventory
        self.payments = payments
        self.notifications = notifications
        self.emails = emails
        self.clock = clock

    def compensate(self, request: CompensationRequested) -> Order:
        reason = readable_reason(request.reason)
        order = self.orders.get(request.order_id)
        if order is None:
            raise OrderNotFoundError(request.order_id)
        if order.status in _BEYOND_UNDO:
            self._note(order.id, "COMPENSATION_REFUSED", f"Already {order.status.value}; nothing is undone", reason)
            return order
        final = _S.CANCELLED if request.cancel else _S.FAILED
        order = self.changes.apply(order.id, lambda current: self._begin(current, final, request, reason))
        if order.status is _S.COMPENSATING:
            # Whoever started this compensation decides how it ends: an admin's cancellation racing the saga's own
            # failure ends CANCELLED with the admin's reason, whichever of the two finishes it.
            started = self._started(order.id)
            if started is not None:
                final = _S.CANCELLED if started.get("cancel") else _S.FAILED
                reason = str(started.get("reason") or reason)

        if self.inventory.release_for(order.id):
            self._note(order.id, "INVENTORY_RELEASED", "Reserved stock released", reason)
        refunded = self._return_money(order)

        def finish(current: Order) -> Change | None:
            if current.status is not _S.COMPENSATING:
                return None
            if refunded:
                payment_status = "REFUNDED"
            elif current.payment.intent_id:
                payment_status = "CANCELLED"
            else:
                payment_status = current.payment.status
            payment = replace(current.payment, status=payment_status, refunded=max(current.payment.refunded, refunded))
            moved = current.transitioned(final, self.clock(), payment=payment, failure_reason=reason)
            message = "Order cancelled" if final is _S.CANCELLED else "Order failed and was compensated"
            return Change(moved, [self._event(moved, final.value, message, reason)])

        order = self.changes.apply(order.id, finish)
        self._tell_customer(order)
        return order

    def _begin(self, order: Order, final: OrderStatus, request: CompensationRequested, reason: str) -> Change | None:
        if order.status in AWAITING_PAYMENT:
            # Nothing was reserved or captured yet: the order ends at once.
            moved = order.transitioned(_S.CANCELLED, self.clock(), failure_reason=reason)
            return Change(moved, [self._event(moved, "CANCELLED", "Order cancelled before payment", reason)])
        if order.status not in _IN_FLIGHT:
            return None  # already compensating or ended: the undo below is idempotent
        moved = order.transitioned(_S.COMPENSATING, self.clock())
        event = self._event(moved, "COMPENSATION_STARTED", f"Compensation started by {request.requested_by}", reason)
        # The request is kept in the timeline: a re-drive of a stuck compensation finishes it the same way.
        detail = {"reason": reason, "cancel": request.cancel, "requested_by": request.requested_by}
        return Change(moved, [replace(event, step=request.failed_step, detail=detail)])

    def _started(self, order_id: str) -> dict[str, object] | None:
        started = [e for e in self.events.list(order_id, limit=1000) if e.type == "COMPENSATION_STARTED"]
        return dict(started[-1].detail) if started else None

    def _return_money(self, order: Order) -> int:
        """Cancel an uncaptured authorization or refund a capture; returns the amount refunded in total."""
        intent_id = order.payment.intent_id
        if intent_id is None:
            return 0
        gateway = self.payments.gateway
        intent = gateway.retrieve(intent_id)
        if intent.status is PaymentStatus.SUCCEEDED:
            if intent.amount_refunded < intent.amount_received:
                intent = gateway.refund(intent_id, None, idempotency_key=f"{order.id}:refund")
                refunded = format_amount(Money(intent.amount_refunded, intent.currency))
                self._note(order.id, "PAYMENT_REFUNDED", f"Refunded {refunded}", None)
            return intent.amount_refunded
        if intent.status in _VOIDABLE:
            gateway.cancel(intent_id, idempotency_key=f"{order.id}:cancel")
            # Only a REQUIRES_CAPTURE intent holds money on the card; the others are a payment never completed,
            # and telling the shopper of an unpaid order that an authorization was cancelled alarms them for nothing.
            if intent.status is PaymentStatus.REQUIRES_CAPTURE:
                self._note(order.id, "AUTHORIZATION_CANCELLED", "Payment authorization cancelled", None)
            else:
                message = f"Unfinished payment cancelled ({intent.status.value})"
                self._note(order.id, "PAYMENT_CANCELLED", message, None)
        return 0

    def _tell_customer(self, order: Order) -> None:
        # The reason (an admin's note, a saga's error) is for admins: the emails say what happened in shoppers' words.
        if order.status is _S.CANCELLED:
            self.emails.once("cancelled", order.id, lambda: self.notifications.order_cancelled(order))
        elif order.status is _S.FAILED:
            self.emails.once("failed", order.id, lambda: self.notifications.order_failed(order))

    def _note(self, order_id: str, kind: str, message: str, reason: str | None) -> None:
        detail = {"reason": reason} if reason else {}
        self.events.append(OrderEvent.new(order_id, self.clock(), kind, message, step="Compensation", detail=detail))

    def _event(self, order: Order, kind: str, message: str, reason: str) -> OrderEvent:
        return OrderEvent.new(
            order.id,
            self.clock(),
            kind,
            message,
            status=order.status.value,
            step="Compensation",
            detail={"reason": reason},
        )
