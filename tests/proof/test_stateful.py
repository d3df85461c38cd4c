from __future__ import annotations

from infra.local.cloud import LocalCloud
from tests.proof.stateful import run_stateful


def test_any_order_of_shoppers_sagas_webhooks_admins_and_time_keeps_stock_and_money_consistent(
    local_cloud: LocalCloud,
) -> None:
    result = run_stateful(local_cloud, examples=6, steps=25)  # `make proof` explores many more
    assert result.violations == []
    assert result.examples >= 6 and result.steps >= 60 and result.invariant_checks >= 60
    assert result.outcomes["FULFILLED"] > 0, "no order ever shipped: the programs proved little"
    assert result.outcomes["FAILED"] + result.outcomes["CANCELLED"] > 0, "nothing was ever undone"
