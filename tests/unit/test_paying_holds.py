"""payOrder holds the order's stock before the card is touched; the saga converts the hold; capture needs the stock.

In memory with the fake Stripe: the rule for time (HOLD_TTL, renewals, lapses) played with a clock the test moves.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from commerce.catalog import StockLevel
from commerce.clock import to_iso
from commerce.errors import OutOfStockError
from commerce.order_status import OrderStatus
from commerce.payments import PaymentStatus
from commerce.reservations import HOLD_TTL, ReservationState
from commerce.services.fulfillment import OrderNoLongerFulfillableError
from commerce.services.payments import PaymentOutcome
from tests.unit.fake_stripe import AUTHORIZES, DECLINES
from tests.unit.order_world import AUSTIN, STOCK, OrderWorld

S = OrderStatus
R = ReservationState


def _placed(world: OrderWorld, order_id: str = "ord_1") -> str:
    """An order placed, not paid: no intent, no hold. Returns the shopper's token."""
    _, token = world.unpaid_order(order_id)
    return token


def test_paying_holds_the_stock_first_and_records_until_when() -> None:
    world = OrderWorld()
    token = _placed(world)

    result = world.payments.pay("ord_1", token, DECLINES)

    held = world.reservations.get("ord_1")
    assert held is not None and held.state is R.HELD
    assert result.order.held_until == held.expires_at == to_iso(world.now + HOLD_TTL)
    assert world.level().available == STOCK - 2
    assert "STOCK_HELD" in world.timeline()


def test_out_of_stock_at_pay_order_is_refused_before_any_stripe_call() -> None:
    world = OrderWorld()
    world.stock.put(StockLevel("p-mug", AUSTIN.id, available=1))
    token = world.placed_order()

    with pytest.raises(OutOfStockError) as refused:
        world.payments.pay("ord_1", token, AUTHORIZES)

    assert (refused.value.sku, refused.value.requested, refused.value.available) == ("SKU-p-mug", 2, 1)
    assert world.stripe.intents == {} and world.stripe.keys == {} and world.stripe.charges == 0
    assert world.order().status is S.PENDING_PAYMENT and world.order().payment.intent_id is None


def test_a_decline_keeps_the_hold_and_the_next_card_renews_it() -> None:
    world = OrderWorld()
    token = _placed(world)
    declined = world.payments.pay("ord_1", token, DECLINES)
    first = world.reservations.get("ord_1")
    assert declined.outcome is PaymentOutcome.DECLINED and first is not None and first.state is R.HELD

    world.later(timedelta(minutes=4))
    paid = world.payments.pay("ord_1", token, AUTHORIZES)

    renewed = world.reservations.get("ord_1")
    assert paid.outcome is PaymentOutcome.AUTHORIZED
    assert renewed is not None and renewed.state is R.HELD and renewed.expires_at == to_iso(world.now + HOLD_TTL)
    assert renewed.expires_at > (first.expires_at or "")
    assert world.level().available == STOCK - 2  # one hold, renewed: never two


def test_pay_order_after_the_hold_lapsed_holds_again_while_the_stock_is_there() -> None:
    world = OrderWorld()
    token = _placed(world)
    world.payments.pay("ord_1", token, DECLINES)
    world.later(HOLD_TTL + timedelta(minutes=1))
    assert world.inventory.reclaim_lapsed() == 1
    assert world.level().available == STOCK

    world.payments.pay("ord_1", token, AUTHORIZES)

    again = world.reservations.get("ord_1")
    assert again is not None and again.state is R.HELD and world.order().status is S.AUTHORIZED
    assert world.order().held_until == again.expires_at and world.level().available == STOCK - 2


def test_pay_order_after_the_hold_lapsed_and_the_stock_went_elsewhere_is_refused_uncharged() -> None:
    world = OrderWorld()
    token = _placed(world)
    world.payments.pay("ord_1", token, DECLINES)
    charges = world.stripe.charges
    world.later(HOLD_TTL + timedelta(minutes=1))
    world.inventory.reclaim_lapsed()
    world.stock.put(StockLevel("p-mug", AUSTIN.id, available=1, shipped=STOCK - 1))  # others bought the units

    with pytest.raises(OutOfStockError):
        world.payments.pay("ord_1", token, AUTHORIZES)

    assert world.stripe.charges == charges and world.order().status is S.PAYMENT_FAILED


def test_the_saga_converts_the_hold_into_the_reservation() -> None:
    world = OrderWorld()
    world.authorized_order()
    assert world.level().available == STOCK - 2

    world.fulfillment.reserve_inventory("ord_1")

    reservation = world.reservations.get("ord_1")
    assert reservation is not None and reservation.state is R.RESERVED and reservation.expires_at is None
    assert (world.level().available, world.level().reserved) == (STOCK - 2, 2)  # nothing taken twice
    assert world.order().status is S.RESERVED and world.order().stock_held_until is None


