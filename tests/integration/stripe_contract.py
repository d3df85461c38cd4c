"""The stand-ins of Stripe the project has, for the contract suite (test_stripe_contract.py) to run against each.

A stand-in is reached as the product reaches Stripe: through the stripe SDK with the secret key, and for cards
through what Stripe.js does in the browser with the publishable key. Two today: localstripe patched in its own process
(infra/local/stripe_server.py), and the unit tests' in-memory `FakeStripe` (a PaymentGateway) answering through an
SDK `http_client` that turns each request the product's gateway sends into the gateway call that sends it. Another
joins by adding a context manager to STAND_INS.
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import stripe

from commerce.money import Money
from commerce.payments import (
    PaymentError,
    PaymentIntentNotFoundError,
    PaymentIntentSnapshot,
    PaymentIntentStateError,
    PaymentProcessingError,
    PaymentStatus,
)
from infra.local.ports import free_port
from infra.local.stripe_server import SECRET_KEY, start_localstripe
from tests.integration import stripe_cards as cards
from tests.integration.stripe_cards import card_token, payment_method
from tests.unit import fake_stripe
from tests.unit.fake_stripe import FakeStripe, IdempotencyKeyMisuseError, StripeRefusalError


@dataclass(frozen=True)
class StripeStandIn:
    client: stripe.StripeClient  # with the secret key and no retries: each call is one request
    payment_method: Callable[[str], str]  # a card number → pm_…, as Stripe.js createPaymentMethod makes it
    card_token: Callable[[str], str]  # a card number → tok_…, as Stripe.js createToken makes it
    # A PaymentGateway fake behind an HTTP translation: requests the product's gateway never sends do not apply.
    gateway_level: bool = False


@contextmanager
def patched_localstripe() -> Iterator[StripeStandIn]:
    server = start_localstripe(free_port())
    try:
        client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": server.api_base}, max_network_retries=0)
        yield StripeStandIn(
            client=client,
            payment_method=lambda number: payment_method(server.api_base, number),
            card_token=lambda number: card_token(server.api_base, number),
        )
    finally:
        server.stop()


class FakeStripeOverHttp(stripe.HTTPClient):
    """The SDK's HTTP client answered by `FakeStripe` (a `PaymentGateway`): each request the product's gateway sends
    becomes the one gateway call that sends it, and the call's answer or error goes back in Stripe's shape.

    Only translation lives here; every decision (state, payment method, idempotency key) is the fake's. Requests
    the gateway never sends (other parameters, creating and confirming at once) are refused as not translated.
    """

    name = "fake-stripe"

    def __init__(self, fake: FakeStripe) -> None:
        super().__init__()
        self.fake = fake

    def request(
        self, method: str, url: str, headers: Mapping[str, str] | None, post_data: Any = None, *, _usage: Any = None
    ) -> tuple[str, int, Mapping[str, str]]:
        parts = urllib.parse.urlsplit(url)
        body = post_data.decode() if isinstance(post_data, bytes) else post_data or parts.query
        params = dict(urllib.parse.parse_qsl(body or "", keep_blank_values=True))
        for ignored in ("expand[0]", "use_stripe_sdk"):  # what the gateway always sends, without effect here
            params.pop(ignored, None)
        key = {name.lower(): value for name, value in (headers or {}).items()}.get("idempotency-key")
        try:
            status, answer = self._answer(method.lower(), parts.path.split("/")[2:], params, key or uuid.uuid4().hex)
        except PaymentError as exc:
            status, answer = _refusal(exc)
        return json.dumps(answer), status, {}

    def request_stream(self, *args: Any, **kwargs: Any) -> tuple[Any, int, Mapping[str, str]]:
        raise NotImplementedError("the product streams nothing from Stripe")

    def close(self) -> None:
        pass

    def _answer(  # noqa: PLR0911 - one answer per route
        self, method: str, path: list[str], params: dict[str, str], key: str
    ) -> tuple[int, dict[str, Any]]:
        fake = self.fake
        match method, path, sorted(params):
            case "post", ["payment_intents"], [*names] if names == _CREATE_PARAMS:
                amount = Money(int(params["amount"]), params["currency"].upper())
                return 200, self._intent(fake.create_intent(params["metadata[order_id]"], amount, key))
            case "get", ["payment_intents", intent_id], []:
                return 200, self._intent(fake.retrieve(intent_id))
            case "post", ["payment_intents", intent_id, "confirm"], ["payment_method"]:
                intent = fake.confirm_with_payment_method(intent_id, params["payment_method"], key)
                return (200, self._intent(intent)) if intent.decline is None else (402, self._decline(intent))
            case "post", ["payment_intents", intent_id, "capture"], []:
                return 200, self._intent(fake.capture(intent_id, key))
            case "post", ["payment_intents", intent_id, "cancel"], []:
                return 200, self._intent(fake.cancel(intent_id, key))
            case "get", ["tokens", token], []:  # Stripe.js's card tokens, only to be refused as payment methods
                return 200, {"id": token, "object": "token", "card": {"id": "card_" + token[4:], "object": "card"}}
        message = f"the gateway never sends {method.upper()} /v1/{'/'.join(path)} with {sorted(params)}"
        return 400, {"error": {"type": "invalid_request_error", "code": "not_translated", "message": message}}

    def _intent(self, intent: PaymentIntentSnapshot) -> dict[str, Any]:
        error = None
        if intent.last_error_code is not None:
            error = {"code": intent.last_error_code, "message": intent.last_error_message}
            error |= {"decline_code": intent.decline_code} if intent.decline_code else {}
        return {
            "id": intent.id,
            "object": "payment_intent",
            "amount": intent.amount,
            "amount_capturable": intent.amount_capturable,
            "amount_received": intent.amount_received,
            "currency": intent.currency.lower(),
            "capture_method": "manual",
            "status": intent.status.value,
            "client_secret": intent.client_secret,
            "metadata": dict(intent.metadata),
            "payment_method": self.fake.payment_methods.get(intent.id),
            "latest_charge": intent.latest_charge_id,
            "last_payment_error": error,
            "next_action": {"type": "use_stripe_sdk"} if intent.status is PaymentStatus.REQUIRES_ACTION else None,
        }

    def _decline(self, intent: PaymentIntentSnapshot) -> dict[str, Any]:
        return {
            "error": {
                "type": "card_error",
                "code": intent.last_error_code,
                "decline_code": intent.decline_code,
                "message": intent.last_error_message,
                "charge": intent.latest_charge_id,
                "payment_intent": self._intent(intent),
            }
        }


def _refusal(error: PaymentError) -> tuple[int, dict[str, Any]]:
    """A gateway error in Stripe's shape (docs.stripe.com/api/errors)."""
    if isinstance(error, StripeRefusalError):
        found = {"type": "invalid_request_error", "param": "payment_method", "message": error.detail}
        return 400, {"error": found | ({"code": error.code} if error.code else {})}
    if isinstance(error, IdempotencyKeyMisuseError):
        return 400, {"error": {"type": "idempotency_error", "message": error.message}}
    if isinstance(error, PaymentIntentNotFoundError):
        message = f"No such payment_intent: '{error.intent_id}'"
        return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing", "message": message}}
    if isinstance(error, PaymentIntentStateError):
        message = (
            f"This PaymentIntent's {error.operation} could not be performed because it has a status of "
            f"{error.status.value}."
        )
        refused = {"type": "invalid_request_error", "code": "payment_intent_unexpected_state", "message": message}
        return 400, {"error": refused}
    if isinstance(error, PaymentProcessingError):
        return 400, {"error": {"type": "invalid_request_error", "code": error.code, "message": error.message}}
    raise error


