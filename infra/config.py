"""The stack's configuration: `pulumi config` values, typed, validated and defaulted in one place.

Secrets stay Pulumi secrets (`Output`s) from the config file to Secrets Manager; they never appear in plain text
in the state or in a function's environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from commerce.hold_limits import HOLDS_PER_CUSTOMER, HOLDS_PER_SOURCE, MAX_CAP
from commerce.hot_stock import AUTO_SPLIT_SHARDS
from commerce.reservations import HOLD_LIMIT
from commerce.settings import MIN_STRIPE_WRITES_PER_SECOND
from commerce.stock_shards import MAX_SHARDS, MIN_SHARDS

ROOT = Path(__file__).resolve().parents[1]

# The retention periods CloudWatch Logs accepts (PutRetentionPolicy).
LOG_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)
MIN_KEY_LENGTH = 32  # HMAC and JWT keys: at least 256 bits of `openssl rand -hex 32`
_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s]+)$")


@dataclass(frozen=True)
class ApiLimits:
    """Throttling of the HTTP API's default stage (requests per second and burst), and the p99 latency alarm."""

    rate: float = 100.0
    burst: int = 200
    p99_latency_ms: int = 3000
    # Per client (IP address) at the edge, requests to /graphql per five minutes: WAF on CloudFront (web.py).
    requests_per_client: int = 1000


@dataclass(frozen=True)
class StackConfig:
    prefix: str  # "<project>-<stack>": every physical name starts with it
    email_from: str  # the sender of customer mail; its SES identity is the only one functions may send as
    stripe_publishable_key: str
    secret_values: Mapping[str, Mapping[str, pulumi.Input[Any]]]  # description secret → field → Pulumi secret
    alarm_email: str | None = None
    verify_sender: bool = True  # create the SES identity of `email_from` (AWS mails a confirmation link)
    ses_sandbox_recipients: tuple[str, ...] = ()  # in the SES sandbox: made identities AWS mails to verify
    deletion_protection: bool = True
    log_retention_days: int = 30
    secret_recovery_days: int = 7
    unpaid_order_minutes: int = 30
    hold_minutes: int = 10
    stripe_writes_per_second: int = 80  # the stack's Stripe write budget (commerce/payment_budget.py)
    holds_per_customer: int = HOLDS_PER_CUSTOMER  # live holds per customer email (commerce/hold_limits.py)
    holds_per_source: int = HOLDS_PER_SOURCE  # ... per source address; 0: off
    auto_split_shards: int = AUTO_SPLIT_SHARDS  # a contended item splits over this many (commerce/hot_stock.py); 0: off
    cors_origins: tuple[str, ...] = ()
    api: ApiLimits = field(default_factory=ApiLimits)
    web_dist: Path = ROOT / "frontend" / "dist"
    price_class: str = "PriceClass_100"
    saga_log_level: str = "ERROR"

    def __post_init__(self) -> None:
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(f"logRetentionDays must be one of {sorted(LOG_RETENTION_DAYS)}")
        if not 0 <= self.secret_recovery_days <= 30 or 0 < self.secret_recovery_days < 7:
            raise ValueError("secretRecoveryDays must be 0 (delete at once) or 7 to 30")
        _ = self.email_domain
        if not 0 < self.hold_minutes <= HOLD_LIMIT.total_seconds() // 60 < self.unpaid_order_minutes:
            # Renewals stop at HOLD_LIMIT, and a hold must lapse before its unpaid order expires.
            raise ValueError(
                f"holdMinutes must be between 1 and {HOLD_LIMIT.total_seconds() // 60:.0f}, "
                "and unpaidOrderMinutes longer than that"
            )
        if self.stripe_writes_per_second < MIN_STRIPE_WRITES_PER_SECOND:
            # Each tenth of a second gets a tenth of the budget; Stripe's own live limit is ~100 (docs.stripe.com/
            # rate-limits): a higher budget makes sense only once Stripe has raised the account's limit.
            raise ValueError(f"stripeWritesPerSecond must be at least {MIN_STRIPE_WRITES_PER_SECOND}")
        if not 1 <= self.holds_per_customer <= MAX_CAP or not 0 <= self.holds_per_source <= MAX_CAP:
            # Each cap is that many slot items a claim may try (commerce/hold_limits.py): a handful, never "unlimited".
            raise ValueError(
                f"holdsPerCustomer must be between 1 and {MAX_CAP}, holdsPerSource between 0 and {MAX_CAP}"
            )
        if self.auto_split_shards and not MIN_SHARDS <= self.auto_split_shards <= MAX_SHARDS:
            raise ValueError(f"autoSplitShards must be 0 (off) or between {MIN_SHARDS} and {MAX_SHARDS}")
        for recipient in self.ses_sandbox_recipients:
            if not isinstance(recipient, str) or _EMAIL.match(recipient) is None:
                raise ValueError(f"sesSandboxRecipients: {recipient!r} is not an email address")

    @property
    def email_domain(self) -> str:
        match = _EMAIL.match(self.email_from)
        if match is None:
            raise ValueError(f"emailFrom {self.email_from!r} is not an email address")
        return match.group(1)

    @classmethod
    def load(cls, config: pulumi.Config | None = None) -> StackConfig:
        config = config or pulumi.Config()
        dist = Path(config.get("webDist") or "frontend/dist")
        return cls(
            prefix=f"{pulumi.get_project()}-{pulumi.get_stack()}",
            email_from=config.require("emailFrom"),
            stripe_publishable_key=config.require("stripePublishableKey"),
            secret_values=_secret_values(config),
            alarm_email=config.get("alarmEmail"),
            verify_sender=_get_bool(config, "verifySender", default=True),
            ses_sandbox_recipients=tuple(config.get_object("sesSandboxRecipients") or ()),
            deletion_protection=_get_bool(config, "deletionProtection", default=True),
            log_retention_days=config.get_int("logRetentionDays") or 30,
            secret_recovery_days=_get_int(config, "secretRecoveryDays", default=7),
            unpaid_order_minutes=config.get_int("unpaidOrderMinutes") or 30,
            hold_minutes=_get_int(config, "holdMinutes", default=10),
            stripe_writes_per_second=_get_int(config, "stripeWritesPerSecond", default=80),
            holds_per_customer=_get_int(config, "holdsPerCustomer", default=HOLDS_PER_CUSTOMER),
            holds_per_source=_get_int(config, "holdsPerSource", default=HOLDS_PER_SOURCE),
            auto_split_shards=_get_int(config, "autoSplitShards", default=AUTO_SPLIT_SHARDS),
            cors_origins=tuple(config.get_object("corsOrigins") or ()),
            api=ApiLimits(
                rate=config.get_float("apiThrottleRate") or ApiLimits.rate,
                burst=config.get_int("apiThrottleBurst") or ApiLimits.burst,
                p99_latency_ms=config.get_int("apiP99LatencyMs") or ApiLimits.p99_latency_ms,
                requests_per_client=config.get_int("apiRequestsPerClient") or ApiLimits.requests_per_client,
            ),
            web_dist=dist if dist.is_absolute() else ROOT / dist,
            price_class=config.get("priceClass") or "PriceClass_100",
            saga_log_level=config.get("sagaLogLevel") or "ERROR",
        )


