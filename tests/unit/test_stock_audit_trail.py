"""Splits and merges in the stock audit trail, in memory: one record each, with who, when and the figures, never two."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from commerce.admin.stock import StockAdjustment, StockChangeKind
from commerce.admin.stock_adjustments import StockAdjustments
from commerce.catalog import Location, StockLevel, Warehouse
from commerce.clock import to_iso
from commerce.commands import AdjustStock, MergeStock, SplitStock
from commerce.errors import ConcurrentUpdateError
from commerce.money import Money
from commerce.orders import OrderLine
from commerce.repositories.memory import (
    InMemoryInventoryRepository,
    InMemoryProductRepository,
    InMemoryWarehouseRepository,
)
from commerce.repositories.memory_admin import InMemoryStockLedger
from commerce.repositories.memory_reservations import InMemoryReservationRepository
from commerce.services.inventory import InventoryService
from commerce.stock_shards import StockSplitError
from tests.unit.builders import AN_ADDRESS, a_product, an_order

START = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


class Stockroom:
    def __init__(self) -> None:
        self.now = START
        self.products = InMemoryProductRepository()
        self.warehouses = InMemoryWarehouseRepository()
        self.inventory = InMemoryInventoryRepository()
        self.ledger = InMemoryStockLedger(self.inventory)
        self.warehouses.add(Warehouse("wh-east", "East", Location(40.7, -74.0), "us-east"))
        self.products.add(a_product("p-mug"))
        self.inventory.put(StockLevel("p-mug", "wh-east", available=30, reserved=4, shipped=6, version=2))
        self.stock = StockAdjustments(
            products=self.products,
            warehouses=self.warehouses,
            inventory=self.inventory,
            ledger=self.ledger,
            clock=lambda: self.now,
        )
        self.service = InventoryService(
            self.inventory,
            self.warehouses,
            InMemoryReservationRepository(self.inventory),
            lambda: self.now,
            choose=random.Random(7),
        )

    def split(self, shards: int, by: str = "alice") -> StockLevel:
        return self.stock.split(SplitStock("p-mug", "wh-east", by, shards))

    def merge(self, by: str = "bob") -> StockLevel:
        return self.stock.merge(MergeStock("p-mug", "wh-east", by))

    def hold(self, order_id: str, quantity: int) -> None:
        line = OrderLine("p-mug", "SKU-MUG", "Mug", Money(100, "USD"), quantity)
        self.service.hold_for(replace(an_order(order_id=order_id), lines=(line,), shipping_address=AN_ADDRESS))

    def trail(self) -> list[StockAdjustment]:
        return self.ledger.history("p-mug", limit=20, cursor=None).items


@pytest.fixture
def room() -> Stockroom:
    return Stockroom()


def test_a_split_then_a_merge_each_leave_one_record_of_who_when_shards_and_units(room: Stockroom) -> None:
    room.split(12, by="alice")
    room.now = START + timedelta(minutes=30)
    room.hold("ord_1", 2)
    merged = room.merge(by="bob")

    merge, split = room.trail()
    assert split == StockAdjustment(
        product_id="p-mug",
        warehouse_id="wh-east",
        id=f"{to_iso(START)}#wh-east#v0000000003-split",
        at=to_iso(START),
        by="alice",
        before=30,
        after=30,
        version=3,
        kind=StockChangeKind.SPLIT,
        shards_before=0,
        shards_after=12,
        reserved=4,
    )
    assert (merge.kind, merge.by, merge.at) == (StockChangeKind.MERGE, "bob", to_iso(START + timedelta(minutes=30)))
    assert (merge.shards_before, merge.shards_after, merge.before, merge.after, merge.reserved) == (12, 0, 28, 28, 6)
    assert merge.version == merged.version == 4
    assert merge.delta == split.delta == 0


def test_a_split_or_merge_asked_again_or_refused_records_nothing_more(room: Stockroom) -> None:
    room.split(4)
    room.split(4)
    with pytest.raises(StockSplitError):
        room.split(8)
    room.merge()
    room.merge()
    assert [record.kind for record in room.trail()] == [StockChangeKind.MERGE, StockChangeKind.SPLIT]


def test_splits_and_merges_in_the_same_millisecond_are_recorded_apart_newest_first(room: Stockroom) -> None:
    room.split(4)
    room.merge()
    room.split(2)
    assert [(r.kind, r.shards_before, r.shards_after) for r in room.trail()] == [
        (StockChangeKind.SPLIT, 0, 2),
        (StockChangeKind.MERGE, 4, 0),
        (StockChangeKind.SPLIT, 0, 4),
    ]


class AnswerLostOnce(InMemoryStockLedger):
    """Applies the first split, then loses its answer: as a timeout (the client retries the mutation) or as a
    conflict (the SDK's own retry of a transaction that went through, refused by the version it moved on)."""

    def __init__(self, inventory: InMemoryInventoryRepository, lost: Exception) -> None:
        super().__init__(inventory)
        self.lost: Exception | None = lost

    def split(self, level: StockLevel, shards: int, record: StockAdjustment) -> None:
        super().split(level, shards, record)
        if self.lost is not None:
            lost, self.lost = self.lost, None
            raise lost


@pytest.mark.parametrize("lost", [TimeoutError("the answer was lost"), ConcurrentUpdateError("stock", "p-mug")])
def test_a_retried_split_whose_first_answer_was_lost_leaves_one_record(room: Stockroom, lost: Exception) -> None:
    room.ledger = room.stock.ledger = room.stock.sharding.ledger = AnswerLostOnce(room.inventory, lost)
    if isinstance(lost, TimeoutError):
        with pytest.raises(TimeoutError):
            room.split(12)
        room.now = START + timedelta(seconds=5)

    level = room.split(12)

    assert (level.shards, level.available) == (12, 30)
    assert [(r.kind, r.at, r.version) for r in room.trail()] == [(StockChangeKind.SPLIT, to_iso(START), 3)]


def test_the_ledger_given_the_same_split_again_refuses_it_and_records_once(room: Stockroom) -> None:
    level = room.inventory.levels("p-mug")[0]
    room.split(4)
    (record,) = room.trail()
    with pytest.raises(ConcurrentUpdateError):
        room.ledger.split(level, 4, record)
    assert room.trail() == [record]


def test_adjustments_are_recorded_as_such_beside_splits(room: Stockroom) -> None:
    _, adjustment = room.stock.adjust(AdjustStock("p-mug", "wh-east", 2, "alice", delta=5))
    room.split(4)
    split, adjusted = room.trail()
    assert adjusted == adjustment
    assert (adjusted.kind, adjusted.shards_before, adjusted.shards_after) == (StockChangeKind.ADJUSTMENT, 0, 0)
    assert (split.before, split.after, split.version) == (35, 35, 4)
