"""Configuration read from the environment: the same variables on AWS (set by Pulumi) and locally."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class TableNames:
    products: str
    warehouses: str
    inventory: str
    orders: str
    order_events: str
    reservations: str
    idempotency: str

    @staticmethod
    def env_var(logical_name: str) -> str:
        """The environment variable that carries a table's physical name, e.g. ORDERS_TABLE."""
        return f"{logical_name.upper()}_TABLE"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TableNames:
        env = os.environ if environ is None else environ
        missing = [cls.env_var(f.name) for f in fields(cls) if cls.env_var(f.name) not in env]
        if missing:
            raise RuntimeError(f"missing table configuration: {', '.join(missing)}")
        return cls(**{f.name: env[cls.env_var(f.name)] for f in fields(cls)})


@dataclass(frozen=True, slots=True)
class Settings:
    tables: TableNames
    environment: str
    order_token_key: str
    max_page_size: int = 50

    @property
    def is_development(self) -> bool:
        return self.environment in {"development", "test"}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        environment = env.get("APP_ENV", "production")
        token_key = env.get("ORDER_TOKEN_KEY", "")
        if not token_key:
            raise RuntimeError("ORDER_TOKEN_KEY is not set")
        return cls(tables=TableNames.from_env(env), environment=environment, order_token_key=token_key)
