"""The AWS arithmetic `make bench` prints for a hot product and a flash sale (bench/flash_sale.py)."""

from __future__ import annotations

import pytest

from bench.flash_sale import (
    HOLDS_INDEX_HOLDS_PER_S,
    HOLDS_INDEX_PARTITIONS,
    FlashSale,
    holds_per_s_per_item,
    orders_per_s,
    plan,
    shards_needed,
    stripe_orders_per_s,
)


def test_one_small_stock_item_takes_250_orders_a_second() -> None:
    # 1,000 WCU/s over (a hold + its shipment or release), each 2 WCU in a transaction.
    assert holds_per_s_per_item(item_bytes=92) == 250
    assert orders_per_s(0, item_bytes=92) == 250


def test_an_item_past_one_kilobyte_halves_the_ceiling() -> None:
    assert holds_per_s_per_item(item_bytes=1500) == 125


def test_orders_a_second_grow_with_the_shards() -> None:
    assert [orders_per_s(k, item_bytes=100) for k in (1, 4, 12)] == [250, 1000, 3000]


def test_shards_are_planned_at_half_their_ceiling() -> None:
    assert shards_needed(100, item_bytes=100) == 1
    assert shards_needed(126, item_bytes=100) == 2
    assert shards_needed(500, item_bytes=100) == 4


def test_three_stripe_writes_an_order_let_one_account_take_33_orders_a_second() -> None:
    assert stripe_orders_per_s(100) == pytest.approx(33.33, abs=0.01)
    assert stripe_orders_per_s(80) == pytest.approx(26.67, abs=0.01)


def test_ten_thousand_units_in_a_minute_need_4_shards_and_five_times_stripes_limit() -> None:
    sale_plan = plan(FlashSale(units=10_000, seconds=60, peak_factor=3), item_bytes=100)

    assert round(sale_plan.sale.sustained_orders_per_s) == 167
    assert round(sale_plan.sale.peak_orders_per_s) == 500
    assert sale_plan.shards == 4
    assert round(sale_plan.stripe_writes_per_s_needed) == 500
    assert sale_plan.api_concurrency == 550  # 500 orders/s x (1 s payOrder + 0.1 s placeOrder)
    assert sale_plan.saga_concurrency == 500
    assert sale_plan.stripe_orders_per_s_strict == pytest.approx(25 / 3)  # the intent's GET endpoint, 3 an order
    # 10,000 orders admitted at 25 a second: new payments take 5 of each window's 8 writes, 2 an order.
    assert sale_plan.budget_orders_per_s == pytest.approx(25)
    assert sale_plan.seconds_to_pay_all == pytest.approx(400)


def test_orders_of_two_units_halve_the_orders_of_a_sale() -> None:
    assert FlashSale(units=10_000, seconds=60, units_per_order=2).orders == 5000


def test_the_holds_index_takes_500_holds_a_second_per_partition_key_value() -> None:
    # A hold's entry is written when it is taken and removed when it ends: 2 write units on one partition's 1,000.
    assert HOLDS_INDEX_HOLDS_PER_S == HOLDS_INDEX_PARTITIONS * 500 == 8000
    assert 10 * FlashSale().peak_orders_per_s <= HOLDS_INDEX_HOLDS_PER_S
