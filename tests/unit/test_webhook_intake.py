from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from commerce.events import PaymentAuthorized, PaymentCanceled, PaymentFailed, PaymentRefunded, RecordingPublisher
from commerce.metrics import Metric, RecordedMetrics
from commerce.money import Money
from commerce.payments import PaymentGateway, PaymentIntentNotFoundError, PaymentIntentSnapshot, PaymentStatus
from commerce.repositories.memory import InMemoryIdempotencyRepository
from commerce.webhooks import (
    HANDLED_EVENT_TYPES,
    InvalidWebhookError,
    WebhookEvent,
    WebhookIntake,
    WebhookOutcome,
    WebhookVerifier,
)
from tests.unit.builders import epoch_clock

NOW = 1_800_000_000


class TrustingVerifier(WebhookVerifier):
    """Accepts `good` signatures; the real verifier is tested against Stripe's scheme in integration."""

    def verify(self, payload: bytes, signature: str | None) -> WebhookEvent:
        if signature != "good":
            raise InvalidWebhookError("bad signature")
        kind, event_id, intent_id = payload.decode().split(" ")
        return WebhookEvent(id=event_id, type=kind, intent_id=intent_id)


@dataclass
class StubGateway(PaymentGateway):
    intent: PaymentIntentSnapshot | None  # None: Stripe answers 404

    def create_intent(self, order_id: str, amount: Money, idempotency_key: str) -> PaymentIntentSnapshot:
        raise AssertionError("not used")

    def confirm_with_payment_method(
        self, intent_id: str, payment_method_id: str, idempotency_key: str
    ) -> PaymentIntentSnapshot:
        raise AssertionError("not used")

    def retrieve(self, intent_id: str) -> PaymentIntentSnapshot:
        if self.intent is None:
            raise PaymentIntentNotFoundError("retrieve", intent_id, "No such payment_intent")
        return self.intent

    def capture(self, intent_id: str, idempotency_key: str) -> PaymentIntentSnapshot:
        raise AssertionError("the webhook never captures")

    def cancel(self, intent_id: str, idempotency_key: str, *, unless_authorized: bool = False) -> PaymentIntentSnapshot:
        raise AssertionError("the webhook never cancels")

    def refund(self, intent_id: str, amount: Money | None, idempotency_key: str) -> PaymentIntentSnapshot:
        raise AssertionError("the webhook never refunds")


def an_intent(status: PaymentStatus, **changes: object) -> PaymentIntentSnapshot:
    values: dict[str, object] = {
        "id": "pi_1",
        "status": status,
        "amount": 2399,
        "currency": "USD",
        "amount_capturable": 2399 if status is PaymentStatus.REQUIRES_CAPTURE else 0,
        "amount_received": 0,
        "amount_refunded": 0,
        "client_secret": "pi_1_secret_x",
        "metadata": {"order_id": "ord_1"},
        **changes,
    }
    return PaymentIntentSnapshot(**values)  # type: ignore[arg-type]


def intake(
    intent: PaymentIntentSnapshot | None, metrics: RecordedMetrics | None = None
) -> tuple[WebhookIntake, RecordingPublisher]:
    publisher = RecordingPublisher()
    return (
        WebhookIntake(
            verifier=TrustingVerifier(),
            gateway=StubGateway(intent),
            idempotency=InMemoryIdempotencyRepository(clock=epoch_clock(NOW)),
            publisher=publisher,
            metrics=metrics,
        ),
        publisher,
    )


def test_an_authorization_becomes_one_payment_authorized_event_however_often_it_arrives() -> None:
    webhooks, publisher = intake(an_intent(PaymentStatus.REQUIRES_CAPTURE))
    body = b"payment_intent.amount_capturable_updated evt_1 pi_1"
    outcomes = [webhooks.receive(body, "good", received_at=NOW) for _ in range(3)]
    assert outcomes == [WebhookOutcome.PUBLISHED, WebhookOutcome.DUPLICATE, WebhookOutcome.DUPLICATE]
    assert publisher.published == [PaymentAuthorized("ord_1", "pi_1", 2399, "USD")]


def test_the_intent_is_refetched_so_a_stale_failure_after_authorization_publishes_nothing() -> None:
    webhooks, publisher = intake(an_intent(PaymentStatus.REQUIRES_CAPTURE))
    assert webhooks.receive(b"payment_intent.payment_failed evt_2 pi_1", "good", received_at=NOW) == (
        WebhookOutcome.PUBLISHED
    )
    assert publisher.published == [PaymentAuthorized("ord_1", "pi_1", 2399, "USD")]


