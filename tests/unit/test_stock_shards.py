"""Stock split over shard items for a hot sale, in memory: split, merge, holds over shards, sums in every view."""

from __future__ import annotations

import contextlib
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from commerce.admin.stock import WarehouseNotFoundError
from commerce.admin.stock_adjustments import StockAdjustments
from commerce.allocation import AllocationLine
from commerce.catalog import Location, StockItem, StockLevel, Warehouse
from commerce.commands import AdjustStock, MergeStock, SplitStock
from commerce.errors import ConcurrentUpdateError, OutOfStockError, ProductNotFoundError
from commerce.money import Money
from commerce.orders import Order, OrderLine
from commerce.repositories.memory import (
    InMemoryInventoryRepository,
    InMemoryProductRepository,
    InMemoryWarehouseRepository,
)
from commerce.repositories.memory_admin import InMemoryStockLedger
from commerce.repositories.memory_reservations import InMemoryReservationRepository
from commerce.reservations import TRANSACTION_LIMIT
from commerce.services.inventory import InventoryService
from commerce.stock_shards import (
    DEFAULT_HOT_SHARDS,
    ShardCountError,
    StockNotStockedError,
    StockSplitError,
    allocation_actions,
    hold_actions_bound,
    spread,
)
from tests.unit.builders import AN_ADDRESS, a_product, an_order

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


class InOrder(random.Random):
    """A random source whose shuffle puts the items in the order given, for tests that need one choice."""

    def __init__(self, *first: str) -> None:
        super().__init__(0)
        self.first = first

    def shuffle(self, x: list[StockItem]) -> None:  # type: ignore[override]
        x.sort(
            key=lambda item: (
                item.shard not in self.first,
                self.first.index(item.shard) if item.shard in self.first else 0,
            )
        )


class Shop:
    def __init__(self, choose: random.Random | None = None) -> None:
        self.products = InMemoryProductRepository()
        self.warehouses = InMemoryWarehouseRepository()
        self.inventory = InMemoryInventoryRepository()
        self.ledger = InMemoryStockLedger(self.inventory)
        self.reservations = InMemoryReservationRepository(self.inventory)
        self.warehouses.add(Warehouse("wh-east", "East", Location(40.7, -74.0), "us-east"))
        self.products.add(a_product("p-mug"))
        self.stock = StockAdjustments(
            products=self.products,
            warehouses=self.warehouses,
            inventory=self.inventory,
            ledger=self.ledger,
            clock=lambda: NOW,
        )
        self.service = InventoryService(
            self.inventory, self.warehouses, self.reservations, lambda: NOW, choose=choose or random.Random(7)
        )

    def level(self) -> StockLevel:
        return self.inventory.levels("p-mug")[0]

    def split(self, shards: int = 12) -> StockLevel:
        return self.stock.split(SplitStock("p-mug", "wh-east", "alice", shards))

    def merge(self) -> StockLevel:
        return self.stock.merge(MergeStock("p-mug", "wh-east", "alice"))

    def totals(self) -> tuple[int, int, int]:
        level = self.level()
        return (level.available, level.reserved, level.shipped)


def order_of(order_id: str, quantity: int) -> Order:
    return replace(
        an_order(order_id=order_id),
        lines=(OrderLine("p-mug", "SKU-MUG", "Mug", Money(100, "USD"), quantity),),
        shipping_address=AN_ADDRESS,
    )


def test_a_two_unit_hold_succeeds_against_twelve_shards_of_one_unit_each() -> None:
    shop = Shop()
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=12))
    shop.split(12)

    held = shop.service.hold_for(order_of("ord_1", 2))

    assert sum(line.quantity for line in held.lines) == 2
    assert len({line.shard for line in held.lines}) == 2
    assert all(line.shard.startswith("g1s") for line in held.lines)
    assert shop.totals() == (10, 2, 0)


