"""The fulfillment saga's steps on in-memory repositories and a fake Stripe: each moves the order once, is safe
to repeat, and refuses an order someone else took elsewhere."""

from __future__ import annotations

import pytest

from commerce.catalog import StockLevel
from commerce.errors import OutOfStockError
from commerce.events import CompensationRequested
from commerce.order_status import OrderStatus
from commerce.orders import Order, PaymentState
from commerce.payments import PaymentStatus
from commerce.reservations import Reservation, ReservationState
from commerce.services.fulfillment import OrderNoLongerFulfillableError
from tests.unit.order_world import AUSTIN, STOCK, OrderWorld

S = OrderStatus


def test_the_saga_takes_an_authorized_order_to_fulfilled_with_its_stock_shipped_and_money_captured() -> None:
    world = OrderWorld()
    order = world.order_through(S.FULFILLED)
    assert order.status is S.FULFILLED and order.payment.status is PaymentState.CAPTURED
    assert order.shipments and order.shipments[0].warehouse_id == AUSTIN.id
    assert world.stripe.intents["pi_1"].status is PaymentStatus.SUCCEEDED
    assert (world.level().available, world.level().reserved, world.level().shipped) == (STOCK - 2, 0, 2)
    # The clock is stopped, so entries of one instant list in no particular order.
    assert {"INVENTORY_RESERVED", "PAYMENT_CAPTURED", "SHIPPED", "FULFILLED"} <= set(world.timeline())


def test_every_step_run_twice_changes_nothing_the_second_time() -> None:
    world = OrderWorld()
    world.order_through(S.FULFILLED)
    before = (world.order(), len(world.timeline()), world.level())
    world.fulfillment.reserve_inventory("ord_1")
    world.fulfillment.capture_payment("ord_1")
    world.fulfillment.allocate_shipment("ord_1")
    world.fulfillment.mark_fulfilled("ord_1")
    assert (world.order(), len(world.timeline()), world.level()) == before


def test_the_shipping_email_is_sent_once_however_often_the_step_runs() -> None:
    world = OrderWorld()
    world.order_through(S.SHIPPED)
    assert world.fulfillment.notify_customer("ord_1") is True
    assert world.fulfillment.notify_customer("ord_1") is False
    assert len(world.outbox.sent) == 1 and world.timeline().count("CUSTOMER_NOTIFIED") == 1


def test_a_legacy_order_reserving_more_than_the_warehouses_hold_fails_the_step_and_leaves_it_authorized() -> None:
    world = OrderWorld()
    world.legacy_authorized_order()
    world.stock.put(StockLevel("p-mug", AUSTIN.id, available=1))
    with pytest.raises(OutOfStockError):
        world.fulfillment.reserve_inventory("ord_1")
    assert world.order().status is S.AUTHORIZED and "ord_1" not in world.reservations.reservations


@pytest.mark.parametrize(
    ("reached", "step"),
    [(S.AUTHORIZED, "reserve_inventory"), (S.RESERVED, "capture_payment"), (S.CAPTURED, "allocate_shipment")],
)
def test_a_step_on_an_order_being_undone_does_nothing_and_fails(reached: OrderStatus, step: str) -> None:
    world = OrderWorld()
    world.order_through(reached) if reached is not S.AUTHORIZED else world.authorized_order()
    world.in_status(S.COMPENSATING)
    with pytest.raises(OrderNoLongerFulfillableError):
        getattr(world.fulfillment, step)("ord_1")
    assert world.order().status is S.COMPENSATING


def test_a_cancellation_landing_while_stock_is_reserved_fails_the_step_and_its_compensation_releases_it() -> None:
    world = OrderWorld()
    world.authorized_order()
    convert = world.inventory.convert_for

    def convert_then_cancel(order: Order) -> Reservation:
        reservation = convert(order)
        world.compensation.compensate(CompensationRequested("ord_1", "admin", requested_by="admin:ops", cancel=True))
        return reservation

    world.inventory.convert_for = convert_then_cancel  # type: ignore[method-assign]
    with pytest.raises(OrderNoLongerFulfillableError):
        world.fulfillment.reserve_inventory("ord_1")
    world.fail(reason="ReserveInventory failed")  # what the saga's Catch asks for
    assert world.order().status is S.CANCELLED
    assert world.reservations.reservations["ord_1"].state is ReservationState.RELEASED
    assert world.level().available == STOCK
