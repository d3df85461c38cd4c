"""Admin login attempts, counted per username in a fixed window before the password is checked; too many lock it.

Counted before the (slow, argon2) check, with a write that refuses once the limit is reached: counted after it, a
burst of parallel guesses all passed the check for "locked" before any was counted (issue 19). A success clears the
count. Counted for any username, existing or not: a lockout that only real users could reach would tell which exist.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from datetime import timedelta

from commerce.errors import ConcurrentUpdateError, DomainError


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)


DEFAULT_POLICY = LockoutPolicy()


@dataclass(frozen=True, slots=True)
class LoginFailures:
    """Attempts in the window that ends at `window_ends`, not yet cleared by a success; a crashed check stays counted.
    Times are epoch seconds (DynamoDB TTL needs numbers)."""

    count: int
    window_ends: int
    locked_until: int | None = None

    def locked_at(self, now: int) -> bool:
        return self.locked_until is not None and now < self.locked_until

    @property
    def expires_at(self) -> int:
        return max(self.window_ends, self.locked_until or 0)

    def refused_for(self, now: int, max_failures: int) -> int:
        """Seconds until the key may try again (0: now). A lock that ended inside its window leaves the window spent."""
        spent_until = self.window_ends if self.count >= max_failures else 0
        return max(0, max(spent_until, self.locked_until or 0) - now)


class LoginLockedError(DomainError):
    def __init__(self, locked_for: int) -> None:
        super().__init__(f"login locked for {locked_for}s")
        self.locked_for = locked_for


def lockout_key(username: str) -> str:
    # Hashed: the store holds no usernames (typos of passwords land in username fields), and any length fits.
    return "admin-login#" + hashlib.sha256(username.strip().casefold().encode()).hexdigest()


class LoginFailureRepository(ABC):
    """The protocol (windows, locking, racing writers) lives here; implementations only store."""

    def __init__(self, policy: LockoutPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy

    def admit(self, key: str, now: int) -> LoginFailures:
        """Count one attempt before its password is checked, or raise LoginLockedError once the limit is reached.
        At most `max_failures` attempts are admitted per window, however many run at once."""
        limit = self.policy.max_failures
        for _ in range(5):
            counted, stored = self._increment_below(key, now, limit)
            if counted is not None:
                return counted
            if stored is not None and (wait := stored.refused_for(now, limit)) > 0:
                raise LoginLockedError(wait)
            if stored is None or stored.window_ends <= now:
                fresh = LoginFailures(1, now + int(self.policy.window.total_seconds()))
                if self._open_window(key, fresh, now):
                    return fresh
            # Another attempt changed the record in between (opened, cleared, reopened it): count ours in the new one.
        raise ConcurrentUpdateError("login attempts", key)

    def record_failure(self, key: str, attempt: LoginFailures, now: int) -> LoginFailures:
        """The admitted `attempt` had the wrong password: the one that spent the window's last attempt locks the key."""
        if attempt.count < self.policy.max_failures:
            return attempt
        until = now + int(self.policy.lock_for.total_seconds())
        locked = replace(attempt, locked_until=until)
        # False: a racing failure set the same lock, or a success cleared the record; either stands.
        return locked if self._lock(key, until, locked.expires_at, now) else attempt

    @abstractmethod
    def get(self, key: str) -> LoginFailures | None: ...

    @abstractmethod
    def clear(self, key: str) -> None: ...

    @abstractmethod
    def _increment_below(self, key: str, now: int, limit: int) -> tuple[LoginFailures | None, LoginFailures | None]:
        """Add one attempt if a window is open at `now` with fewer than `limit` and no lock holds: (the result, None).
        Otherwise change nothing: (None, the record as it stood, None if there is none)."""

    @abstractmethod
    def _open_window(self, key: str, failures: LoginFailures, now: int) -> bool:
        """Start a new window with `failures` unless a window or a lock is open at `now`; False if one was."""

    @abstractmethod
    def _lock(self, key: str, until: int, expires_at: int, now: int) -> bool:
        """Lock until `until` unless a lock holds at `now` or the record is gone (False); it goes at `expires_at`."""
