"""Admins cancelling orders on the local cloud: before payment, mid-saga (racing a held step), after shipment."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from commerce import wiring
from commerce.order_status import OrderStatus
from commerce.payments import PaymentIntentSnapshot, PaymentStatus
from handlers.saga_steps import bus as saga_steps_bus
from infra.local.cloud import LocalCloud
from tests.integration.admin import Admin
from tests.integration.conftest import StockedProduct
from tests.integration.shop import PlacedOrder
from tests.integration.stripe_cards import AUTHORIZES, DECLINES
from tests.integration.test_fulfillment_saga import stock

S = OrderStatus
TERMINAL = (S.FULFILLED, S.FAILED, S.CANCELLED, S.EXPIRED)

CANCEL = """
mutation Cancel($id: ID!, $reason: String!) {
  cancelOrder(id: $id, reason: $reason) {
    errors { field code message }
    order { id status cancellable payment { status captured { amount } refunded { amount } } timeline { type detail } }
  }
}"""


@pytest.fixture
def product(stocked_product: StockedProduct) -> str:
    return stocked_product("cancel-tests", {"wh-east": 2, "wh-central": 3, "wh-west": 4})


def intent(cloud: LocalCloud, order: PlacedOrder) -> PaymentIntentSnapshot:
    stored = cloud.repositories.orders.get(order.id)
    assert stored is not None and stored.payment.intent_id is not None
    return cloud.bus.dependencies.build(wiring.gateway).retrieve(stored.payment.intent_id)


def kinds(cloud: LocalCloud, order: PlacedOrder) -> list[str]:
    return [event.type for event in cloud.repositories.events.list(order.id)]


def cancel(admin: Admin, order: PlacedOrder, reason: str = "customer called") -> dict[str, Any]:
    payload: dict[str, Any] = admin.data(CANCEL, {"id": order.id, "reason": reason})["cancelOrder"]
    return payload


class HeldCapture:
    """Holds the saga's capture step inside its Stripe call, before or after Stripe captures, until released."""

    def __init__(self, capture_first: bool) -> None:
        self.capture_first = capture_first
        self.reached = threading.Event()
        self.released = threading.Event()

    def around(
        self, capture: Callable[[str, str], PaymentIntentSnapshot]
    ) -> Callable[[str, str], PaymentIntentSnapshot]:
        def held(intent_id: str, idempotency_key: str) -> PaymentIntentSnapshot:
            result = capture(intent_id, idempotency_key) if self.capture_first else None
            self.reached.set()
            assert self.released.wait(30), "the test never released the held capture"
            return result if result is not None else capture(intent_id, idempotency_key)

        return held


@pytest.fixture
def hold(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bool], HeldCapture]]:
    holds: list[HeldCapture] = []

    def install(capture_first: bool) -> HeldCapture:
        # The saga's Lambdas run in this process, each module on its own bus: hold the steps' gateway's capture.
        gateway = saga_steps_bus.dependencies.build(wiring.gateway)
        held = HeldCapture(capture_first)
        monkeypatch.setattr(gateway, "capture", held.around(gateway.capture))
        holds.append(held)
        return held

    yield install
    for held in holds:
        held.released.set()


def test_an_order_never_paid_is_cancelled_at_once_without_a_call_to_stripe(admin: Admin, product: str) -> None:
    cloud = admin.shop.cloud
    order = admin.shop.place([(product, 1)])
    payload = cancel(admin, order, "duplicate order")
    assert payload["errors"] == []
    assert payload["order"]["status"] == "CANCELLED" and payload["order"]["cancellable"] is False
    stored = cloud.repositories.orders.get(order.id)
    assert stored is not None and stored.payment.intent_id is None  # the first payOrder opens the intent
    requested = next(e for e in payload["order"]["timeline"] if e["type"] == "CANCELLATION_REQUESTED")
    assert requested["detail"] == {"by": "admin", "reason": "duplicate order"}


def test_an_unpaid_order_whose_card_was_declined_is_cancelled_with_its_intent(admin: Admin, product: str) -> None:
    cloud = admin.shop.cloud
    order = admin.shop.place([(product, 1)])
    admin.shop.pay(order, DECLINES)
    assert intent(cloud, order).status is PaymentStatus.REQUIRES_PAYMENT_METHOD
    payload = cancel(admin, order, "duplicate order")
    assert payload["errors"] == []
    assert payload["order"]["status"] == "CANCELLED"
    assert intent(cloud, order).status is PaymentStatus.CANCELED


