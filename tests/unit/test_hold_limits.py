"""Holds cannot be hoarded: live holds are capped per customer email and per source address, checked before any stock
is taken or Stripe is touched; renewing an order's own hold is always allowed; a slot frees when its hold converts,
is given back or lapses. In memory with the fake Stripe and a clock the test moves."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from commerce.catalog import StockLevel
from commerce.clock import to_iso
from commerce.errors import ConcurrentUpdateError
from commerce.hold_limits import (
    HOLDS_PER_CUSTOMER,
    HOLDS_PER_SOURCE,
    HoldKey,
    HoldKind,
    HoldLimitReachedError,
    HoldLimits,
    normalised_email,
    normalised_source,
)
from commerce.order_status import OrderStatus
from commerce.reservations import HOLD_TTL, ReservationState
from commerce.services.payments import PaymentOutcome
from tests.unit.fake_stripe import AUTHORIZES, DECLINES
from tests.unit.order_world import AUSTIN, OrderWorld
from tests.unit.payment_world import TOKENS

HOARDER = "hoarder@example.com"
BOT_ADDRESS = "203.0.113.9"


def _world(units: int = 10) -> OrderWorld:
    world = OrderWorld()
    world.stock.put(StockLevel("p-mug", AUSTIN.id, available=units))
    return world


def _placed(world: OrderWorld, order_id: str, email: str = HOARDER) -> str:
    """An unpaid order of 2 mugs by `email`; the shopper's token."""
    token = world.placed_order(order_id)
    world.orders.orders[order_id] = replace(world.order(order_id), email=email)
    return token


def _customer_slots(world: OrderWorld, email: str = HOARDER) -> int:
    key = HoldLimits().keys(email, None)[0]
    return len(world.memory.hold_slots.live(key, world.now))


def _hoard(world: OrderWorld, count: int, *, email: str = HOARDER, source: str | None = BOT_ADDRESS) -> list[str]:
    orders = [f"ord_h{index}" for index in range(count)]
    for order_id in orders:
        world.payments.pay(order_id, _placed(world, order_id, email), DECLINES, source)
    return orders


def test_a_hoarder_with_declining_cards_is_refused_while_others_still_buy() -> None:
    world = _world(units=10)
    _hoard(world, HOLDS_PER_CUSTOMER)  # 3 orders of 2 mugs, each card declined: 6 of the 10 held
    token = _placed(world, "ord_h3")
    stripe_calls = len(world.stripe.keys)

    with pytest.raises(HoldLimitReachedError) as refused:
        world.payments.pay("ord_h3", token, DECLINES, BOT_ADDRESS)

    assert (refused.value.kind, refused.value.cap) == (HoldKind.CUSTOMER, HOLDS_PER_CUSTOMER)
    assert refused.value.free_at == to_iso(world.now + HOLD_TTL)
    assert world.reservations.get("ord_h3") is None and len(world.stripe.keys) == stripe_calls
    bought = [
        world.payments.pay(order_id, _placed(world, order_id, f"{order_id}@example.com"), AUTHORIZES, f"198.51.100.{n}")
        for n, order_id in enumerate(["ord_ann", "ord_bob"])
    ]
    assert [result.outcome for result in bought] == [PaymentOutcome.AUTHORIZED] * 2
    assert world.level().available == 0


def test_one_address_is_capped_whatever_emails_it_uses() -> None:
    world = _world(units=20)
    for index in range(HOLDS_PER_SOURCE):
        world.payments.pay(
            f"ord_{index}", _placed(world, f"ord_{index}", f"bot{index}@example.com"), DECLINES, BOT_ADDRESS
        )
    token = _placed(world, "ord_next", "bot-next@example.com")

    with pytest.raises(HoldLimitReachedError) as refused:
        world.payments.pay("ord_next", token, DECLINES, BOT_ADDRESS)

    assert refused.value.kind is HoldKind.SOURCE
    # The refused order's customer slot was given back: it holds nothing, so it counts against nobody.
    assert _customer_slots(world, "bot-next@example.com") == 0
    assert world.payments.pay("ord_next", token, DECLINES, "198.51.100.1").outcome is PaymentOutcome.DECLINED


def test_renewing_an_orders_own_hold_is_allowed_at_the_cap() -> None:
    world = _world()
    first, *_ = _hoard(world, HOLDS_PER_CUSTOMER)
    world.later(timedelta(minutes=5))

    result = world.payments.pay(first, TOKENS.issue(first), DECLINES, BOT_ADDRESS)

    assert result.outcome is PaymentOutcome.DECLINED
    assert result.order.held_until == to_iso(world.now + HOLD_TTL)
    assert _customer_slots(world) == HOLDS_PER_CUSTOMER


