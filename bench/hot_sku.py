"""One product everybody wants, sold out through the product's own hold path: unsplit, and split over 12 shards.

Each holder is a shopper's order of one unit, held by the product's InventoryService (`hold_for`, what payOrder runs
before it touches the card) on the DynamoDB repositories of the local cloud; the 12-shard run splits the stock with
the SplitStock command through the bus first, as an admin would. More holders than units: the sale sells out, and
the end state is checked (units held = units taken from stock, no item below zero, every unit either held or left).

Locally every DynamoDB request goes through one lock (infra/local/aws.py: moto's conditional writes are not atomic
under concurrency), so shards cannot add throughput here: the local figures are the code path's cost (a split level
is read with a Query of its shards, a hold may span shards) and its conflicts (holds that read a shard's stock and
lost it to another holder before writing), not AWS partition throughput, which is bench/flash_sale.py's arithmetic.
"""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3

from bench.report import percentile
from commerce.catalog import Product, StockLevel
from commerce.clock import system_clock
from commerce.commands import SplitStock
from commerce.errors import OutOfStockError
from commerce.metrics import Metric, RecordedMetrics
from commerce.money import Money
from commerce.order_status import OrderStatus
from commerce.orders import Address, Order, OrderLine
from commerce.repositories.catalog import DynamoInventoryRepository
from commerce.repositories.dynamo import DynamoTable
from commerce.repositories.holds_index import HOLDS_INDEX
from commerce.repositories.reservations import DynamoReservationRepository
from commerce.services.inventory import InventoryService

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from infra.local.cloud import LocalCloud

WAREHOUSE = "wh-east"
PRICE = Money(2500, "USD")
ADDRESS = Address(name="Bench Shopper", line1="1 Main St", city="Newark", postal_code="07102", country="US")


@dataclass(frozen=True)
class Scenario:
    name: str
    shards: int  # 0: the level is one item


SCENARIOS = (Scenario("one stock item (unsplit)", 0), Scenario("split over 12 shards (SplitStock)", 12))


@dataclass(frozen=True)
class Measurement:
    scenario: str
    shards: int
    stock: int
    holders: int
    held: int
    refused: int  # OutOfStockError: sold out, or lost the stock to others `max_attempts` times in a row
    conflicts: int  # StockConflictError rounds the service retried
    seconds: float
    latencies_ms: tuple[float, ...]  # of every hold_for, held or refused

    @property
    def holds_per_s(self) -> float:
        return self.held / self.seconds

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 0.5)

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 0.99)


def measure(cloud: LocalCloud, scenario: Scenario, *, stock: int, holders: int, threads: int) -> Measurement:
    """`threads` shoppers at once hold one unit each, `holders` in all, of a product with `stock` units in one
    warehouse; raises AssertionError when the end state does not add up."""
    repositories = cloud.repositories
    product_id = f"hot-{secrets.token_hex(4)}"
    repositories.products.add(
        Product(product_id, f"SKU-{product_id}", "Hot product", "", "bench", PRICE, "/images/hot.svg")
    )
    repositories.inventory.put(StockLevel(product_id, WAREHOUSE, available=stock))
    if scenario.shards:
        cloud.bus.handle(SplitStock(product_id, WAREHOUSE, by="bench", shards=scenario.shards))
    client: DynamoDBClient = boto3.client("dynamodb")
    reservations_table = _fresh_reservations_table(client)
    inventory = repositories.inventory
    assert isinstance(inventory, DynamoInventoryRepository)
    metrics = RecordedMetrics()
    service = InventoryService(
        inventory,
        repositories.warehouses,
        DynamoReservationRepository(inventory.table, DynamoTable(client, reservations_table)),
        system_clock,
        metrics=metrics,
    )
    latencies: list[float] = []
    refused = 0
    lock = threading.Lock()

    def hold(number: int) -> None:
        nonlocal refused
        order = _order(f"ord_hot_{number:05d}_{secrets.token_hex(4)}", product_id)
        started = time.perf_counter()
        try:
            service.hold_for(order)
        except OutOfStockError:
            with lock:
                refused += 1
        with lock:
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="hot-sku") as pool:
        list(pool.map(hold, range(holders)))
    seconds = time.perf_counter() - started
    held = holders - refused
    _check_end_state(inventory, product_id, stock=stock, held=held, shards=scenario.shards)
    client.delete_table(TableName=reservations_table)
    conflicts = round(metrics.total(Metric.STOCK_CONFLICTS))
    return Measurement(
        scenario.name, scenario.shards, stock, holders, held, refused, conflicts, seconds, tuple(latencies)
    )


def _check_end_state(
    inventory: DynamoInventoryRepository, product_id: str, *, stock: int, held: int, shards: int
) -> None:
    (level,) = inventory.levels(product_id)
    items = level.items or ()
    problems = []
    if level.reserved != held:
        problems.append(f"{level.reserved} units reserved for {held} holds")
    if level.available + level.reserved != stock:
        problems.append(f"{level.available} available + {level.reserved} reserved of {stock} stocked")
    if negative := [item.shard for item in items if item.available < 0 or item.reserved < 0]:
        problems.append(f"items below zero: {negative}")
    if level.available < 0:
        problems.append(f"{level.available} available")
    if level.shards != shards:
        problems.append(f"split over {level.shards} shards, not {shards}")
    if problems:
        raise AssertionError(f"{product_id}: " + "; ".join(problems))


def _order(order_id: str, product_id: str) -> Order:
    line = OrderLine(product_id, f"SKU-{product_id}", "Hot product", PRICE, 1)
    return Order(
        id=order_id,
        email="bench@example.com",
        lines=(line,),
        shipping_address=ADDRESS,
        subtotal=line.total,
        shipping=Money(0, "USD"),
        total=line.total,
        status=OrderStatus.PENDING_PAYMENT,
        access_token_hash="0" * 64,
        idempotency_key=f"bench-{order_id}",
        created_at="2026-01-01T00:00:00.000Z",
        updated_at="2026-01-01T00:00:00.000Z",
    )


def _fresh_reservations_table(client: DynamoDBClient) -> str:
    """An empty reservations table per measurement: moto copies a whole table in every transaction, so a table
    that grew in the previous measurement would slow the next one down."""
    name = f"bench-reservations-{secrets.token_hex(4)}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("order_id", "held", "expires_at")
        ],
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": HOLDS_INDEX,  # a sold-out hold reclaims lapsed holds from it first
                "KeySchema": [
                    {"AttributeName": "held", "KeyType": "HASH"},
                    {"AttributeName": "expires_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    return name
