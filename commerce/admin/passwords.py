"""Checking an admin's password against its argon2id hash, in about the same time whether the user exists or not."""

from __future__ import annotations

import contextlib
import logging
import secrets
from functools import cached_property

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

logger = logging.getLogger(__name__)

# argon2 takes any length, but hashing megabytes on request is a denial of service waiting to happen.
MAX_PASSWORD_LENGTH = 1024


class PasswordVerifier:
    def __init__(self, reference_hash: str | None = None) -> None:
        """`reference_hash`: a real user's hash, whose cost parameters the stand-in for unknown users copies."""
        self._reference_hash = reference_hash

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Does `password` match? With no hash (unknown user) the work is done against a stand-in all the same,
        so that the answer's timing does not tell which usernames exist."""
        candidate = password[:MAX_PASSWORD_LENGTH]
        try:
            matched = self._hasher.verify(password_hash or self._stand_in, candidate)
        except VerificationError:
            return False
        except InvalidHashError:
            logger.error("an admin password hash in the admin-users secret is not an argon2 hash")
            return False
        return matched and password_hash is not None and len(password) <= MAX_PASSWORD_LENGTH

    @cached_property
    def _hasher(self) -> PasswordHasher:
        return PasswordHasher()

    @cached_property
    def _stand_in(self) -> str:
        hasher = self._hasher
        if self._reference_hash:
            with contextlib.suppress(InvalidHashError):  # verify() reports a bad reference hash when it is used
                hasher = PasswordHasher.from_parameters(extract_parameters(self._reference_hash))
        return hasher.hash(secrets.token_urlsafe(24))
