"""The flash sale's books (tests/proof/flash_sale.py): what each shopper did, and the checks once the sale is over."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from commerce import wiring
from commerce.order_status import OrderStatus
from commerce.payments import PaymentStatus
from infra.local.cloud import LocalCloud
from tests.integration.shop import PlacedOrder
from tests.proof.contention import TERMINAL, WAREHOUSES

SALE_WAREHOUSE = WAREHOUSES[1]  # wh-central
HOARDER = 9_999  # the hoarder's shopper number: one address for all their orders


@dataclass
class FlashSaleResult:
    shoppers: int
    units: int
    shards: int
    outcomes: Counter[str] = field(default_factory=Counter)
    units_sold: int = 0
    # Among shoppers whose hold was live when their card was authorized: must be 0.
    authorized_then_failed_for_stock: int = 0
    # Slow 3-D Secure shoppers whose authorization arrived after their hold lapsed and its units were sold.
    late_authorizations: int = 0
    late_authorizations_cancelled: int = 0
    holds_reclaimed_mid_run: int = 0
    orders_spanning_shards: int = 0
    hoarder_orders: int = 0
    hoarder_held_at_once: int = 0
    hoarder_allowed: int = 0  # what the hold caps allow one customer on one address to hold at once
    hoarder_refused: int = 0  # the hoarder's orders refused HOLD_LIMIT_REACHED
    # An unplanned rush: every partition limited to `throttle` write units a second (0: off), as DynamoDB limits
    # one to ~1,000; the transactions it cancelled, per table the most units one partition took in a second, and
    # the splits the product made by itself (the stock audit's entries by AUTO_SPLIT_BY).
    throttle: int = 0
    throttled_transactions: int = 0
    throttled_on_shards: int = 0  # of those, refused for a shard item's partition (after the split)
    peak_partition_units: dict[str, int] = field(default_factory=dict)
    automatic_splits: int = 0
    stock_busy_answers: int = 0  # payOrder answered STOCK_BUSY (nothing held; the shopper tried again)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


@dataclass
class Buyer:
    number: int
    order: PlacedOrder | None = None
    answer: dict[str, object] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        found = self.answer.get("errors") or []
        assert isinstance(found, list)
        return [str(error["code"]) for error in found]


def check_orders(
    cloud: LocalCloud, result: FlashSaleResult, crowd: list[Buyer], slow: list[Buyer], hoarder: list[Buyer]
) -> None:
    """Every order terminal and its money right; the live-hold and the late authorizations counted and judged."""
    gateway = cloud.bus.dependencies.build(wiring.gateway)
    slow_ids = {buyer.order.id for buyer in slow if buyer.order}
    fulfilled_units = 0
    for buyer in [*crowd, *slow, *hoarder]:
        if buyer.order is None:
            continue
        stored = cloud.repositories.orders.get(buyer.order.id)
        assert stored is not None
        kind = "slow" if stored.id in slow_ids else "hoarder" if buyer.number == HOARDER else "crowd"
        result.outcomes[f"{kind} order {stored.status.value}"] += 1
        if stored.status not in TERMINAL:
            result.violations.append(f"{stored.id} ({kind}) never ended: {stored.status.value}")
            continue
        intent = gateway.retrieve(stored.payment.intent_id) if stored.payment.intent_id else None
        received = intent.amount_received - intent.amount_refunded if intent else 0
        if stored.status is OrderStatus.FULFILLED:
            fulfilled_units += sum(line.quantity for line in stored.lines)
            if intent is None or intent.status is not PaymentStatus.SUCCEEDED or received != stored.total.amount:
                result.violations.append(f"{stored.id} fulfilled but its payment is {intent}")
            if _spans_shards(cloud, stored.id):
                result.orders_spanning_shards += 1
        elif received or (intent is not None and intent.status is PaymentStatus.REQUIRES_CAPTURE):
            result.violations.append(f"{stored.id} {stored.status.value} but keeps {received} / {intent}")
        failed_for_stock = stored.payment.authorized and "OutOfStock" in (stored.failure_reason or "")
        if stored.id in slow_ids:
            if stored.payment.authorized or (intent is not None and intent.amount_capturable):
                result.late_authorizations += 1
                cancelled = intent is not None and intent.status is PaymentStatus.CANCELED and not received
                result.late_authorizations_cancelled += cancelled
                if not cancelled or stored.status is OrderStatus.FULFILLED:
                    result.violations.append(f"late authorization of {stored.id} not cancelled: {intent}")
            else:
                result.violations.append(f"slow shopper's {stored.id} never authorized after 3-D Secure")
        elif failed_for_stock:
            result.authorized_then_failed_for_stock += 1
            result.violations.append(f"{stored.id}: authorized with a live hold, then failed for want of stock")
    result.units_sold = fulfilled_units


def check_stock(cloud: LocalCloud, product: str, result: FlashSaleResult) -> None:
    """Exactly the stock sold, summed over the base item and its shards; no item negative or left reserved."""
    (level,) = [
        level
        for level in cloud.repositories.inventory.levels(product)
        if level.available or level.reserved or level.shipped or level.warehouse_id == SALE_WAREHOUSE
    ]
    items = level.items or ()
    for item in items:
        if min(item.available, item.reserved, item.shipped) < 0 or item.reserved:
            result.violations.append(f"{product} item {item.shard or 'base'}: {item}")
    shards = result.shards or (cloud.settings.auto_split_shards if result.automatic_splits else 0)
    if level.shards != shards or (shards and len(items) != shards + 1):
        result.violations.append(f"{shards} shards made, {level.shards} found ({len(items)} items)")
    sums = (level.available, level.reserved, level.shipped)
    if items and sums != tuple(sum(getattr(i, f) for i in items) for f in ("available", "reserved", "shipped")):
        result.violations.append(f"{product}: the level {sums} is not the sum of its items")
    if level.available + level.reserved + level.shipped != result.units or min(sums) < 0 or level.reserved:
        result.violations.append(f"{product}: {level} but {result.units} were stocked")
    if level.shipped != result.units_sold:
        result.violations.append(f"{result.units_sold} units in fulfilled orders but {level.shipped} shipped")
    if level.shipped != result.units:
        result.violations.append(f"sold {level.shipped} of {result.units}: stock left unsold while shoppers failed")


def _spans_shards(cloud: LocalCloud, order_id: str) -> bool:
    reservation = cloud.repositories.reservations.get(order_id)
    return reservation is not None and len({line.shard for line in reservation.lines}) > 1
