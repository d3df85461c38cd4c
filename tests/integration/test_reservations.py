"""Reservations on DynamoDB (moto): all-or-nothing stock moves, idempotent steps, no unit sold twice."""

from __future__ import annotations

import logging
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

import boto3
import pytest
from botocore.config import Config

from commerce.admin.shards import StockSharding
from commerce.allocation import AllocationLine
from commerce.catalog import StockLevel
from commerce.errors import ConcurrentUpdateError, OutOfStockError
from commerce.hot_stock import AUTO_SPLIT_BY, AutoSplit
from commerce.money import Money
from commerce.orders import Address, Order, OrderLine
from commerce.repositories.catalog import DynamoInventoryRepository
from commerce.repositories.dynamo import DynamoTable
from commerce.repositories.reservations import DynamoReservationRepository
from commerce.repositories.stock_ledger import DynamoStockLedger
from commerce.reservations import MAX_LINES, Reservation, ReservationState, StockConflictError, StockContendedError
from commerce.services.inventory import InventoryService
from infra.local.cloud import LocalCloud
from tests.integration.dynamodb_faults import conflicting
from tests.unit.builders import a_product, an_order

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
WAREHOUSE_IDS = ("wh-east", "wh-central", "wh-west")
ADDRESSES = (
    Address("A", "350 Fifth Ave", "New York", "10118", "US", region="NY"),
    Address("B", "1100 Congress Ave", "Austin", "78701", "US", region="TX"),
    Address("C", "1 Dr Carlton B Goodlett Pl", "San Francisco", "94102", "US", region="CA"),
)


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


class Shelf:
    """The DynamoDB adapters under test, on the session's tables, with fresh product ids per test."""

    def __init__(self, local_cloud: LocalCloud, client: DynamoDBClient | None = None) -> None:
        self.client: DynamoDBClient = client or boto3.client("dynamodb")
        tables = local_cloud.settings.tables
        self.inventory = DynamoInventoryRepository(DynamoTable(self.client, tables.inventory))
        self.reservations = DynamoReservationRepository(
            DynamoTable(self.client, tables.inventory),
            DynamoTable(self.client, tables.reservations),
            pause=lambda _: None,
        )
        self.service = InventoryService(
            self.inventory, local_cloud.repositories.warehouses, self.reservations, lambda: NOW
        )

    def stock(self, east: int, central: int, west: int) -> str:
        product_id = unique("p")
        for warehouse_id, available in zip(WAREHOUSE_IDS, (east, central, west), strict=True):
            self.inventory.put(StockLevel(product_id, warehouse_id, available=available))
        return product_id

    def levels(self, *product_ids: str) -> dict[tuple[str, str], StockLevel]:
        return {
            (level.product_id, level.warehouse_id): level
            for product_id in product_ids
            for level in self.inventory.levels(product_id)
        }

    def totals(self, *product_ids: str) -> dict[tuple[str, str], int]:
        return {key: lv.available + lv.reserved + lv.shipped for key, lv in self.levels(*product_ids).items()}


@pytest.fixture
def shelf(local_cloud: LocalCloud) -> Shelf:
    return Shelf(local_cloud)


@pytest.fixture
def racing_shelf(local_cloud: LocalCloud) -> Shelf:
    """A shelf for many threads at once (one pooled connection each).

    The races below are only meaningful because the local cloud makes each DynamoDB request atomic, as AWS
    does (infra/local/aws.py); moto alone does not: its threaded server runs requests concurrently and undoes a
    failed TransactWriteItems by restoring whole-table snapshots (measured: 11-12 of 10 units sold).
    """
    return Shelf(local_cloud, boto3.client("dynamodb", config=Config(max_pool_connections=32)))


def reserved(order_id: str, *lines: tuple[str, str, int]) -> Reservation:
    return Reservation(order_id, tuple(AllocationLine(*line) for line in lines), ReservationState.RESERVED, "t0")


def an_order_of(product_id: str, quantity: int, address: Address = ADDRESSES[0]) -> Order:
    line = OrderLine(product_id, f"SKU-{product_id}", "Thing", Money(100, "USD"), quantity)
    return replace(an_order(order_id=unique("ord")), lines=(line,), shipping_address=address)


def test_reserving_twice_for_one_order_reserves_once(shelf: Shelf) -> None:
    product = shelf.stock(5, 5, 5)
    order_id = unique("ord")
    first = shelf.reservations.reserve(reserved(order_id, (product, "wh-east", 2)))
    again = shelf.reservations.reserve(reserved(order_id, (product, "wh-west", 3)))
    assert again == first == shelf.reservations.get(order_id)
    levels = shelf.levels(product)
    assert (levels[(product, "wh-east")].available, levels[(product, "wh-east")].reserved) == (3, 2)
    assert levels[(product, "wh-west")] == StockLevel(product, "wh-west", available=5)


