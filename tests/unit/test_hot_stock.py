"""An unsplit item that a rush keeps taking from under payOrder splits itself (commerce/hot_stock.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

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
from commerce.reservations import Reservation, ReservationState, StockConflictError, StockContendedError
from commerce.services.inventory import InventoryService
from infra.local.seed import WAREHOUSES
from tests.unit.builders import AN_ADDRESS, a_product, an_order

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
HOT = "p-hot"


class RushedReservations(InMemoryReservationRepository):
    """Holds on an unsplit item are cancelled for contention (as DynamoDB cancels them after its retries) `rivals`
    times; holds on shards go through."""

    rivals = 0

    def _hold(self, reservation: Reservation) -> Reservation:
        line = reservation.lines[0]
        if self.rivals and not line.shard:
            self.rivals -= 1
            raise StockContendedError(line.product_id, line.warehouse_id)
        return super()._hold(reservation)


class Shop:
    def __init__(self, *, shards: int = 12, rivals: int = 0) -> None:
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
            clock=lambda: NOW,
        )
        self.splits: list[SplitStock] = []
        self.service = InventoryService(
            self.inventory,
            self.warehouses,
            self.reservations,
            lambda: NOW,
            auto_split=AutoSplit(shards, self.split),
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


def test_a_payorder_hold_on_a_contended_unsplit_item_splits_it_and_holds_from_the_shards() -> None:
    shop = Shop(rivals=1)

    hold = shop.service.hold_for(an_order_of("ord_1", 2), split_hot=True)

    assert hold.state is ReservationState.HELD
    assert [(split.shards, split.by) for split in shop.splits] == [(12, AUTO_SPLIT_BY)]
    assert all(line.shard for line in hold.lines)  # taken from the shards, not the base item
    level = shop.level()
    assert (level.shards, level.available, level.reserved) == (12, 38, 2)


def test_a_stock_conflict_is_stock_running_out_and_splits_nothing() -> None:
    shop = Shop()
    shop.reservations.__class__ = RacedForStock

    hold = shop.service.hold_for(an_order_of("ord_1"), split_hot=True)

    assert hold.state is ReservationState.HELD and shop.splits == [] and shop.level().shards == 0


def test_a_hold_taken_again_by_the_saga_never_splits_and_fails_as_before() -> None:
    shop = Shop(rivals=1)

    with pytest.raises(StockContendedError):
        shop.service.hold_for(an_order_of("ord_1"))

    assert shop.splits == [] and shop.level().shards == 0 and shop.level().reserved == 0


def test_splitting_a_contended_item_is_off_at_zero_shards() -> None:
    shop = Shop(shards=0, rivals=1)

    with pytest.raises(ConcurrentUpdateError):
        shop.service.hold_for(an_order_of("ord_1"), split_hot=True)

    assert shop.splits == [] and shop.level().shards == 0


def test_a_split_that_fails_leaves_the_hold_to_fail_as_before_with_nothing_taken() -> None:
    shop = Shop(rivals=1)

    def refused(command: SplitStock) -> StockLevel:
        raise ConcurrentUpdateError("stock", f"{command.product_id}/{command.warehouse_id}")

    shop.service.auto_split = AutoSplit(12, refused)

    with pytest.raises(ConcurrentUpdateError):
        shop.service.hold_for(an_order_of("ord_1"), split_hot=True)

    assert shop.level().shards == 0 and (shop.level().available, shop.level().reserved) == (40, 0)


def test_a_split_refused_because_an_admin_split_meanwhile_holds_from_the_admins_shards() -> None:
    shop = Shop(rivals=1)

    def admin_got_there_first(command: SplitStock) -> StockLevel:
        shop.sharding.split(SplitStock(HOT, "wh-central", "admin", shards=4))
        return shop.split(command)  # over 12: refused, the level is split over 4 (StockSplitError)

    shop.service.auto_split = AutoSplit(12, admin_got_there_first)

    hold = shop.service.hold_for(an_order_of("ord_1", 2), split_hot=True)

    assert hold.state is ReservationState.HELD and all(line.shard for line in hold.lines)
    assert shop.level().shards == 4 and (shop.level().available, shop.level().reserved) == (38, 2)


def test_contention_on_the_shards_is_not_split_again() -> None:
    shop = Shop()
    shop.sharding.split(SplitStock(HOT, "wh-central", "admin", shards=4))
    shop.reservations.__class__ = ContendedShards

    with pytest.raises(StockContendedError):
        shop.service.hold_for(an_order_of("ord_1"), split_hot=True)

    assert shop.splits == [] and shop.level().shards == 4


class RacedForStock(RushedReservations):
    """The first hold finds its units gone (another order took them): a conflict about stock, not contention."""

    def _hold(self, reservation: Reservation) -> Reservation:
        if not getattr(self, "raced", False):
            self.raced = True
            line = reservation.lines[0]
            raise StockConflictError(line.product_id, line.warehouse_id)
        return super()._hold(reservation)


class ContendedShards(RushedReservations):
    def _hold(self, reservation: Reservation) -> Reservation:
        line = reservation.lines[0]
        raise StockContendedError(line.product_id, line.warehouse_id)