def _secret_values(config: pulumi.Config) -> dict[str, dict[str, pulumi.Input[Any]]]:
    values: dict[str, dict[str, pulumi.Input[Any]]] = {
        "stripe": {
            "secret_key": config.require_secret("stripeSecretKey"),
            # Stripe issues the signing secret when the endpoint is registered, which needs this stack's URL: the
            # first `pulumi up` runs without it (the webhook then refuses every call) and the second one adds it.
            "webhook_secret": config.get_secret("stripeWebhookSecret") or pulumi.Output.secret(""),
            # Set while a rotation hands over: signatures made with either secret are accepted.
            "webhook_secret_previous": config.get_secret("stripeWebhookSecretPrevious") or pulumi.Output.secret(""),
        },
        "app-keys": {
            "order_token_key": config.require_secret("orderTokenKey").apply(_long_key("orderTokenKey")),
            "jwt_signing_key": config.require_secret("jwtSigningKey").apply(_long_key("jwtSigningKey")),
            # Set while a rotation hands over: admin tokens signed with either key are accepted.
            "jwt_signing_key_previous": config.get_secret("jwtSigningKeyPrevious") or pulumi.Output.secret(""),
        },
        # The edge secret is generated by the program (infra/__main__.py); only a rotation's previous value is set.
        "edge": {"origin_secret_previous": config.get_secret("originSecretPrevious") or pulumi.Output.secret("")},
        "admin-users": {
            "users": [
                {
                    "username": config.get("adminUsername") or "admin",
                    "password_hash": config.require_secret("adminPasswordHash").apply(_argon2id_hash),
                }
            ]
        },
    }
    if config.get_secret("stripeWebhookSecret") is None:
        pulumi.log.warn(
            "stripeWebhookSecret is not set: the Stripe webhook fails every call (Stripe retries) until you register "
            "the endpoint (stack output webhookUrl) and run `pulumi config set --secret stripeWebhookSecret whsec_...`"
        )
    return values


def _long_key(name: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) < MIN_KEY_LENGTH:
            raise ValueError(f"{name} must be at least {MIN_KEY_LENGTH} characters (e.g. `openssl rand -hex 32`)")
        return value

    return check


def _argon2id_hash(value: str) -> str:
    if not value.startswith("$argon2id$") or value != value.strip():
        raise ValueError("adminPasswordHash must be an argon2id hash ($argon2id$...), never the password itself")
    return value


def _get_bool(config: pulumi.Config, key: str, *, default: bool) -> bool:
    value = config.get_bool(key)
    return default if value is None else value


def _get_int(config: pulumi.Config, key: str, *, default: int) -> int:
    value = config.get_int(key)
    return default if value is None else value
