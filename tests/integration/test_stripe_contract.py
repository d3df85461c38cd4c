"""What the product relies on Stripe to do and to refuse, run against every stand-in of Stripe (stripe_contract.py).

Refusals are checked in Stripe's own shape (https://docs.stripe.com/api/errors): HTTP 400 and
`{"error": {"type", "code", "message", "param"}}`, so code that handles them here handles them on Stripe.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import stripe

from tests.integration.stripe_cards import AUTHORIZES, DECLINES, NEEDS_3D_SECURE
from tests.integration.stripe_contract import STAND_INS, StripeStandIn

pytestmark = pytest.mark.integration

INTENTS = "/v1/payment_intents"
# What the product sends when it opens an order's intent (commerce/adapters/stripe_gateway.py).
AN_INTENT: dict[str, Any] = {
    "amount": 4_990,
    "currency": "eur",
    "capture_method": "manual",
    "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
    "metadata": {"order_id": "order-1"},
}


@pytest.fixture(scope="module", params=sorted(STAND_INS))
def stand_in(request: pytest.FixtureRequest) -> Iterator[StripeStandIn]:
    with STAND_INS[request.param]() as running:
        yield running


def call(stand_in: StripeStandIn, method: str, path: str, **params: Any) -> dict[str, Any]:
    response = stand_in.client.raw_request(method, path, **params)
    data: dict[str, Any] = response.data
    return data


def refusal(request: Callable[[], object], status: int = 400) -> dict[str, Any]:
    """The `error` object of Stripe's answer to a request that must be refused."""
    with pytest.raises(stripe.StripeError) as raised:
        request()
    assert raised.value.http_status == status, raised.value
    body = raised.value.json_body
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    error: dict[str, Any] = dict(body["error"])
    return error


def over_http_only(stand_in: StripeStandIn, why: str) -> None:
    """Skip what a gateway-level fake cannot be asked: a request the product's PaymentGateway never sends."""
    if stand_in.gateway_level:
        pytest.skip(f"not applicable to a gateway-level fake: {why}")


def new_intent(stand_in: StripeStandIn) -> dict[str, Any]:
    return call(stand_in, "post", INTENTS, **AN_INTENT)


def confirm(stand_in: StripeStandIn, intent_id: str, **params: Any) -> dict[str, Any]:
    return call(stand_in, "post", f"{INTENTS}/{intent_id}/confirm", **params)


def authorized(stand_in: StripeStandIn) -> dict[str, Any]:
    intent = confirm(stand_in, new_intent(stand_in)["id"], payment_method=stand_in.payment_method(AUTHORIZES))
    assert intent["status"] == "requires_capture"
    return intent


def test_a_payment_method_from_stripe_js_authorizes_a_manual_capture_intent(stand_in: StripeStandIn) -> None:
    payment_method = stand_in.payment_method(AUTHORIZES)

    intent = confirm(stand_in, new_intent(stand_in)["id"], payment_method=payment_method, use_stripe_sdk=True)

    assert payment_method.startswith("pm_")
    assert (intent["status"], intent["payment_method"], intent["amount_capturable"]) == (
        "requires_capture",
        payment_method,
        4_990,
    )


def test_an_intent_created_and_confirmed_at_once_with_a_payment_method_is_authorized(stand_in: StripeStandIn) -> None:
    over_http_only(stand_in, "the gateway creates an intent, then confirms it (no `confirm=true` at creation)")
    intent = call(
        stand_in, "post", INTENTS, **AN_INTENT, payment_method=stand_in.payment_method(AUTHORIZES), confirm=True
    )

    assert intent["status"] == "requires_capture"


def test_a_declined_card_is_a_card_error_and_the_same_intent_then_takes_another_payment_method(
    stand_in: StripeStandIn,
) -> None:
    intent = new_intent(stand_in)

    error = refusal(lambda: confirm(stand_in, intent["id"], payment_method=stand_in.payment_method(DECLINES)), 402)

    assert (error["type"], error["code"]) == ("card_error", "card_declined")
    declined = call(stand_in, "get", f"{INTENTS}/{intent['id']}")
    assert declined["status"] == "requires_payment_method"
    assert declined["last_payment_error"]["code"] == "card_declined"
    retried = confirm(stand_in, intent["id"], payment_method=stand_in.payment_method(AUTHORIZES))
    assert (retried["id"], retried["status"]) == (intent["id"], "requires_capture")


