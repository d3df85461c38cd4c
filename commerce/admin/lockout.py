"""Admin login attempts, counted before the password is checked, under three keys, with a delay that doubles.

Why this shape (issue 19): a hard lock per username let anyone who knew the admin's name keep the admin out, and a
lock checked before the (slow, argon2) verification but counted after it let a burst of parallel guesses through.

- Every attempt is counted *before* its password is checked, by a conditional write that refuses once the key's
  allowance is spent: however many attempts run at once, no more than the allowance gets a check (no read-then-write).
- Three keys, each with its own allowance (LoginPolicy): the username from this source address (the tight one), the
  source address whatever the username (one place spraying many names), and the username from anywhere (a
  distributed guesser). A stranger elsewhere spends only their own source's allowance against the name; a source
  where the name logged in recently is "known" for that name and skips the username-wide key, so a distributed
  attack that spends it slows strangers only, never the admin at a desk it has used.
- Past an allowance's free attempts, the next attempt is admitted only after a delay that doubles with each attempt,
  up to a cap: never a lock that outlives the cap. A success clears its source's counts; quiet keys are forgotten.
- Counted for any username, existing or not: a throttle only real users could reach would tell which exist.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from datetime import timedelta

from commerce.errors import DomainError


@dataclass(frozen=True, slots=True)
class Allowance:
    free_attempts: int
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(minutes=15)

    def wait_after(self, attempts: int) -> int:
        """Seconds from the last of `attempts` attempts until the next may start."""
        if attempts < self.free_attempts:
            return 0
        doublings = min(attempts - self.free_attempts, 32)  # past the cap anyway; keeps the power small
        return int(min(self.first_delay.total_seconds() * 2**doublings, self.max_delay.total_seconds()))


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    # From one source against one name: 5 at once, then 30 s, 1, 2, 4, 8 min, then one per 15 min (~100 a day).
    per_name_and_source: Allowance = field(default_factory=lambda: Allowance(5))
    # From one source against any names: 20 at once, then the same doubling.
    per_source: Allowance = field(default_factory=lambda: Allowance(20))
    # Against one name from sources it has not logged in from: 50 at once, then the same doubling.
    per_name: Allowance = field(default_factory=lambda: Allowance(50))
    # A key with no attempt for this long starts afresh.
    forget_after: timedelta = timedelta(days=1)
    # After a success, the source skips the username-wide key for this long.
    known_source_for: timedelta = timedelta(days=30)


DEFAULT_POLICY = LoginPolicy()


@dataclass(frozen=True, slots=True)
class LoginAttempts:
    """Attempts under one key since its last success (or since it was forgotten); times are epoch seconds."""

    count: int
    last_at: int
    known_until: int = 0  # the name's source key only: until when a success there vouches for the source

    def known_at(self, now: int) -> bool:
        return now < self.known_until


class LoginThrottledError(DomainError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many login attempts: try again in {retry_after}s")
        self.retry_after = retry_after


def _hashed(*parts: str) -> str:
    # Hashed: the store holds no usernames (passwords typed into the username field land here) nor addresses.
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _name(username: str) -> str:
    return username.strip().casefold()


def name_and_source_key(username: str, source: str) -> str:
    return "admin-login#" + _hashed(_name(username), source)


def source_key(source: str) -> str:
    return "admin-login-source#" + _hashed(source)


def name_key(username: str) -> str:
    return "admin-login-name#" + _hashed(_name(username))


class LoginFailureRepository(ABC):
    """Login attempts (most of those it counts fail). The protocol (allowances, delays, racing writers) lives here;
    implementations only store, conditionally."""

    def __init__(self, policy: LoginPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy

    def admit(self, key: str, allowance: Allowance, now: int) -> LoginAttempts:
        """Count one attempt, or raise LoginThrottledError with the seconds until the key admits one again."""
        stale_before = now - int(self.policy.forget_after.total_seconds())
        for _ in range(allowance.free_attempts + 3):
            counted, stored = self._add_if_below(key, allowance.free_attempts, now, stale_before, self._expiry(now))
            if counted is not None:
                return counted
            if stored is None:
                fresh = LoginAttempts(1, now)
                if self._create(key, fresh, self._expiry(now, fresh)):
                    return fresh
                continue
            if stored.last_at > stale_before:
                wait = stored.last_at + allowance.wait_after(stored.count) - now
                if wait > 0:
                    raise LoginThrottledError(wait)
            count = stored.count + 1 if stored.last_at > stale_before else 1
            following = replace(stored, count=count, last_at=now)
            # Conditional on the record as read: of a burst that found the delay over, exactly one is admitted.
            if self._replace(key, stored, following, self._expiry(now, following)):
                return following
        # Each lost race was another attempt's admission: by now the key is at its free limit or delayed.
        raise LoginThrottledError(1)

    def remember_success(self, key: str, now: int) -> None:
        """The name logged in from this source: its count starts again and the source is known for a while."""
        known = LoginAttempts(0, now, now + int(self.policy.known_source_for.total_seconds()))
        self._put(key, known, self._expiry(now, known))

    def _expiry(self, now: int, attempts: LoginAttempts | None = None) -> int:
        return max(now + int(self.policy.forget_after.total_seconds()), attempts.known_until if attempts else 0)

    @abstractmethod
    def get(self, key: str) -> LoginAttempts | None: ...

    @abstractmethod
    def clear(self, key: str) -> None: ...

    @abstractmethod
    def _add_if_below(
        self, key: str, limit: int, now: int, stale_before: int, expires_at: int
    ) -> tuple[LoginAttempts | None, LoginAttempts | None]:
        """Add one attempt at `now` if the record exists, holds fewer than `limit` and its last attempt is after
        `stale_before`: (the result, None). Otherwise change nothing: (None, the record as it stood, or None)."""

    @abstractmethod
    def _create(self, key: str, attempts: LoginAttempts, expires_at: int) -> bool:
        """Store `attempts` unless a record exists (False)."""

    @abstractmethod
    def _replace(self, key: str, expected: LoginAttempts, attempts: LoginAttempts, expires_at: int) -> bool:
        """Store `attempts` if the record is still exactly `expected` (False otherwise)."""

    @abstractmethod
    def _put(self, key: str, attempts: LoginAttempts, expires_at: int) -> None: ...
