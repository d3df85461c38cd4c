from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from commerce.admin.products import ProductAdmin, ProductChanges
from commerce.admin.rejection import RequestRejectedError
from commerce.admin.stock import NegativeStockError, StockAdjustment, StockVersionConflictError, WarehouseNotFoundError
from commerce.admin.stock_adjustments import StockAdjustments
from commerce.catalog import Location, StockLevel, Warehouse
from commerce.commands import AdjustStock
from commerce.errors import ProductNotFoundError
from commerce.repositories.memory import (
    InMemoryInventoryRepository,
    InMemoryProductRepository,
    InMemoryWarehouseRepository,
)
from commerce.repositories.memory_admin import InMemoryStockLedger
from tests.unit.builders import a_product

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


class Stockroom:
    def __init__(self) -> None:
        self.products = InMemoryProductRepository()
        self.warehouses = InMemoryWarehouseRepository()
        self.inventory = InMemoryInventoryRepository()
        self.ledger = InMemoryStockLedger(self.inventory)
        for warehouse_id in ("wh-east", "wh-west"):
            self.warehouses.add(Warehouse(warehouse_id, warehouse_id, Location(40.0, -74.0), "us"))
        self.products.add(a_product("p-mug"))
        self.inventory.put(StockLevel("p-mug", "wh-east", available=10, reserved=3, shipped=7, version=4))
        self.service = StockAdjustments(
            products=self.products,
            warehouses=self.warehouses,
            inventory=self.inventory,
            ledger=self.ledger,
            clock=lambda: NOW,
        )
        self.product_admin = ProductAdmin(products=self.products, ledger=self.ledger)

    def level(self, warehouse_id: str = "wh-east") -> StockLevel:
        return next(level for level in self.service.levels("p-mug") if level.warehouse_id == warehouse_id)

    def adjust(
        self,
        *,
        expected_version: int,
        product_id: str = "p-mug",
        warehouse_id: str = "wh-east",
        quantity: int | None = None,
        delta: int | None = None,
        note: str = "",
    ) -> tuple[StockLevel, StockAdjustment]:
        command = AdjustStock(product_id, warehouse_id, expected_version, "alice", quantity, delta, note)
        return self.service.adjust(command)


@pytest.fixture
def room() -> Stockroom:
    return Stockroom()


def test_setting_a_quantity_changes_only_available_units_and_records_who_when_before_after(room: Stockroom) -> None:
    level, adjustment = room.service.adjust(
        AdjustStock("p-mug", "wh-east", expected_version=4, by="alice", quantity=25, note="delivery 42")
    )
    assert level == StockLevel("p-mug", "wh-east", available=25, reserved=3, shipped=7, version=5)
    assert room.level() == level
    (recorded,) = room.ledger.adjustments
    assert recorded == adjustment
    assert (recorded.by, recorded.at, recorded.before, recorded.after, recorded.delta, recorded.note) == (
        "alice",
        "2026-11-24T09:30:00.000Z",
        10,
        25,
        15,
        "delivery 42",
    )


def test_a_delta_changes_available_units_by_that_much(room: Stockroom) -> None:
    level, _ = room.service.adjust(AdjustStock("p-mug", "wh-east", expected_version=4, by="alice", delta=-4))
    assert (level.available, level.version) == (6, 5)


def test_a_stale_version_is_refused_and_nothing_is_written(room: Stockroom) -> None:
    before = room.level()
    with pytest.raises(StockVersionConflictError) as conflict:
        room.service.adjust(AdjustStock("p-mug", "wh-east", expected_version=3, by="alice", quantity=0))
    assert conflict.value.current == before
    assert room.level() == before
    assert room.ledger.adjustments == []


def test_a_change_racing_ours_between_read_and_write_is_a_conflict_too(room: Stockroom) -> None:
    class RacingInventory(InMemoryInventoryRepository):
        """Another order reserves a unit right after our read."""

        def __init__(self, inner: InMemoryInventoryRepository) -> None:
            super().__init__()
            self.stock, self.thresholds, self.raced = inner.stock, inner.thresholds, False

        def levels(self, product_id: str) -> list[StockLevel]:
            found = super().levels(product_id)
            if not self.raced:
                self.raced = True
                key = ("p-mug", "wh-east")
                self.stock[key] = replace(self.stock[key], available=9, reserved=4, version=5)
            return found

    room.service.inventory = RacingInventory(room.inventory)
    with pytest.raises(StockVersionConflictError) as conflict:
        room.service.adjust(AdjustStock("p-mug", "wh-east", expected_version=4, by="alice", quantity=30))
    assert conflict.value.current.version == 5
    assert room.level().available == 9 and room.ledger.adjustments == []