def test_a_hold_takes_from_the_shard_chosen_and_falls_back_to_the_others_when_it_runs_short() -> None:
    shop = Shop(InOrder("g1s02", "g1s00"))
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=5))
    shop.split(4)  # 2, 1, 1, 1

    held = shop.service.hold_for(order_of("ord_1", 3))

    assert [(line.shard, line.quantity) for line in held.lines] == [("g1s02", 1), ("g1s00", 2)]


def test_different_random_draws_spread_holds_over_different_shards() -> None:
    shop = Shop(random.Random(1))
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=1200))
    shop.split(12)

    shards = {line.shard for n in range(40) for line in shop.service.hold_for(order_of(f"ord_{n}", 1)).lines}

    assert len(shards) > 6


def test_a_spread_skips_shards_without_stock_and_keeps_unsplit_lines_whole() -> None:
    items = (StockItem("", 0), StockItem("g1s00", 0), StockItem("g1s01", 3), StockItem("g1s02", 0))
    split_level = StockLevel("p-mug", "wh-east", available=3, shards=3, split=1, items=items)
    plain = StockLevel("p-pen", "wh-east", available=9)
    lines = (AllocationLine("p-mug", "wh-east", 2), AllocationLine("p-pen", "wh-east", 4))

    spread_lines = spread(lines, {"p-mug": [split_level], "p-pen": [plain]}, random.Random(3))

    assert spread_lines == (AllocationLine("p-mug", "wh-east", 2, "g1s01"), AllocationLine("p-pen", "wh-east", 4))


def test_release_reclaim_and_ship_return_units_to_the_shards_they_came_from() -> None:
    shop = Shop(InOrder("g1s01", "g1s03"))
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=4))
    shop.split(4)
    shop.service.hold_for(order_of("ord_1", 2))
    shop.service.reserve_for(order_of("ord_2", 1))  # g1s01 and g1s03 are empty now: the next one chosen

    assert shop.service.release_for("ord_1")

    by_shard = {item.shard: (item.available, item.reserved) for item in shop.level().items}
    assert by_shard["g1s01"] == (1, 0)
    assert by_shard["g1s03"] == (1, 0)
    assert shop.service.ship_for("ord_2")
    assert shop.totals() == (3, 0, 1)


def test_a_split_or_merge_conserves_every_unit_and_asking_twice_changes_nothing() -> None:
    shop = Shop()
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=30, reserved=4, shipped=6, version=2))

    split = shop.split(12)
    assert shop.split(12) == split
    assert (split.available, split.reserved, split.shipped, split.shards) == (30, 4, 6, 12)

    merged = shop.merge()
    assert shop.merge() == merged
    assert (merged.available, merged.reserved, merged.shipped, merged.shards) == (30, 4, 6, 0)


def test_a_split_is_refused_when_it_would_break_a_rule() -> None:
    shop = Shop()
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=30))
    with pytest.raises(ShardCountError):
        shop.split(1)
    with pytest.raises(ShardCountError):
        shop.split(33)
    with pytest.raises(ProductNotFoundError):
        shop.stock.split(SplitStock("p-none", "wh-east", "alice"))
    with pytest.raises(WarehouseNotFoundError):
        shop.stock.split(SplitStock("p-mug", "wh-none", "alice"))
    shop.products.add(a_product("p-pen"))
    with pytest.raises(StockNotStockedError):
        shop.stock.split(SplitStock("p-pen", "wh-east", "alice"))
    shop.split(4)
    with pytest.raises(StockSplitError):
        shop.split(8)
    assert shop.level().shards == 4


def test_an_admin_adjustment_of_split_stock_is_refused_until_it_is_merged() -> None:
    shop = Shop()
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=30))
    version = shop.split(4).version

    with pytest.raises(StockSplitError):
        shop.stock.adjust(AdjustStock("p-mug", "wh-east", version, "alice", delta=5))

    merged = shop.merge()
    level, _ = shop.stock.adjust(AdjustStock("p-mug", "wh-east", merged.version, "alice", delta=5))
    assert level.available == 35