def test_an_order_authorized_before_holds_existed_reserves_in_the_saga() -> None:
    world = OrderWorld()
    world.legacy_authorized_order()
    assert world.reservations.get("ord_1") is None

    world.fulfillment.reserve_inventory("ord_1")

    reservation = world.reservations.get("ord_1")
    assert reservation is not None and reservation.state is R.RESERVED and world.order().status is S.RESERVED
    assert world.level().available == STOCK - 2


def test_an_authorization_after_its_hold_lapsed_and_the_stock_went_elsewhere_is_cancelled_never_captured() -> None:
    world = OrderWorld()
    world.authorized_order()
    world.later(HOLD_TTL + timedelta(minutes=1))
    world.inventory.reclaim_lapsed()
    world.stock.put(StockLevel("p-mug", AUSTIN.id, available=1, reserved=2))  # another order took the units

    with pytest.raises(OutOfStockError):
        world.fulfillment.reserve_inventory("ord_1")
    world.fail(reason="ReserveInventory failed")  # the saga's Catch

    assert world.order().status is S.FAILED
    assert world.intent().status is PaymentStatus.CANCELED  # type: ignore[attr-defined]
    assert world.intent().amount_received == 0  # type: ignore[attr-defined]


def test_an_authorization_after_its_hold_lapsed_is_held_again_when_the_stock_is_there() -> None:
    world = OrderWorld()
    world.authorized_order()
    world.later(HOLD_TTL + timedelta(minutes=1))

    world.fulfillment.reserve_inventory("ord_1")

    reservation = world.reservations.get("ord_1")
    assert reservation is not None and reservation.state is R.RESERVED and world.level().available == STOCK - 2


def test_capture_refuses_an_order_whose_stock_is_not_reserved() -> None:
    world = OrderWorld()
    world.order_through(S.RESERVED)
    world.inventory.release_for("ord_1")

    with pytest.raises(OrderNoLongerFulfillableError):
        world.fulfillment.capture_payment("ord_1")

    assert world.intent().status is PaymentStatus.REQUIRES_CAPTURE  # type: ignore[attr-defined]


def test_a_cancellation_settles_the_money_before_it_releases_the_stock() -> None:
    world = OrderWorld()
    world.order_through(S.RESERVED)
    seen: list[str] = []
    world.stripe.before_cancel.append(lambda _: seen.append(world.reservations.reservations["ord_1"].state.value))

    world.cancellation.cancel("ord_1", "changed my mind", by="ops")

    assert seen == ["RESERVED"]
    assert world.reservations.reservations["ord_1"].state is R.RELEASED


def test_a_capture_landing_before_the_cancel_is_refunded_then_the_stock_released() -> None:
    world = OrderWorld()
    world.order_through(S.RESERVED)
    intent_id = world.order().payment.intent_id or ""
    world.stripe.before_cancel.append(lambda _: world.stripe.capture(intent_id, "ord_1:capture"))

    world.cancellation.cancel("ord_1", "changed my mind", by="ops")

    intent = world.stripe.intents[intent_id]
    assert intent.amount_received == intent.amount_refunded > 0
    assert world.order().status is S.CANCELLED and world.level().available == STOCK


def test_the_expiry_sweep_reclaims_lapsed_holds_and_releases_the_hold_of_an_order_it_expires() -> None:
    world = OrderWorld()
    world.payments.pay("ord_1", _placed(world), DECLINES)
    world.payments.pay("ord_2", _placed(world, "ord_2"), DECLINES)
    world.later(timedelta(minutes=1))
    lapsing = world.reservations.reservations["ord_2"]
    world.reservations.reservations["ord_2"] = replace(lapsing, expires_at=to_iso(world.now))  # lapses now

    expired = world.expiry.expire_unpaid()  # unpaid_for 0: both orders are due

    assert set(expired) == {"ord_1", "ord_2"}
    assert {world.reservations.reservations[o].state for o in ("ord_1", "ord_2")} == {R.LAPSED, R.RELEASED}
    assert world.level().available == STOCK


def test_cancelling_an_unpaid_order_releases_its_hold() -> None:
    world = OrderWorld()
    token = _placed(world)
    world.payments.pay("ord_1", token, DECLINES)

    world.cancellation.cancel("ord_1", "duplicate order", by="ops")

    assert world.reservations.reservations["ord_1"].state is R.RELEASED and world.level().available == STOCK