# What the gateway sends to open an intent (commerce/adapters/stripe_gateway.py), bar `expand`.
_CREATE_PARAMS = [
    "amount",
    "automatic_payment_methods[allow_redirects]",
    "automatic_payment_methods[enabled]",
    "capture_method",
    "currency",
    "metadata[order_id]",
]

# Stripe's test cards as the fake's test PaymentMethods (what Stripe.js would make of them).
_FAKE_PAYMENT_METHODS = {
    cards.AUTHORIZES: fake_stripe.AUTHORIZES,
    cards.DECLINES: fake_stripe.DECLINES,
    cards.NEEDS_3D_SECURE: fake_stripe.NEEDS_3D_SECURE,
}


@contextmanager
def fake_stripe_gateway() -> Iterator[StripeStandIn]:
    client = stripe.StripeClient("sk_test_fake", http_client=FakeStripeOverHttp(FakeStripe()), max_network_retries=0)
    yield StripeStandIn(
        client=client,
        payment_method=_FAKE_PAYMENT_METHODS.__getitem__,
        card_token=lambda number: f"tok_{number[-4:]}",
        gateway_level=True,
    )


STAND_INS: dict[str, Callable[[], AbstractContextManager[StripeStandIn]]] = {
    "patched localstripe": patched_localstripe,
    "fake stripe (gateway level)": fake_stripe_gateway,
}
