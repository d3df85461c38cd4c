"""In-memory stand-ins for the admin stores, with the DynamoDB ones' contracts, for unit tests."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from commerce.admin.analytics import AnalyticsRepository
from commerce.admin.lockout import DEFAULT_POLICY, LoginAttempts, LoginFailureRepository, LoginPolicy
from commerce.admin.stock import StockAdjustment, StockLedger
from commerce.catalog import DEFAULT_LOW_STOCK_THRESHOLD, StockLevel
from commerce.errors import ConcurrentUpdateError
from commerce.pagination import Page
from commerce.repositories.memory import InMemoryInventoryRepository, _page
from commerce.stock_shards import item_key, shard_ids, split_units


class InMemoryAnalyticsRepository(AnalyticsRepository):
    def __init__(self) -> None:
        self.counters: dict[str, Counter[str]] = {}
        self._lock = threading.Lock()

    def add(self, day: str, counters: Mapping[str, int]) -> None:
        if not counters:  # DynamoDB's ADD of nothing writes no item: the day stays without counters
            return
        with self._lock:
            self.counters.setdefault(day, Counter()).update(counters)

    def days(self, days: Sequence[str]) -> list[dict[str, int]]:
        return [dict(self.counters[day]) for day in days if day in self.counters]


class InMemoryStockLedger(StockLedger):
    def __init__(self, inventory: InMemoryInventoryRepository) -> None:
        self.inventory = inventory
        self.adjustments: list[StockAdjustment] = []
        self._lock = inventory.lock  # one transaction at a time with the reservations' changes of the same stock

    def record(
        self, before: StockLevel, adjustment: StockAdjustment, low_stock_threshold: int, *, exists: bool
    ) -> None:
        key = (before.product_id, before.warehouse_id)
        with self._lock:
            if adjustment.request and adjustment in self.adjustments:
                return  # the same request again (DynamoDB's ClientRequestToken): applied once
            stored = self.inventory.stock.get(key)
            if (stored is not None) != exists or (stored is not None and stored.version != before.version):
                raise ConcurrentUpdateError("stock", f"{key[0]}/{key[1]}")
            level = stored or StockLevel(before.product_id, before.warehouse_id, available=0)
            self.inventory.stock[key] = replace(level, available=adjustment.after, version=adjustment.version)
            self.inventory.thresholds[before.product_id] = low_stock_threshold
            self.adjustments.append(adjustment)

    def history(self, product_id: str, *, limit: int, cursor: str | None) -> Page[StockAdjustment]:
        mine = sorted((a for a in self.adjustments if a.product_id == product_id), key=lambda a: a.id, reverse=True)
        return _page(mine, ((a.id,) for a in mine), limit, cursor, descending=True)

    def low_stock(self) -> list[StockLevel]:
        thresholds = self.inventory.thresholds
        with self._lock:
            stock = self.inventory.stock
            shards = {
                (item_key(base.product_id, shard), base.warehouse_id)
                for base in stock.values()
                for shard in shard_ids(base.split, base.shards)
            }
            products = sorted(
                {product_id for product_id, warehouse_id in stock if (product_id, warehouse_id) not in shards}
            )
            return [
                level
                for product_id in products
                for level in self.inventory.levels(product_id)
                if level.is_low(thresholds.get(level.product_id, DEFAULT_LOW_STOCK_THRESHOLD))
            ]

    def apply_threshold(self, product_id: str, threshold: int) -> None:
        self.inventory.thresholds[product_id] = threshold

    def split(self, level: StockLevel, shards: int, record: StockAdjustment) -> None:
        key = (level.product_id, level.warehouse_id)
        with self._lock:
            stored = self.inventory.stock.get(key)
            if stored is None or stored.version != level.version or stored.shards or self._recorded(record):
                raise ConcurrentUpdateError("stock", f"{key[0]}/{key[1]}")
            split = stored.split + 1
            for shard, units in zip(shard_ids(split, shards), split_units(stored.available, shards), strict=True):
                self.inventory.stock[(item_key(level.product_id, shard), level.warehouse_id)] = StockLevel(
                    item_key(level.product_id, shard), level.warehouse_id, available=units
                )
            self.inventory.stock[key] = replace(
                stored, available=0, version=stored.version + 1, shards=shards, split=split
            )
            self.adjustments.append(record)

    def merge(self, level: StockLevel, record: StockAdjustment) -> None:
        key = (level.product_id, level.warehouse_id)
        with self._lock:
            stored = self.inventory.stock.get(key)
            if (
                stored is None
                or stored.version != level.version
                or (stored.shards, stored.split)
                != (
                    level.shards,
                    level.split,
                )
            ):
                raise ConcurrentUpdateError("stock", f"{key[0]}/{key[1]}")
            shards = [item for item in level.items if item.shard]
            found = {
                item.shard: self.inventory.stock.get((item_key(level.product_id, item.shard), level.warehouse_id))
                for item in shards
            }
            if self._recorded(record) or any(
                stored_shard is None or stored_shard.version != item.version
                for item, stored_shard in zip(shards, found.values(), strict=True)
            ):
                raise ConcurrentUpdateError("stock", f"{key[0]}/{key[1]}")
            folded = [shard for shard in found.values() if shard is not None]
            for item in shards:
                del self.inventory.stock[(item_key(level.product_id, item.shard), level.warehouse_id)]
            self.inventory.stock[key] = replace(
                stored,
                available=stored.available + sum(shard.available for shard in folded),
                reserved=stored.reserved + sum(shard.reserved for shard in folded),
                shipped=stored.shipped + sum(shard.shipped for shard in folded),
                version=stored.version + 1,
                shards=0,
            )
            self.adjustments.append(record)

    def _recorded(self, record: StockAdjustment) -> bool:
        """A record of this id is stored already (DynamoDB's `attribute_not_exists(id)` on its put)."""
        return any((a.product_id, a.id) == (record.product_id, record.id) for a in self.adjustments)


class InMemoryLoginFailureRepository(LoginFailureRepository):
    """DynamoDB's conditional writes under one mutex; `expires_at` kept as the TTL attribute is (never read back)."""

    def __init__(self, policy: LoginPolicy = DEFAULT_POLICY) -> None:
        super().__init__(policy)
        self.records: dict[str, LoginAttempts] = {}
        self.expires_at: dict[str, int] = {}
        self._mutex = threading.Lock()

    def get(self, key: str) -> LoginAttempts | None:
        return self.records.get(key)

    def clear(self, key: str) -> None:
        with self._mutex:
            self.records.pop(key, None)
            self.expires_at.pop(key, None)

    def _add_if_below(
        self, key: str, limit: int, now: int, stale_before: int, expires_at: int
    ) -> tuple[LoginAttempts | None, LoginAttempts | None]:
        with self._mutex:
            current = self.records.get(key)
            if current is None or current.count >= limit or current.last_at <= stale_before:
                return None, current
            self.records[key] = replace(current, count=current.count + 1, last_at=now)
            self.expires_at[key] = expires_at
            return self.records[key], None

    def _create(self, key: str, attempts: LoginAttempts, expires_at: int) -> bool:
        with self._mutex:
            if key in self.records:
                return False
            self.records[key], self.expires_at[key] = attempts, expires_at
            return True

    def _replace(self, key: str, expected: LoginAttempts, attempts: LoginAttempts, expires_at: int) -> bool:
        with self._mutex:
            current = self.records.get(key)
            if current is None or (current.count, current.last_at) != (expected.count, expected.last_at):
                return False
            self.records[key], self.expires_at[key] = attempts, expires_at
            return True

    def _put(self, key: str, attempts: LoginAttempts, expires_at: int) -> None:
        with self._mutex:
            self.records[key], self.expires_at[key] = attempts, expires_at
