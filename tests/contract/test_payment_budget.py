"""StripeWriteBudget: in memory and as counters in the idempotency table, one write admitted per conditional add,
new payments none past their share of the window, captures none past the whole window, the next window fresh."""

from __future__ import annotations

from collections.abc import Callable
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
    """How many of `attempts` new payments (confirms) the budget lets through."""
    return _through(lambda index: budget.take_for_new_payment("confirm", f"pi_{index}"), attempts, threads)


def captured(budget: StripeWriteBudget, attempts: int, threads: int = 1) -> int:
    """How many of `attempts` captures the budget lets through."""
    return _through(lambda index: budget.take_for_capture(f"pi_{index}"), attempts, threads)


def _through(take: Callable[[int], None], attempts: int, threads: int) -> int:
    def attempt(index: int) -> bool:
        try:
            take(index)
        except PaymentsBusyError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return sum(pool.map(attempt, range(attempts)))


def test_new_payments_are_refused_at_their_share_of_a_window(stores: Stores) -> None:
    budget = a_budget(stores, 80)  # 8 in each tenth of a second, 5 of them for new payments

    assert admitted(budget, 8) == 5
    stores.clock.advance(timedelta(milliseconds=100))
    assert admitted(budget, 8) == 5


def test_a_window_spent_by_new_payments_still_admits_captures_up_to_the_whole_window(stores: Stores) -> None:
    budget = a_budget(stores, 80)
    admitted(budget, 8)

    assert captured(budget, 5) == 3


def test_captures_may_spend_the_whole_window_and_new_payments_then_wait(stores: Stores) -> None:
    budget = a_budget(stores, 80)

    assert captured(budget, 10) == 8
    assert admitted(budget, 1) == 0
    stores.clock.advance(timedelta(milliseconds=100))
    assert admitted(budget, 1) == 1


def test_two_budgets_of_one_stack_share_the_count(stores: Stores) -> None:
    if stores.name == "memory":
        pytest.skip("one process: the in-memory budget is shared by being one object")
    first, second = a_budget(stores, 50), a_budget(stores, 50)  # 5 a window, 3 for new payments

    assert admitted(first, 2) + admitted(second, 2) == 3
    assert captured(first, 2) + captured(second, 2) == 2


def test_concurrent_takers_never_pass_the_share(stores: Stores) -> None:
    assert admitted(a_budget(stores, 40), 12, threads=6) == 2  # 4 a window, 2 for new payments


def test_concurrent_new_payments_and_captures_leave_captures_their_third(stores: Stores) -> None:
    budget = a_budget(stores, 80)

    with ThreadPoolExecutor(max_workers=2) as pool:
        new_payments = pool.submit(admitted, budget, 12, 3)
        captures = pool.submit(captured, budget, 12, 3)

    assert new_payments.result() <= 5
    assert captures.result() >= 3
    assert new_payments.result() + captures.result() == 8
