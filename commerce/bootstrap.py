"""The composition root: configuration in, real adapters and services out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3

from commerce.access import OrderAccessTokens
from commerce.clock import Clock, system_clock
from commerce.ports import (
    IdempotencyRepository,
    InventoryRepository,
    OrderEventRepository,
    OrderRepository,
    ProductRepository,
    WarehouseRepository,
)
from commerce.repositories.catalog import (
    DynamoInventoryRepository,
    DynamoProductRepository,
    DynamoWarehouseRepository,
)
from commerce.repositories.dynamo import DynamoTable
from commerce.repositories.idempotency import DynamoIdempotencyRepository
from commerce.repositories.orders import DynamoOrderEventRepository, DynamoOrderRepository
from commerce.services.catalog import CatalogService
from commerce.services.ordering import OrderPlacement
from commerce.services.tracking import OrderTracking
from commerce.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class Repositories:
    products: ProductRepository
    warehouses: WarehouseRepository
    inventory: InventoryRepository
    orders: OrderRepository
    events: OrderEventRepository
    idempotency: IdempotencyRepository


@dataclass(frozen=True)
class Services:
    settings: Settings
    repositories: Repositories
    catalog: CatalogService
    placement: OrderPlacement
    tracking: OrderTracking


def dynamodb_repositories(client: DynamoDBClient, settings: Settings) -> Repositories:
    tables = settings.tables
    idempotency = DynamoIdempotencyRepository(DynamoTable(client, tables.idempotency))
    return Repositories(
        products=DynamoProductRepository(DynamoTable(client, tables.products)),
        warehouses=DynamoWarehouseRepository(DynamoTable(client, tables.warehouses)),
        inventory=DynamoInventoryRepository(DynamoTable(client, tables.inventory)),
        orders=DynamoOrderRepository(
            DynamoTable(client, tables.orders), DynamoTable(client, tables.order_events), idempotency
        ),
        events=DynamoOrderEventRepository(DynamoTable(client, tables.order_events)),
        idempotency=idempotency,
    )


def build_services(settings: Settings, repositories: Repositories, clock: Clock = system_clock) -> Services:
    tokens = OrderAccessTokens(settings.order_token_key)
    return Services(
        settings=settings,
        repositories=repositories,
        catalog=CatalogService(products=repositories.products, inventory=repositories.inventory),
        placement=OrderPlacement(
            products=repositories.products,
            inventory=repositories.inventory,
            orders=repositories.orders,
            idempotency=repositories.idempotency,
            tokens=tokens,
            clock=clock,
        ),
        tracking=OrderTracking(orders=repositories.orders, events=repositories.events, tokens=tokens),
    )


def bootstrap(settings: Settings | None = None) -> Services:
    """Services wired to DynamoDB as the environment describes (AWS, or the local cloud via AWS_ENDPOINT_URL)."""
    settings = settings or Settings.from_env()
    client: DynamoDBClient = boto3.client("dynamodb")
    return build_services(settings, dynamodb_repositories(client, settings))
