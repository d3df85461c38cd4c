"""LoginFailureRepository: each attempt admitted by a conditional write, free up to the allowance, then a delay that
doubles; a refused attempt writes nothing, and a burst never gets past the allowance."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from commerce.admin.lockout import DEFAULT_POLICY, Allowance, LoginAttempts, LoginThrottledError
from tests.contract.conftest import Stores

TABLES = {"idempotency"}
NOW = 1_800_000_000
FIVE = Allowance(5)  # then 30 s, 60 s, ... as the policy's per name and source
FIRST_DELAY = int(FIVE.first_delay.total_seconds())
FORGET = int(DEFAULT_POLICY.forget_after.total_seconds())
KNOWN_FOR = int(DEFAULT_POLICY.known_source_for.total_seconds())


def spend(stores: Stores, attempts: int, key: str = "k", at: int = NOW) -> list[LoginAttempts]:
    return [stores.login_failures.admit(key, FIVE, at) for _ in range(attempts)]


def retry_after(stores: Stores, at: int, key: str = "k", allowance: Allowance = FIVE) -> int:
    with pytest.raises(LoginThrottledError) as refused:
        stores.login_failures.admit(key, allowance, at)
    return refused.value.retry_after


def test_the_first_attempt_is_counted_and_later_ones_add_to_it(stores: Stores) -> None:
    first = stores.login_failures.admit("k", FIVE, NOW)
    second = stores.login_failures.admit("k", FIVE, NOW + 10)

    assert (first, second) == (LoginAttempts(1, NOW), LoginAttempts(2, NOW + 10))
    assert stores.login_failures.get("k") == LoginAttempts(2, NOW + 10)


def test_the_free_attempts_are_admitted_at_once_and_the_next_waits_from_the_last(stores: Stores) -> None:
    admitted = [stores.login_failures.admit("k", FIVE, NOW + index).count for index in range(5)]

    waited = retry_after(stores, NOW + 10)

    assert admitted == [1, 2, 3, 4, 5]
    assert waited == NOW + 4 + FIRST_DELAY - (NOW + 10)


def test_a_refused_attempt_changes_nothing(stores: Stores) -> None:
    spend(stores, 5)

    retry_after(stores, NOW + 1)
    retry_after(stores, NOW + 2)

    assert stores.login_failures.get("k") == LoginAttempts(5, NOW)


def test_once_the_delay_is_over_one_attempt_is_admitted_and_the_next_waits_twice_as_long(stores: Stores) -> None:
    spend(stores, 5)

    sixth = stores.login_failures.admit("k", FIVE, NOW + FIRST_DELAY)

    assert sixth == LoginAttempts(6, NOW + FIRST_DELAY)
    assert retry_after(stores, NOW + FIRST_DELAY) == 2 * FIRST_DELAY


def test_the_delay_stops_doubling_at_the_allowances_cap(stores: Stores) -> None:
    capped = Allowance(1, first_delay=timedelta(seconds=10), max_delay=timedelta(seconds=25))
    at = NOW
    waits = []
    for _ in range(4):
        stores.login_failures.admit("k", capped, at)
        waits.append(retry_after(stores, at, allowance=capped))
        at += waits[-1]

    assert waits == [10, 20, 25, 25]


@pytest.mark.parametrize("spent", [2, 5], ids=["below the allowance", "past it"])
def test_a_key_quiet_for_the_forgetting_time_starts_afresh(stores: Stores, spent: int) -> None:
    spend(stores, spent)

    assert stores.login_failures.admit("k", FIVE, NOW + FORGET) == LoginAttempts(1, NOW + FORGET)


def test_a_key_not_yet_quiet_long_enough_keeps_its_count(stores: Stores) -> None:
    spend(stores, 2)

    assert stores.login_failures.admit("k", FIVE, NOW + FORGET - 1) == LoginAttempts(3, NOW + FORGET - 1)


def test_a_success_starts_the_count_again_and_makes_the_source_known_for_a_while(stores: Stores) -> None:
    spend(stores, 5)

    stores.login_failures.remember_success("k", NOW + 1)
    following = spend(stores, 5, at=NOW + 2)

    assert [attempts.count for attempts in following] == [1, 2, 3, 4, 5]
    assert following[-1] == LoginAttempts(5, NOW + 2, NOW + 1 + KNOWN_FOR)
    assert following[-1].known_at(NOW + KNOWN_FOR) and not following[-1].known_at(NOW + 1 + KNOWN_FOR)
    assert retry_after(stores, NOW + 2) == FIRST_DELAY


def test_a_known_source_quiet_for_the_forgetting_time_starts_afresh_and_stays_known(stores: Stores) -> None:
    stores.login_failures.remember_success("k", NOW)

    assert stores.login_failures.admit("k", FIVE, NOW + FORGET) == LoginAttempts(1, NOW + FORGET, NOW + KNOWN_FOR)


def test_a_cleared_key_is_forgotten_and_counts_from_one(stores: Stores) -> None:
    spend(stores, 5)

    stores.login_failures.clear("k")
    stores.login_failures.clear("never-written")

    assert stores.login_failures.get("k") is None
    assert stores.login_failures.admit("k", FIVE, NOW) == LoginAttempts(1, NOW)


def test_keys_are_counted_apart(stores: Stores) -> None:
    spend(stores, 5)

    assert stores.login_failures.admit("other", FIVE, NOW) == LoginAttempts(1, NOW)
    assert stores.login_failures.get("nobody") is None


def _burst(stores: Stores, attempts: int, at: int) -> tuple[list[LoginAttempts], list[int]]:
    """`attempts` admissions of one key in parallel threads, released together: (the admitted, each refusal's wait)."""
    start = threading.Barrier(attempts)

    def attempt(_: int) -> LoginAttempts | int:
        start.wait(timeout=30)
        try:
            return stores.login_failures.admit("k", FIVE, at)
        except LoginThrottledError as throttled:
            return throttled.retry_after

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        outcomes = list(pool.map(attempt, range(attempts)))
    admitted = sorted((o for o in outcomes if isinstance(o, LoginAttempts)), key=lambda o: o.count)
    return admitted, [o for o in outcomes if isinstance(o, int)]


def test_a_parallel_burst_gets_no_more_admissions_than_the_free_attempts(stores: Stores) -> None:
    admitted, waits = _burst(stores, 12, NOW)

    assert [attempts.count for attempts in admitted] == [1, 2, 3, 4, 5]
    assert waits == [FIRST_DELAY] * 7
    assert stores.login_failures.get("k") == LoginAttempts(5, NOW)


def test_a_parallel_burst_when_the_delay_is_over_gets_exactly_one_admission(stores: Stores) -> None:
    spend(stores, 5)

    admitted, waits = _burst(stores, 8, NOW + FIRST_DELAY)

    assert admitted == [LoginAttempts(6, NOW + FIRST_DELAY)]
    assert waits == [2 * FIRST_DELAY] * 7
    assert stores.login_failures.get("k") == LoginAttempts(6, NOW + FIRST_DELAY)