def test_duplicated_saga_steps_racing_for_one_order_reserve_once(racing_shelf: Shelf) -> None:
    product = racing_shelf.stock(5, 5, 5)
    order = an_order_of(product, 2)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: racing_shelf.service.reserve_for(order), range(6)))
    assert len(set(results)) == 1
    assert sum(level.reserved for level in racing_shelf.levels(product).values()) == 2


def test_a_reservation_that_cannot_be_met_writes_nothing_and_names_the_item_that_failed(shelf: Shelf) -> None:
    mug, tent = shelf.stock(5, 5, 5), shelf.stock(1, 1, 1)
    before = shelf.levels(mug, tent)
    order_id = unique("ord")
    lines = ((mug, "wh-east", 2), (tent, "wh-central", 2), (mug, "wh-west", 1))
    with pytest.raises(StockConflictError) as raised:
        shelf.reservations.reserve(reserved(order_id, *lines))
    # moto answers with one cancellation reason per action, so the failing middle line is the one named.
    assert (raised.value.product_id, raised.value.warehouse_id) == (tent, "wh-central")
    assert shelf.levels(mug, tent) == before
    assert shelf.reservations.get(order_id) is None


def test_a_reservation_of_stock_that_was_never_stocked_writes_nothing(shelf: Shelf) -> None:
    mug = shelf.stock(5, 5, 5)
    before = shelf.levels(mug)
    with pytest.raises(StockConflictError) as raised:
        shelf.reservations.reserve(reserved(unique("ord"), (mug, "wh-east", 1), (mug, "wh-nowhere", 1)))
    assert raised.value.warehouse_id == "wh-nowhere"
    assert shelf.levels(mug) == before


def test_release_is_exact_and_idempotent(shelf: Shelf) -> None:
    mug, tent = shelf.stock(5, 5, 5), shelf.stock(2, 0, 2)
    before = shelf.levels(mug, tent)
    order_id = unique("ord")
    shelf.reservations.reserve(reserved(order_id, (mug, "wh-east", 3), (tent, "wh-east", 2), (tent, "wh-west", 1)))
    assert shelf.reservations.release(order_id) is True
    assert shelf.reservations.release(order_id) is False
    after = shelf.levels(mug, tent)
    assert {key: (lv.available, lv.reserved, lv.shipped) for key, lv in after.items()} == {
        key: (lv.available, lv.reserved, lv.shipped) for key, lv in before.items()
    }
    stored = shelf.reservations.get(order_id)
    assert stored is not None and stored.state is ReservationState.RELEASED
    assert shelf.reservations.release(unique("ord")) is False


def test_concurrent_releases_give_the_stock_back_once(racing_shelf: Shelf) -> None:
    mug = racing_shelf.stock(5, 0, 0)
    order_id = unique("ord")
    racing_shelf.reservations.reserve(reserved(order_id, (mug, "wh-east", 4)))
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: racing_shelf.reservations.release(order_id), range(6)))
    assert outcomes.count(True) == 1
    level = racing_shelf.levels(mug)[(mug, "wh-east")]
    assert (level.available, level.reserved) == (5, 0)


def test_ship_moves_reserved_units_to_shipped_once(shelf: Shelf) -> None:
    mug = shelf.stock(5, 5, 5)
    order_id = unique("ord")
    shelf.reservations.reserve(reserved(order_id, (mug, "wh-central", 2)))
    assert shelf.reservations.ship(order_id) is True
    assert shelf.reservations.ship(order_id) is False
    assert shelf.reservations.release(order_id) is False
    assert shelf.levels(mug)[(mug, "wh-central")] == StockLevel(mug, "wh-central", 3, reserved=0, shipped=2, version=2)


def test_available_reserved_and_shipped_always_add_up_to_the_stock(shelf: Shelf) -> None:
    mug, tent = shelf.stock(4, 6, 3), shelf.stock(2, 1, 2)
    initial = shelf.totals(mug, tent)
    orders = [an_order_of(mug, 3, ADDRESSES[i % 3]) for i in range(3)] + [an_order_of(tent, 2, ADDRESSES[1])]
    for order in orders:
        shelf.service.reserve_for(order)
        assert shelf.totals(mug, tent) == initial
    shelf.service.ship_for(orders[0].id)
    shelf.service.release_for(orders[1].id)
    shelf.service.ship_for(orders[3].id)
    shelf.service.release_for(orders[3].id)
    assert shelf.totals(mug, tent) == initial
    assert all(min(lv.available, lv.reserved, lv.shipped) >= 0 for lv in shelf.levels(mug, tent).values())


