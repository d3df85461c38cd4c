"""Stripe's webhook, the backstop for what payOrder learns directly: verified, de-duplicated, re-fetched, published."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from commerce.events import DomainEvent, EventPublisher, PaymentAuthorized, PaymentFailed
from commerce.idempotency import IdempotencyRecord
from commerce.metrics import Metric, Metrics, NoMetrics
from commerce.payments import PaymentGateway, PaymentIntentSnapshot, PaymentStatus
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


# Stripe sends amount_capturable_updated when a manual-capture intent is authorized; the rest are handled
# through our own path already (captures and refunds are ours) and are acknowledged without action.
RELEVANT = frozenset({"payment_intent.amount_capturable_updated", "payment_intent.payment_failed"})


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
        if event.type not in RELEVANT or event.intent_id is None:
            logger.info("webhook acknowledged without action", extra={"stripe_event_id": event.id, "type": event.type})
            return WebhookOutcome.IGNORED
        # The intent is re-fetched, never trusted from the payload: events arrive late and out of order.
        intent = self.gateway.retrieve(event.intent_id)
        domain_event = _domain_event(intent.order_id, intent)
        if domain_event is None:
            return WebhookOutcome.IGNORED
        claim = IdempotencyRecord(
            key=f"stripe-event:{event.id}",
            request_hash=event.type,
            result_id=event.intent_id,
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


def _domain_event(order_id: str | None, intent: PaymentIntentSnapshot) -> DomainEvent | None:
    if order_id is None:
        return None
    if intent.status is PaymentStatus.REQUIRES_CAPTURE:
        return PaymentAuthorized(order_id, intent.id, intent.amount_capturable, intent.currency)
    decline = intent.decline
    if decline is not None:
        return PaymentFailed(order_id, intent.id, decline.reason, intent.latest_charge_id or intent.id)
    return None