def test_admin_views_and_the_low_stock_list_show_the_sums_over_shards() -> None:
    shop = Shop()
    shop.products.add(replace(a_product("p-mug"), low_stock_threshold=5))
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=16), low_stock_threshold=5)
    shop.split(4)

    assert [(lv.available, lv.shards) for lv in shop.stock.levels("p-mug")] == [(16, 4)]
    assert shop.stock.low_stock() == []

    for n in range(11):
        shop.service.hold_for(order_of(f"ord_{n}", 1))

    assert [(item.level.available, item.level.shards) for item in shop.stock.low_stock()] == [(5, 4)]


def test_placement_counts_a_transaction_action_per_shard_a_line_may_take_from() -> None:
    items = (StockItem("", 0), *(StockItem(f"g1s{n:02d}", 1) for n in range(32)))
    hot = {"p-mug": [StockLevel("p-mug", "wh-east", available=32, shards=32, split=1, items=items)]}

    assert hold_actions_bound([("p-mug", 20)], hot) == 21
    assert hold_actions_bound([("p-mug", 40)], hot) == 33
    assert allocation_actions([AllocationLine("p-mug", "wh-east", 20)], hot) == 21
    assert hold_actions_bound([("p-mug", 200)], {"p-mug": [StockLevel("p-mug", "wh-east", available=300)]}) == 2
    assert TRANSACTION_LIMIT == 100


def test_an_order_the_shards_cannot_cover_is_out_of_stock() -> None:
    shop = Shop()
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=3))
    shop.split(3)

    with pytest.raises(OutOfStockError):
        shop.service.hold_for(order_of("ord_1", 4))
    assert shop.totals() == (3, 0, 0)


def test_holds_racing_splits_and_merges_conserve_stock_and_never_go_negative() -> None:
    shop = Shop()
    shop.inventory.put(StockLevel("p-mug", "wh-east", available=60))
    stop = threading.Event()
    seen: list[tuple[int, int, int]] = []
    negative: list[StockLevel] = []

    def watch() -> None:
        while not stop.is_set():
            with shop.inventory.lock:
                seen.append(shop.totals())
                negative.extend(lv for lv in shop.inventory.stock.values() if min(lv.available, lv.reserved) < 0)

    def hold(n: int) -> None:
        try:
            shop.service.hold_for(order_of(f"ord_{n}", 1 + n % 3))
            if n % 4 == 0:
                shop.service.release_for(f"ord_{n}")
        except OutOfStockError:
            pass

    reshaped: list[int] = []

    def reshape(n: int) -> None:
        with contextlib.suppress(StockSplitError, ConcurrentUpdateError):
            reshaped.append((shop.split(2 + n % 5) if n % 2 == 0 else shop.merge()).shards)

    watcher = threading.Thread(target=watch)
    watcher.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: hold(n) if n % 3 else reshape(n), range(120)))
    stop.set()
    watcher.join()

    held = sum(
        line.quantity
        for r in shop.reservations.reservations.values()
        if r.state.value != "RELEASED"
        for line in r.lines
    )
    assert shop.totals() == (60 - held, held, 0)
    assert {sum(t) for t in seen} == {60}
    assert negative == []
    assert 0 in reshaped and any(reshaped)  # merged and split while holds ran


def test_a_hold_that_would_not_fit_one_transaction_is_spread_over_the_fullest_shards_instead() -> None:
    items = (StockItem("", 0), StockItem("g1s00", 1), StockItem("g1s01", 5), StockItem("g1s02", 1))
    level = StockLevel("p-mug", "wh-east", available=7, shards=3, split=1, items=items)

    lines = spread((AllocationLine("p-mug", "wh-east", 5),), {"p-mug": [level]}, random.Random(0), fewest=True)

    assert lines == (AllocationLine("p-mug", "wh-east", 5, "g1s01"),)


def test_a_split_asked_without_a_count_uses_the_documented_default() -> None:
    assert SplitStock("p-mug", "wh-east", "alice").shards == DEFAULT_HOT_SHARDS == 12
