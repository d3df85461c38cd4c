"""Stock per warehouse as admins change it: each change conditional on the version they saw, and on the record."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from commerce.catalog import StockLevel
from commerce.clock import to_iso
from commerce.errors import DomainError
from commerce.pagination import Page

if TYPE_CHECKING:
    from datetime import datetime


class StockChangeKind(StrEnum):
    ADJUSTMENT = "ADJUSTMENT"  # available units set or changed by hand
    SPLIT = "SPLIT"  # the stock split over shard items for a hot sale (commerce/admin/shards.py)
    MERGE = "MERGE"  # the shards folded back into the one item


@dataclass(frozen=True, slots=True)
class StockAdjustment:
    """One admin change of a level's stock: who, when, from what to what (the audit trail).

    An adjustment changes the available units. A split or a merge moves units between the base item and its shards
    and changes no total: `before` and `after` are both the units available at the time, `reserved` the units
    reserved then (summed over the items), `shards_before` and `shards_after` the shard items before and after.
    """

    product_id: str
    warehouse_id: str
    id: str  # sorts in time order within the product
    at: str
    by: str
    before: int
    after: int
    version: int  # the item's version this change produced
    note: str = ""
    # A digest of the idempotency key the change was asked with: a retry finds its first attempt by it, and the
    # ledger's transaction carries it as DynamoDB's ClientRequestToken. "" on records written before it existed.
    request: str = ""
    kind: StockChangeKind = StockChangeKind.ADJUSTMENT
    shards_before: int = 0
    shards_after: int = 0
    reserved: int = 0  # a split or merge only

    @property
    def delta(self) -> int:
        return self.after - self.before


def resharding(level: StockLevel, shards: int, *, by: str, at: datetime) -> StockAdjustment:
    """The audit record of splitting `level` over `shards` items, or of merging it (`shards` 0): written in the
    split's or merge's own transaction. Its id names the level's version after the change, which no other change of
    the level shares (a second write of the same record is refused by its condition) and which orders the changes of
    one level made in the same millisecond."""
    kind = StockChangeKind.SPLIT if shards else StockChangeKind.MERGE
    version = level.version + 1
    return StockAdjustment(
        product_id=level.product_id,
        warehouse_id=level.warehouse_id,
        id=f"{to_iso(at)}#{level.warehouse_id}#v{version:010d}-{kind.lower()}",
        at=to_iso(at),
        by=by,
        before=level.available,
        after=level.available,
        version=version,
        kind=kind,
        shards_before=level.shards,
        shards_after=shards,
        reserved=level.reserved,
    )


class StockVersionConflictError(DomainError):
    """The item changed since the admin read it (an order reserved units, another admin edited): re-read."""

    def __init__(self, current: StockLevel, expected_version: int) -> None:
        super().__init__(
            f"stock of {current.product_id} in {current.warehouse_id} is at version {current.version}, "
            f"not {expected_version}"
        )
        self.current = current
        self.expected_version = expected_version


class NegativeStockError(DomainError):
    def __init__(self, available: int, requested_change: int) -> None:
        super().__init__(f"{available} available: a change of {requested_change} would leave less than none")
        self.available = available
        self.requested_change = requested_change


class WarehouseNotFoundError(DomainError):
    def __init__(self, warehouse_id: str) -> None:
        super().__init__(f"warehouse {warehouse_id} not found")
        self.warehouse_id = warehouse_id


class StockLedger(ABC):
    @abstractmethod
    def record(
        self, before: StockLevel, adjustment: StockAdjustment, low_stock_threshold: int, *, exists: bool
    ) -> None:
        """Set the item's available units to `adjustment.after` and save the adjustment, all or nothing, if the
        item is still at `before.version` (or, `exists` False, still absent). Reserved and shipped units are
        never touched. Raises ConcurrentUpdateError, having written nothing, otherwise. Sent again after its answer
        was lost (the same `adjustment`), it succeeds without writing twice."""

    @abstractmethod
    def history(self, product_id: str, *, limit: int, cursor: str | None) -> Page[StockAdjustment]:
        """The product's adjustments, newest first."""

    @abstractmethod
    def low_stock(self) -> list[StockLevel]:
        """Items of every warehouse at or below their product's low-stock threshold, in one read of the stock."""

    @abstractmethod
    def apply_threshold(self, product_id: str, threshold: int) -> None:
        """Re-derive the low-stock position of the product's items after its threshold changed."""

    @abstractmethod
    def split(self, level: StockLevel, shards: int, record: StockAdjustment) -> None:
        """Move the available units of the unsplit `level` onto `shards` new shard items (of split `level.split + 1`,
        commerce/stock_shards.py) and save `record` (`resharding`), all or nothing, if its item is still at
        `level.version`; reserved and shipped units stay on the base item. Raises ConcurrentUpdateError, having
        written nothing, otherwise: sent again once it went through, it writes neither the split nor the record."""

    @abstractmethod
    def merge(self, level: StockLevel, record: StockAdjustment) -> None:
        """Fold every shard's available, reserved and shipped units into the base item, delete the shards and save
        `record` (`resharding`), all or nothing, if the base item and every shard are still at the versions in
        `level.items`. Raises ConcurrentUpdateError, having written nothing, otherwise."""
