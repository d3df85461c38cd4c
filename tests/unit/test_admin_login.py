from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from commerce.admin.lockout import LockoutPolicy, lockout_key
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


class Desk:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        self.failures = InMemoryLoginFailureRepository()
        self.passwords = CountingVerifier()
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


def test_failing_again_after_a_lock_ended_within_the_window_locks_again() -> None:
    failures = InMemoryLoginFailureRepository(
        LockoutPolicy(window=timedelta(minutes=30), lock_for=timedelta(minutes=5))
    )
    key = lockout_key("alice")
    for second in range(5):
        failures.record_failure(key, 1000 + second)
    assert failures.record_failure(key, 1000 + 5 * 60 + 10).locked_at(1000 + 5 * 60 + 10)


def test_an_overlong_password_never_matches() -> None:
    long_password = "x" * 5000
    user_hash = HASHER.hash(long_password)
    assert not PasswordVerifier().verify(user_hash, long_password)
