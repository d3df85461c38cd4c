"""StripeWriteBudget: in memory and as counters in the idempotency table, one write admitted per conditional add,
none past the window's share, the next window fresh."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from commerce.payment_budget import InMemoryStripeWriteBudget, PaymentsBusyError, StripeWriteBudget
from commerce.repositories.login_failures import DynamoLoginFailureRepository
from commerce.repositories.payment_budget import DynamoStripeWriteBudget
from tests.contract.conftest import Stores

TABLES = {"idempotency"}


def a_budget(stores: Stores, writes_per_second: int) -> StripeWriteBudget:
    if stores.name == "memory":
        return InMemoryStripeWriteBudget(writes_per_second, stores.clock)
    assert isinstance(stores.login_failures, DynamoLoginFailureRepository)
    return DynamoStripeWriteBudget(stores.login_failures.table, writes_per_second, stores.clock)  # the same table


def admitted(budget: StripeWriteBudget, attempts: int, threads: int = 1) -> int:
    def attempt(_: int) -> bool:
        try:
            budget.take("confirm")
        except PaymentsBusyError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return sum(pool.map(attempt, range(attempts)))


def test_a_window_admits_its_share_and_refuses_the_rest(stores: Stores) -> None:
    budget = a_budget(stores, 50)

    assert admitted(budget, 8) == 5
    stores.clock.advance(timedelta(milliseconds=100))
    assert admitted(budget, 8) == 5


def test_two_budgets_of_one_stack_share_the_count(stores: Stores) -> None:
    if stores.name == "memory":
        pytest.skip("one process: the in-memory budget is shared by being one object")
    first, second = a_budget(stores, 30), a_budget(stores, 30)

    assert admitted(first, 2) + admitted(second, 2) == 3


def test_concurrent_takers_never_pass_the_share(stores: Stores) -> None:
    assert admitted(a_budget(stores, 40), 12, threads=6) == 4
