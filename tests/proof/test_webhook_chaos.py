from __future__ import annotations

from infra.local.cloud import LocalCloud
from tests.proof.webhook_chaos import run_webhook_chaos


def test_duplicated_shuffled_and_forged_webhooks_start_one_saga_per_paid_order(local_cloud: LocalCloud) -> None:
    result = run_webhook_chaos(local_cloud, orders=6)
    assert result.violations == []
    assert result.bad_deliveries == 6 * 5
    assert result.statuses["400"] == result.bad_deliveries
