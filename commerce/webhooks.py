"""Stripe's webhook, the backstop for what payOrder learns directly: verified, de-duplicated, re-fetched, published."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from commerce.events import (
    DomainEvent,
    EventPublisher,
    PaymentAuthorized,
    PaymentCanceled,
    PaymentFailed,
    PaymentRefunded,
)
from commerce.idempotency import IdempotencyRecord
from commerce.metrics import Metric, Metrics, NoMetrics
from commerce.payments import PaymentGateway, PaymentIntentNotFoundError, PaymentIntentSnapshot, PaymentStatus
from commerce.ports import IdempotencyRepository

logger = logging.getLogger(__name__)

EVENT_ID_TTL_SECONDS = 30 * 24 * 3600  # Stripe retries undelivered webhooks for up to three days


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    id: str
    type: str
    intent_id: str | None


class InvalidWebhookError(Exception):
    """Unsigned, wrongly signed, stale or malformed: answered with 400 and never acted upon."""


class WebhookVerifier(ABC):
    @abstractmethod
    def verify(self, payload: bytes, signature: str | None) -> WebhookEvent: ...


class WebhookOutcome(StrEnum):
    PUBLISHED = "published"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    UNKNOWN = "unknown"  # about an object this system did not make: acknowledged, so Stripe stops sending it


# Every event type the product acts on; docs/api.md's `stripe webhook_endpoints create` registers exactly these.
# - amount_capturable_updated: a manual-capture intent was authorized (Stripe sends no `succeeded` until capture);
# - payment_failed: a card was declined;
# - canceled: the intent was cancelled, by us (expiry, compensation) or in Stripe's Dashboard;
# - charge.refunded: a refund, partial or full, by us or in the Dashboard (its object is the charge).
# Any other type is acknowledged without action.
HANDLED_EVENT_TYPES = (
    "payment_intent.amount_capturable_updated",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "charge.refunded",
)


class WebhookIntake:
    def __init__(
        self,
        *,
        verifier: WebhookVerifier,
        gateway: PaymentGateway,
        idempotency: IdempotencyRepository,
        publisher: EventPublisher,
        metrics: Metrics | None = None,
    ) -> None:
        self.verifier = verifier
        self.gateway = gateway
        self.idempotency = idempotency
        self.publisher = publisher
        self.metrics = metrics or NoMetrics()

    def receive(self, payload: bytes, signature: str | None, *, received_at: int) -> WebhookOutcome:
        """Raises InvalidWebhookError for anything not signed by Stripe within the tolerance."""
        event = self.verifier.verify(payload, signature)
        if event.type not in HANDLED_EVENT_TYPES:
            logger.info("webhook acknowledged without action", extra={"stripe_event_id": event.id, "type": event.type})
            return WebhookOutcome.IGNORED
        intent = self._refetched(event)
        if intent is None or intent.order_id is None:
            # Another integration's object on the same Stripe account, a deleted test object, a charge made
            # without an intent. A 5xx would have Stripe retry it for three days and then disable the endpoint,
            # taking every real event with it: acknowledged, logged and counted instead.
            logger.warning(
                "webhook about an object this system does not know",
                extra={"stripe_event_id": event.id, "type": event.type, "intent_id": event.intent_id},
            )
            self.metrics.record(Metric.WEBHOOK_UNKNOWN_OBJECTS)
            return WebhookOutcome.UNKNOWN
        domain_event = _domain_event(intent.order_id, intent)
        if domain_event is None:
            return WebhookOutcome.IGNORED
        claim = IdempotencyRecord(
            key=f"stripe-event:{event.id}",
            request_hash=event.type,
            result_id=intent.id,
            expires_at=received_at + EVENT_ID_TTL_SECONDS,
        )
        if not self.idempotency.claim(claim):
            logger.info("duplicate webhook dropped", extra={"stripe_event_id": event.id})
            self.metrics.record(Metric.WEBHOOK_DUPLICATES)
            return WebhookOutcome.DUPLICATE
        try:
            self.publisher.publish([domain_event])
        except Exception:
            # Let Stripe redeliver: forget the claim so the retry is not taken for a duplicate.
            self.idempotency.release(claim.key)
            raise
        logger.info(
            "webhook published",
            extra={"stripe_event_id": event.id, "order_id": domain_event.order_id, "type": event.type},
        )
        return WebhookOutcome.PUBLISHED

    def _refetched(self, event: WebhookEvent) -> PaymentIntentSnapshot | None:
        """The intent as Stripe holds it now, never as the payload says: events arrive late and out of order."""
        if event.intent_id is None:
            return None
        try:
            return self.gateway.retrieve(event.intent_id)
        except PaymentIntentNotFoundError:
            return None


def _domain_event(order_id: str, intent: PaymentIntentSnapshot) -> DomainEvent | None:
    """The fact the intent's current state tells, whichever of the handled types announced it."""
    if intent.status is PaymentStatus.REQUIRES_CAPTURE:
        return PaymentAuthorized(order_id, intent.id, intent.amount_capturable, intent.currency)
    decline = intent.decline
    if decline is not None:
        return PaymentFailed(order_id, intent.id, decline.reason, intent.latest_charge_id or intent.id)
    if intent.status is PaymentStatus.CANCELED:
        return PaymentCanceled(order_id, intent.id)
    if intent.status is PaymentStatus.SUCCEEDED and intent.amount_refunded > 0:
        return PaymentRefunded(order_id, intent.id, intent.amount_refunded, intent.currency)
    return None  # captured and not refunded (the capture is ours), or still waiting for a card
