"""StripeGateway through the real stripe SDK against localstripe, plus the SDK's errors from a canned server."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from commerce.adapters.stripe_gateway import StripeGateway
from commerce.errors import CurrencyMismatchError
from commerce.money import Money
from commerce.payments import (
    InsufficientFundsError,
    InvalidPaymentMethodError,
    PaymentDeclinedError,
    PaymentIntentNotFoundError,
    PaymentIntentSnapshot,
    PaymentIntentStateError,
    PaymentProcessingError,
    PaymentProviderUnavailableError,
    PaymentStatus,
)
from infra.local.ports import free_port
from infra.local.stripe_server import SECRET_KEY, LocalStripe, start_localstripe
from tests.integration.stripe_cards import AUTHORIZES, DECLINES, NEEDS_3D_SECURE, card_token, payment_method

pytestmark = pytest.mark.integration

WEBHOOK_SECRET = "whsec_local_fake"
# localstripe posts each event once, about a second after it happens.
WEBHOOK_DEADLINE_SECONDS = 10.0
PRICE = Money(4_990, "EUR")


@pytest.fixture(scope="module")
def localstripe() -> Iterator[LocalStripe]:
    server = start_localstripe(free_port())
    yield server
    server.stop()


@pytest.fixture
def gateway(localstripe: LocalStripe) -> StripeGateway:
    return StripeGateway.connect(SECRET_KEY, api_base=localstripe.api_base, max_network_retries=0)


def key() -> str:
    return uuid.uuid4().hex


def new_intent(gateway: StripeGateway) -> PaymentIntentSnapshot:
    return gateway.create_intent(f"order-{key()}", PRICE, key())


def authorized_intent(gateway: StripeGateway, localstripe: LocalStripe) -> PaymentIntentSnapshot:
    intent = gateway.confirm_with_payment_method(
        new_intent(gateway).id, payment_method(localstripe.api_base, AUTHORIZES), key()
    )
    assert intent.status is PaymentStatus.REQUIRES_CAPTURE
    return intent


def test_a_new_intent_waits_for_a_card_and_carries_the_order_id(gateway: StripeGateway) -> None:
    intent = gateway.create_intent("order-42", PRICE, key())

    assert intent.status is PaymentStatus.REQUIRES_PAYMENT_METHOD
    assert (intent.amount, intent.currency, intent.order_id) == (4_990, "EUR", "order-42")
    assert intent.client_secret is not None
    assert gateway.retrieve(intent.id) == intent


def test_a_good_card_authorizes_the_whole_amount_without_capturing_it(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = new_intent(gateway)

    authorized = gateway.confirm_with_payment_method(intent.id, payment_method(localstripe.api_base, AUTHORIZES), key())

    assert authorized.status is PaymentStatus.REQUIRES_CAPTURE
    assert (authorized.amount_capturable, authorized.amount_received) == (4_990, 0)
    assert authorized.decline is None


def test_a_card_token_is_refused_as_a_payment_method_and_the_intent_still_takes_a_card(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = new_intent(gateway)
    token = card_token(localstripe.api_base, AUTHORIZES)

    with pytest.raises(InvalidPaymentMethodError) as raised:
        gateway.confirm_with_payment_method(intent.id, token, key())

    assert raised.value.payment_method_id == token
    assert "A token may not be passed in as a PaymentMethod" in raised.value.detail
    confirmed = gateway.confirm_with_payment_method(intent.id, payment_method(localstripe.api_base, AUTHORIZES), key())
    assert confirmed.status is PaymentStatus.REQUIRES_CAPTURE


def test_a_declined_card_reports_the_reason_and_allows_another_card_on_the_same_intent(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = new_intent(gateway)

    declined = gateway.confirm_with_payment_method(intent.id, payment_method(localstripe.api_base, DECLINES), key())

    assert declined.status is PaymentStatus.REQUIRES_PAYMENT_METHOD
    assert declined.last_error_code == "card_declined"
    assert declined.last_error_message == "Your card was declined."
    assert isinstance(declined.decline, PaymentDeclinedError)
    assert declined.decline.reason == "Your card was declined."
    retried = gateway.confirm_with_payment_method(intent.id, payment_method(localstripe.api_base, AUTHORIZES), key())
    assert (retried.id, retried.status, retried.amount_capturable) == (intent.id, PaymentStatus.REQUIRES_CAPTURE, 4_990)


def test_a_card_that_needs_3d_secure_hands_back_the_client_secret(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = new_intent(gateway)

    pending = gateway.confirm_with_payment_method(
        intent.id, payment_method(localstripe.api_base, NEEDS_3D_SECURE), key()
    )

    assert pending.status is PaymentStatus.REQUIRES_ACTION
    assert pending.client_secret == intent.client_secret
    assert pending.client_secret is not None and pending.client_secret.startswith(f"{intent.id}_secret_")


def test_confirming_an_authorized_intent_again_returns_it_unchanged(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = authorized_intent(gateway, localstripe)

    again = gateway.confirm_with_payment_method(intent.id, payment_method(localstripe.api_base, DECLINES), key())

    assert again == intent


def test_capturing_an_authorization_collects_it_and_capturing_again_is_harmless(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = authorized_intent(gateway, localstripe)
    capture_key = key()

    captured = gateway.capture(intent.id, capture_key)
    again = gateway.capture(intent.id, capture_key)
    with_another_key = gateway.capture(intent.id, key())

    assert captured.status is PaymentStatus.SUCCEEDED
    assert (captured.amount_received, captured.amount_capturable) == (4_990, 0)
    assert again == captured == with_another_key


def test_cancelling_an_authorization_releases_it_and_cancelling_again_is_harmless(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = authorized_intent(gateway, localstripe)

    canceled = gateway.cancel(intent.id, key())
    again = gateway.cancel(intent.id, key())

    assert canceled.status is PaymentStatus.CANCELED
    assert canceled.amount_capturable == 0
    assert again == canceled


def test_an_intent_nobody_paid_can_be_cancelled(gateway: StripeGateway) -> None:
    assert gateway.cancel(new_intent(gateway).id, key()).status is PaymentStatus.CANCELED


def test_releasing_an_unpaid_intent_never_voids_an_authorization_that_arrived_first(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = authorized_intent(gateway, localstripe)

    with pytest.raises(PaymentIntentStateError) as refused:
        gateway.cancel(intent.id, key(), unless_authorized=True)

    assert refused.value.status is PaymentStatus.REQUIRES_CAPTURE
    assert gateway.retrieve(intent.id).status is PaymentStatus.REQUIRES_CAPTURE
    unpaid = new_intent(gateway)
    assert gateway.cancel(unpaid.id, key(), unless_authorized=True).status is PaymentStatus.CANCELED


def test_capturing_a_canceled_authorization_is_a_state_error(gateway: StripeGateway, localstripe: LocalStripe) -> None:
    intent = authorized_intent(gateway, localstripe)
    gateway.cancel(intent.id, key())

    with pytest.raises(PaymentIntentStateError) as raised:
        gateway.capture(intent.id, key())

    assert (raised.value.intent_id, raised.value.status) == (intent.id, PaymentStatus.CANCELED)


def test_the_local_stripe_refuses_to_capture_a_cancelled_intent_as_stripe_does(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    # Straight to the API, past the gateway's own check: a capture racing a cancel reaches Stripe like this.
    intent = authorized_intent(gateway, localstripe)
    gateway.cancel(intent.id, key())
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe.api_base}, max_network_retries=0)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.capture(intent.id)

    assert refused.value.http_status == 400 and refused.value.code == "payment_intent_unexpected_state"
    assert "status of canceled" in str(refused.value.user_message)
    assert gateway.retrieve(intent.id).status is PaymentStatus.CANCELED


def test_a_captured_payment_cannot_be_cancelled_only_refunded(gateway: StripeGateway, localstripe: LocalStripe) -> None:
    intent = authorized_intent(gateway, localstripe)
    gateway.capture(intent.id, key())

    with pytest.raises(PaymentIntentStateError) as raised:
        gateway.cancel(intent.id, key())

    assert raised.value.status is PaymentStatus.SUCCEEDED


def test_refunding_a_captured_payment_refunds_it_once_however_often_it_is_repeated(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = authorized_intent(gateway, localstripe)
    gateway.capture(intent.id, key())
    refund_key = key()

    refunded = gateway.refund(intent.id, None, refund_key)
    again = gateway.refund(intent.id, None, refund_key)
    with_another_key = gateway.refund(intent.id, None, key())

    assert refunded.amount_refunded == 4_990
    assert again == refunded == with_another_key


def test_a_partial_refund_repeated_with_its_key_is_made_once(gateway: StripeGateway, localstripe: LocalStripe) -> None:
    intent = authorized_intent(gateway, localstripe)
    gateway.capture(intent.id, key())
    first_key, second_key = key(), key()

    gateway.refund(intent.id, Money(1_000, "EUR"), first_key)
    gateway.refund(intent.id, Money(1_000, "EUR"), first_key)
    gateway.refund(intent.id, Money(1_000, "EUR"), second_key)
    rest = gateway.refund(intent.id, None, key())

    assert gateway.retrieve(intent.id).amount_refunded == rest.amount_refunded == 4_990
    with pytest.raises(PaymentProcessingError):
        gateway.refund(intent.id, Money(1, "EUR"), key())


def test_a_refund_in_another_currency_is_refused(gateway: StripeGateway, localstripe: LocalStripe) -> None:
    intent = authorized_intent(gateway, localstripe)
    gateway.capture(intent.id, key())

    with pytest.raises(CurrencyMismatchError):
        gateway.refund(intent.id, Money(100, "USD"), key())


def test_an_authorization_that_was_never_captured_is_cancelled_not_refunded(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = authorized_intent(gateway, localstripe)

    with pytest.raises(PaymentIntentStateError) as raised:
        gateway.refund(intent.id, None, key())

    assert raised.value.status is PaymentStatus.REQUIRES_CAPTURE
    assert gateway.retrieve(intent.id).amount_refunded == 0


def test_an_unknown_payment_method_is_reported_as_invalid(gateway: StripeGateway) -> None:
    intent = new_intent(gateway)

    with pytest.raises(InvalidPaymentMethodError) as raised:
        gateway.confirm_with_payment_method(intent.id, "pm_doesnotexist", key())

    assert raised.value.payment_method_id == "pm_doesnotexist"
    assert gateway.retrieve(intent.id).status is PaymentStatus.REQUIRES_PAYMENT_METHOD


def test_a_confirmation_sent_again_with_its_key_replays_the_first_answer(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    intent = new_intent(gateway)
    declining, attempt = payment_method(localstripe.api_base, DECLINES), key()
    first = gateway.confirm_with_payment_method(intent.id, declining, attempt)

    again = gateway.confirm_with_payment_method(intent.id, declining, attempt)

    assert first.decline is not None and again == first


def test_creating_an_intent_again_with_its_key_opens_no_second_intent(gateway: StripeGateway) -> None:
    creation = key()

    first = gateway.create_intent("order-7", PRICE, creation)

    assert gateway.create_intent("order-7", PRICE, creation).id == first.id


def test_an_unknown_intent_is_reported_as_not_found_and_not_worth_retrying(gateway: StripeGateway) -> None:
    with pytest.raises(PaymentIntentNotFoundError) as raised:
        gateway.retrieve("pi_doesnotexist")

    assert raised.value.intent_id == "pi_doesnotexist"
    assert isinstance(raised.value, PaymentProcessingError)


def test_an_unreachable_provider_is_reported_as_unavailable() -> None:
    closed_port = free_port()
    gateway = StripeGateway.connect(SECRET_KEY, api_base=f"http://127.0.0.1:{closed_port}", max_network_retries=0)

    with pytest.raises(PaymentProviderUnavailableError) as raised:
        gateway.create_intent("order-1", PRICE, key())

    assert raised.value.operation == "create_intent"


def test_two_local_stripes_keep_their_own_data_and_flush_forgets_it(
    gateway: StripeGateway, localstripe: LocalStripe
) -> None:
    other = start_localstripe(free_port())
    try:
        other_gateway = StripeGateway.connect(SECRET_KEY, api_base=other.api_base, max_network_retries=0)
        intent = new_intent(other_gateway)
        with pytest.raises(PaymentProcessingError):
            gateway.retrieve(intent.id)

        other.flush()

        with pytest.raises(PaymentProcessingError):
            other_gateway.retrieve(intent.id)
    finally:
        other.stop()
    assert other.process.returncode == 0


# --- The SDK's errors, from a server that answers what a test tells it to ------------------------------------------


@contextmanager
def canned_stripe(post_status: int, post_body: dict[str, object]) -> Iterator[str]:
    """A server that answers every GET with an authorized intent and every POST with the given status and body."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(200, _intent_json(self.path.split("?")[0].rsplit("/", 1)[-1]))

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self._answer(post_status, post_body)

        def _answer(self, status: int, body: dict[str, object]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            thread.join(timeout=5)


def _intent_json(intent_id: str) -> dict[str, object]:
    return {
        "id": intent_id,
        "object": "payment_intent",
        "status": "requires_capture",
        "amount": 4_990,
        "currency": "eur",
        "amount_capturable": 4_990,
        "amount_received": 0,
        "client_secret": f"{intent_id}_secret_x",
        "last_payment_error": None,
        "latest_charge": None,
        "metadata": {"order_id": "order-1"},
    }


def _stripe_error(error_type: str, message: str, **fields: str) -> dict[str, object]:
    return {"error": {"type": error_type, "message": message, **fields}}


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        pytest.param(429, _stripe_error("invalid_request_error", "Too many requests"), PaymentProviderUnavailableError),
        pytest.param(500, _stripe_error("api_error", "Something went wrong"), PaymentProviderUnavailableError),
        pytest.param(503, _stripe_error("api_error", "Service unavailable"), PaymentProviderUnavailableError),
        pytest.param(
            402,
            _stripe_error(
                "card_error",
                "Your card has insufficient funds.",
                code="card_declined",
                decline_code="insufficient_funds",
            ),
            InsufficientFundsError,
        ),
        pytest.param(
            402,
            _stripe_error("card_error", "Your card was declined.", code="card_declined", decline_code="do_not_honor"),
            PaymentDeclinedError,
        ),
        pytest.param(
            400,
            _stripe_error("invalid_request_error", "Amount too small", code="amount_too_small"),
            PaymentProcessingError,
        ),
        pytest.param(401, _stripe_error("invalid_request_error", "Invalid API Key provided"), PaymentProcessingError),
        pytest.param(
            400,
            _stripe_error("idempotency_error", "Keys for idempotent requests can only be used..."),
            PaymentProcessingError,
        ),
    ],
)
def test_stripe_errors_become_domain_errors_and_only_provider_trouble_is_worth_retrying(
    status: int, body: dict[str, object], expected: type[Exception]
) -> None:
    with canned_stripe(status, body) as api_base:
        gateway = StripeGateway.connect(SECRET_KEY, api_base=api_base, max_network_retries=0)

        with pytest.raises(expected) as raised:
            gateway.capture("pi_canned", key())

        assert type(raised.value) is expected
        assert not isinstance(raised.value, stripe.StripeError)