def test_stock_can_never_go_below_zero(room: Stockroom) -> None:
    with pytest.raises(NegativeStockError) as negative:
        room.service.adjust(AdjustStock("p-mug", "wh-east", expected_version=4, by="alice", delta=-11))
    assert (negative.value.available, negative.value.requested_change) == (10, -11)
    assert room.level().available == 10


@pytest.mark.parametrize(
    ("command", "fields"),
    [
        (AdjustStock("p-mug", "wh-east", 4, "alice", quantity=5, delta=1), ["quantity"]),
        (AdjustStock("p-mug", "wh-east", 4, "alice"), ["quantity"]),
        (AdjustStock("p-mug", "wh-east", 4, "alice", quantity=-1), ["quantity"]),
        (AdjustStock("p-mug", "wh-east", 4, "alice", delta=0), ["delta"]),
        (AdjustStock("p-mug", "wh-east", -1, "alice", quantity=1), ["expectedVersion"]),
        (AdjustStock("p-mug", "wh-east", 4, "alice", quantity=1, note="x" * 501), ["note"]),
    ],
)
def test_a_malformed_adjustment_names_its_fields(room: Stockroom, command: AdjustStock, fields: list[str]) -> None:
    with pytest.raises(RequestRejectedError) as rejected:
        room.service.adjust(command)
    assert [issue.field for issue in rejected.value.issues] == fields
    assert room.ledger.adjustments == []


def test_unknown_products_and_warehouses_are_named(room: Stockroom) -> None:
    with pytest.raises(ProductNotFoundError):
        room.adjust(product_id="p-none", expected_version=0, quantity=1)
    with pytest.raises(WarehouseNotFoundError):
        room.adjust(warehouse_id="wh-moon", expected_version=0, quantity=1)


def test_a_warehouse_that_never_held_the_product_starts_at_version_zero(room: Stockroom) -> None:
    assert room.level("wh-west") == StockLevel("p-mug", "wh-west", available=0)
    level, _ = room.adjust(warehouse_id="wh-west", expected_version=0, quantity=8)
    assert level == StockLevel("p-mug", "wh-west", available=8, version=1)
    with pytest.raises(StockVersionConflictError):
        room.adjust(warehouse_id="wh-west", expected_version=0, quantity=9)


def test_items_at_or_below_their_products_threshold_are_low_and_a_new_threshold_moves_them(room: Stockroom) -> None:
    room.adjust(warehouse_id="wh-west", expected_version=0, quantity=5)
    assert [(i.product.id, i.level.warehouse_id) for i in room.service.low_stock()] == [("p-mug", "wh-west")]
    room.product_admin.update("p-mug", ProductChanges(low_stock_threshold=10))
    assert {i.level.warehouse_id for i in room.service.low_stock()} == {"wh-west", "wh-east"}
    room.product_admin.set_active("p-mug", False)
    assert room.service.low_stock() == []


class AnswerLostOnce(InMemoryStockLedger):
    """Applies the first change, then loses its answer, as a timed-out request whose write went through."""

    lost = False

    def record(
        self, before: StockLevel, adjustment: StockAdjustment, low_stock_threshold: int, *, exists: bool
    ) -> None:
        super().record(before, adjustment, low_stock_threshold, exists=exists)
        if not self.lost:
            self.lost = True
            raise TimeoutError("the answer was lost")


def test_a_retried_adjustment_whose_first_answer_was_lost_changes_stock_once_and_answers_that_change(
    room: Stockroom,
) -> None:
    room.ledger = room.service.ledger = AnswerLostOnce(room.inventory)
    command = AdjustStock("p-mug", "wh-east", 4, "alice", delta=5, idempotency_key="delivery-42")
    with pytest.raises(TimeoutError):
        room.service.adjust(command)
    level, adjustment = room.service.adjust(command)
    assert room.level().available == level.available == 15
    assert room.ledger.adjustments == [adjustment]


def test_another_change_at_a_stale_version_is_still_a_conflict(room: Stockroom) -> None:
    room.service.adjust(AdjustStock("p-mug", "wh-east", 4, "alice", delta=5, idempotency_key="first"))
    for other in (
        AdjustStock("p-mug", "wh-east", 4, "alice", delta=5, idempotency_key="second"),
        AdjustStock("p-mug", "wh-east", 4, "bob", delta=5, idempotency_key="first"),  # another admin's key
        AdjustStock("p-mug", "wh-east", 4, "alice", delta=5),
    ):
        with pytest.raises(StockVersionConflictError):
            room.service.adjust(other)
    assert room.level().available == 15


def test_the_ledger_given_the_same_change_again_applies_it_once(room: Stockroom) -> None:
    before = room.level()
    _, adjustment = room.adjust(expected_version=4, delta=1)
    room.ledger.record(before, adjustment, 0, exists=True)
    assert room.level().available == 11 and room.ledger.adjustments == [adjustment]
