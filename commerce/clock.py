"""The one clock: the only module that reads the wall clock.

Everything that judges time (expiry of idempotency records and claims, lockouts, token lifetimes, webhook
tolerance, secret caches) is handed a `Clock` and asks it for "now"; tests hand in a fixed or movable one, and a
unit test walks the code to keep every other module off the wall clock (tests/unit/test_one_clock.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def epoch_seconds(clock: Clock) -> int:
    """The clock's now in whole epoch seconds, the unit of DynamoDB TTLs, JWT claims and Stripe signatures."""
    return int(clock().timestamp())


def to_iso(moment: datetime) -> str:
    """UTC ISO-8601 with millisecond precision and a Z suffix; sorts lexically in time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
