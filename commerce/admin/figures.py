"""What one committed order change adds to the per-day counters that analytics reads. Pure functions.

Two kinds of day: figures about orders as a group (placed, where they are now, compensated) count on the day
the order was placed, so a period's rates compare like with like; money and shipments count on the day they
happened. Counter names are flat ("status#FULFILLED", "units#p-mug") because DynamoDB's ADD works only on
top-level attributes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from commerce.clock import from_iso
from commerce.order_status import OrderStatus
from commerce.orders import Order

PLACED = "placed"
COMPENSATIONS = "compensations"
SHIPMENTS = "shipments"
SHIP_MS = "ship_ms"  # payment→shipment durations, summed in milliseconds
STATUS = "status#"
CAPTURED = "captured#"
REFUNDED = "refunded#"
UNITS = "units#"
SHIP_BUCKET = "ship_bucket#"

# Durations are kept as a histogram whose buckets grow by 10%: any percentile is known to within 10%.
BUCKET_GROWTH = 1.1


@dataclass(frozen=True, slots=True)
class DayCounters:
    day: str  # YYYY-MM-DD, UTC
    counters: dict[str, int]


def bucket_of(seconds: float) -> int:
    """Bucket k holds durations in (1.1^(k-1), 1.1^k] seconds; bucket 0 everything up to a second."""
    if seconds <= 1:
        return 0
    return math.ceil(math.log(seconds) / math.log(BUCKET_GROWTH) - 1e-9)


def bucket_upper_seconds(bucket: int) -> float:
    return float(BUCKET_GROWTH**bucket)


def counted(before: Order, after: Order, *, authorized_at: str | None = None) -> list[DayCounters]:
    """The counters a committed change from `before` to `after` adds, per day.

    An order is counted as placed by its first change (version 0 → 1), which placeOrder makes at once when it
    opens the payment intent: that write's condition lets exactly one writer commit it, so no order counts twice.
    """
    days: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    cohort = days[after.created_at[:10]]
    moved = after.status is not before.status
    if before.version == 0:
        cohort[PLACED] += 1
        cohort[STATUS + after.status.value] += 1
    elif moved:
        cohort[STATUS + before.status.value] -= 1
        cohort[STATUS + after.status.value] += 1
    if moved and after.status is OrderStatus.COMPENSATING:
        cohort[COMPENSATIONS] += 1

    happened = days[after.updated_at[:10]]
    currency = after.currency
    # A capture Stripe made but the order never recorded (cancelled while capturing) shows up as its refund:
    # counting at least the refunded amount as captured keeps revenue from going below zero for such an order.
    captured = max(after.payment.captured, after.payment.refunded) - max(
        before.payment.captured, before.payment.refunded
    )
    if captured > 0:
        happened[CAPTURED + currency] += captured
    refunded = after.payment.refunded - before.payment.refunded
    if refunded > 0:
        happened[REFUNDED + currency] += refunded
    if moved and after.status is OrderStatus.SHIPPED:
        waited = from_iso(after.updated_at) - from_iso(authorized_at or after.created_at)
        milliseconds = max(0, round(waited.total_seconds() * 1000))
        happened[SHIPMENTS] += 1
        happened[SHIP_MS] += milliseconds
        happened[SHIP_BUCKET + str(bucket_of(milliseconds / 1000))] += 1
        for line in after.lines:
            happened[UNITS + line.product_id] += line.quantity
    return [
        DayCounters(day, {name: value for name, value in counters.items() if value})
        for day, counters in sorted(days.items())
        if any(counters.values())
    ]
