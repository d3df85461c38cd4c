"""Secrets, read on first use from AWS Secrets Manager (locally: moto's), or from the environment in unit setups.

Each secret is a JSON document named by an environment variable holding its id, so a function's IAM policy can
grant exactly the secrets it reads. A value is fetched once per container and cached (Powertools parameters).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# Secret group → (environment variable with the secret's id, {field: fallback environment variable}).
STRIPE = "STRIPE_SECRET_ID"
APP_KEYS = "APP_KEYS_SECRET_ID"
ADMIN_USERS = "ADMIN_USERS_SECRET_ID"

_FALLBACKS: dict[str, dict[str, str]] = {
    STRIPE: {"secret_key": "STRIPE_SECRET_KEY", "webhook_secret": "STRIPE_WEBHOOK_SECRET"},
    APP_KEYS: {"order_token_key": "ORDER_TOKEN_KEY", "jwt_signing_key": "JWT_SIGNING_KEY"},
    ADMIN_USERS: {},
}


class MissingSecretError(RuntimeError):
    def __init__(self, group: str, field: str) -> None:
        super().__init__(f"secret {field!r} is not configured: set {group} (or {_FALLBACKS[group].get(field, '-')})")
        self.group = group
        self.field = field


@dataclass(frozen=True)
class AdminUser:
    username: str
    password_hash: str  # argon2id


def fetch_json_secret(secret_id: str) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.parameters import get_secret

    # Cached for five minutes: a rotated secret reaches warm containers without a redeploy.
    value: dict[str, Any] = get_secret(secret_id, transform="json", max_age=300)
    return value


class Secrets:
    def __init__(
        self, environ: Mapping[str, str] | None = None, fetch: Callable[[str], dict[str, Any]] = fetch_json_secret
    ) -> None:
        self._env = dict(os.environ if environ is None else environ)
        self._fetch = fetch

    @property
    def stripe_secret_key(self) -> str:
        return self._field(STRIPE, "secret_key")

    @property
    def stripe_webhook_secret(self) -> str:
        return self._field(STRIPE, "webhook_secret")

    @property
    def order_token_key(self) -> str:
        return self._field(APP_KEYS, "order_token_key")

    @property
    def jwt_signing_key(self) -> str:
        return self._field(APP_KEYS, "jwt_signing_key")

    @property
    def admin_users(self) -> list[AdminUser]:
        users = self._group(ADMIN_USERS).get("users", [])
        return [AdminUser(str(user["username"]), str(user["password_hash"])) for user in users]

    @cached_property
    def _groups(self) -> dict[str, dict[str, Any]]:
        return {}

    def _group(self, group: str) -> dict[str, Any]:
        if group not in self._groups:
            secret_id = self._env.get(group)
            if secret_id:
                self._groups[group] = self._fetch(secret_id)
            else:
                self._groups[group] = {
                    field: self._env[variable] for field, variable in _FALLBACKS[group].items() if variable in self._env
                }
        return self._groups[group]

    def _field(self, group: str, field: str) -> str:
        value = self._group(group).get(field)
        if not value:
            raise MissingSecretError(group, field)
        return str(value)
