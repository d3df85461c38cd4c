"""Refunds and cancellations made in Stripe's Dashboard reach the order's payment, timeline and analytics, once."""

from __future__ import annotations

from commerce.events import PaymentCanceled, PaymentRefunded
from commerce.order_status import OrderStatus
from commerce.orders import PaymentState
from tests.unit.payment_world import PaymentWorld


def refunds_counted(world: PaymentWorld) -> int:
    return sum(day.get("refunded#USD", 0) for day in world.analytics.counters.values())


def fulfilled_order(world: PaymentWorld) -> tuple[str, str, int]:
    order, _ = world.unpaid_order()
    total = order.total.amount
    world.in_status(OrderStatus.FULFILLED, payment_status=PaymentState.CAPTURED, authorized=total, captured=total)
    return order.id, order.payment.intent_id or "", total


def test_a_partial_refund_made_in_the_dashboard_is_recorded_on_the_payment_timeline_and_analytics() -> None:
    world = PaymentWorld()
    order_id, intent_id, _ = fulfilled_order(world)

    world.reversals.refunded(PaymentRefunded(order_id, intent_id, 1000, "USD"))

    payment = world.order().payment
    assert (payment.refunded, payment.status) == (1000, "PARTIALLY_REFUNDED")
    assert world.order().status is OrderStatus.FULFILLED
    assert world.timeline()[-1] == "PAYMENT_REFUNDED"
    assert world.events.list(order_id)[-1].message == "Refunded $10.00"
    assert refunds_counted(world) == 1000


def test_a_second_refund_adds_only_its_own_amount_and_a_full_refund_reads_refunded() -> None:
    world = PaymentWorld()
    order_id, intent_id, total = fulfilled_order(world)

    world.reversals.refunded(PaymentRefunded(order_id, intent_id, 1000, "USD"))
    world.reversals.refunded(PaymentRefunded(order_id, intent_id, total, "USD"))

    assert (world.order().payment.refunded, world.order().payment.status) == (total, "REFUNDED")
    assert refunds_counted(world) == total
    assert world.timeline().count("PAYMENT_REFUNDED") == 2


def test_a_refund_reported_twice_or_late_changes_nothing_more() -> None:
    world = PaymentWorld()
    order_id, intent_id, total = fulfilled_order(world)
    world.reversals.refunded(PaymentRefunded(order_id, intent_id, total, "USD"))
    version = world.order().version

    world.reversals.refunded(PaymentRefunded(order_id, intent_id, total, "USD"))
    world.reversals.refunded(PaymentRefunded(order_id, intent_id, 1000, "USD"))  # an earlier refund, heard late

    assert world.order().version == version
    assert refunds_counted(world) == total
    assert world.timeline().count("PAYMENT_REFUNDED") == 1


def test_a_refund_the_compensation_is_making_is_left_for_it_to_record() -> None:
    world = PaymentWorld()
    order_id, intent_id, total = fulfilled_order(world)
    world.in_status(OrderStatus.COMPENSATING)

    world.reversals.refunded(PaymentRefunded(order_id, intent_id, total, "USD"))

    assert world.order().payment.refunded == 0
    assert refunds_counted(world) == 0


def test_a_report_about_another_intent_of_the_order_is_ignored() -> None:
    world = PaymentWorld()
    order_id, _, total = fulfilled_order(world)

    world.reversals.refunded(PaymentRefunded(order_id, "pi_duplicate", total, "USD"))
    world.reversals.canceled(PaymentCanceled(order_id, "pi_duplicate"))

    assert world.order().payment.refunded == 0 and world.order().payment.status == "CAPTURED"


def test_an_unpaid_order_whose_intent_is_cancelled_in_the_dashboard_is_cancelled_once() -> None:
    world = PaymentWorld()
    order, _ = world.unpaid_order()
    canceled = PaymentCanceled(order.id, order.payment.intent_id or "")

    world.reversals.canceled(canceled)
    world.reversals.canceled(canceled)

    assert world.order().status is OrderStatus.CANCELLED
    assert world.order().payment.status == "CANCELLED"
    assert world.order().failure_reason == "payment cancelled in Stripe"
    assert world.timeline() == ["PAYMENT_CANCELLED"]


def test_a_cancelled_authorization_is_recorded_and_left_to_the_saga_to_undo() -> None:
    world = PaymentWorld()
    order, _ = world.unpaid_order()
    world.in_status(OrderStatus.AUTHORIZED, payment_status=PaymentState.AUTHORIZED, authorized=order.total.amount)

    world.reversals.canceled(PaymentCanceled(order.id, order.payment.intent_id or ""))

    assert world.order().status is OrderStatus.AUTHORIZED
    assert world.order().payment.status == "CANCELLED"
    assert world.timeline() == ["PAYMENT_CANCELLED"]


def test_the_cancellation_of_an_order_that_already_ended_changes_nothing() -> None:
    world = PaymentWorld()
    order, _ = world.unpaid_order()
    world.expiry.expire_unpaid()  # cancels the intent itself; Stripe then reports it
    version = world.order().version

    world.reversals.canceled(PaymentCanceled(order.id, order.payment.intent_id or ""))

    assert world.order().version == version and world.order().status is OrderStatus.EXPIRED
