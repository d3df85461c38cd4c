"""Analytics for a period, read from the summed per-day counters (figures.py)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from commerce.admin import figures as f
from commerce.order_status import OrderStatus


@dataclass(frozen=True, slots=True)
class Revenue:
    currency: str
    captured: int
    refunded: int

    @property
    def gross(self) -> int:
        return self.captured - self.refunded


@dataclass(frozen=True, slots=True)
class AnalyticsReport:
    first_day: date
    last_day: date
    placed: int
    by_status: dict[OrderStatus, int]  # of the orders placed in the period, how many are in each status now
    revenue: list[Revenue]
    shipments: int
    average_seconds_to_ship: float | None
    p95_seconds_to_ship: float | None  # the upper bound of the histogram bucket holding the 95th percentile
    units: dict[str, int]  # product id → units shipped
    compensations: int

    @property
    def failures(self) -> int:
        return self.by_status.get(OrderStatus.FAILED, 0)

    @property
    def failure_rate(self) -> float:
        return self.failures / self.placed if self.placed else 0.0

    @property
    def compensation_rate(self) -> float:
        return self.compensations / self.placed if self.placed else 0.0

    def top_products(self, limit: int) -> list[tuple[str, int]]:
        return sorted(self.units.items(), key=lambda item: (-item[1], item[0]))[:limit]


def summed(days: Iterable[Mapping[str, int]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for counters in days:
        total.update(counters)
    return total


def report_of(first_day: date, last_day: date, counters: Mapping[str, int]) -> AnalyticsReport:
    shipments = counters.get(f.SHIPMENTS, 0)
    currencies = sorted({name.split("#", 1)[1] for name in counters if name.startswith((f.CAPTURED, f.REFUNDED))})
    return AnalyticsReport(
        first_day=first_day,
        last_day=last_day,
        placed=counters.get(f.PLACED, 0),
        by_status={
            status: counters[f.STATUS + status.value] for status in OrderStatus if counters.get(f.STATUS + status.value)
        },
        revenue=[
            Revenue(currency, counters.get(f.CAPTURED + currency, 0), counters.get(f.REFUNDED + currency, 0))
            for currency in currencies
        ],
        shipments=shipments,
        average_seconds_to_ship=counters.get(f.SHIP_MS, 0) / 1000 / shipments if shipments else None,
        p95_seconds_to_ship=_percentile(counters, 0.95),
        units={name.removeprefix(f.UNITS): units for name, units in counters.items() if name.startswith(f.UNITS)},
        compensations=counters.get(f.COMPENSATIONS, 0),
    )


def _percentile(counters: Mapping[str, int], fraction: float) -> float | None:
    buckets = sorted(
        (int(name.removeprefix(f.SHIP_BUCKET)), count)
        for name, count in counters.items()
        if name.startswith(f.SHIP_BUCKET) and count > 0
    )
    total = sum(count for _, count in buckets)
    if not total:
        return None
    rank = math.ceil(fraction * total)  # nearest-rank definition
    seen = 0
    for bucket, count in buckets:
        seen += count
        if seen >= rank:
            return f.bucket_upper_seconds(bucket)
    return f.bucket_upper_seconds(buckets[-1][0])