def test_a_decline_becomes_payment_failed_with_the_reason_and_the_attempt() -> None:
    declined = an_intent(
        PaymentStatus.REQUIRES_PAYMENT_METHOD,
        last_error_code="card_declined",
        last_error_message="Your card was declined.",
        latest_charge_id="ch_9",
    )
    webhooks, publisher = intake(declined)
    webhooks.receive(b"payment_intent.payment_failed evt_3 pi_1", "good", received_at=NOW)
    assert publisher.published == [PaymentFailed("ord_1", "pi_1", "Your card was declined.", "ch_9")]


@pytest.mark.parametrize("signature", [None, "", "forged"])
def test_an_unverified_webhook_is_refused_and_claims_nothing(signature: str | None) -> None:
    webhooks, publisher = intake(an_intent(PaymentStatus.REQUIRES_CAPTURE))
    with pytest.raises(InvalidWebhookError):
        webhooks.receive(b"payment_intent.amount_capturable_updated evt_4 pi_1", signature, received_at=NOW)
    assert publisher.published == []
    assert webhooks.receive(b"payment_intent.amount_capturable_updated evt_4 pi_1", "good", received_at=NOW) == (
        WebhookOutcome.PUBLISHED
    )


def test_events_we_do_not_act_on_are_acknowledged_and_ignored() -> None:
    webhooks, publisher = intake(an_intent(PaymentStatus.SUCCEEDED))
    assert webhooks.receive(b"payment_intent.succeeded evt_5 pi_1", "good", received_at=NOW) == WebhookOutcome.IGNORED
    assert publisher.published == []


@pytest.mark.parametrize(
    "intent",
    [
        pytest.param(None, id="Stripe answers Not Found"),
        pytest.param(an_intent(PaymentStatus.REQUIRES_CAPTURE, metadata={}), id="no order id of ours"),
    ],
)
def test_a_signed_event_about_an_object_we_do_not_know_is_acknowledged_and_counted(
    intent: PaymentIntentSnapshot | None,
) -> None:
    metrics = RecordedMetrics()
    webhooks, publisher = intake(intent, metrics)

    outcome = webhooks.receive(b"payment_intent.amount_capturable_updated evt_7 pi_other", "good", received_at=NOW)

    assert outcome is WebhookOutcome.UNKNOWN
    assert publisher.published == []
    assert metrics.total(Metric.WEBHOOK_UNKNOWN_OBJECTS) == 1


def test_a_refund_becomes_payment_refunded_with_the_intents_whole_refunded_amount() -> None:
    webhooks, publisher = intake(an_intent(PaymentStatus.SUCCEEDED, amount_received=2399, amount_refunded=1000))
    assert webhooks.receive(b"charge.refunded evt_8 pi_1", "good", received_at=NOW) == WebhookOutcome.PUBLISHED
    assert publisher.published == [PaymentRefunded("ord_1", "pi_1", 1000, "USD")]


def test_a_cancellation_becomes_payment_canceled() -> None:
    webhooks, publisher = intake(an_intent(PaymentStatus.CANCELED))
    assert webhooks.receive(b"payment_intent.canceled evt_9 pi_1", "good", received_at=NOW) == WebhookOutcome.PUBLISHED
    assert publisher.published == [PaymentCanceled("ord_1", "pi_1")]


def test_the_webhook_registration_in_the_api_docs_names_exactly_the_handled_event_types() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    command = docs[docs.index("stripe webhook_endpoints create") :].split("\n\n", 1)[0]
    registered = set(re.findall(r"enabled_events\[\]=([a-z_.]+)", command))
    assert registered == set(HANDLED_EVENT_TYPES)


def test_a_failed_publish_gives_the_event_id_back_so_stripe_can_redeliver() -> None:
    class FailingPublisher(RecordingPublisher):
        def publish(self, events: object) -> None:
            raise RuntimeError("bus down")

    idempotency = InMemoryIdempotencyRepository(clock=epoch_clock(NOW))
    webhooks = WebhookIntake(
        verifier=TrustingVerifier(),
        gateway=StubGateway(an_intent(PaymentStatus.REQUIRES_CAPTURE)),
        idempotency=idempotency,
        publisher=FailingPublisher(),
    )
    with pytest.raises(RuntimeError):
        webhooks.receive(b"payment_intent.amount_capturable_updated evt_6 pi_1", "good", received_at=NOW)
    assert idempotency.records == {}
