"""Paying for an order: its stock held first, then one PaymentIntent per order, confirmed server-side; Stripe's
answer becomes domain facts.

The hold comes before the card is touched: no stock, no Stripe call (OutOfStockError). Each attempt renews the hold
(commerce/services/inventory.py has the rule for time); a decline leaves it in place for the next card. A new hold
counts against its customer's and its source address's caps first (commerce/hold_limits.py): beyond them,
HoldLimitReachedError, before any stock is taken; renewing the order's own live hold is always allowed.

The shopper's `payOrder` and Stripe's webhook both end in `apply_intent`, which is idempotent per order:
whichever reports an authorization first moves the order to AUTHORIZED, and both publish PaymentAuthorized,
whose consumer starts the one saga of the order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from commerce.clock import Clock, from_iso
from commerce.errors import ConcurrentUpdateError, DomainError, OrderNotFoundError, OutOfStockError
from commerce.events import EventPublisher, PaymentAuthorized, PaymentFailed
from commerce.hold_limits import HoldLimitReachedError, HoldLimits, HoldSlotRepository
from commerce.order_status import AWAITING_PAYMENT, GONE, TERMINAL, OrderStatus
from commerce.orders import Order
from commerce.payments import (
    CLOSED,
    InvalidPaymentMethodError,
    PaymentGateway,
    PaymentIntentSnapshot,
    PaymentIntentStateError,
    PaymentStatus,
    require_payment_method_id,
)
from commerce.ports import OrderRepository
from commerce.reservations import ReservationState
from commerce.services.inventory import InventoryService
from commerce.services.order_changes import OrderChanges
from commerce.services.tracking import OrderTracking

logger = logging.getLogger(__name__)


class PaymentOutcome(StrEnum):
    AUTHORIZED = "AUTHORIZED"
    REQUIRES_ACTION = "REQUIRES_ACTION"
    DECLINED = "DECLINED"
    PENDING = "PENDING"
    CLOSED = "CLOSED"


@dataclass(frozen=True, slots=True)
class PaymentResult:
    order: Order
    outcome: PaymentOutcome
    client_secret: str | None = None
    decline_reason: str | None = None


class PaymentNotAllowedError(DomainError):
    def __init__(self, order_id: str, status: str) -> None:
        super().__init__(f"order {order_id} is {status} and takes no payment")
        self.order_id = order_id
        self.status = status


class StockBusyError(DomainError):
    """The order's stock could not be held just now: its items kept changing under the hold (contended even after
    an automatic split, commerce/hot_stock.py). Nothing was held and Stripe was not asked: try again shortly."""

    retry_after_ms = 1000

    def __init__(self, order_id: str) -> None:
        super().__init__(f"the stock of order {order_id} is too busy to hold just now")
        self.order_id = order_id


class PaymentService:
    def __init__(
        self,
        *,
        orders: OrderRepository,
        changes: OrderChanges,
        tracking: OrderTracking,
        inventory: InventoryService,
        gateway: Callable[[], PaymentGateway],
        publisher: EventPublisher,
        clock: Clock,
        hold_slots: HoldSlotRepository,
        hold_limits: HoldLimits,
    ) -> None:
        self.orders = orders
        self.changes = changes
        self.tracking = tracking
        self.inventory = inventory
        self._gateway_factory = gateway
        self._gateway: PaymentGateway | None = None
        self.publisher = publisher
        self.clock = clock
        self.hold_slots = hold_slots
        self.hold_limits = hold_limits

    @property
    def gateway(self) -> PaymentGateway:
        # Built on first use: importing and configuring the Stripe SDK is cold-start time only payment paths pay.
        if self._gateway is None:
            self._gateway = self._gateway_factory()
        return self._gateway

    def ensure_intent(self, order: Order) -> Order:
        """The order's one PaymentIntent, opened at its first payment: an order never paid costs no Stripe call.

        The idempotency key is the order's, so a retried payOrder replays the first creation instead of opening
        a second intent; a racing creator's extra intent (keys expire after 24 hours) is cancelled.
        """
        if order.payment.intent_id:
            return order
        intent = self.gateway.create_intent(order.id, order.total, idempotency_key=f"{order.id}:intent")
        saved = self.changes.apply(order.id, lambda current: current.attach_intent(intent.id, self.clock()))
        if saved.payment.intent_id != intent.id:
            # localstripe ignores idempotency keys, and keys expire on Stripe: the order's write decides the winner.
            logger.warning("cancelling a duplicate payment intent", extra={"order_id": order.id})
            self.gateway.cancel(intent.id, idempotency_key=f"{order.id}:intent:{intent.id}:cancel")
        return saved

    def pay(
        self, order_id: str, access_token: str, payment_method_id: str | None, source: str | None = None
    ) -> PaymentResult:
        """Confirm the order's intent with a Stripe.js PaymentMethod; without one, re-read it (after 3-D Secure).

        The re-read never confirms: Stripe.js's next-action handling finished the confirmation in the browser.
        Either way the order's stock is held (or its hold renewed) first: OutOfStockError, or HoldLimitReachedError
        for a new hold beyond its email's or its `source` address's cap, before any Stripe call.
        """
        if payment_method_id is not None:
            require_payment_method_id(payment_method_id)
        order = self.tracking.order_for_shopper(order_id, access_token)
        if order is None:
            raise OrderNotFoundError(order_id)
        if order.status not in AWAITING_PAYMENT:
            _refuse_if_ended(order)
            return PaymentResult(order, PaymentOutcome.AUTHORIZED)
        if payment_method_id is None and order.payment.intent_id is None:
            raise InvalidPaymentMethodError("", "the first payment needs a PaymentMethod; there is nothing to re-read")
        order = self.hold(order, source)
        order = self.ensure_intent(order)
        intent_id = order.payment.intent_id
        assert intent_id is not None  # ensure_intent guarantees it
        try:
            if payment_method_id:
                # One key per attempt: each PaymentMethod is one attempt, and a retried request replays its answer.
                snapshot = self.gateway.confirm_with_payment_method(
                    intent_id, payment_method_id, idempotency_key=f"{order.id}:confirm:{payment_method_id}"
                )
            else:
                snapshot = self.gateway.retrieve(intent_id)
        except PaymentIntentStateError:
            # The order expired, and its intent was cancelled, between our read and the confirmation.
            _refuse_if_ended(self._existing(order.id))
            raise
        result = self.apply_intent(snapshot)
        # Authorized at Stripe, but the expiry claimed the order first: the authorization is given back (see
        # apply_intent), and the shopper is told the order takes no payment rather than that it is paid.
        _refuse_if_ended(result.order)
        return result

    def hold(self, order: Order, source: str | None = None) -> Order:
        """Hold the order's stock (or renew its hold) and record until when on the order.

        Raises HoldLimitReachedError when a new hold would exceed its keys' caps (nothing taken), OutOfStockError
        when the stock cannot cover it, and PaymentNotAllowedError when the order ended (expired, cancelled) while
        we held: then the hold is given back here, as the sweep or the cancellation that ended it gave back what it
        found.
        """
        slots = self._claim_slots(order, source)
        try:
            reservation = self.inventory.hold_for(order, split_hot=True)
        except OutOfStockError:
            self.hold_slots.release(order.id)  # refused: it holds nothing, so it counts against nobody
            raise
        except ConcurrentUpdateError as exc:
            if self.inventory.has_live_hold(order.id):
                raise  # a renewal that kept racing: the order still holds its stock, and its slots with it
            self.hold_slots.release(order.id)  # it holds nothing, so it counts against nobody
            raise StockBusyError(order.id) from exc
        if reservation.state is not ReservationState.HELD or reservation.expires_at is None:
            self.hold_slots.release(order.id)
            return order  # converted already: the order was authorized meanwhile
        held_until = reservation.expires_at
        self.hold_slots.settle(order.id, slots, from_iso(held_until))
        saved = self.changes.apply(order.id, lambda current: current.hold(held_until, self.clock()))
        if saved.status in GONE:
            self.inventory.release_for(order.id)
            raise PaymentNotAllowedError(order.id, saved.status.value)
        return saved

    def _claim_slots(self, order: Order, source: str | None) -> list[str]:
        now = self.clock()
        keys = self.hold_limits.keys(order.email, source)
        try:
            # Until when is known once the hold is taken or renewed (`settle`); until then, as long as a new hold.
            return self.hold_slots.claim(order.id, keys, now + self.inventory.hold_ttl, now)
        except HoldLimitReachedError:
            if self.inventory.has_live_hold(order.id):
                # Renewing its own hold takes nothing more from the sale (a hold taken before the caps existed).
                return []
            raise

    def apply_intent(self, intent: PaymentIntentSnapshot) -> PaymentResult:
        """Turn what Stripe reports about an order's intent into the order's state and the bus's events."""
        order_id = intent.order_id
        if order_id is None:
            raise OrderNotFoundError(f"(intent {intent.id} has no order id)")
        if intent.status is PaymentStatus.REQUIRES_CAPTURE:
            authorized = PaymentAuthorized(order_id, intent.id, intent.amount_capturable, intent.currency)
            order = self.record_authorization(authorized)
            if order.status is OrderStatus.AUTHORIZED or order.status in GONE:
                # Published even when the order was already AUTHORIZED: a crash after the write must not leave
                # the saga unstarted, and its consumer starts one saga per order however often it hears this.
                # For an order that ended first (expired, cancelled) its consumer gives the authorization back.
                self.publisher.publish([authorized])
            return PaymentResult(order, PaymentOutcome.AUTHORIZED)
        if intent.status is PaymentStatus.REQUIRES_ACTION:
            order = self.changes.apply(order_id, lambda current: current.require_action(self.clock()))
            return PaymentResult(order, PaymentOutcome.REQUIRES_ACTION, client_secret=intent.client_secret)
        decline = intent.decline
        if decline is not None:
            attempt_id = intent.latest_charge_id or f"{intent.id}:{decline.reason}"
            order = self.changes.apply(
                order_id, lambda current: current.decline(decline.reason, attempt_id, self.clock())
            )
            return PaymentResult(order, PaymentOutcome.DECLINED, decline_reason=decline.reason)
        order = self._existing(order_id)
        if intent.status in CLOSED:
            return PaymentResult(order, PaymentOutcome.CLOSED)
        return PaymentResult(order, PaymentOutcome.PENDING)

    def record_authorization(self, event: PaymentAuthorized) -> Order:
        return self.changes.apply(event.order_id, lambda current: current.authorize(event, self.clock()))

    def record_failure(self, event: PaymentFailed) -> Order:
        return self.changes.apply(
            event.order_id, lambda current: current.decline(event.reason, event.attempt_id, self.clock())
        )

    def _existing(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise OrderNotFoundError(order_id)
        return order


def _refuse_if_ended(order: Order) -> None:
    if order.status in TERMINAL and order.status is not OrderStatus.FULFILLED:
        raise PaymentNotAllowedError(order.id, order.status.value)
