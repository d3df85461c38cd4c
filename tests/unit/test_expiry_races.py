"""An authorization and the expiry of its order, arriving in either order, end one consistent way."""

from __future__ import annotations

import pytest

from commerce.events import PaymentAuthorized
from commerce.order_status import OrderStatus
from commerce.payments import PaymentStatus
from commerce.services.payments import PaymentNotAllowedError, PaymentOutcome
from tests.unit.fake_stripe import AUTHORIZES
from tests.unit.payment_world import PaymentWorld


def authorizations(world: PaymentWorld) -> list[PaymentAuthorized]:
    return [event for event in world.publisher.published if isinstance(event, PaymentAuthorized)]


def test_an_unpaid_order_is_claimed_expired_before_its_intent_is_cancelled() -> None:
    world = PaymentWorld()
    order, _ = world.unpaid_order()
    seen_at_cancel: list[OrderStatus] = []
    world.stripe.before_cancel.append(lambda _: seen_at_cancel.append(world.order().status))

    assert world.expiry.expire_unpaid() == [order.id]

    assert seen_at_cancel == [OrderStatus.EXPIRED]
    assert world.stripe.intents[order.payment.intent_id or ""].status is PaymentStatus.CANCELED
    assert world.timeline() == ["EXPIRED"]


def test_an_authorization_recorded_while_the_sweep_looks_keeps_the_order_and_its_money() -> None:
    world = PaymentWorld()
    order, token = world.unpaid_order()
    intent_id = order.payment.intent_id or ""
    # The sweep has read the intent (still waiting for a card) when payOrder's whole authorization lands.
    paid: list[PaymentOutcome] = []
    world.stripe.after_retrieve.append(lambda _: paid.append(world.payments.pay(order.id, token, AUTHORIZES).outcome))

    assert world.expiry.expire_unpaid() == []

    assert paid == [PaymentOutcome.AUTHORIZED]
    assert world.order().status is OrderStatus.AUTHORIZED
    assert world.stripe.intents[intent_id].status is PaymentStatus.REQUIRES_CAPTURE
    assert world.stripe.cancels == []


def test_an_authorization_arriving_after_the_claim_is_refused_to_the_shopper_and_handed_back() -> None:
    world = PaymentWorld()
    order, token = world.unpaid_order()
    intent_id = order.payment.intent_id or ""
    # payOrder has read the order (unpaid) and sends its confirmation; the sweep claims the order meanwhile, and
    # the confirmation reaches Stripe after the claim but before the sweep's cancel.
    world.stripe.before_confirm.append(lambda _: world.expiry.expire_unpaid())
    world.stripe.before_cancel.append(world.stripe.authorize)

    with pytest.raises(PaymentNotAllowedError) as refused:
        world.payments.pay(order.id, token, AUTHORIZES)

    assert refused.value.status == "EXPIRED"
    assert world.order().status is OrderStatus.EXPIRED
    # The sweep did not void it behind the order's back: the authorization goes to its consumer, which sees the
    # order gone and gives the money back through the compensation (PaymentAuthorizations).
    assert world.stripe.intents[intent_id].status is PaymentStatus.REQUIRES_CAPTURE
    assert world.stripe.cancels == []
    assert {event.order_id for event in authorizations(world)} == {order.id}


def test_an_order_authorized_at_stripe_before_the_sweep_is_recorded_not_expired() -> None:
    world = PaymentWorld()
    order, _ = world.unpaid_order()
    intent_id = order.payment.intent_id or ""
    world.stripe.authorize(intent_id)  # payOrder's answer was lost on the way back, the webhook is late

    assert world.expiry.expire_unpaid() == []

    assert world.order().status is OrderStatus.AUTHORIZED
    assert world.stripe.cancels == []
    assert authorizations(world) == [PaymentAuthorized(order.id, intent_id, order.total.amount, "USD")]


def test_paying_an_expired_order_is_refused_without_touching_the_card() -> None:
    world = PaymentWorld()
    order, token = world.unpaid_order()
    world.expiry.expire_unpaid()
    confirmations: list[str] = []
    world.stripe.before_confirm.append(confirmations.append)

    with pytest.raises(PaymentNotAllowedError) as raised:
        world.payments.pay(order.id, token, AUTHORIZES)

    assert raised.value.status == "EXPIRED"
    assert confirmations == []


def test_a_confirmation_that_meets_the_cancelled_intent_of_an_order_expired_meanwhile_is_refused() -> None:
    world = PaymentWorld()
    order, token = world.unpaid_order()
    # payOrder has read the order (unpaid) when the sweep expires it and cancels its intent.
    world.stripe.before_confirm.append(lambda _: world.expiry.expire_unpaid())

    with pytest.raises(PaymentNotAllowedError):
        world.payments.pay(order.id, token, AUTHORIZES)

    assert world.order().status is OrderStatus.EXPIRED
    assert world.stripe.intents[order.payment.intent_id or ""].status is PaymentStatus.CANCELED
