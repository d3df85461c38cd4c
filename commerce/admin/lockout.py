"""Failed admin logins, counted per username in a fixed window; too many lock the username for a while.

Counted for any username, existing or not: a lockout that only real users could reach would tell which exist.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import timedelta

from commerce.errors import ConcurrentUpdateError


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)


DEFAULT_POLICY = LockoutPolicy()


@dataclass(frozen=True, slots=True)
class LoginFailures:
    """Failures in the window that ends at `window_ends`; times are epoch seconds (DynamoDB TTL needs numbers)."""

    count: int
    window_ends: int
    locked_until: int | None = None

    def locked_at(self, now: int) -> bool:
        return self.locked_until is not None and now < self.locked_until

    @property
    def expires_at(self) -> int:
        return max(self.window_ends, self.locked_until or 0)


def lockout_key(username: str) -> str:
    # Hashed: the store holds no usernames (typos of passwords land in username fields), and any length fits.
    return "admin-login#" + hashlib.sha256(username.strip().casefold().encode()).hexdigest()


class LoginFailureRepository(ABC):
    """The protocol (windows, locking, racing writers) lives here; implementations only store."""

    def __init__(self, policy: LockoutPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy

    def record_failure(self, key: str, now: int) -> LoginFailures:
        """Count one failure; the count that reaches the limit locks the key. Atomic per write, never lost."""
        for _ in range(5):
            counted = self._increment_open_window(key, now)
            if counted is None:
                fresh = LoginFailures(1, now + int(self.policy.window.total_seconds()))
                if not self._open_window(key, fresh, now):
                    continue  # another failure opened it first: count ours in theirs
                counted = fresh
            if counted.count >= self.policy.max_failures and not counted.locked_at(now):
                until = now + int(self.policy.lock_for.total_seconds())
                locked = LoginFailures(counted.count, counted.window_ends, until)
                # A lock already set by a racing failure stands (False): it is the same lock.
                if self._lock(key, until, locked.expires_at, now):
                    counted = locked
            return counted
        raise ConcurrentUpdateError("login failures", key)

    @abstractmethod
    def get(self, key: str) -> LoginFailures | None: ...

    @abstractmethod
    def clear(self, key: str) -> None: ...

    @abstractmethod
    def _increment_open_window(self, key: str, now: int) -> LoginFailures | None:
        """Add one failure if a window is open at `now` and return the result; None (no change) otherwise."""

    @abstractmethod
    def _open_window(self, key: str, failures: LoginFailures, now: int) -> bool:
        """Start a new window with `failures` unless a window is open at `now`; False if one was."""

    @abstractmethod
    def _lock(self, key: str, until: int, expires_at: int, now: int) -> bool:
        """Lock until `until` unless a lock holds at `now`; False if one did. The record may go at `expires_at`."""
