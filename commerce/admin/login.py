"""Admin login: the same answer for an unknown user and a wrong password, and a lockout after repeated failures."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass

from commerce.admin.lockout import LoginFailureRepository, LoginLockedError, lockout_key
from commerce.admin.passwords import PasswordVerifier
from commerce.admin.tokens import AdminTokens, IssuedToken
from commerce.clock import Clock
from commerce.errors import DomainError
from commerce.secrets import AdminUser

logger = logging.getLogger(__name__)


class LoginRefusedError(DomainError):
    """`locked_for`: seconds until the username may try again, when it is locked; None for wrong credentials."""

    def __init__(self, locked_for: int | None = None) -> None:
        super().__init__("login locked" if locked_for else "invalid username or password")
        self.locked_for = locked_for


@dataclass(frozen=True, slots=True)
class LoggedIn:
    username: str
    token: IssuedToken


class AdminLogin:
    def __init__(
        self,
        *,
        users: Callable[[], list[AdminUser]],
        passwords: PasswordVerifier,
        failures: LoginFailureRepository,
        tokens: Callable[[], AdminTokens],
        clock: Clock,
    ) -> None:
        self.users = users
        self.passwords = passwords
        self.failures = failures
        self.tokens = tokens
        self.clock = clock

    def login(self, username: str, password: str) -> LoggedIn:
        now = int(self.clock().timestamp())
        key = lockout_key(username)
        try:
            attempt = self.failures.admit(key, now)
        except LoginLockedError as locked:
            raise LoginRefusedError(locked_for=locked.locked_for) from locked
        user = self._find(username)
        if not self.passwords.verify(user.password_hash if user else None, password) or user is None:
            counted = self.failures.record_failure(key, attempt, now)
            logger.warning("admin login failed", extra={"failures": counted.count, "locked": counted.locked_at(now)})
            raise LoginRefusedError()
        self.failures.clear(key)
        logger.info("admin logged in", extra={"admin": user.username})
        return LoggedIn(user.username, self.tokens().issue(user.username))

    def _find(self, username: str) -> AdminUser | None:
        wanted = username.strip().casefold().encode()
        found = None
        for user in self.users():
            # Every name is compared, in constant time: where the match sits in the list must not show in timing.
            if hmac.compare_digest(user.username.casefold().encode(), wanted):
                found = user
        return found
