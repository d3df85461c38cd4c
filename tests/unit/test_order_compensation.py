"""Compensation, an admin's cancellation, a late authorization and the re-drive, on in-memory repositories."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commerce.admin.cancellation import OrderNotCancellableError
from commerce.events import PaymentAuthorized
from commerce.order_status import OrderStatus
from commerce.order_undoing import CompensationRequest
from commerce.orders import PaymentState
from commerce.payments import PaymentStatus
from commerce.repositories.items import order_from_item, order_to_item
from commerce.reservations import ReservationState
from commerce.timeline import OrderEvent, OrderEventKind
from tests.unit.order_world import STOCK, OrderWorld
from tests.unit.payment_world import NOW

S = OrderStatus


def _saga_request() -> CompensationRequest:
    return CompensationRequest("CapturePayment failed", failed_step="CapturePayment")


def test_a_failed_saga_after_the_capture_releases_the_stock_refunds_and_ends_failed() -> None:
    world = OrderWorld()
    world.order_through(S.CAPTURED)
    order = world.fail(reason='{"errorType": "CarrierDown", "errorMessage": "no pickup"}')
    assert order.status is S.FAILED and order.failure_reason == "CarrierDown: no pickup"
    assert order.payment.status is PaymentState.REFUNDED and order.payment.refunded == 4199
    assert world.stripe.intents["pi_1"].amount_refunded == 4199
    assert world.reservations.reservations["ord_1"].state is ReservationState.RELEASED
    assert world.level().available == STOCK
    assert len(world.outbox.sent) == 1 and "CarrierDown" not in world.outbox.sent[0].text


def test_an_authorization_not_yet_captured_is_cancelled_not_refunded() -> None:
    world = OrderWorld()
    world.order_through(S.RESERVED)
    order = world.fail()
    assert order.status is S.FAILED and order.payment.status is PaymentState.CANCELLED
    assert world.stripe.intents["pi_1"].status is PaymentStatus.CANCELED
    assert "AUTHORIZATION_CANCELLED" in world.timeline()


def test_compensating_twice_undoes_once() -> None:
    world = OrderWorld()
    world.order_through(S.CAPTURED)
    first = world.fail()
    second = world.fail(reason="again")
    assert second == first
    assert world.timeline().count("PAYMENT_REFUNDED") == 1 and world.timeline().count("INVENTORY_RELEASED") == 1
    assert len(world.outbox.sent) == 1


def test_an_admin_cancellation_ends_cancelled_with_their_reason_and_tells_the_shopper() -> None:
    world = OrderWorld()
    world.order_through(S.CAPTURED)
    order = world.cancellation.cancel("ord_1", "  out of stock at the carrier ", by="ops")
    assert order.status is S.CANCELLED and order.failure_reason == "out of stock at the carrier"
    assert order.compensation is not None and order.compensation.requested_by == "admin:ops"
    assert world.stripe.intents["pi_1"].amount_refunded == 4199 and world.level().available == STOCK
    assert world.cancellation.cancel("ord_1", "again", by="ops") == order


@pytest.mark.parametrize("last", [S.SHIPPED, S.FULFILLED])
def test_an_order_handed_to_the_carrier_cannot_be_cancelled_and_nothing_is_undone(last: OrderStatus) -> None:
    world = OrderWorld()
    world.order_through(last)
    with pytest.raises(OrderNotCancellableError):
        world.cancellation.cancel("ord_1", "too late", by="ops")
    assert world.stripe.intents["pi_1"].amount_refunded == 0 and world.level().shipped == 2


def test_an_unpaid_order_cancelled_by_an_admin_ends_at_once_and_its_intent_is_closed() -> None:
    world = OrderWorld()
    world.unpaid_order()
    order = world.cancellation.cancel("ord_1", "duplicate order", by="ops")
    assert order.status is S.CANCELLED
    assert world.stripe.intents["pi_1"].status is PaymentStatus.CANCELED
    assert "AUTHORIZATION_CANCELLED" not in world.timeline()


def test_an_admin_cancelling_while_the_saga_compensates_is_told_the_order_failed() -> None:
    world = OrderWorld()
    world.order_through(S.CAPTURED)
    world.changes.apply("ord_1", lambda o: o.begin_compensation(_saga_request(), NOW))
    with pytest.raises(OrderNotCancellableError):
        world.cancellation.cancel("ord_1", "customer asked", by="ops")
    assert world.order().status is S.FAILED and world.order().failure_reason == "CapturePayment failed"


def test_an_authorization_arriving_after_the_order_expired_is_given_back_and_starts_no_saga() -> None:
    world = OrderWorld()
    world.unpaid_order()
    world.changes.apply("ord_1", lambda o: o.expire(30, NOW))
    world.stripe.authorize("pi_1")
    handled = world.authorizations.handle(PaymentAuthorized("ord_1", "pi_1", 4199, "USD"))
    assert not handled.saga_started and world.starter.started == []
    assert world.order().status is S.EXPIRED
    assert world.stripe.intents["pi_1"].status is PaymentStatus.CANCELED


def test_an_authorization_heard_twice_starts_one_saga() -> None:
    world = OrderWorld()
    world.authorized_order()
    authorized = PaymentAuthorized("ord_1", "pi_1", 4199, "USD")
    assert world.authorizations.handle(authorized).saga_started
    assert not world.authorizations.handle(authorized).saga_started
    assert world.starter.starts_of("ord_1") == 1


def test_a_stalled_compensation_stored_before_orders_kept_their_request_finishes_as_its_timeline_says() -> None:
    world = OrderWorld()
    world.order_through(S.CAPTURED)
    # What the previous version wrote: COMPENSATING without the request, which went into the timeline entry.
    world.in_status(S.COMPENSATING)
    world.events.append(
        OrderEvent.new(
            "ord_1",
            NOW,
            OrderEventKind.COMPENSATION_STARTED,
            "Compensation started by admin:ops",
            detail={"reason": "customer asked", "cancel": True, "requested_by": "admin:ops"},
        )
    )
    world.recovery.redrive()
    order = world.order()
    assert order.status is S.CANCELLED and order.failure_reason == "customer asked"
    assert world.stripe.intents["pi_1"].amount_refunded == 4199 and world.level().available == STOCK


def test_a_stalled_compensation_without_any_record_of_its_request_ends_failed() -> None:
    world = OrderWorld()
    world.order_through(S.RESERVED)
    world.in_status(S.COMPENSATING)
    assert world.recovery.redrive() == {"COMPENSATING": ["ord_1"]}
    assert world.order().status is S.FAILED
    assert world.stripe.intents["pi_1"].status is PaymentStatus.CANCELED


def test_the_redrive_finishes_a_shipped_order_and_relaunches_a_stuck_saga() -> None:
    world = OrderWorld()
    world.order_through(S.SHIPPED)
    world.authorized_order("ord_2")
    acted = world.recovery.redrive()
    assert acted == {"SHIPPED": ["ord_1"], "AUTHORIZED": ["ord_2"]}
    assert world.order().status is S.FULFILLED and len(world.outbox.sent) == 1
    assert world.starter.starts_of("ord_2") == 1


def test_the_compensation_request_survives_the_repository_round_trip() -> None:
    world = OrderWorld()
    order = world.order_through(S.CAPTURED)
    begun = order.begin_compensation(_saga_request(), NOW)
    assert begun is not None
    assert order_from_item(order_to_item(begun.order)) == begun.order
    old_item = order_to_item(replace(begun.order, compensation=None))
    assert "compensation" not in old_item and order_from_item(old_item).compensation is None
