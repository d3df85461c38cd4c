from __future__ import annotations

from tests.proof.restart import run_restart


def test_a_restart_in_the_middle_of_sagas_keeps_every_order_and_settles_each_one_consistently() -> None:
    result = run_restart(orders=7)  # one per paused step, one running, one unpaid; plus two racing for one unit
    assert result.violations == []
    assert result.orders == 9
    assert {"AUTHORIZED", "RESERVED", "CAPTURED", "SHIPPED", "PENDING_PAYMENT"} <= set(result.statuses_at_stop)
    assert result.outcomes["FAILED"] == 1, "the order that lost the last unit must fail, with its money returned"
    assert result.outcomes["EXPIRED"] == 1
    assert result.outcomes["FULFILLED"] == 7