def test_a_card_that_needs_3d_secure_leaves_the_intent_requiring_action(stand_in: StripeStandIn) -> None:
    intent = new_intent(stand_in)

    pending = confirm(
        stand_in, intent["id"], payment_method=stand_in.payment_method(NEEDS_3D_SECURE), use_stripe_sdk=True
    )

    assert pending["status"] == "requires_action"
    assert pending["next_action"] is not None
    assert pending["client_secret"] == intent["client_secret"]


@pytest.mark.parametrize("at", ["confirm", "create", "update"])
def test_a_card_token_is_refused_as_a_payment_method(stand_in: StripeStandIn, at: str) -> None:
    if at != "confirm":
        over_http_only(stand_in, "the gateway sends a payment method only to confirm, never to create or update")
    token = stand_in.card_token(AUTHORIZES)
    intent = new_intent(stand_in)
    requests = {
        "confirm": lambda: confirm(stand_in, intent["id"], payment_method=token),
        "create": lambda: call(stand_in, "post", INTENTS, **AN_INTENT, payment_method=token),
        "update": lambda: call(stand_in, "post", f"{INTENTS}/{intent['id']}", payment_method=token),
    }

    error = refusal(requests[at])

    assert (error["type"], error["param"]) == ("invalid_request_error", "payment_method")
    assert error["message"] == (
        "A token may not be passed in as a PaymentMethod. Instead, use payment_method_data with type=card and "
        f"card[token]={token}."
    )


def test_the_card_of_a_token_is_refused_as_a_payment_method(stand_in: StripeStandIn) -> None:
    token = stand_in.card_token(AUTHORIZES)
    card_id = stand_in.client.v1.tokens.retrieve(token).card.id  # type: ignore[union-attr]
    intent = new_intent(stand_in)

    error = refusal(lambda: confirm(stand_in, intent["id"], payment_method=card_id))

    assert (error["type"], error["param"]) == ("invalid_request_error", "payment_method")
    assert error["message"] == "A source must be attached to a customer to be used as a `payment_method`."
    assert call(stand_in, "get", f"{INTENTS}/{intent['id']}")["status"] == "requires_payment_method"


def test_an_unknown_payment_method_is_a_missing_resource(stand_in: StripeStandIn) -> None:
    intent = new_intent(stand_in)

    error = refusal(lambda: confirm(stand_in, intent["id"], payment_method="pm_doesnotexist"))

    assert (error["code"], error["param"]) == ("resource_missing", "payment_method")


@pytest.mark.parametrize(
    ("path", "params", "unknown"),
    [
        (INTENTS, {**AN_INTENT, "payment_method_types": ["card"]}, "payment_method_types"),
        (f"{INTENTS}/{{id}}/confirm", {"card_token": "tok_visa"}, "card_token"),
        (f"{INTENTS}/{{id}}/capture", {"amount": 100}, "amount"),
        (f"{INTENTS}/{{id}}/cancel", {"reason": "abandoned"}, "reason"),
        ("/v1/payment_methods", {"type": "card", "card": {"number": AUTHORIZES, "colour": "blue"}}, "card[colour]"),
    ],
)
def test_a_parameter_stripe_does_not_have_is_refused_by_name(
    stand_in: StripeStandIn, path: str, params: dict[str, Any], unknown: str
) -> None:
    over_http_only(stand_in, "the gateway's typed calls cannot send a parameter; the fake has no parameter list")
    intent = new_intent(stand_in)

    error = refusal(lambda: call(stand_in, "post", path.format(id=intent["id"]), **params))

    assert (error["type"], error["code"], error["param"]) == ("invalid_request_error", "parameter_unknown", unknown)
    assert error["message"] == f"Received unknown parameter: {unknown}"


