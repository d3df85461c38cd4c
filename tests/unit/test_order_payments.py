"""Paying for an order through payOrder and Stripe's reports: each outcome recorded once, on the order's enum."""

from __future__ import annotations

from dataclasses import replace

from commerce.events import OrderStatusChanged, PaymentAuthorized, PaymentFailed
from commerce.order_status import OrderStatus
from commerce.orders import Payment, PaymentState
from commerce.services.payments import PaymentOutcome
from tests.unit.fake_stripe import AUTHORIZES, DECLINES, NEEDS_3D_SECURE
from tests.unit.payment_world import PaymentWorld


def test_an_authorized_card_moves_the_order_and_puts_one_authorization_on_the_bus_per_report() -> None:
    world = PaymentWorld()
    _, token = world.unpaid_order()
    result = world.payments.pay("ord_1", token, AUTHORIZES)
    assert result.outcome is PaymentOutcome.AUTHORIZED and result.order.status is OrderStatus.AUTHORIZED
    assert result.order.payment.status is PaymentState.AUTHORIZED and result.order.payment.authorized == 4199
    published = [type(event) for event in world.publisher.published]
    assert published.count(PaymentAuthorized) == 1 and published.count(OrderStatusChanged) == 1
    # Stripe's webhook reporting the same authorization records nothing more but asks for the saga again.
    world.payments.apply_intent(world.stripe.retrieve("pi_1"))
    assert world.timeline().count("PAYMENT_AUTHORIZED") == 1
    assert [type(event) for event in world.publisher.published].count(PaymentAuthorized) == 2


def test_a_declined_card_is_recorded_once_and_another_card_may_pay() -> None:
    world = PaymentWorld()
    _, token = world.unpaid_order()
    declined = world.payments.pay("ord_1", token, DECLINES)
    assert declined.outcome is PaymentOutcome.DECLINED and declined.order.status is OrderStatus.PAYMENT_FAILED
    assert declined.order.payment.status is PaymentState.DECLINED
    world.payments.record_failure(
        PaymentFailed("ord_1", "pi_1", "card_declined", declined.order.payment.last_failure_id or "")
    )
    assert world.timeline().count("PAYMENT_FAILED") == 1
    assert world.payments.pay("ord_1", token, AUTHORIZES).order.status is OrderStatus.AUTHORIZED


def test_a_card_asking_for_3d_secure_hands_back_the_secret_and_the_re_read_after_it_authorizes() -> None:
    world = PaymentWorld()
    _, token = world.unpaid_order()
    action = world.payments.pay("ord_1", token, NEEDS_3D_SECURE)
    assert action.outcome is PaymentOutcome.REQUIRES_ACTION and action.client_secret == "pi_1_secret"
    assert action.order.payment.status is PaymentState.REQUIRES_ACTION
    world.stripe.authorize("pi_1")  # the browser's confirmCardPayment
    assert world.payments.pay("ord_1", token, None).order.status is OrderStatus.AUTHORIZED


def test_a_second_intent_opened_by_a_racing_payment_is_cancelled_and_the_first_kept() -> None:
    world = PaymentWorld()
    order, _ = world.unpaid_order()
    # A second payOrder read the order before the first one's intent was attached, a day later: Stripe has
    # forgotten the key (keys are kept 24 hours), so the creation is not replayed and a second intent opens.
    world.stripe.keys.clear()
    again = world.payments.ensure_intent(replace(order, payment=Payment()))
    assert again.payment.intent_id == "pi_1"
    assert world.stripe.cancels == ["pi_2"]
