"""An unsplit item that a rush keeps taking from under payOrder splits itself (commerce/hot_stock.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from commerce.admin.shards import StockSharding
from commerce.catalog import StockLevel
from commerce.commands import SplitStock
from commerce.errors import ConcurrentUpdateError
from commerce.hot_stock import AUTO_SPLIT_BY, AutoSplit
from commerce.money import Money
from commerce.orders import Order, OrderLine
from commerce.repositories.memory import (
    InMemoryInventoryRepository,
    InMemoryProductRepository,
    InMemoryWarehouseRepository,
)
from commerce.repositories.memory_admin import InMemoryStockLedger
from commerce.repositories.memory_reservations import InMemoryReservationRepository
from commerce.reservations import Reservation, ReservationState, StockConflictError
from commerce.services.inventory import InventoryService
from infra.local.seed import WAREHOUSES
from tests.unit.builders import AN_ADDRESS, a_product, an_order

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
HOT = "p-hot"


class RushedReservations(InMemoryReservationRepository):
    """Holds on the base item lose to a rival that takes one unit first, `rivals` times; then the rush thins."""

    rivals = 0

    def _hold(self, reservation: Reservation) -> Reservation:
        line = reservation.lines[0]
        if self.rivals and not line.shard:
            self.rivals -= 1
            level = next(lv for lv in self.inventory.levels(line.product_id) if lv.warehouse_id == line.warehouse_id)
            self.inventory.put(replace(level, available=level.available - 1, reserved=level.reserved + 1))
            raise StockConflictError(line.product_id, line.warehouse_id)
        return super()._hold(reservation)


class Shop:
    def __init__(self, *, after_conflicts: int = 3, rivals: int = 0) -> None:
        self.inventory = InMemoryInventoryRepository()
        self.warehouses = InMemoryWarehouseRepository()
        for warehouse in WAREHOUSES:
            self.warehouses.add(warehouse)
        products = InMemoryProductRepository()
        products.add(a_product(HOT))
        self.reservations = RushedReservations(self.inventory)
        self.reservations.rivals = rivals
        self.sharding = StockSharding(
            products=products,
            warehouses=self.warehouses,
            inventory=self.inventory,
            ledger=InMemoryStockLedger(self.inventory),
        )
        self.splits: list[SplitStock] = []
        self.service = InventoryService(
            self.inventory,
            self.warehouses,
            self.reservations,
            lambda: NOW,
            auto_split=AutoSplit(after_conflicts, 12, self.split),
        )
        self.inventory.put(StockLevel(HOT, "wh-central", available=40))

    def split(self, command: SplitStock) -> StockLevel:
        self.splits.append(command)
        return self.sharding.split(command)

    def level(self) -> StockLevel:
        return next(level for level in self.inventory.levels(HOT) if level.warehouse_id == "wh-central")


def an_order_of(order_id: str, quantity: int = 1) -> Order:
    line = OrderLine(HOT, f"SKU-{HOT}", HOT, Money(100, "USD"), quantity)
    return replace(an_order(order_id=order_id), lines=(line,), shipping_address=AN_ADDRESS)


def test_a_payorder_hold_that_loses_an_unsplit_item_three_times_splits_it_and_holds_from_the_shards() -> None:
    shop = Shop(rivals=3)

    hold = shop.service.hold_for(an_order_of("ord_1", 2), split_hot=True)

    assert hold.state is ReservationState.HELD
    assert [(split.shards, split.by) for split in shop.splits] == [(12, AUTO_SPLIT_BY)]
    assert all(line.shard for line in hold.lines)  # taken from the shards, not the base item
    level = shop.level()
    assert level.shards == 12
    assert (level.available, level.reserved) == (40 - 3 - 2, 3 + 2)  # the rivals' 3 and ours: nothing lost


def test_two_conflicts_are_an_ordinary_race_and_split_nothing() -> None:
    shop = Shop(rivals=2)

    hold = shop.service.hold_for(an_order_of("ord_1"), split_hot=True)

    assert hold.state is ReservationState.HELD and shop.splits == [] and shop.level().shards == 0


def test_a_hold_taken_again_by_the_saga_never_splits() -> None:
    shop = Shop(rivals=3)

    shop.service.hold_for(an_order_of("ord_1"))

    assert shop.splits == [] and shop.level().shards == 0


def test_splitting_on_conflicts_is_off_at_zero() -> None:
    shop = Shop(after_conflicts=0, rivals=3)

    shop.service.hold_for(an_order_of("ord_1"), split_hot=True)

    assert shop.splits == [] and shop.level().shards == 0


def test_a_split_that_fails_leaves_the_hold_to_go_on_against_the_one_item() -> None:
    shop = Shop(rivals=3)

    def refused(command: SplitStock) -> StockLevel:
        raise ConcurrentUpdateError("stock", f"{command.product_id}/{command.warehouse_id}")

    shop.service.auto_split = AutoSplit(3, 12, refused)

    hold = shop.service.hold_for(an_order_of("ord_1"), split_hot=True)

    assert hold.state is ReservationState.HELD and shop.level().shards == 0
