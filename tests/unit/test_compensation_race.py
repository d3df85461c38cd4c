"""A cancellation racing the carrier hand-off, replayed deterministically: the hand-off lands between the
compensation's first read of the order and its first write."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from commerce.admin.cancellation import OrderNotCancellableError
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.reservations import ReservationState
from tests.unit.order_world import STOCK, OrderWorld


def _after_read(world: OrderWorld, action: Callable[[], object], *, reads: int = 1) -> None:
    """Run `action` once, right after the `reads`-th read of an order returns (before its reader acts on it)."""
    read = world.orders.get
    count = 0

    def read_then_act(order_id: str) -> Order | None:
        nonlocal count
        found = read(order_id)
        count += 1
        if count == reads:
            world.orders.get = read  # type: ignore[method-assign]
            action()
        return found

    world.orders.get = read_then_act  # type: ignore[method-assign]


def test_a_cancellation_that_loses_to_the_carrier_hand_off_refunds_and_releases_nothing() -> None:
    world = OrderWorld()
    world.order_through(OrderStatus.CAPTURED)
    # The cancellation's own check reads the order CAPTURED; the hand-off lands after the compensation's read.
    _after_read(world, lambda: world.fulfillment.allocate_shipment("ord_1"), reads=2)

    with pytest.raises(OrderNotCancellableError):
        world.cancellation.cancel("ord_1", "customer changed their mind", by="ops")

    order = world.order()
    assert order.status is OrderStatus.SHIPPED
    assert world.stripe.intents[order.payment.intent_id or ""].amount_refunded == 0
    assert world.reservations.reservations["ord_1"].state is ReservationState.SHIPPED
    assert (world.level().available, world.level().shipped) == (STOCK - 2, 2)
    assert "COMPENSATION_REFUSED" in world.timeline()


def test_a_saga_failure_that_loses_to_the_carrier_hand_off_leaves_the_order_shipped() -> None:
    world = OrderWorld()
    world.order_through(OrderStatus.CAPTURED)
    _after_read(world, lambda: world.fulfillment.allocate_shipment("ord_1"))

    order = world.fail()

    assert order.status is OrderStatus.SHIPPED
    assert world.stripe.intents[order.payment.intent_id or ""].amount_refunded == 0
    assert world.level().shipped == 2
