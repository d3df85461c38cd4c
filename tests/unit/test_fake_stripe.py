"""The fake Stripe's refunds follow StripeGateway's rules (commerce/adapters/stripe_gateway.py): never beyond what
was captured, once per idempotency key. The rest of its behaviour is held to the Stripe contract suite."""

from __future__ import annotations

import pytest

from commerce.money import Money
from commerce.payments import PaymentIntentStateError, PaymentProcessingError
from tests.unit.fake_stripe import AUTHORIZES, FakeStripe


def captured(stripe: FakeStripe, amount: int = 4_990) -> str:
    intent = stripe.create_intent("ord_1", Money(amount, "EUR"), "create")
    stripe.confirm_with_payment_method(intent.id, AUTHORIZES, "confirm")
    stripe.capture(intent.id, "capture")
    return intent.id


def test_a_refund_beyond_what_remains_is_refused_and_refunds_nothing() -> None:
    stripe = FakeStripe()
    intent_id = captured(stripe)
    stripe.refund(intent_id, Money(4_000, "EUR"), "refund-1")

    with pytest.raises(PaymentProcessingError) as refused:
        stripe.refund(intent_id, Money(1_000, "EUR"), "refund-2")

    assert refused.value.code == "amount_too_large"
    assert stripe.retrieve(intent_id).amount_refunded == 4_000


def test_a_refund_sent_again_with_its_key_refunds_once() -> None:
    stripe = FakeStripe()
    intent_id = captured(stripe)

    stripe.refund(intent_id, Money(1_000, "EUR"), "refund-1")
    again = stripe.refund(intent_id, Money(1_000, "EUR"), "refund-1")

    assert again.amount_refunded == 1_000


def test_a_canceled_intent_is_neither_captured_nor_refunded() -> None:
    stripe = FakeStripe()
    intent = stripe.create_intent("ord_1", Money(4_990, "EUR"), "create")
    stripe.confirm_with_payment_method(intent.id, AUTHORIZES, "confirm")
    stripe.cancel(intent.id, "cancel")

    with pytest.raises(PaymentIntentStateError):
        stripe.capture(intent.id, "capture")
    with pytest.raises(PaymentIntentStateError):
        stripe.refund(intent.id, None, "refund")
