"""Holds over stock split into shard items, against both implementations: the service on the same repositories the
running system uses (DynamoDB on moto) and on the in-memory ones, down to threads racing splits and merges."""

from __future__ import annotations

import contextlib
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from commerce.admin.shards import StockSharding
from commerce.admin.stock import StockAdjustment, StockChangeKind, resharding
from commerce.catalog import Location, StockLevel, Warehouse
from commerce.clock import to_iso
from commerce.commands import MergeStock, SplitStock
from commerce.errors import ConcurrentUpdateError, OutOfStockError
from commerce.money import Money
from commerce.orders import Order, OrderLine
from commerce.reservations import ReservationState
from commerce.services.inventory import InventoryService
from commerce.stock_shards import StockSplitError
from tests.contract.conftest import Stores
from tests.unit.builders import AN_ADDRESS, a_product, an_order

TABLES = {"inventory", "reservations", "warehouses", "products", "stock_adjustments"}
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def shop(stores: Stores, available: int, choose: random.Random | None = None) -> tuple[InventoryService, StockSharding]:
    stores.warehouses.create(Warehouse("wh-east", "East", Location(40.7, -74.0), "us-east"))
    stores.products.create(a_product("p-mug"))
    stores.inventory.put(StockLevel("p-mug", "wh-east", available=available))
    service = InventoryService(
        stores.inventory, stores.warehouses, stores.reservations, lambda: NOW, choose=choose or random.Random(5)
    )
    sharding = StockSharding(
        products=stores.products,
        warehouses=stores.warehouses,
        inventory=stores.inventory,
        ledger=stores.stock_ledger,
        clock=stores.clock,
    )
    return service, sharding


def order_of(order_id: str, quantity: int) -> Order:
    return replace(
        an_order(order_id=order_id),
        lines=(OrderLine("p-mug", "SKU-MUG", "Mug", Money(100, "USD"), quantity),),
        shipping_address=AN_ADDRESS,
    )


def totals(stores: Stores) -> tuple[int, int, int]:
    level = stores.inventory.levels("p-mug")[0]
    return (level.available, level.reserved, level.shipped)


def test_an_order_for_two_units_is_held_against_twelve_shards_of_one_unit(stores: Stores) -> None:
    service, sharding = shop(stores, 12)
    sharding.split(SplitStock("p-mug", "wh-east", "alice", shards=12))

    held = service.hold_for(order_of("ord_1", 2))

    assert held.state is ReservationState.HELD
    assert sorted(line.quantity for line in held.lines) == [1, 1]
    assert stores.reservations.get("ord_1") == held
    assert totals(stores) == (10, 2, 0)


def test_released_units_go_back_to_their_shards_and_after_a_merge_to_the_one_item(stores: Stores) -> None:
    service, sharding = shop(stores, 8)
    sharding.split(SplitStock("p-mug", "wh-east", "alice", shards=4))
    first = service.reserve_for(order_of("ord_1", 3))
    service.reserve_for(order_of("ord_2", 2))

    assert service.release_for("ord_1")
    shards = {item.shard: item.available for item in stores.inventory.levels("p-mug")[0].items}
    for line in first.lines:
        assert shards[line.shard] >= line.quantity

    sharding.merge(MergeStock("p-mug", "wh-east", "alice"))
    assert service.ship_for("ord_2")
    assert stores.inventory.levels("p-mug")[0] == StockLevel(
        "p-mug", "wh-east", available=6, shipped=2, version=stores.inventory.levels("p-mug")[0].version, split=1
    )


def test_holds_racing_splits_and_merges_conserve_every_unit(stores: Stores) -> None:
    service, sharding = shop(stores, 40)

    def hold(n: int) -> None:
        with contextlib.suppress(OutOfStockError, ConcurrentUpdateError):
            service.hold_for(order_of(f"ord_{n}", 1 + n % 2))
            if n % 5 == 0:
                service.release_for(f"ord_{n}")

    def reshape(n: int) -> None:
        with contextlib.suppress(StockSplitError, ConcurrentUpdateError):
            if n % 2:
                sharding.merge(MergeStock("p-mug", "wh-east", "alice"))
            else:
                sharding.split(SplitStock("p-mug", "wh-east", "alice", shards=2 + n % 4))

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda n: reshape(n) if n % 4 == 0 else hold(n), range(48)))

    held = 0
    for n in range(48):
        stored = stores.reservations.get(f"ord_{n}")
        if stored is not None and stored.state is ReservationState.HELD:
            held += sum(line.quantity for line in stored.lines)
    level = stores.inventory.levels("p-mug")[0]
    assert (level.available, level.reserved, level.shipped) == (40 - held, held, 0)
    assert all(min(item.available, item.reserved) >= 0 for item in level.items)


# --- the stock audit trail: one record per split and per merge, in the same transaction ---------------------------


def trail(stores: Stores) -> list[StockAdjustment]:
    return stores.stock_ledger.history("p-mug", limit=20, cursor=None).items


def test_a_split_then_a_merge_each_leave_one_record_with_their_figures(stores: Stores) -> None:
    service, sharding = shop(stores, 30)
    split_at = stores.clock()
    sharding.split(SplitStock("p-mug", "wh-east", "alice", shards=12))
    stores.clock.advance(timedelta(minutes=30))
    service.hold_for(order_of("ord_1", 2))
    merged = sharding.merge(MergeStock("p-mug", "wh-east", "bob"))

    merge, split = trail(stores)
    assert (split.kind, split.by, split.at, split.version) == (StockChangeKind.SPLIT, "alice", to_iso(split_at), 1)
    assert (split.shards_before, split.shards_after, split.before, split.after, split.reserved) == (0, 12, 30, 30, 0)
    assert (merge.kind, merge.by, merge.at) == (StockChangeKind.MERGE, "bob", to_iso(stores.clock()))
    assert (merge.shards_before, merge.shards_after, merge.before, merge.after, merge.reserved) == (12, 0, 28, 28, 2)
    assert merge.version == merged.version
    assert (merge.warehouse_id, merge.product_id) == ("wh-east", "p-mug")


def test_a_split_sent_again_once_it_went_through_writes_neither_the_split_nor_its_record_twice(
    stores: Stores,
) -> None:
    shop(stores, 30)
    read = stores.inventory.levels("p-mug")[0]
    record = resharding(read, 4, by="alice", at=stores.clock())
    stores.stock_ledger.split(read, 4, record)

    with pytest.raises(ConcurrentUpdateError):
        stores.stock_ledger.split(read, 4, record)

    assert trail(stores) == [record]
    assert stores.inventory.levels("p-mug")[0].shards == 4


def test_admins_splitting_at_once_leave_one_split_and_one_record(stores: Stores) -> None:
    _, sharding = shop(stores, 30)

    def split(admin: str) -> StockLevel:
        return sharding.split(SplitStock("p-mug", "wh-east", admin, shards=6))

    with ThreadPoolExecutor(max_workers=4) as pool:
        levels = list(pool.map(split, ["alice", "bob", "carol", "dave"]))

    assert {level.shards for level in levels} == {6}
    (record,) = trail(stores)
    assert (record.kind, record.shards_after, record.before) == (StockChangeKind.SPLIT, 6, 30)
