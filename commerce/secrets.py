"""Secrets, read on first use from AWS Secrets Manager (locally: moto's), or from the environment in unit setups.

Each secret is a JSON document named by an environment variable holding its id, so a function's IAM policy can
grant exactly the secrets it reads. A value is cached for `MAX_AGE` by the clock the secrets are given, then fetched
again: a rotated secret reaches warm containers without a redeploy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from commerce.clock import Clock

MAX_AGE = timedelta(minutes=5)

# Secret group → (environment variable with the secret's id, {field: fallback environment variable}).
STRIPE = "STRIPE_SECRET_ID"
APP_KEYS = "APP_KEYS_SECRET_ID"
ADMIN_USERS = "ADMIN_USERS_SECRET_ID"
EDGE = "EDGE_SECRET_ID"

_FALLBACKS: dict[str, dict[str, str]] = {
    STRIPE: {
        "secret_key": "STRIPE_SECRET_KEY",
        "webhook_secret": "STRIPE_WEBHOOK_SECRET",
        "webhook_secret_previous": "STRIPE_WEBHOOK_SECRET_PREVIOUS",
    },
    APP_KEYS: {
        "order_token_key": "ORDER_TOKEN_KEY",
        "jwt_signing_key": "JWT_SIGNING_KEY",
        "jwt_signing_key_previous": "JWT_SIGNING_KEY_PREVIOUS",
    },
    ADMIN_USERS: {},
    EDGE: {"origin_secret": "ORIGIN_SECRET", "origin_secret_previous": "ORIGIN_SECRET_PREVIOUS"},
}
# How long a function keeps a secret before reading it again: the longest a rotation takes to reach warm functions.
MAX_AGE_VARIABLE = "SECRETS_MAX_AGE_SECONDS"


class MissingSecretError(RuntimeError):
    def __init__(self, group: str, field: str) -> None:
        super().__init__(f"secret {field!r} is not configured: set {group} (or {_FALLBACKS[group].get(field, '-')})")
        self.group = group
        self.field = field


KeySource = Callable[[], str]
KeysSource = Callable[[], Sequence[str]]  # the current key first, then any still accepted during a rotation


def key_source(key: str | KeySource) -> KeySource:
    """What a key's user calls at every use: the services hand in a read of `Secrets`, tests and tools a value."""
    if isinstance(key, str):
        return lambda: key
    return key


def keys_source(keys: str | KeysSource) -> KeysSource:
    if isinstance(keys, str):
        return lambda: (keys,)
    return keys


@dataclass(frozen=True)
class AdminUser:
    username: str
    password_hash: str  # argon2id


def fetch_json_secret(secret_id: str) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.parameters import get_secret

    # Always a fresh read: how long a value is kept is judged by `Secrets` with its own clock, not Powertools'.
    value: dict[str, Any] = get_secret(secret_id, transform="json", force_fetch=True)
    return value


@dataclass(frozen=True, slots=True)
class _Fetched:
    value: dict[str, Any]
    at: datetime


class Secrets:
    def __init__(
        self,
        clock: Clock,
        environ: Mapping[str, str] | None = None,
        fetch: Callable[[str], dict[str, Any]] = fetch_json_secret,
        max_age: timedelta = MAX_AGE,
    ) -> None:
        self._env = dict(os.environ if environ is None else environ)
        self._fetch = fetch
        self._clock = clock
        self._max_age = max_age
        self._groups: dict[str, _Fetched] = {}

    @property
    def stripe_secret_key(self) -> str:
        return self._field(STRIPE, "secret_key")

    @property
    def stripe_webhook_secrets(self) -> tuple[str, ...]:
        """The endpoint's signing secret, then the previous one while a rotation hands over.

        See docs/operate.md, "Rotating secrets"."""
        return self._current_and_previous(STRIPE, "webhook_secret")

    @property
    def order_token_key(self) -> str:
        return self._field(APP_KEYS, "order_token_key")

    @property
    def jwt_signing_keys(self) -> tuple[str, ...]:
        """The key new admin tokens are signed with, then the previous one while a rotation hands over."""
        return self._current_and_previous(APP_KEYS, "jwt_signing_key")

    @property
    def origin_secrets(self) -> tuple[str, ...] | None:
        """What CloudFront adds to every request it forwards (then the previous value while a rotation hands over);
        None where no CloudFront is in front (the local server, unit setups): the function is not told of the edge
        secret at all. Told of it but without a value, the check fails closed (MissingSecretError)."""
        if not self._env.get(EDGE) and _FALLBACKS[EDGE]["origin_secret"] not in self._env:
            return None
        return self._current_and_previous(EDGE, "origin_secret")

    @property
    def admin_users(self) -> list[AdminUser]:
        users = self._group(ADMIN_USERS).get("users", [])
        return [AdminUser(str(user["username"]), str(user["password_hash"])) for user in users]

    def _group(self, group: str) -> dict[str, Any]:
        now = self._clock()
        fetched = self._groups.get(group)
        if fetched is None or not timedelta(0) <= now - fetched.at < self._max_age:
            fetched = self._groups[group] = _Fetched(self._load(group), now)
        return fetched.value

    def _load(self, group: str) -> dict[str, Any]:
        secret_id = self._env.get(group)
        if secret_id:
            return self._fetch(secret_id)
        return {field: self._env[variable] for field, variable in _FALLBACKS[group].items() if variable in self._env}

    def _current_and_previous(self, group: str, field: str) -> tuple[str, ...]:
        current, previous = self._field(group, field), self._group(group).get(f"{field}_previous")
        return (current, str(previous)) if previous and previous != current else (current,)

    def _field(self, group: str, field: str) -> str:
        value = self._group(group).get(field)
        if not value:
            raise MissingSecretError(group, field)
        return str(value)
