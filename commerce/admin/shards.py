"""Splitting a product's stock in a warehouse over shard items for a hot sale, and merging it back afterwards.

Both are one transaction each (commerce/admin/stock.py's StockLedger) that conserves available, reserved and shipped
units and writes the change's record in the stock audit trail (who, when, shards from and to, the units available and
reserved at the time), and both are idempotent: a split asked again with the same number of shards, or a merge of
stock not split, answers with the level as it is and records nothing. An attempt whose answer was lost is not written
twice either: its transaction conditions on the version it read, which its own success moved on. Admin stock
adjustments refuse a split level (StockSplitError: merge first): setting "available" would have to be spread over
shards that holds are taking from meanwhile, and one merge, adjust and split again says exactly what happened in the
audit trail. Why shards, and how they are keyed: commerce/stock_shards.
"""

from __future__ import annotations

import logging

from commerce.admin.stock import StockLedger, WarehouseNotFoundError, resharding
from commerce.catalog import StockLevel
from commerce.clock import Clock
from commerce.commands import MergeStock, SplitStock
from commerce.errors import ConcurrentUpdateError, ProductNotFoundError
from commerce.ports import InventoryRepository, ProductRepository, WarehouseRepository
from commerce.stock_shards import (
    MAX_SHARDS,
    MIN_SHARDS,
    ShardCountError,
    StockNotStockedError,
    StockSplitError,
)

logger = logging.getLogger(__name__)

# A split or merge conditions on the versions it read; holds taking from the same items make it read again. A merge
# during a rush may lose every round: the admin is told to try again once the rush is over.
ATTEMPTS = 10


class StockSharding:
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

    def split(self, command: SplitStock) -> StockLevel:
        """The level split over `command.shards` shard items. Raises ShardCountError, ProductNotFoundError,
        WarehouseNotFoundError, StockNotStockedError, StockSplitError (split over another number: merge first) and
        ConcurrentUpdateError (nothing written) when holds kept changing the stock through every attempt."""
        if not MIN_SHARDS <= command.shards <= MAX_SHARDS:
            raise ShardCountError(command.shards)
        self._check(command.product_id, command.warehouse_id)
        for _ in range(ATTEMPTS):
            level = self._level(command.product_id, command.warehouse_id)
            if level is None:
                raise StockNotStockedError(command.product_id, command.warehouse_id)
            if level.shards == command.shards:
                return level
            if level.shards:
                raise StockSplitError(command.product_id, command.warehouse_id, level.shards)
            try:
                self.ledger.split(
                    level, command.shards, resharding(level, command.shards, by=command.by, at=self.clock())
                )
            except ConcurrentUpdateError:
                continue
            logger.info(
                "%s split %s in %s over %d shards", command.by, level.product_id, level.warehouse_id, command.shards
            )
            return self._level(command.product_id, command.warehouse_id) or level
        raise ConcurrentUpdateError("stock", f"{command.product_id}/{command.warehouse_id}")

    def merge(self, command: MergeStock) -> StockLevel:
        """The level back in its one item (as it was, when it was not split). Raises ProductNotFoundError,
        WarehouseNotFoundError, StockNotStockedError and ConcurrentUpdateError as `split` does."""
        self._check(command.product_id, command.warehouse_id)
        for _ in range(ATTEMPTS):
            level = self._level(command.product_id, command.warehouse_id)
            if level is None:
                raise StockNotStockedError(command.product_id, command.warehouse_id)
            if not level.shards:
                return level
            try:
                self.ledger.merge(level, resharding(level, 0, by=command.by, at=self.clock()))
            except ConcurrentUpdateError:
                continue
            logger.info(
                "%s merged %s in %s from %d shards", command.by, level.product_id, level.warehouse_id, level.shards
            )
            return self._level(command.product_id, command.warehouse_id) or level
        raise ConcurrentUpdateError("stock", f"{command.product_id}/{command.warehouse_id}")

    def _check(self, product_id: str, warehouse_id: str) -> None:
        if self.products.get(product_id) is None:
            raise ProductNotFoundError(product_id)
        if warehouse_id not in {warehouse.id for warehouse in self.warehouses.all()}:
            raise WarehouseNotFoundError(warehouse_id)

    def _level(self, product_id: str, warehouse_id: str) -> StockLevel | None:
        return next((lv for lv in self.inventory.levels(product_id) if lv.warehouse_id == warehouse_id), None)
