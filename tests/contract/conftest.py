"""One contract, two implementations: every test here runs against the in-memory repositories and the DynamoDB ones.

The DynamoDB side writes to tables of its own, made for the test on the local cloud's moto (the same table
descriptions as deployed, infra/deployment.py) and dropped after it, so each test starts from empty stores as the
in-memory side does. Where the two disagree, DynamoDB's behaviour (as AWS documents it) is the contract.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import boto3
import pytest

from commerce.wiring import Repositories
from tests.unit.shop_bus import InMemory

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

START = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
IMPLEMENTATIONS = ["memory", pytest.param("dynamodb", marks=pytest.mark.integration)]


class MovableClock:
    """The clock the stores judge expiry by; tests move it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@dataclass(frozen=True)
class Stores(Repositories):
    """One implementation's repositories, sharing data as the running system's do (one inventory, one timeline)."""

    name: str
    clock: MovableClock


def memory_stores(clock: MovableClock) -> Stores:
    ports = InMemory(clock).ports()
    return Stores(name="memory", clock=clock, **{f.name: getattr(ports, f.name) for f in fields(Repositories)})


def dynamodb_stores(client: DynamoDBClient, table: Callable[[str], str], clock: MovableClock) -> Stores:
    from commerce.repositories.analytics import DynamoAnalyticsRepository
    from commerce.repositories.catalog import (
        DynamoInventoryRepository,
        DynamoProductRepository,
        DynamoWarehouseRepository,
    )
    from commerce.repositories.dynamo import DynamoTable
    from commerce.repositories.hold_slots import DynamoHoldSlotRepository
    from commerce.repositories.idempotency import DynamoIdempotencyRepository
    from commerce.repositories.login_failures import DynamoLoginFailureRepository
    from commerce.repositories.orders import DynamoOrderEventRepository, DynamoOrderRepository
    from commerce.repositories.reservations import DynamoReservationRepository
    from commerce.repositories.stock_ledger import DynamoStockLedger

    def dynamo(name: str) -> DynamoTable:
        return DynamoTable(client, table(name))

    idempotency = DynamoIdempotencyRepository(dynamo("idempotency"), clock)
    warehouses = DynamoWarehouseRepository(dynamo("warehouses"))
    return Stores(
        name="dynamodb",
        clock=clock,
        products=DynamoProductRepository(dynamo("products")),
        warehouses=warehouses,
        inventory=DynamoInventoryRepository(dynamo("inventory"), warehouses),
        orders=DynamoOrderRepository(dynamo("orders"), dynamo("order_events"), idempotency),
        events=DynamoOrderEventRepository(dynamo("order_events")),
        idempotency=idempotency,
        reservations=DynamoReservationRepository(dynamo("inventory"), dynamo("reservations"), pause=lambda _: None),
        stock_ledger=DynamoStockLedger(dynamo("inventory"), dynamo("stock_adjustments")),
        analytics=DynamoAnalyticsRepository(dynamo("analytics")),
        login_failures=DynamoLoginFailureRepository(dynamo("idempotency")),
        hold_slots=DynamoHoldSlotRepository(dynamo("idempotency")),
    )


@pytest.fixture(params=IMPLEMENTATIONS)
def stores(request: pytest.FixtureRequest) -> Iterator[Stores]:
    clock = MovableClock()
    if request.param == "memory":
        yield memory_stores(clock)
        return
    from infra.deployment import DEPLOYMENT
    from infra.local.tables import create_tables, physical_name

    request.getfixturevalue("local_cloud")  # moto, with the local cloud's fidelity patches (transactions, responses)
    client: DynamoDBClient = boto3.client("dynamodb")
    prefix = f"contract-{secrets.token_hex(4)}"
    # Only the tables the test's port uses: creating all nine for every test would make the suite slow.
    wanted = tables_of(request)
    deployment = replace(DEPLOYMENT, tables=tuple(t for t in DEPLOYMENT.tables if t.name in wanted))
    create_tables(client, deployment, prefix)
    try:
        yield dynamodb_stores(client, lambda name: physical_name(prefix, DEPLOYMENT.table(name)), clock)
    finally:
        for described in deployment.tables:
            client.delete_table(TableName=physical_name(prefix, described))


def tables_of(request: pytest.FixtureRequest) -> set[str]:
    """The tables a test module declares it uses (`TABLES = {...}`), all of them if it declares none."""
    from infra.deployment import DEPLOYMENT

    declared: set[str] | None = getattr(request.module, "TABLES", None)
    return declared if declared is not None else {table.name for table in DEPLOYMENT.tables}