def test_thirty_orders_racing_for_ten_units_reserve_exactly_ten(
    racing_shelf: Shelf, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="commerce.services.inventory")
    mug = racing_shelf.stock(3, 3, 4)
    orders = [an_order_of(mug, 1, ADDRESSES[i % 3]) for i in range(30)]
    start = threading.Barrier(len(orders))

    def reserve(order: Order) -> bool:
        start.wait()  # all at once, so that many read the stock before anyone takes it
        try:
            racing_shelf.service.reserve_for(order)
        except OutOfStockError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(reserve, orders))
    assert outcomes.count(True) == 10
    levels = racing_shelf.levels(mug).values()
    assert [(lv.available, lv.shipped) for lv in levels] == [(0, 0)] * 3
    assert sum(lv.reserved for lv in levels) == 10
    held = [racing_shelf.reservations.get(order.id) for order in orders]
    assert sum(line.quantity for r in held if r is not None for line in r.lines) == 10
    assert any("to another order" in record.message for record in caplog.records)  # the conditions did the work


def test_a_transaction_conflict_is_retried_and_a_lasting_one_writes_nothing(local_cloud: LocalCloud) -> None:
    real = boto3.client("dynamodb")
    flaky = Shelf(local_cloud, cast("DynamoDBClient", conflicting(real, 2)))
    mug = flaky.stock(5, 5, 5)
    order_id = unique("ord")
    assert flaky.reservations.reserve(reserved(order_id, (mug, "wh-east", 1))).order_id == order_id
    assert flaky.levels(mug)[(mug, "wh-east")].reserved == 1

    stuck = Shelf(local_cloud, cast("DynamoDBClient", conflicting(real, 99)))
    with pytest.raises(ConcurrentUpdateError):
        stuck.reservations.reserve(reserved(unique("ord"), (mug, "wh-west", 1)))
    with pytest.raises(ConcurrentUpdateError):
        stuck.reservations.release(order_id)
    assert flaky.levels(mug)[(mug, "wh-west")] == StockLevel(mug, "wh-west", available=5)
    assert flaky.levels(mug)[(mug, "wh-east")].reserved == 1


def test_a_reservation_too_big_for_one_transaction_is_refused_before_anything_is_written(shelf: Shelf) -> None:
    mug = shelf.stock(500, 0, 0)
    lines = [(mug, f"wh-{index}", 1) for index in range(MAX_LINES + 1)]
    order_id = unique("ord")
    with pytest.raises(ValueError, match="at most 99"):
        shelf.reservations.reserve(reserved(order_id, *lines))
    assert shelf.reservations.get(order_id) is None


def test_a_payorder_hold_that_dynamodb_keeps_cancelling_for_contention_splits_the_item_and_holds_from_shards(
    local_cloud: LocalCloud,
) -> None:
    # The hold's transaction meets TransactionConflict on the stock item through all its retries (6 sends), as a hot
    # item does on AWS; the split then goes through (the ledger's own client) and the hold again, from the shards.
    real = boto3.client("dynamodb")
    contended = Shelf(local_cloud, cast("DynamoDBClient", conflicting(real, 6)))
    product = contended.stock(0, 30, 0)
    local_cloud.repositories.products.add(a_product(product))
    tables = local_cloud.settings.tables
    ledger = DynamoStockLedger(DynamoTable(real, tables.inventory), DynamoTable(real, tables.stock_adjustments))
    sharding = StockSharding(
        products=local_cloud.repositories.products,
        warehouses=local_cloud.repositories.warehouses,
        inventory=contended.inventory,
        ledger=ledger,
        clock=lambda: NOW,
    )
    contended.service.auto_split = AutoSplit(12, sharding.split)
    order = an_order_of(product, 2)

    hold = contended.service.hold_for(order, split_hot=True)

    assert hold.state is ReservationState.HELD and all(line.shard for line in hold.lines)
    level = contended.levels(product)[(product, "wh-central")]
    assert (level.shards, level.available, level.reserved) == (12, 28, 2)
    history = [
        entry for entry in ledger.history(product, limit=10, cursor=None).items if entry.warehouse_id == "wh-central"
    ]
    assert [(entry.kind.value, entry.by) for entry in history] == [("SPLIT", AUTO_SPLIT_BY)]


def test_without_the_payorder_path_a_contended_hold_fails_as_a_retryable_conflict_and_takes_nothing(
    local_cloud: LocalCloud,
) -> None:
    contended = Shelf(local_cloud, cast("DynamoDBClient", conflicting(boto3.client("dynamodb"), 6)))
    product = contended.stock(0, 30, 0)

    with pytest.raises(StockContendedError) as raised:
        contended.service.hold_for(an_order_of(product, 2))

    assert isinstance(raised.value, ConcurrentUpdateError)  # what the saga's Retry names, as before
    assert (raised.value.product_id, raised.value.warehouse_id) == (product, "wh-central")
    assert contended.levels(product)[(product, "wh-central")] == StockLevel(product, "wh-central", available=30)
