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
        self._lock = threading.Lock()

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
        return [
            level
            for _, level in sorted(self.inventory.stock.items())
            if level.is_low(thresholds.get(level.product_id, DEFAULT_LOW_STOCK_THRESHOLD))
        ]

    def apply_threshold(self, product_id: str, threshold: int) -> None:
        self.inventory.thresholds[product_id] = threshold


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
