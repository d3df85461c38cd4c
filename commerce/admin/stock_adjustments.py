"""Adjusting stock by hand (a delivery arrived, a count found breakage), with optimistic locking and an audit trail."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace

from commerce.admin.rejection import RequestRejectedError
from commerce.admin.shards import StockSharding
from commerce.admin.stock import (
    NegativeStockError,
    StockAdjustment,
    StockLedger,
    StockVersionConflictError,
    WarehouseNotFoundError,
)
from commerce.catalog import Product, StockLevel
from commerce.clock import Clock, to_iso
from commerce.commands import AdjustStock, MergeStock, SplitStock
from commerce.errors import ConcurrentUpdateError, ProductNotFoundError
from commerce.ports import InventoryRepository, ProductRepository, WarehouseRepository
from commerce.stock_shards import StockSplitError
from commerce.validation import IssueCode, ValidationIssue

MAX_UNITS = 1_000_000
MAX_NOTE_LENGTH = 500
MAX_KEY_LENGTH = 200
# A retry looks for its first attempt among the product's newest adjustments: retries come within minutes.
RETRY_LOOKBACK = 25


@dataclass(frozen=True, slots=True)
class LowStockItem:
    product: Product
    level: StockLevel


def check_adjustment(command: AdjustStock) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    if (command.quantity is None) == (command.delta is None):
        issues.append(ValidationIssue("quantity", IssueCode.INVALID, "give either quantity or delta, not both"))
    if command.quantity is not None and not 0 <= command.quantity <= MAX_UNITS:
        issues.append(ValidationIssue("quantity", IssueCode.INVALID_QUANTITY, f"must be between 0 and {MAX_UNITS}"))
    if command.delta is not None and not (0 < abs(command.delta) <= MAX_UNITS):
        message = f"must be a change of 1 to {MAX_UNITS} units, up or down"
        issues.append(ValidationIssue("delta", IssueCode.INVALID_QUANTITY, message))
    if command.expected_version < 0:
        issues.append(ValidationIssue("expectedVersion", IssueCode.INVALID, "versions start at 0"))
    if len(command.note) > MAX_NOTE_LENGTH:
        issues.append(ValidationIssue("note", IssueCode.INVALID, f"is longer than {MAX_NOTE_LENGTH}"))
    if len(command.idempotency_key) > MAX_KEY_LENGTH:
        issues.append(ValidationIssue("idempotencyKey", IssueCode.INVALID, f"is longer than {MAX_KEY_LENGTH}"))
    return issues


class StockAdjustments:
    def __init__(
        self,
        *,
        products: ProductRepository,
        warehouses: WarehouseRepository,
        inventory: InventoryRepository,
        ledger: StockLedger,
        clock: Clock,
    ) -> None:
        self.products = products
        self.warehouses = warehouses
        self.inventory = inventory
        self.ledger = ledger
        self.clock = clock
        self.sharding = StockSharding(
            products=products, warehouses=warehouses, inventory=inventory, ledger=ledger, clock=clock
        )

    def split(self, command: SplitStock) -> StockLevel:
        """Split the stock over shard items for a hot sale (commerce/admin/shards.py)."""
        return self.sharding.split(command)

    def merge(self, command: MergeStock) -> StockLevel:
        """Merge split stock back into its one item (commerce/admin/shards.py)."""
        return self.sharding.merge(command)

    def levels(self, product_id: str) -> list[StockLevel]:
        """One level per warehouse, in warehouse order; version 0 and no units where the product has no item."""
        stored = {level.warehouse_id: level for level in self.inventory.levels(product_id)}
        return [
            stored.get(warehouse.id, StockLevel(product_id, warehouse.id, available=0))
            for warehouse in sorted(self.warehouses.all(), key=lambda w: w.id)
        ]

    def adjust(self, command: AdjustStock) -> tuple[StockLevel, StockAdjustment]:
        """The item after the change and the change's record.

        Raises RequestRejectedError, ProductNotFoundError, WarehouseNotFoundError, NegativeStockError,
        StockSplitError for stock split over shards (merge it first: commerce/admin/shards.py), and
        StockVersionConflictError (nothing written) when the item is no longer at `expected_version`.
        """
        issues = check_adjustment(command)
        if issues:
            raise RequestRejectedError(issues)
        product = self.products.get(command.product_id)
        if product is None:
            raise ProductNotFoundError(command.product_id)
        if command.warehouse_id not in {warehouse.id for warehouse in self.warehouses.all()}:
            raise WarehouseNotFoundError(command.warehouse_id)
        request = _request_digest(command)
        before, exists = self._current(command.product_id, command.warehouse_id)
        if before.version != command.expected_version:
            return self._applied_before(command, request, before)
        if before.shards:
            raise StockSplitError(command.product_id, command.warehouse_id, before.shards)
        after = command.quantity if command.quantity is not None else before.available + (command.delta or 0)
        if after < 0:
            raise NegativeStockError(before.available, after - before.available)
        at = self.clock()
        adjustment = StockAdjustment(
            product_id=command.product_id,
            warehouse_id=command.warehouse_id,
            id=f"{to_iso(at)}#{command.warehouse_id}#{request[:8]}",
            at=to_iso(at),
            by=command.by,
            before=before.available,
            after=after,
            version=before.version + 1,
            note=command.note.strip(),
            request=request,
        )
        try:
            self.ledger.record(before, adjustment, product.low_stock_threshold, exists=exists)
        except ConcurrentUpdateError:
            # Changed between our read and our write: the version the admin saw is stale, unless the change was
            # this very request's, applied by an attempt whose answer was lost.
            current, _ = self._current(command.product_id, command.warehouse_id)
            return self._applied_before(command, request, current)
        return replace(before, available=after, version=adjustment.version), adjustment

    def _applied_before(
        self, command: AdjustStock, request: str, current: StockLevel
    ) -> tuple[StockLevel, StockAdjustment]:
        """The earlier attempt of this request, answered as it would have been; else the conflict it is."""
        recent = self.ledger.history(command.product_id, limit=RETRY_LOOKBACK, cursor=None).items
        for earlier in recent:
            if command.idempotency_key and earlier.request == request:
                return current, earlier
        raise StockVersionConflictError(current, command.expected_version)

    def low_stock(self) -> list[LowStockItem]:
        """Items at or below their product's threshold in every warehouse, for products still sold."""
        levels = self.ledger.low_stock()
        products = self.products.get_many(level.product_id for level in levels)
        # The ledger's levels are low by their items' headroom; a split level is judged here, by its sum.
        found = [
            LowStockItem(products[level.product_id], level)
            for level in levels
            if level.product_id in products
            and products[level.product_id].active
            and (not level.shards or level.is_low(products[level.product_id].low_stock_threshold))
        ]
        return sorted(found, key=lambda item: (item.level.available, item.product.sku, item.level.warehouse_id))

    def _current(self, product_id: str, warehouse_id: str) -> tuple[StockLevel, bool]:
        for level in self.inventory.levels(product_id):
            if level.warehouse_id == warehouse_id:
                return level, True
        return StockLevel(product_id, warehouse_id, available=0), False


def _request_digest(command: AdjustStock) -> str:
    """Per admin and key, so one admin's key never answers for another's; random when the client sent none."""
    key = command.idempotency_key or secrets.token_hex(16)
    return hashlib.sha256(f"stock-adjustment\x00{command.by}\x00{key}".encode()).hexdigest()
