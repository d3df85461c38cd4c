from __future__ import annotations

from infra.local.cloud import LocalCloud
from tests.proof.contention import run_contention


def test_many_shoppers_for_one_scarce_sku_buy_exactly_the_stock(local_cloud: LocalCloud) -> None:
    result = run_contention(local_cloud, shoppers=40, units=(3, 4, 3))
    assert result.violations == []
    assert result.units_sold == 10
    assert result.outcomes["FULFILLED"] == 10
    assert result.outcomes["FAILED"] + result.outcomes["refused at placement"] == 30


def test_random_baskets_over_several_skus_never_oversell(local_cloud: LocalCloud) -> None:
    result = run_contention(local_cloud, shoppers=30, units=(2, 3, 2), basket_skus=3)
    assert result.violations == []
    assert 0 < result.units_sold <= 21
