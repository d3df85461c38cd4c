"""One SKU everybody wants: how fast the reservation design can sell it, measured locally and worked out for AWS.

A reservation is one TransactWriteItems: the reservation record (its own partition, keyed by order) and the stock
item (product x warehouse), `available >= :q`. Every reservation of a SKU in a warehouse writes that one item, so the
item's partition bounds the SKU there: DynamoDB serves at most 1,000 write units a second per partition, and a
transaction costs twice the item's units. The design already spreads a SKU over its warehouses' items; for a flash
sale the stock of one warehouse can be split further into shard items ("wh-east#0" … "#k-1"), each with its own
partition, the reservation taking a random shard that still has stock.

Locally every DynamoDB request goes through one lock (infra/local/aws.py), so spreading the writes over more items
changes nothing here: the local figure measures moto, the scenarios show that it does not move, and the AWS figures
are the arithmetic below.
"""

from __future__ import annotations

import itertools
import math
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3

from bench.dynamodb_units import TRANSACTION_FACTOR, write_units
from commerce.allocation import AllocationLine
from commerce.catalog import StockLevel
from commerce.clock import system_clock, to_iso
from commerce.repositories.catalog import DynamoInventoryRepository
from commerce.repositories.dynamo import DynamoTable
from commerce.repositories.reservations import DynamoReservationRepository
from commerce.reservations import Reservation, ReservationState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from infra.local.cloud import LocalCloud

PARTITION_WRITE_UNITS_PER_S = (
    1000  # docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html
)
# An order writes its stock item in two transactions: ReserveInventory takes the units, AllocateShipment ships them.
STOCK_TRANSACTIONS_PER_ORDER = 2


@dataclass(frozen=True)
class Ceiling:
    """What one stock item allows on AWS."""

    item_bytes: int
    units_per_transaction: int
    reservations_per_s: float
    orders_per_s: float


def item_ceiling(item_bytes: int) -> Ceiling:
    units = write_units(item_bytes) * TRANSACTION_FACTOR
    reservations = PARTITION_WRITE_UNITS_PER_S / units
    return Ceiling(item_bytes, units, reservations, reservations / STOCK_TRANSACTIONS_PER_ORDER)


def items_needed(orders_per_s: float, item_bytes: int) -> int:
    """Stock items (warehouses x shards) a SKU needs to sell `orders_per_s` without throttling."""
    return math.ceil(orders_per_s / item_ceiling(item_bytes).orders_per_s)


@dataclass(frozen=True)
class Scenario:
    name: str
    items: int  # stock items the SKU's reservations are spread over


SCENARIOS = (
    Scenario("one stock item (one warehouse)", 1),
    Scenario("stock split over 3 warehouses", 3),
    Scenario("flash sale: 12 shard items", 12),
)


@dataclass(frozen=True)
class Measurement:
    scenario: str
    items: int
    reservations: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.reservations / self.seconds


def measure(cloud: LocalCloud, scenario: Scenario, *, reservations: int, threads: int) -> Measurement:
    """`threads` at once reserve one unit each, `reservations` in all, spread evenly over the scenario's items."""
    repositories = cloud.repositories
    product_id = f"hot-{secrets.token_hex(4)}"
    items = [f"wh-east#{shard}" for shard in range(scenario.items)]
    for warehouse_id in items:
        repositories.inventory.put(StockLevel(product_id, warehouse_id, available=reservations * 2))
    client: DynamoDBClient = boto3.client("dynamodb")
    reservations_table = _fresh_reservations_table(client)
    inventory = repositories.inventory
    assert isinstance(inventory, DynamoInventoryRepository)
    repository = DynamoReservationRepository(inventory.table, DynamoTable(client, reservations_table))
    targets = itertools.cycle(items)
    lock = threading.Lock()

    def reserve(_: int) -> None:
        with lock:
            warehouse_id = next(targets)
        line = AllocationLine(product_id, warehouse_id, 1)
        order_id = f"ord_hot_{secrets.token_hex(8)}"
        repository.reserve(Reservation(order_id, (line,), ReservationState.RESERVED, to_iso(system_clock())))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="hot-sku") as pool:
        list(pool.map(reserve, range(reservations)))
    seconds = time.perf_counter() - started
    sold = sum(level.reserved for level in repositories.inventory.levels(product_id))
    if sold != reservations:
        raise AssertionError(f"{scenario.name}: {sold} units reserved for {reservations} reservations")
    client.delete_table(TableName=reservations_table)
    return Measurement(scenario.name, scenario.items, reservations, seconds)


def _fresh_reservations_table(client: DynamoDBClient) -> str:
    """An empty reservations table per measurement: moto copies a whole table in every transaction, so a table
    that grew in the previous measurement would slow the next one down."""
    name = f"bench-reservations-{secrets.token_hex(4)}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
    )
    return name
