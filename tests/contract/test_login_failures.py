"""LoginFailureRepository: attempts counted before the check, at most the limit per window, locks that hold."""

from __future__ import annotations

import pytest

from commerce.admin.lockout import DEFAULT_POLICY, LoginFailures, LoginLockedError
from tests.contract.conftest import Stores

TABLES = {"idempotency"}
NOW = 1_800_000_000
LIMIT = DEFAULT_POLICY.max_failures
WINDOW = int(DEFAULT_POLICY.window.total_seconds())
LOCK = int(DEFAULT_POLICY.lock_for.total_seconds())


def test_the_first_attempt_opens_a_window_and_later_ones_count_in_it(stores: Stores) -> None:
    first = stores.login_failures.admit("k", NOW)
    second = stores.login_failures.admit("k", NOW + 10)

    assert (first, second) == (LoginFailures(1, NOW + WINDOW), LoginFailures(2, NOW + WINDOW))
    assert stores.login_failures.get("k") == LoginFailures(2, NOW + WINDOW)


def test_attempts_are_admitted_up_to_the_limit_and_the_next_is_refused_until_the_window_ends(stores: Stores) -> None:
    admitted = [stores.login_failures.admit("k", NOW + index).count for index in range(LIMIT)]

    with pytest.raises(LoginLockedError) as refused:
        stores.login_failures.admit("k", NOW + 100)

    assert admitted == list(range(1, LIMIT + 1))
    assert refused.value.locked_for == WINDOW - 100
    assert stores.login_failures.get("k") == LoginFailures(LIMIT, NOW + WINDOW)


def test_a_window_that_ended_starts_over(stores: Stores) -> None:
    for _ in range(LIMIT):
        stores.login_failures.admit("k", NOW)

    fresh = stores.login_failures.admit("k", NOW + WINDOW)

    assert fresh == LoginFailures(1, NOW + 2 * WINDOW)


def test_the_failure_that_spends_the_last_attempt_locks_the_key(stores: Stores) -> None:
    attempts = [stores.login_failures.admit("k", NOW) for _ in range(LIMIT)]
    early = stores.login_failures.record_failure("k", attempts[0], NOW)

    locked = stores.login_failures.record_failure("k", attempts[-1], NOW + 1)

    assert early == attempts[0]
    assert locked == LoginFailures(LIMIT, NOW + WINDOW, NOW + 1 + LOCK)
    assert stores.login_failures.get("k") == locked
    with pytest.raises(LoginLockedError):
        stores.login_failures.admit("k", NOW + WINDOW)  # the window is over, the lock is not


def test_a_second_lock_while_one_holds_leaves_the_first(stores: Stores) -> None:
    attempts = [stores.login_failures.admit("k", NOW) for _ in range(LIMIT)]
    first = stores.login_failures.record_failure("k", attempts[-1], NOW)

    again = stores.login_failures.record_failure("k", attempts[-1], NOW + 5)

    assert again == attempts[-1]
    assert stores.login_failures.get("k") == first


def test_a_failure_after_a_success_cleared_the_key_does_not_lock_it(stores: Stores) -> None:
    attempts = [stores.login_failures.admit("k", NOW) for _ in range(LIMIT)]
    stores.login_failures.clear("k")

    assert stores.login_failures.record_failure("k", attempts[-1], NOW) == attempts[-1]
    assert stores.login_failures.get("k") is None
    assert stores.login_failures.admit("k", NOW) == LoginFailures(1, NOW + WINDOW)


def test_keys_are_counted_apart(stores: Stores) -> None:
    for _ in range(LIMIT):
        stores.login_failures.admit("k", NOW)

    assert stores.login_failures.admit("other", NOW) == LoginFailures(1, NOW + WINDOW)
    assert stores.login_failures.get("nobody") is None
