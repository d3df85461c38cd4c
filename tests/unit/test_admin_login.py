from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from commerce.admin.lockout import LockoutPolicy, LoginLockedError, lockout_key
from commerce.admin.login import AdminLogin, LoginRefusedError
from commerce.admin.passwords import PasswordVerifier
from commerce.admin.tokens import AdminTokens, TokenState
from commerce.repositories.memory_admin import InMemoryLoginFailureRepository
from commerce.secrets import AdminUser

# Cheap parameters: these tests are about the protocol, not argon2's cost.
HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
ALICE = AdminUser("alice", HASHER.hash("correct horse"))


class CountingVerifier(PasswordVerifier):
    def __init__(self) -> None:
        super().__init__(ALICE.password_hash)
        self.hashes_checked: list[str | None] = []

    def verify(self, password_hash: str | None, password: str) -> bool:
        self.hashes_checked.append(password_hash)
        return super().verify(password_hash, password)


class HeldVerifier(CountingVerifier):
    """Holds every check until released, so a burst's attempts are all in flight at once, as on Lambda."""

    def __init__(self, settled: threading.Semaphore) -> None:
        super().__init__()
        self.settled = settled
        self.released = threading.Event()
        self.passwords_tried: list[str] = []

    def verify(self, password_hash: str | None, password: str) -> bool:
        self.passwords_tried.append(password)
        self.settled.release()
        self.released.wait(timeout=30)
        return super().verify(password_hash, password)


class Desk:
    def __init__(self, passwords: CountingVerifier | None = None) -> None:
        self.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        self.failures = InMemoryLoginFailureRepository()
        self.passwords = passwords or CountingVerifier()
        self.tokens = AdminTokens("unit-test-signing-key-0123456789abcdef", lambda: self.now)
        self.login = AdminLogin(
            users=lambda: [ALICE],
            passwords=self.passwords,
            failures=self.failures,
            tokens=lambda: self.tokens,
            clock=lambda: self.now,
        )

    def refused(self, username: str, password: str) -> LoginRefusedError:
        with pytest.raises(LoginRefusedError) as refused:
            self.login.login(username, password)
        return refused.value


@pytest.fixture
def desk() -> Desk:
    return Desk()


def test_the_right_password_gives_a_token_for_that_admin(desk: Desk) -> None:
    logged_in = desk.login.login("alice", "correct horse")
    check = desk.tokens.check(logged_in.token.token)
    assert check.state is TokenState.VALID and check.principal is not None
    assert check.principal.username == "alice"


def test_usernames_match_whatever_their_case_and_surrounding_spaces(desk: Desk) -> None:
    assert desk.login.login("  Alice ", "correct horse").username == "alice"


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(desk: Desk) -> None:
    unknown = desk.refused("bob", "correct horse")
    wrong = desk.refused("alice", "wrong")
    assert (str(unknown), unknown.locked_for) == (str(wrong), wrong.locked_for)


def test_an_unknown_user_costs_a_password_hash_verification_like_a_known_one(desk: Desk) -> None:
    desk.refused("bob", "guess")
    desk.refused("alice", "guess")
    assert desk.passwords.hashes_checked == [None, ALICE.password_hash]


def test_the_stand_in_hash_for_unknown_users_has_the_real_users_cost() -> None:
    verifier = PasswordVerifier(ALICE.password_hash)
    assert not verifier.verify(None, "anything")
    stand_in = verifier._stand_in
    assert stand_in.split("$")[3] == ALICE.password_hash.split("$")[3]  # m=…,t=…,p=…


def test_five_failures_in_the_window_lock_the_username_even_against_the_right_password(desk: Desk) -> None:
    for _ in range(5):
        assert desk.refused("alice", "wrong").locked_for is None
    locked = desk.refused("alice", "correct horse")
    assert locked.locked_for == 15 * 60
    assert len(desk.passwords.hashes_checked) == 5  # a locked username is refused before any hashing


def test_a_burst_of_parallel_guesses_gets_no_more_password_checks_than_the_limit() -> None:
    # Each attempt either is refused before hashing or waits, checked, until the whole burst has arrived.
    settled = threading.Semaphore(0)
    held = HeldVerifier(settled)
    desk = Desk(held)
    guesses = [f"guess-{n}" for n in range(49)]
    guesses.insert(37, "correct horse")

    def attempt(password: str) -> bool:
        try:
            desk.login.login("alice", password)
        except LoginRefusedError as refused:
            if not held.released.is_set():
                settled.release()  # refused before hashing: until the release, no check has finished
            assert str(refused) in {"login locked", "invalid username or password"}
            return False
        return True

    with ThreadPoolExecutor(max_workers=len(guesses)) as pool:
        outcomes = [pool.submit(attempt, guess) for guess in guesses]
        for _ in guesses:
            assert settled.acquire(timeout=30), "an attempt neither hashed nor was refused"
        held.released.set()
        logged_in = sum(outcome.result() for outcome in outcomes)
    assert len(held.hashes_checked) <= 5
    assert logged_in == ("correct horse" in held.passwords_tried)


def test_an_unknown_username_is_locked_the_same_way_so_locks_reveal_nothing(desk: Desk) -> None:
    for _ in range(5):
        desk.refused("bob", "wrong")
    assert desk.refused("bob", "wrong").locked_for == 15 * 60


def test_the_lock_ends_after_fifteen_minutes(desk: Desk) -> None:
    for _ in range(5):
        desk.refused("alice", "wrong")
    desk.now += timedelta(minutes=15)
    assert desk.login.login("alice", "correct horse").username == "alice"


def test_failures_spread_beyond_the_window_do_not_lock(desk: Desk) -> None:
    for _ in range(4):
        desk.refused("alice", "wrong")
    desk.now += timedelta(minutes=16)
    for _ in range(4):
        assert desk.refused("alice", "wrong").locked_for is None
    assert desk.login.login("alice", "correct horse").username == "alice"


def test_a_successful_login_forgets_earlier_failures(desk: Desk) -> None:
    for _ in range(4):
        desk.refused("alice", "wrong")
    desk.login.login("alice", "correct horse")
    for _ in range(4):
        assert desk.refused("alice", "wrong").locked_for is None
    assert desk.failures.get(lockout_key("alice")) is not None


def test_a_lock_that_ends_inside_its_window_leaves_the_window_spent_until_it_ends() -> None:
    failures = InMemoryLoginFailureRepository(
        LockoutPolicy(window=timedelta(minutes=30), lock_for=timedelta(minutes=5))
    )
    key = lockout_key("alice")
    for second in range(5):
        failures.record_failure(key, failures.admit(key, 1000 + second), 1000 + second)
    later = 1000 + 5 * 60 + 10
    with pytest.raises(LoginLockedError) as locked:
        failures.admit(key, later)
    assert locked.value.locked_for == 1000 + 30 * 60 - later
    assert failures.admit(key, 1000 + 30 * 60).count == 1


def test_a_failure_checked_after_a_success_cleared_the_count_locks_nothing() -> None:
    failures = InMemoryLoginFailureRepository()
    key = lockout_key("alice")
    attempts = [failures.admit(key, 1000) for _ in range(5)]
    failures.clear(key)
    assert failures.record_failure(key, attempts[-1], 1000).locked_until is None
    assert failures.get(key) is None


def test_an_overlong_password_never_matches() -> None:
    long_password = "x" * 5000
    user_hash = HASHER.hash(long_password)
    assert not PasswordVerifier().verify(user_hash, long_password)