def test_a_converted_hold_frees_its_slot() -> None:
    world = _world()
    _hoard(world, HOLDS_PER_CUSTOMER - 1)
    world.payments.pay("ord_paid", _placed(world, "ord_paid"), AUTHORIZES, BOT_ADDRESS)
    assert _customer_slots(world) == HOLDS_PER_CUSTOMER

    world.fulfillment.reserve_inventory("ord_paid")

    assert world.reservations.get("ord_paid").state is ReservationState.RESERVED  # type: ignore[union-attr]
    assert _customer_slots(world) == HOLDS_PER_CUSTOMER - 1
    world.payments.pay("ord_new", _placed(world, "ord_new"), DECLINES, BOT_ADDRESS)


def test_a_released_hold_frees_its_slot() -> None:
    world = _world()
    first, *_ = _hoard(world, HOLDS_PER_CUSTOMER)

    world.cancellation.cancel(first, "changed my mind", by="admin")

    assert world.order(first).status in {OrderStatus.CANCELLED, OrderStatus.COMPENSATING}
    assert _customer_slots(world) == HOLDS_PER_CUSTOMER - 1
    world.payments.pay("ord_new", _placed(world, "ord_new"), DECLINES, BOT_ADDRESS)


def test_a_lapsed_hold_stops_counting_without_any_sweep() -> None:
    world = _world()
    _hoard(world, HOLDS_PER_CUSTOMER)
    world.later(HOLD_TTL)

    result = world.payments.pay("ord_new", _placed(world, "ord_new"), DECLINES, BOT_ADDRESS)

    assert result.outcome is PaymentOutcome.DECLINED
    assert _customer_slots(world) == 1


def test_a_hold_refused_for_stock_counts_against_nobody() -> None:
    world = _world(units=1)

    with pytest.raises(Exception, match="SKU-p-mug"):
        world.payments.pay("ord_1", _placed(world, "ord_1"), DECLINES, BOT_ADDRESS)

    assert _customer_slots(world) == 0


def test_a_burst_of_parallel_pay_orders_from_one_hoarder_never_exceeds_the_cap() -> None:
    world = _world(units=100)
    orders = [f"ord_b{index}" for index in range(12)]
    tokens = {order_id: _placed(world, order_id) for order_id in orders}
    for order_id in orders:
        world.payments.ensure_intent(world.order(order_id))
    start = threading.Barrier(len(orders))
    outcomes: list[str] = []

    def pay(order_id: str) -> None:
        start.wait()
        try:
            world.payments.pay(order_id, tokens[order_id], DECLINES, BOT_ADDRESS)
            outcomes.append("held")
        except HoldLimitReachedError:
            outcomes.append("refused")

    threads = [threading.Thread(target=pay, args=(order_id,)) for order_id in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    held = [order_id for order_id in orders if world.reservations.get(order_id) is not None]
    assert outcomes.count("held") == len(held) == HOLDS_PER_CUSTOMER
    assert _customer_slots(world) == HOLDS_PER_CUSTOMER


def test_the_slots_of_a_key_are_claimed_by_one_order_each() -> None:
    world = _world()
    slots = world.memory.hold_slots
    key = HoldKey(HoldKind.CUSTOMER, "a@example.com", 2)
    until = world.now + HOLD_TTL

    first = slots.claim("o1", [key], until, world.now)
    again = slots.claim("o1", [key], until, world.now)
    slots.claim("o2", [key], until, world.now)

    assert first == again
    with pytest.raises(HoldLimitReachedError):
        slots.claim("o3", [key], until, world.now)
    assert slots.release("o1") == 1
    slots.claim("o3", [key], until, world.now)


@pytest.mark.parametrize(
    ("email", "normal"),
    [("Ada@Example.com ", "ada@example.com"), ("ada+sale1@example.com", "ada@example.com")],
)
def test_emails_are_one_customer_whatever_their_case_or_tag(email: str, normal: str) -> None:
    assert normalised_email(email) == normal


@pytest.mark.parametrize(
    ("address", "normal"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::7", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_an_ipv6_caller_is_counted_by_its_64_prefix(address: str, normal: str) -> None:
    assert normalised_source(address) == normal


def test_a_per_source_cap_of_zero_counts_holds_per_customer_only() -> None:
    assert [key.kind for key in HoldLimits(per_source=0).keys(HOARDER, BOT_ADDRESS)] == [HoldKind.CUSTOMER]


def test_a_renewal_that_keeps_racing_fails_but_its_live_hold_keeps_its_slot() -> None:
    world = _world()
    (order_id,) = _hoard(world, 1)  # declined: its hold and its slot stay for the next card
    world.memory.reservations.extend = lambda order_id, expected, expires_at: False  # type: ignore[method-assign]
    world.now += timedelta(minutes=2)  # the next card: its hold is renewed, and every renewal loses a race

    with pytest.raises(ConcurrentUpdateError):
        world.payments.pay(order_id, TOKENS.issue(order_id), DECLINES, BOT_ADDRESS)

    reservation = world.reservations.get(order_id)
    assert reservation is not None and reservation.state is ReservationState.HELD
    assert _customer_slots(world) == 1  # still counted: it still holds stock