def test_insufficient_funds_carries_the_reason_and_the_intent() -> None:
    body = _stripe_error(
        "card_error", "Your card has insufficient funds.", code="card_declined", decline_code="insufficient_funds"
    )
    with canned_stripe(402, body) as api_base:
        gateway = StripeGateway.connect(SECRET_KEY, api_base=api_base, max_network_retries=0)

        with pytest.raises(InsufficientFundsError) as raised:
            gateway.capture("pi_canned", key())

        assert (raised.value.reason, raised.value.decline_code) == (
            "Your card has insufficient funds.",
            "insufficient_funds",
        )
        assert raised.value.intent_id == "pi_canned"


# --- Webhooks ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    payload: bytes
    signature: str

    @property
    def intent_id(self) -> str:
        intent_id: str = json.loads(self.payload)["data"]["object"]["id"]
        return intent_id

    @property
    def type(self) -> str:
        event_type: str = json.loads(self.payload)["type"]
        return event_type


class WebhookReceiver:
    """A tiny HTTP endpoint that keeps every POST it gets."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                payload = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver._keep(Delivery(payload, self.headers.get("Stripe-Signature", "")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/stripe/webhook"

    def wait_for(self, predicate: Callable[[Delivery], bool], timeout: float = WEBHOOK_DEADLINE_SECONDS) -> Delivery:
        with self._changed:
            arrived = self._changed.wait_for(lambda: any(predicate(d) for d in self.deliveries), timeout=timeout)
            assert arrived, f"no matching webhook within {timeout} s; got {[d.type for d in self.deliveries]}"
            return next(d for d in self.deliveries if predicate(d))

    def for_intent(self, intent_id: str) -> list[Delivery]:
        with self._changed:
            return [d for d in self.deliveries if d.intent_id == intent_id]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _keep(self, delivery: Delivery) -> None:
        with self._changed:
            self.deliveries.append(delivery)
            self._changed.notify_all()


@pytest.fixture(scope="module")
def webhooks(localstripe: LocalStripe) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    localstripe.register_webhook("tests", receiver.url, WEBHOOK_SECRET)
    yield receiver
    receiver.stop()


def test_a_decline_is_reported_by_a_signed_payment_failed_webhook(
    gateway: StripeGateway, localstripe: LocalStripe, webhooks: WebhookReceiver
) -> None:
    intent = new_intent(gateway)

    gateway.confirm_with_payment_method(intent.id, payment_method(localstripe.api_base, DECLINES), key())

    delivery = webhooks.wait_for(lambda d: d.intent_id == intent.id)
    event = stripe.Webhook.construct_event(delivery.payload, delivery.signature, WEBHOOK_SECRET)
    assert event.type == "payment_intent.payment_failed"
    assert event.data.object["status"] == "requires_payment_method"
    assert event.data.object["last_payment_error"]["code"] == "card_declined"


def test_a_capture_is_reported_by_a_signed_succeeded_webhook_and_the_authorization_by_none(
    gateway: StripeGateway, localstripe: LocalStripe, webhooks: WebhookReceiver
) -> None:
    intent = authorized_intent(gateway, localstripe)

    gateway.capture(intent.id, key())

    delivery = webhooks.wait_for(lambda d: d.intent_id == intent.id)
    event = stripe.Webhook.construct_event(delivery.payload, delivery.signature, WEBHOOK_SECRET)
    assert event.type == "payment_intent.succeeded"
    assert event.data.object["metadata"]["order_id"] == intent.order_id
    # Each event is posted about a second after it happens, so one for the earlier authorization would be here by now.
    assert [d.type for d in webhooks.for_intent(intent.id)] == ["payment_intent.succeeded"]


def test_a_webhook_signed_with_another_secret_is_rejected(
    gateway: StripeGateway, localstripe: LocalStripe, webhooks: WebhookReceiver
) -> None:
    intent = new_intent(gateway)
    gateway.confirm_with_payment_method(intent.id, payment_method(localstripe.api_base, DECLINES), key())

    delivery = webhooks.wait_for(lambda d: d.intent_id == intent.id)

    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivery.payload, delivery.signature, "whsec_someone_else")
