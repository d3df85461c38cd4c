"""Configuration read from the environment: the same variables on AWS (set by Pulumi) and locally."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta

from commerce.clock import Clock, system_clock
from commerce.hold_limits import HOLDS_PER_CUSTOMER, HOLDS_PER_SOURCE, MAX_CAP
from commerce.hot_stock import AUTO_SPLIT_SHARDS
from commerce.payment_budget import MIN_WRITES_PER_SECOND
from commerce.reservations import HOLD_LIMIT
from commerce.secrets import MAX_AGE, MAX_AGE_VARIABLE, Secrets
from commerce.stock_shards import MAX_SHARDS, MIN_SHARDS

MIN_STRIPE_WRITES_PER_SECOND = MIN_WRITES_PER_SECOND


@dataclass(frozen=True, slots=True)
class TableNames:
    products: str
    warehouses: str
    inventory: str
    orders: str
    order_events: str
    reservations: str
    idempotency: str
    stock_adjustments: str
    analytics: str

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
class StripeSettings:
    """What is not secret about Stripe; the keys are in `Settings.secrets`."""

    publishable_key: str
    api_base: str | None = None  # localstripe's address locally; None means Stripe itself
    js_url: str = "https://js.stripe.com/v3/"


@dataclass(frozen=True, slots=True)
class Settings:
    tables: TableNames
    environment: str
    secrets: Secrets
    stripe: StripeSettings
    event_bus_name: str
    state_machine_arn: str | None = None
    email_from: str = "orders@shop.example"
    unpaid_order_minutes: int = 30
    hold_minutes: int = 10  # how long payOrder holds an order's stock (renewed per attempt, HOLD_LIMIT at most)
    stuck_order_minutes: int = 15
    max_page_size: int = 50
    # Stripe writes a second the whole stack may send (commerce/payment_budget.py); Stripe's live limit is ~100.
    stripe_writes_per_second: int = 80
    holds_per_customer: int = HOLDS_PER_CUSTOMER  # live holds one email may have (commerce/hold_limits.py)
    holds_per_source: int = HOLDS_PER_SOURCE  # ... and one source address (0: no cap per address)
    auto_split_shards: int = AUTO_SPLIT_SHARDS  # shards a contended item splits over (commerce/hot_stock.py); 0: off

    @property
    def is_development(self) -> bool:
        return self.environment in {"development", "test"}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, clock: Clock = system_clock) -> Settings:
        env = os.environ if environ is None else environ

        def required(name: str) -> str:
            value = env.get(name, "")
            if not value:
                raise RuntimeError(f"{name} is not set")
            return value

        return cls(
            tables=TableNames.from_env(env),
            environment=env.get("APP_ENV", "production"),
            secrets=Secrets(
                clock, env, max_age=timedelta(seconds=int(env.get(MAX_AGE_VARIABLE, MAX_AGE.total_seconds())))
            ),
            stripe=StripeSettings(
                publishable_key=env.get("STRIPE_PUBLISHABLE_KEY", ""),
                api_base=env.get("STRIPE_API_BASE") or None,
                js_url=env.get("STRIPE_JS_URL") or "https://js.stripe.com/v3/",
            ),
            event_bus_name=required("EVENT_BUS_NAME"),
            state_machine_arn=env.get("FULFILLMENT_STATE_MACHINE_ARN") or None,
            email_from=env.get("EMAIL_FROM", "orders@shop.example"),
            unpaid_order_minutes=int(env.get("UNPAID_ORDER_MINUTES", "30")),
            hold_minutes=_hold_minutes(env.get("HOLD_MINUTES", "10")),
            stuck_order_minutes=int(env.get("STUCK_ORDER_MINUTES", "15")),
            stripe_writes_per_second=_stripe_writes_per_second(env.get("STRIPE_WRITES_PER_SECOND", "80")),
            holds_per_customer=_cap("HOLDS_PER_CUSTOMER", env.get("HOLDS_PER_CUSTOMER", HOLDS_PER_CUSTOMER), 1),
            holds_per_source=_cap("HOLDS_PER_SOURCE", env.get("HOLDS_PER_SOURCE", HOLDS_PER_SOURCE), 0),
            auto_split_shards=_auto_split_shards(env.get("AUTO_SPLIT_SHARDS", str(AUTO_SPLIT_SHARDS))),
        )


def _hold_minutes(value: str) -> int:
    minutes = int(value)
    if not 0 < minutes <= HOLD_LIMIT.total_seconds() // 60:
        # Past HOLD_LIMIT a renewal could not extend it, and the hold must lapse before the unpaid order expires.
        raise RuntimeError(f"HOLD_MINUTES must be between 1 and {HOLD_LIMIT}; it is {value}")
    return minutes


def _stripe_writes_per_second(value: str) -> int:
    writes = int(value)
    if writes < MIN_STRIPE_WRITES_PER_SECOND:
        # Each tenth of a second gets a tenth of the budget, of which new payments a share and captures the rest:
        # fewer than twenty would leave one of them nothing (commerce/payment_budget.py).
        raise RuntimeError(f"STRIPE_WRITES_PER_SECOND must be at least {MIN_STRIPE_WRITES_PER_SECOND}; it is {value}")
    return writes


def _cap(name: str, value: str | int, minimum: int) -> int:
    return _between(name, value, minimum, MAX_CAP)


def _auto_split_shards(value: str) -> int:
    shards = int(value)
    if shards and not MIN_SHARDS <= shards <= MAX_SHARDS:
        raise RuntimeError(f"AUTO_SPLIT_SHARDS must be 0 (off) or between {MIN_SHARDS} and {MAX_SHARDS}; it is {value}")
    return shards


def _between(name: str, value: str | int, minimum: int, maximum: int) -> int:
    number = int(value)
    if not minimum <= number <= maximum:
        raise RuntimeError(f"{name} must be between {minimum} and {maximum}; it is {value}")
    return number
