"""The Order aggregate's rules, one method at a time: what each changes, records and refuses."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commerce.errors import IllegalTransitionError
from commerce.events import PaymentAuthorized, PaymentCanceled, PaymentRefunded
from commerce.order_fulfilling import OrderNoLongerFulfillableError, SagaStep
from commerce.order_status import CANCELLABLE, HAPPY_PATH, IN_SAGA, UNDO_SAFE, OrderStatus, reached
from commerce.order_undoing import CompensationRequest, OrderBeyondUndoError
from commerce.orders import Order, Payment, PaymentState, Shipment
from commerce.timeline import OrderEventKind
from tests.unit.builders import an_order
from tests.unit.payment_world import NOW

S = OrderStatus
K = OrderEventKind
AUTHORIZED = PaymentAuthorized("ord_1", "pi_1", 4199, "USD")
A_SHIPMENT = Shipment("shp_1", "wh-austin", "UPS", "1Z999", "2026-11-27", (("p-mug", 2),))


def an_order_in(status: OrderStatus, payment: PaymentState = PaymentState.AUTHORIZED, **amounts: object) -> Order:
    paid = Payment(intent_id="pi_1", status=payment, authorized=4199)
    return replace(an_order(status=status), payment=replace(paid, **amounts))  # type: ignore[arg-type]


def kinds(change: object) -> list[str]:
    assert change is not None
    return [event.type for event in change.events]  # type: ignore[attr-defined]


def test_attaching_an_intent_records_it_once() -> None:
    change = an_order().attach_intent("pi_1", NOW)
    assert change is not None
    assert (change.order.payment.intent_id, change.order.payment.status) == ("pi_1", PaymentState.REQUIRES_PAYMENT)
    assert change.order.version == 1 and change.events == ()
    assert change.order.attach_intent("pi_2", NOW) is None


def test_authorizing_an_unpaid_order_moves_it_to_authorized_and_records_when() -> None:
    change = an_order().authorize(AUTHORIZED, NOW)
    assert change is not None
    assert change.order.status is S.AUTHORIZED
    assert change.order.payment.status is PaymentState.AUTHORIZED
    assert change.order.payment.authorized_at == "2026-11-24T12:00:00.000Z"
    assert kinds(change) == [K.PAYMENT_AUTHORIZED]


@pytest.mark.parametrize("status", [S.AUTHORIZED, S.CAPTURED, S.EXPIRED, S.CANCELLED, S.FULFILLED])
def test_an_authorization_reported_again_or_too_late_changes_nothing(status: OrderStatus) -> None:
    assert an_order(status=status).authorize(AUTHORIZED, NOW) is None


def test_a_decline_keeps_the_order_payable_and_the_same_decline_is_recorded_once() -> None:
    change = an_order().decline("card_declined", "ch_1", NOW)
    assert change is not None and change.order.status is S.PAYMENT_FAILED
    assert change.order.payment.status is PaymentState.DECLINED
    assert kinds(change) == [K.PAYMENT_FAILED]
    assert change.order.decline("card_declined", "ch_1", NOW) is None
    second = change.order.decline("card_declined", "ch_2", NOW)
    assert second is not None and second.order.status is S.PAYMENT_FAILED
    assert second.order.authorize(AUTHORIZED, NOW) is not None


def test_a_card_needing_3d_secure_is_recorded_once() -> None:
    change = an_order().require_action(NOW)
    assert change is not None and change.order.payment.status is PaymentState.REQUIRES_ACTION
    assert change.order.status is S.PENDING_PAYMENT and kinds(change) == [K.PAYMENT_ACTION_REQUIRED]
    assert change.order.require_action(NOW) is None


def test_only_an_order_still_unpaid_expires() -> None:
    change = an_order(status=S.PAYMENT_FAILED).expire(30, NOW)
    assert change is not None and change.order.status is S.EXPIRED and change.order.failure_reason == "unpaid"
    assert kinds(change) == [K.EXPIRED]
    assert an_order(status=S.AUTHORIZED).expire(30, NOW) is None


@pytest.mark.parametrize(
    ("step", "before", "after"),
    [
        (SagaStep.RESERVE_INVENTORY, S.AUTHORIZED, S.RESERVED),
        (SagaStep.CAPTURE_PAYMENT, S.RESERVED, S.CAPTURED),
        (SagaStep.ALLOCATE_SHIPMENT, S.CAPTURED, S.SHIPPED),
    ],
)
def test_a_saga_step_is_due_from_its_status_done_after_it_and_refused_elsewhere(
    step: SagaStep, before: OrderStatus, after: OrderStatus
) -> None:
    assert an_order_in(before).step_due(step)
    for later in HAPPY_PATH[HAPPY_PATH.index(after) :]:
        assert not an_order_in(later).step_due(step)
    for elsewhere in (S.COMPENSATING, S.CANCELLED, S.FAILED, S.PENDING_PAYMENT):
        with pytest.raises(OrderNoLongerFulfillableError):
            an_order_in(elsewhere).step_due(step)


def test_the_saga_steps_move_the_order_along_and_record_each_move() -> None:
    reserved = an_order_in(S.AUTHORIZED).reserve(["wh-austin"], NOW)
    assert reserved is not None and kinds(reserved) == [K.INVENTORY_RESERVED]
    captured = reserved.order.capture(4199, NOW)
    assert captured is not None and captured.order.payment.status is PaymentState.CAPTURED
    assert captured.order.payment.captured == 4199 and "$41.99" in captured.events[0].message
    shipped = captured.order.ship((A_SHIPMENT,), NOW)
    assert shipped is not None and shipped.order.shipments == (A_SHIPMENT,) and kinds(shipped) == [K.SHIPPED]
    fulfilled = shipped.order.fulfil(NOW)
    assert fulfilled is not None and fulfilled.order.status is S.FULFILLED and kinds(fulfilled) == [K.FULFILLED]
    assert fulfilled.order.fulfil(NOW) is None and fulfilled.order.ship((A_SHIPMENT,), NOW) is None


def test_capturing_needs_a_payment_intent() -> None:
    with pytest.raises(OrderNoLongerFulfillableError, match="without a payment intent"):
        an_order_in(S.RESERVED, intent_id=None).capture(4199, NOW)


@pytest.mark.parametrize("status", sorted(IN_SAGA))
def test_a_compensation_begins_from_the_saga_and_keeps_its_request_on_the_order(status: OrderStatus) -> None:
    request = CompensationRequest("admin said so", cancel=True, requested_by="admin:ops")
    change = an_order_in(status).begin_compensation(request, NOW)
    assert change is not None and change.order.status is S.COMPENSATING
    assert change.order.compensation == request
    assert kinds(change) == [K.COMPENSATION_STARTED]
    assert change.order.begin_compensation(CompensationRequest("saga failed"), NOW) is None


@pytest.mark.parametrize("status", [S.SHIPPED, S.FULFILLED])
def test_a_compensation_of_an_order_handed_to_the_carrier_is_refused(status: OrderStatus) -> None:
    with pytest.raises(OrderBeyondUndoError):
        an_order_in(status).begin_compensation(CompensationRequest("too late"), NOW)


def test_compensating_an_unpaid_order_cancels_it_at_once() -> None:
    change = an_order().begin_compensation(CompensationRequest("no longer wanted", cancel=True), NOW)
    assert change is not None and change.order.status is S.CANCELLED
    assert change.order.failure_reason == "no longer wanted" and kinds(change) == [K.CANCELLED]


@pytest.mark.parametrize(("cancel", "final"), [(True, S.CANCELLED), (False, S.FAILED)])
def test_a_compensation_finishes_as_its_request_asked(cancel: bool, final: OrderStatus) -> None:
    begun = an_order_in(S.CAPTURED, captured=4199).begin_compensation(CompensationRequest("why", cancel=cancel), NOW)
    assert begun is not None
    finished = begun.order.finish_compensation(4199, NOW, unrecorded=CompensationRequest("other", cancel=not cancel))
    assert finished is not None and finished.order.status is final and finished.order.failure_reason == "why"
    assert finished.order.payment.status is PaymentState.REFUNDED and finished.order.payment.refunded == 4199
    assert finished.order.finish_compensation(4199, NOW) is None


def test_a_compensation_begun_before_orders_kept_the_request_finishes_as_the_timeline_says() -> None:
    legacy = an_order_in(S.COMPENSATING)
    assert legacy.compensation is None
    finished = legacy.finish_compensation(0, NOW, unrecorded=CompensationRequest("admin note", cancel=True))
    assert finished is not None and finished.order.status is S.CANCELLED
    assert finished.order.payment.status is PaymentState.CANCELLED
    fallback = legacy.finish_compensation(0, NOW)
    assert fallback is not None and fallback.order.status is S.FAILED


def test_a_dashboard_refund_is_recorded_as_a_total_once() -> None:
    order = an_order_in(S.FULFILLED, PaymentState.CAPTURED, captured=4199)
    partial = order.record_refund(PaymentRefunded("ord_1", "pi_1", 1000, "USD"), NOW)
    assert partial is not None and partial.order.payment.status is PaymentState.PARTIALLY_REFUNDED
    assert partial.order.record_refund(PaymentRefunded("ord_1", "pi_1", 1000, "USD"), NOW) is None
    full = partial.order.record_refund(PaymentRefunded("ord_1", "pi_1", 4199, "USD"), NOW)
    assert full is not None and full.order.payment.status is PaymentState.REFUNDED
    assert order.record_refund(PaymentRefunded("ord_1", "pi_other", 4199, "USD"), NOW) is None


def test_a_dashboard_cancel_ends_an_unpaid_order_and_only_marks_an_authorized_one() -> None:
    unpaid = an_order_in(S.PENDING_PAYMENT).record_cancel(PaymentCanceled("ord_1", "pi_1"), NOW)
    assert unpaid is not None and unpaid.order.status is S.CANCELLED
    authorized = an_order_in(S.RESERVED).record_cancel(PaymentCanceled("ord_1", "pi_1"), NOW)
    assert authorized is not None and authorized.order.status is S.RESERVED
    assert authorized.order.payment.status is PaymentState.CANCELLED
    assert authorized.order.record_cancel(PaymentCanceled("ord_1", "pi_1"), NOW) is None
    assert an_order_in(S.FAILED).record_cancel(PaymentCanceled("ord_1", "pi_1"), NOW) is None


def test_the_status_groups_agree_with_the_life_cycle() -> None:
    assert {s for s in S if an_order_in(s).cancellable} == CANCELLABLE
    assert not CANCELLABLE & {S.SHIPPED, S.FULFILLED, S.FAILED, S.EXPIRED, S.CANCELLED}
    assert {s for s in S if an_order_in(s).undo_safe} == UNDO_SAFE
    assert not UNDO_SAFE & (IN_SAGA | {S.SHIPPED, S.FULFILLED})
    assert reached(S.SHIPPED, S.RESERVED) and not reached(S.COMPENSATING, S.RESERVED)


def test_a_move_the_life_cycle_forbids_raises() -> None:
    with pytest.raises(IllegalTransitionError):
        an_order_in(S.FAILED).transitioned(S.AUTHORIZED, NOW)


def test_an_unknown_stored_event_kind_reads_as_other() -> None:
    assert OrderEventKind.of("SOMETHING_NEW") is K.OTHER and OrderEventKind.of("SHIPPED") is K.SHIPPED
