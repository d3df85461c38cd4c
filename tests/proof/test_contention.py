from __future__ import annotations

from commerce.hold_limits import HOLDS_PER_CUSTOMER
from infra.local.cloud import LocalCloud
from tests.proof.contention import run_contention
from tests.proof.flash_sale import run_flash_sale


def test_many_shoppers_for_one_scarce_sku_buy_exactly_the_stock(local_cloud: LocalCloud) -> None:
    result = run_contention(local_cloud, shoppers=40, units=(3, 4, 3))
    assert result.violations == []
    assert result.units_sold == 10
    assert result.outcomes["FULFILLED"] == 10
    # Every other shopper is refused before the card is touched: at placement, or OUT_OF_STOCK at payOrder.
    refused = result.outcomes["refused at placement"] + result.outcomes["refused at payOrder (OUT_OF_STOCK)"]
    assert refused == 30 and result.outcomes["FAILED"] == 0
    assert result.authorized_then_failed_for_stock == 0


def test_random_baskets_over_several_skus_never_oversell(local_cloud: LocalCloud) -> None:
    result = run_contention(local_cloud, shoppers=30, units=(2, 3, 2), basket_skus=3)
    assert result.violations == []
    assert 0 < result.units_sold <= 21
    assert result.authorized_then_failed_for_stock == 0


def test_a_flash_sale_on_12_shards_sells_exactly_the_stock_with_orders_spanning_shards(
    local_cloud: LocalCloud,
) -> None:
    result = run_flash_sale(local_cloud, shoppers=24, units=14, shards=12, quantity=2)
    assert result.violations == []
    assert result.units_sold == 14 and result.outcomes["crowd order FULFILLED"] == 7
    assert result.authorized_then_failed_for_stock == 0
    # 14 units over 12 shards hold 2, 2, then 1 each: an order of 2 takes from two shards when its first has 1.
    assert result.orders_spanning_shards > 0


def test_slow_3d_secure_shoppers_whose_holds_lapsed_mid_sale_have_every_late_authorization_cancelled(
    local_cloud: LocalCloud,
) -> None:
    result = run_flash_sale(local_cloud, shoppers=24, units=10, slow_3ds=3)
    assert result.violations == []
    assert result.holds_reclaimed_mid_run == 3
    assert result.units_sold == 10 and result.outcomes["crowd order FULFILLED"] == 10  # the crowd bought the lapsed
    assert result.late_authorizations == result.late_authorizations_cancelled == 3
    assert result.outcomes["slow order FAILED"] == 3
    assert result.authorized_then_failed_for_stock == 0


def test_a_hoarder_and_slow_3d_secure_on_shards_leave_the_crowd_exactly_the_stock(local_cloud: LocalCloud) -> None:
    result = run_flash_sale(local_cloud, shoppers=24, units=12, shards=4, slow_3ds=2, hoarder_orders=6)
    assert result.violations == []
    assert result.units_sold == 12 and result.outcomes["crowd order FULFILLED"] == 12
    assert result.late_authorizations == result.late_authorizations_cancelled == 2
    assert result.hoarder_held_at_once == result.hoarder_allowed == HOLDS_PER_CUSTOMER
    assert result.authorized_then_failed_for_stock == 0


def test_a_hoarder_with_declining_cards_is_refused_past_the_cap_and_the_crowd_still_buys(
    local_cloud: LocalCloud,
) -> None:
    result = run_flash_sale(local_cloud, shoppers=20, units=10, hoarder_orders=6)
    assert result.violations == []
    assert result.hoarder_held_at_once == HOLDS_PER_CUSTOMER  # one customer: the per-address cap is off locally
    assert result.hoarder_refused == 6 - HOLDS_PER_CUSTOMER
    assert result.outcomes["hoarder: HOLD_LIMIT_REACHED"] == 6 - HOLDS_PER_CUSTOMER
    assert result.outcomes["hoarder order EXPIRED"] == 6  # declined, never paid: the unpaid expiry ends them
    assert result.units_sold == 10 and result.outcomes["crowd order FULFILLED"] == 10


def test_an_unplanned_rush_on_throttled_partitions_splits_the_unsplit_item_and_sells_exactly_the_stock(
    local_cloud: LocalCloud,
) -> None:
    # 4 write units a second: two holds a second on one item, fewer than this crowd makes (measured: the split came
    # in every one of 3 runs); any of 12 shards stays under it but for a few retried transactions.
    result = run_flash_sale(local_cloud, shoppers=40, units=20, throttle=4)
    assert result.violations == []
    assert result.throttled_transactions > 0 and result.automatic_splits == 1
    assert result.units_sold == 20 and result.outcomes["crowd order FULFILLED"] == 20
    assert result.authorized_then_failed_for_stock == 0
