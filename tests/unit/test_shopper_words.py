"""What a shopper reads about their order is in shoppers' words: never an admin's name, an exception's text or
an error's type. The admin's timeline keeps all of it."""

from __future__ import annotations

import json

import pytest

from commerce import wiring_services
from commerce.events import CompensationRequested
from commerce.order_status import OrderStatus
from commerce.payments import PaymentStatus
from commerce.shopper_words import failure_reason_for_shopper
from commerce.timeline import OrderEvent, OrderEventKind
from tests.unit.payment_world import NOW, PaymentWorld

ADMIN = "alice.ops"
SECRET = "internal note: chargeback risk"
CRASH = json.dumps({"errorType": "KeyError", "errorMessage": "'warehouse' missing in table orders-prod"})


class Desk(PaymentWorld):
    """The payment world with an admin desk: cancellation, compensation, and both views of the timeline."""

    def __post_init__(self) -> None:
        super().__post_init__()
        made = self.bus.dependencies
        self.compensation = made.build(wiring_services.compensation)
        self.cancellation = made.build(wiring_services.cancellation)
        self.tracking = made.build(wiring_services.tracking)
        self.search = made.build(wiring_services.order_search)

    def shopper_reads(self, token: str) -> str:
        """Everything the shopper can read: the order's page, its updates and the emails."""
        order = self.tracking.order_for_shopper("ord_1", token)
        assert order is not None
        page, updates = self.tracking.timeline("ord_1"), self.tracking.timeline("ord_1", after="0")
        texts = [failure_reason_for_shopper(order) or "", order.payment.failure_reason or ""]
        for event in [*page.events, *updates.events]:
            texts += [event.message, json.dumps(event.detail), event.step or ""]
        texts += [f"{email.subject}\n{email.text}\n{email.html}" for email in self.outbox.sent]
        return "\n".join(texts)

    def admin_reads(self) -> str:
        order = self.search.order("ord_1")
        assert order is not None
        events = self.search.timeline("ord_1")
        return "\n".join([order.failure_reason or ""] + [f"{e.message} {json.dumps(e.detail)}" for e in events])


@pytest.fixture
def desk() -> Desk:
    return Desk()


def authorized(desk: Desk) -> str:
    _, token = desk.unpaid_order()
    intent = desk.stripe.authorize(desk.order().payment.intent_id or "")
    desk.payments.apply_intent(intent)
    assert desk.order().status is OrderStatus.AUTHORIZED
    return token


def test_a_shopper_never_reads_the_name_or_the_reason_of_the_admin_who_cancelled(desk: Desk) -> None:
    token = authorized(desk)

    desk.cancellation.cancel("ord_1", SECRET, by=ADMIN)

    shopper = desk.shopper_reads(token)
    assert ADMIN not in shopper
    assert SECRET not in shopper
    assert "Your order was cancelled" in shopper
    admin = desk.admin_reads()
    assert f"Cancellation requested by {ADMIN}: {SECRET}" in admin
    assert f"admin:{ADMIN}" in admin


def test_a_shopper_never_reads_the_exception_that_failed_their_order(desk: Desk) -> None:
    token = authorized(desk)
    desk.events.append(
        OrderEvent.new(
            "ord_1",
            NOW,
            OrderEventKind.STEP_FAILED,
            "ReserveInventory failed (attempt 1): KeyError",
            step="ReserveInventory",
            attempt=1,
            detail={"error": "KeyError", "message": "'warehouse' missing in table orders-prod", "transient": False},
        )
    )

    desk.compensation.compensate(CompensationRequested("ord_1", CRASH, failed_step="ReserveInventory"))

    shopper = desk.shopper_reads(token)
    for leak in ("KeyError", "orders-prod", "errorType", "ReserveInventory", "saga"):
        assert leak not in shopper
    assert "We could not complete your order" in shopper
    admin = desk.admin_reads()
    assert "KeyError: 'warehouse' missing in table orders-prod" in admin
    assert "ReserveInventory failed (attempt 1): KeyError" in admin


def test_an_unpaid_order_cancelled_by_an_admin_does_not_tell_the_shopper_an_authorization_was_cancelled(
    desk: Desk,
) -> None:
    _, token = desk.unpaid_order()
    assert desk.stripe.retrieve(desk.order().payment.intent_id or "").status is PaymentStatus.REQUIRES_PAYMENT_METHOD

    desk.cancellation.cancel("ord_1", SECRET, by=ADMIN)

    shopper = desk.shopper_reads(token)
    assert "authorization" not in shopper.lower()
    assert "hold on your card" not in shopper.lower()
    assert "Your order was cancelled" in shopper
    assert "AUTHORIZATION_CANCELLED" not in [event.type for event in desk.search.timeline("ord_1")]
