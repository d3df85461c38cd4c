from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from commerce.admin.lockout import Allowance, LoginPolicy, LoginThrottledError, name_and_source_key, name_key
from commerce.admin.login import AdminLogin, LoginRefusedError
from commerce.admin.passwords import PasswordVerifier
from commerce.admin.tokens import AdminTokens, TokenState
from commerce.repositories.memory_admin import InMemoryLoginFailureRepository
from commerce.secrets import AdminUser

# Cheap parameters: these tests are about the protocol, not argon2's cost.
HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
ALICE = AdminUser("alice", HASHER.hash("correct horse"))
HOME, STRANGER = "198.51.100.7", "203.0.113.66"


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

    def refused(self, username: str, password: str, source: str = HOME) -> LoginRefusedError:
        with pytest.raises(LoginRefusedError) as refused:
            self.login.login(username, password, source)
        return refused.value

    def wrong(self, times: int, username: str = "alice", source: str = STRANGER) -> list[int | None]:
        """Each wrong attempt's retry_after (None: it was checked and refused as wrong)."""
        return [self.refused(username, "wrong", source).retry_after for _ in range(times)]

    def later(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


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
    assert (str(unknown), unknown.retry_after) == (str(wrong), wrong.retry_after)


def test_an_unknown_user_costs_a_password_hash_verification_like_a_known_one(desk: Desk) -> None:
    desk.refused("bob", "guess")
    desk.refused("alice", "guess")
    assert desk.passwords.hashes_checked == [None, ALICE.password_hash]


def test_the_stand_in_hash_for_unknown_users_has_the_real_users_cost() -> None:
    verifier = PasswordVerifier(ALICE.password_hash)
    assert not verifier.verify(None, "anything")
    stand_in = verifier._stand_in
    assert stand_in.split("$")[3] == ALICE.password_hash.split("$")[3]  # m=…,t=…,p=…


def test_five_wrong_attempts_from_one_source_make_its_next_attempt_wait_thirty_seconds(desk: Desk) -> None:
    assert desk.wrong(5) == [None] * 5
    assert desk.refused("alice", "correct horse", STRANGER).retry_after == 30
    assert len(desk.passwords.hashes_checked) == 5  # a throttled attempt is refused before any hashing
    desk.later(30)
    assert desk.login.login("alice", "correct horse", STRANGER).username == "alice"


def test_each_attempt_past_the_free_ones_doubles_the_wait_up_to_fifteen_minutes(desk: Desk) -> None:
    desk.wrong(5)
    waits = []
    for _ in range(8):
        wait = desk.refused("alice", "wrong", STRANGER).retry_after
        assert wait is not None
        waits.append(wait)
        desk.later(wait)
        assert desk.refused("alice", "wrong", STRANGER).retry_after is None  # admitted, checked, wrong
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]


def test_a_strangers_guesses_from_elsewhere_never_delay_the_admin(desk: Desk) -> None:
    for _ in range(12):
        desk.wrong(1)
        desk.later(desk.refused("alice", "wrong", STRANGER).retry_after or 0)
    assert desk.login.login("alice", "correct horse", HOME).username == "alice"


def test_a_burst_of_parallel_guesses_gets_no_more_password_checks_than_the_free_attempts() -> None:
    # Each attempt either is refused before hashing or waits, checked, until the whole burst has arrived.
    settled = threading.Semaphore(0)
    held = HeldVerifier(settled)
    desk = Desk(held)
    guesses = [f"guess-{n}" for n in range(49)]
    guesses.insert(37, "correct horse")

    def attempt(password: str) -> bool:
        try:
            desk.login.login("alice", password, STRANGER)
        except LoginRefusedError as refused:
            if not held.released.is_set():
                settled.release()  # refused before hashing: until the release, no check has finished
            assert str(refused) in {"too many login attempts", "invalid username or password"}
            return False
        return True

    with ThreadPoolExecutor(max_workers=len(guesses)) as pool:
        outcomes = [pool.submit(attempt, guess) for guess in guesses]
        for _ in guesses:
            assert settled.acquire(timeout=30), "an attempt neither hashed nor was refused"
        held.released.set()
        logged_in = sum(outcome.result() for outcome in outcomes)
    assert len(held.hashes_checked) == 5
    assert logged_in == ("correct horse" in held.passwords_tried)


def test_when_the_wait_is_over_a_parallel_burst_gets_exactly_one_more_check(desk: Desk) -> None:
    desk.wrong(5)
    desk.later(30)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: desk.refused("alice", "wrong", STRANGER).retry_after, range(20)))
    assert answers.count(None) == 1 and len(desk.passwords.hashes_checked) == 6
    assert set(answers) - {None} == {60}


def test_guesses_from_many_sources_slow_the_name_but_not_at_a_desk_the_admin_logged_in_from(desk: Desk) -> None:
    desk.login.login("alice", "correct horse", HOME)
    for n in range(10):
        desk.wrong(5, source=f"192.0.2.{n}")
    assert desk.refused("alice", "wrong", "192.0.2.200").retry_after == 30  # the name's 50 are spent
    assert desk.login.login("alice", "correct horse", HOME).username == "alice"


def test_one_source_trying_many_names_waits_after_twenty(desk: Desk) -> None:
    answers = [desk.refused(f"user-{n}", "guess", STRANGER).retry_after for n in range(21)]
    assert answers == [None] * 20 + [30]


def test_a_success_clears_its_sources_count(desk: Desk) -> None:
    desk.wrong(4, source=HOME)
    desk.login.login("alice", "correct horse", HOME)
    assert desk.wrong(5, source=HOME) == [None] * 5
    stored = desk.failures.get(name_and_source_key("alice", HOME))
    assert stored is not None and stored.count == 5


def test_an_unknown_username_is_throttled_the_same_way_so_throttling_reveals_nothing(desk: Desk) -> None:
    assert desk.wrong(6, username="bob") == [None] * 5 + [30]


def test_a_source_quiet_for_a_day_starts_afresh(desk: Desk) -> None:
    desk.wrong(5)
    desk.later(24 * 3600)
    assert desk.wrong(5) == [None] * 5


def test_the_names_count_ignores_case_and_surrounding_spaces(desk: Desk) -> None:
    desk.wrong(5, username="Alice ")
    assert desk.refused(" ALICE", "wrong", STRANGER).retry_after == 30
    assert desk.failures.get(name_key("alice")) is not None


def test_an_allowance_waits_nothing_before_its_free_attempts_are_spent() -> None:
    allowance = Allowance(3, timedelta(seconds=10), timedelta(seconds=50))
    assert [allowance.wait_after(n) for n in range(7)] == [0, 0, 0, 10, 20, 40, 50]


def test_a_refusal_says_how_long_to_wait_from_the_last_admitted_attempt() -> None:
    failures = InMemoryLoginFailureRepository(LoginPolicy(per_name_and_source=Allowance(1)))
    allowance = failures.policy.per_name_and_source
    failures.admit("k", allowance, 1000)
    with pytest.raises(LoginThrottledError) as throttled:
        failures.admit("k", allowance, 1010)
    assert throttled.value.retry_after == 20
    assert failures.admit("k", allowance, 1030).count == 2


def test_an_overlong_password_never_matches() -> None:
    long_password = "x" * 5000
    user_hash = HASHER.hash(long_password)
    assert not PasswordVerifier().verify(user_hash, long_password)
