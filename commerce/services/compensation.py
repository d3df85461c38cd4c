"""Undoing an order: exactly what was done, in reverse, whoever asks (a failed saga, an admin) and however often:
the payment settled (authorization cancelled, capture refunded) before the stock (hold or reservation) is released.

Every step reads the truth before acting (the reservation's state, the intent's status at Stripe), so running
twice, concurrently, or after a late saga step still leaves stock released and money returned exactly once.
"""

from __future__ import annotations

import json
import logging

from commerce import timeline
from commerce.clock import Clock
from commerce.errors import OrderNotFoundError
from commerce.events import CompensationRequested
from commerce.notifications import NotificationService
from commerce.order_change import amount_text
from commerce.order_status import OrderStatus
from commerce.order_undoing import CompensationRequest, OrderBeyondUndoError
from commerce.orders import Order
from commerce.payments import VOIDABLE, PaymentIntentSnapshot, PaymentProcessingError, PaymentStatus
from commerce.ports import OrderEventRepository, OrderRepository
from commerce.services.customer_emails import CustomerEmails
from commerce.services.inventory import InventoryService
from commerce.services.order_changes import OrderChanges
from commerce.services.payments import PaymentService
from commerce.timeline import OrderEvent, OrderEventKind

logger = logging.getLogger(__name__)

_S = OrderStatus
_K = OrderEventKind


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

    def compensate(self, requested: CompensationRequested) -> Order:
        """Undo the order, or find it already undone. Nothing is undone unless the order is, by a write that
        succeeded (this one's begin or an earlier one), being undone or ended unshipped: a hand-off to the carrier
        landing between any read and that write makes this change nothing, never refund shipped goods."""
        request = CompensationRequest(
            reason=readable_reason(requested.reason),
            cancel=requested.cancel,
            requested_by=requested.requested_by,
            failed_step=requested.failed_step,
        )
        try:
            order = self.changes.apply(
                requested.order_id, lambda current: current.begin_compensation(request, self.clock())
            )
        except OrderBeyondUndoError as beyond:
            self._note(
                beyond.order_id,
                _K.COMPENSATION_REFUSED,
                f"Already {beyond.status.value}; nothing is undone",
                request.reason,
            )
            return self._load(beyond.order_id)
        if not order.undo_safe:
            return order  # never, while begin_compensation refuses the rest; the rule the undo below relies on

        # In reverse of how it was done: the money first, then the stock. Released first, the stock could be gone
        # while a capture that read it RESERVED still lands (the interleaving explorer's "admin cancel x
        # capture_payment"); settled first, that capture fails at Stripe or is refunded here, with its units held.
        refunded = self._return_money(order)
        if self.inventory.release_for(order.id):
            reason = (order.compensation or request).reason
            self._note(order.id, _K.INVENTORY_RELEASED, "Held or reserved stock released", reason)
        unrecorded = self._unrecorded(order, request)
        order = self.changes.apply(
            order.id, lambda current: current.finish_compensation(refunded, self.clock(), unrecorded=unrecorded)
        )
        self._tell_customer(order)
        return order

    def _unrecorded(self, order: Order, request: CompensationRequest) -> CompensationRequest | None:
        """How a compensation begun before orders carried their request was asked for: from its timeline entry, or
        (none found) this request."""
        if order.compensation is not None or order.status is not _S.COMPENSATING:
            return None
        started = timeline.compensation_started(order.id, self.events)
        return CompensationRequest.from_detail(started) if started is not None else request

    def _return_money(self, order: Order) -> int:
        """Cancel an uncaptured authorization or refund a capture; returns the amount refunded in total."""
        intent_id = order.payment.intent_id
        if intent_id is None:
            return 0
        gateway = self.payments.gateway
        intent = gateway.retrieve(intent_id)
        if intent.status in VOIDABLE:
            try:
                self._void(order, intent)
            except PaymentProcessingError:
                # A capture landed between our read and the cancel: Stripe refuses to cancel a captured intent (the
                # fake says PaymentIntentStateError; the Stripe gateway passes Stripe's 400 on), so it is refunded
                # below, from what Stripe says now.
                intent = gateway.retrieve(intent_id)
                if intent.status is not PaymentStatus.SUCCEEDED:
                    raise
            else:
                return 0
        if intent.status is PaymentStatus.SUCCEEDED:
            if intent.amount_refunded < intent.amount_received:
                intent = gateway.refund(intent_id, None, idempotency_key=f"{order.id}:refund")
                refunded = amount_text(intent.amount_refunded, intent.currency)
                self._note(order.id, _K.PAYMENT_REFUNDED, f"Refunded {refunded}", None)
            return intent.amount_refunded
        return 0

    def _void(self, order: Order, intent: PaymentIntentSnapshot) -> None:
        self.payments.gateway.cancel(intent.id, idempotency_key=f"{order.id}:cancel")
        # Only a REQUIRES_CAPTURE intent holds money on the card; the others are a payment never completed,
        # and telling the shopper of an unpaid order that an authorization was cancelled alarms them for nothing.
        if intent.status is PaymentStatus.REQUIRES_CAPTURE:
            self._note(order.id, _K.AUTHORIZATION_CANCELLED, "Payment authorization cancelled", None)
        else:
            message = f"Unfinished payment cancelled ({intent.status.value})"
            self._note(order.id, _K.PAYMENT_CANCELLED, message, None)

    def _tell_customer(self, order: Order) -> None:
        # The reason (an admin's note, a saga's error) is for admins: the emails say what happened in shoppers' words.
        if order.status is _S.CANCELLED:
            self.emails.once("cancelled", order.id, lambda: self.notifications.order_cancelled(order))
        elif order.status is _S.FAILED:
            self.emails.once("failed", order.id, lambda: self.notifications.order_failed(order))

    def _note(self, order_id: str, kind: OrderEventKind, message: str, reason: str | None) -> None:
        detail = {"reason": reason} if reason else {}
        self.events.append(OrderEvent.new(order_id, self.clock(), kind, message, step="Compensation", detail=detail))

    def _load(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise OrderNotFoundError(order_id)
        return order
