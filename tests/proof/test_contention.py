from __future__ import annotations

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


def test_a_flash_sale_on_shards_with_slow_3d_secure_and_a_hoarder_sells_exactly_the_stock(
    local_cloud: LocalCloud,
) -> None:
    result = run_flash_sale(local_cloud, shoppers=30, units=10, shards=4, quantity=1, slow_3ds=3, hoarder_orders=4)
    print(result)
    assert result.violations == []