def test_cancelling_after_stripe_captured_but_before_the_saga_recorded_it_refunds_exactly_once(
    admin: Admin, product: str, hold: Callable[[bool], HeldCapture]
) -> None:
    cloud = admin.shop.cloud
    before = stock(cloud, product)
    held = hold(True)
    order = admin.shop.place([(product, 3)])
    admin.shop.pay(order, AUTHORIZES)
    assert held.reached.wait(30), "the saga never reached CapturePayment"
    assert intent(cloud, order).status is PaymentStatus.SUCCEEDED  # captured at Stripe, not yet on the order

    payload = cancel(admin, order, "fraud check failed")
    held.released.set()

    assert payload["errors"] == [] and payload["order"]["status"] == "CANCELLED"
    assert admin.shop.wait_for_saga(order) == "FAILED"  # its step found the order cancelled and stood down
    cloud.wait_idle()
    final = intent(cloud, order)
    assert (final.amount_received, final.amount_refunded) == (order.total, order.total)
    stored = cloud.repositories.orders.get(order.id)
    assert stored is not None and stored.status is S.CANCELLED and stored.shipments == ()
    assert stored.payment.refunded == order.total
    assert stock(cloud, product) == before
    timeline = kinds(cloud, order)
    assert timeline.count("PAYMENT_REFUNDED") == 1 and timeline.count("INVENTORY_RELEASED") == 1
    assert "PAYMENT_CAPTURED" not in timeline and "SHIPPED" not in timeline
    started = next(e for e in cloud.repositories.events.list(order.id) if e.type == "COMPENSATION_STARTED")
    assert started.message == "Compensation started by admin:admin" and started.detail["reason"] == "fraud check failed"


def test_cancelling_while_the_saga_waits_to_capture_cancels_the_authorization_and_nothing_is_captured(
    admin: Admin, product: str, hold: Callable[[bool], HeldCapture]
) -> None:
    cloud = admin.shop.cloud
    before = stock(cloud, product)
    held = hold(False)
    order = admin.shop.place([(product, 2)])
    admin.shop.pay(order, AUTHORIZES)
    assert held.reached.wait(30), "the saga never reached CapturePayment"

    payload = cancel(admin, order)
    held.released.set()

    assert payload["order"]["status"] == "CANCELLED"
    assert admin.shop.wait_for_saga(order) == "FAILED"
    cloud.wait_idle()
    final = intent(cloud, order)
    assert (final.status, final.amount_received, final.amount_refunded) == (PaymentStatus.CANCELED, 0, 0)
    assert stock(cloud, product) == before
    assert admin.shop.wait_until(order, *TERMINAL).status is S.CANCELLED


def test_cancelling_twice_changes_nothing_the_second_time(admin: Admin, product: str) -> None:
    cloud = admin.shop.cloud
    order = admin.shop.place([(product, 1)])
    first = cancel(admin, order)
    events_after_first = kinds(cloud, order)
    second = cancel(admin, order, "asked again")
    assert first["errors"] == second["errors"] == []
    assert second["order"]["status"] == "CANCELLED"
    assert kinds(cloud, order) == events_after_first


def test_an_order_handed_to_the_carrier_cannot_be_cancelled(admin: Admin, product: str) -> None:
    cloud = admin.shop.cloud
    order = admin.shop.place([(product, 1)])
    admin.shop.pay(order, AUTHORIZES)
    assert admin.shop.wait_until(order, *TERMINAL).status is S.FULFILLED
    cloud.wait_idle()
    before = (kinds(cloud, order), stock(cloud, product), intent(cloud, order).amount_refunded)

    payload = cancel(admin, order)
    assert payload["order"] is None
    assert payload["errors"] == [
        {
            "field": "id",
            "code": "ORDER_NOT_CANCELLABLE",
            "message": "the order is FULFILLED and can no longer be cancelled",
        }
    ]
    assert (kinds(cloud, order), stock(cloud, product), intent(cloud, order).amount_refunded) == before


def test_a_cancellation_needs_a_reason_and_an_existing_order(admin: Admin) -> None:
    blank = admin.data(CANCEL, {"id": "ord_nope", "reason": "  "})["cancelOrder"]
    assert [(e["field"], e["code"]) for e in blank["errors"]] == [("reason", "REQUIRED")]
    missing = admin.data(CANCEL, {"id": "ord_nope", "reason": "test"})["cancelOrder"]
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [("id", "NOT_FOUND")]