def test_capturing_an_intent_that_is_not_authorized_is_an_unexpected_state(stand_in: StripeStandIn) -> None:
    intent = new_intent(stand_in)

    error = refusal(lambda: call(stand_in, "post", f"{INTENTS}/{intent['id']}/capture"))

    assert (error["type"], error["code"]) == ("invalid_request_error", "payment_intent_unexpected_state")
    assert "status of requires_payment_method" in error["message"]


def test_confirming_an_authorized_intent_is_an_unexpected_state(stand_in: StripeStandIn) -> None:
    over_http_only(stand_in, "the gateway reads first and answers an authorized intent as it is (its contract)")
    intent = authorized(stand_in)

    error = refusal(lambda: confirm(stand_in, intent["id"], payment_method=stand_in.payment_method(AUTHORIZES)))

    assert error["code"] == "payment_intent_unexpected_state"
    assert "status of requires_capture" in error["message"]


def test_confirming_without_a_payment_method_is_an_unexpected_state(stand_in: StripeStandIn) -> None:
    over_http_only(stand_in, "the gateway always confirms with a payment method")
    intent = new_intent(stand_in)

    error = refusal(lambda: confirm(stand_in, intent["id"]))

    assert error["code"] == "payment_intent_unexpected_state"
    assert "missing a payment method" in error["message"]


def test_cancelling_a_captured_intent_is_an_unexpected_state(stand_in: StripeStandIn) -> None:
    intent = authorized(stand_in)
    assert call(stand_in, "post", f"{INTENTS}/{intent['id']}/capture")["status"] == "succeeded"

    error = refusal(lambda: call(stand_in, "post", f"{INTENTS}/{intent['id']}/cancel"))

    assert error["code"] == "payment_intent_unexpected_state"
    assert "status of succeeded" in error["message"]


def test_a_key_sent_again_with_the_same_parameters_replays_the_first_answer(stand_in: StripeStandIn) -> None:
    key = uuid.uuid4().hex

    first = call(stand_in, "post", INTENTS, **AN_INTENT, idempotency_key=key)
    again = call(stand_in, "post", INTENTS, **AN_INTENT, idempotency_key=key)

    assert again == first


def test_a_declined_confirmation_sent_again_with_its_key_replays_the_decline(stand_in: StripeStandIn) -> None:
    intent, key, declining = new_intent(stand_in), uuid.uuid4().hex, stand_in.payment_method(DECLINES)
    first = refusal(lambda: confirm(stand_in, intent["id"], payment_method=declining, idempotency_key=key), 402)

    again = refusal(lambda: confirm(stand_in, intent["id"], payment_method=declining, idempotency_key=key), 402)

    assert again == first


def test_a_key_sent_again_with_other_parameters_is_an_idempotency_error(stand_in: StripeStandIn) -> None:
    key = uuid.uuid4().hex
    first = call(stand_in, "post", INTENTS, **AN_INTENT, idempotency_key=key)

    with pytest.raises(stripe.IdempotencyError) as raised:
        call(stand_in, "post", INTENTS, **{**AN_INTENT, "amount": 5_000}, idempotency_key=key)

    assert raised.value.http_status == 400
    assert raised.value.error is not None and raised.value.error.type == "idempotency_error"
    assert "can only be used with the same parameters" in str(raised.value.user_message)
    assert call(stand_in, "get", f"{INTENTS}/{first['id']}")["amount"] == 4_990


def test_a_key_sent_again_to_another_endpoint_is_an_idempotency_error(stand_in: StripeStandIn) -> None:
    key = uuid.uuid4().hex
    intent = call(stand_in, "post", INTENTS, **AN_INTENT, idempotency_key=key)

    with pytest.raises(stripe.IdempotencyError) as raised:
        call(stand_in, "post", f"{INTENTS}/{intent['id']}/cancel", idempotency_key=key)

    assert "can only be used for the same endpoint" in str(raised.value.user_message)
    assert call(stand_in, "get", f"{INTENTS}/{intent['id']}")["status"] == "requires_payment_method"
