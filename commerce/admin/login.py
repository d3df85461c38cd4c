"""Admin login: the same answer for an unknown user and a wrong password, and attempts throttled per source.

The throttle's rules are in commerce/admin/lockout.py. `source` is the caller's address as the edge saw it
(graphql_api/context.py says where it comes from and why it can be trusted).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass

from commerce.admin.lockout import (
    LoginFailureRepository,
    LoginThrottledError,
    name_and_source_key,
    name_key,
    source_key,
)
from commerce.admin.passwords import PasswordVerifier
from commerce.admin.tokens import AdminTokens, IssuedToken
from commerce.clock import Clock
from commerce.errors import DomainError
from commerce.secrets import AdminUser

logger = logging.getLogger(__name__)

UNKNOWN_SOURCE = "unknown"


class LoginRefusedError(DomainError):
    """`retry_after`: seconds until this source may try again, when it is throttled; None for wrong credentials."""

    def __init__(self, retry_after: int | None = None) -> None:
        super().__init__("too many login attempts" if retry_after else "invalid username or password")
        self.retry_after = retry_after


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
        self.attempts = failures
        self.tokens = tokens
        self.clock = clock

    def login(self, username: str, password: str, source: str | None = None) -> LoggedIn:
        now = int(self.clock().timestamp())
        source = source or UNKNOWN_SOURCE
        policy = self.attempts.policy
        pair = name_and_source_key(username, source)
        try:
            # Narrowest first: an attempt its own source may not make spends nothing of the wider allowances.
            counted = self.attempts.admit(pair, policy.per_name_and_source, now)
            self.attempts.admit(source_key(source), policy.per_source, now)
            if not counted.known_at(now):
                self.attempts.admit(name_key(username), policy.per_name, now)
        except LoginThrottledError as throttled:
            logger.warning("admin login throttled", extra={"retry_after": throttled.retry_after})
            raise LoginRefusedError(retry_after=throttled.retry_after) from throttled
        user = self._find(username)
        if not self.passwords.verify(user.password_hash if user else None, password) or user is None:
            logger.warning("admin login failed", extra={"attempts": counted.count})
            raise LoginRefusedError()
        self.attempts.remember_success(pair, now)
        self.attempts.clear(source_key(source))
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
