"""The dependency table: how each dependency a handler can name is made, from the dependencies its parameters name.

The bootstrap (commerce/bootstrap.py) calls a factory the first time a handler (or a factory) needs it, so each
module here is imported only by a function whose path uses it: a saga step never imports Stripe, SES's adapter,
the admin desk or the shopper's ordering; the webhook never builds the order services; only the API imports PyJWT
and argon2 (tests/unit/test_cold_start_imports.py). A parameter `make_x` receives a function that builds `x` when
first called: for a service that takes a collaborator late (the payment service wires Stripe on its first call).
Secrets are read at use through `settings.secrets`, so a rotated value reaches warm functions with its cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3

from commerce.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from commerce.access import OrderAccessTokens
    from commerce.adapters.edge import OriginCheck
    from commerce.admin.analytics import AnalyticsRepository
    from commerce.admin.lockout import LoginFailureRepository
    from commerce.admin.stock import StockLedger
    from commerce.admin.tokens import AdminTokens
    from commerce.clock import Clock
    from commerce.events import EventPublisher
    from commerce.hold_limits import HoldSlotRepository
    from commerce.metrics import Metrics
    from commerce.notifications import EmailSender
    from commerce.payments import PaymentGateway
    from commerce.ports import (
        IdempotencyRepository,
        InventoryRepository,
        OrderEventRepository,
        OrderRepository,
        ProductRepository,
        WarehouseRepository,
    )
    from commerce.repositories.dynamo import DynamoTable
    from commerce.repositories.idempotency import DynamoIdempotencyRepository
    from commerce.reservations import ReservationRepository
    from commerce.workflows import SagaStarter


# --- configuration and the outside world -----------------------------------------------------------------------


def settings(clock: Clock) -> Settings:
    return Settings.from_env(clock=clock)


def metrics() -> Metrics:
    from commerce.adapters.emf_metrics import EmfMetrics  # the stdlib until the first flush imports Powertools

    return EmfMetrics()


def dynamodb() -> DynamoDBClient:
    # Made when a handler first needs a repository, never at init: making a boto3 client resolves AWS credentials,
    # and the API's init is snapshotted once (SnapStart) and resumed in many environments, which must not share them.
    return boto3.client("dynamodb")


def gateway(settings: Settings, dynamodb: DynamoDBClient, clock: Clock) -> PaymentGateway:
    from commerce.adapters.stripe_gateway import StripeGateway  # the Stripe SDK: only on payment paths
    from commerce.payment_budget import BudgetedGateway
    from commerce.repositories.payment_budget import DynamoStripeWriteBudget

    def secret_key() -> str:  # read at every call: a rotated key reaches warm functions with the secrets' cache
        return settings.secrets.stripe_secret_key

    if settings.stripe.api_base:
        stripe = StripeGateway.connect(secret_key, api_base=settings.stripe.api_base)
    else:
        stripe = StripeGateway.connect(secret_key)
    # One budget for the whole stack, in the idempotency table: every function's writes count against Stripe's limit.
    budget = DynamoStripeWriteBudget(
        _table(dynamodb, settings.tables.idempotency), settings.stripe_writes_per_second, clock
    )
    return BudgetedGateway(stripe, budget)


def publisher(settings: Settings) -> EventPublisher:
    from commerce.adapters.eventbridge import EventBridgePublisher

    return EventBridgePublisher(boto3.client("events"), settings.event_bus_name)


def email_sender() -> EmailSender:
    from commerce.adapters.ses_email import SesEmailSender

    return SesEmailSender(boto3.client("ses"))


def saga_starter(settings: Settings) -> SagaStarter:
    from commerce.adapters.stepfunctions import StepFunctionsSagaStarter

    if not settings.state_machine_arn:
        raise RuntimeError("FULFILLMENT_STATE_MACHINE_ARN is not set")
    return StepFunctionsSagaStarter(boto3.client("stepfunctions"), settings.state_machine_arn)


def transient() -> Callable[[BaseException], bool]:
    from commerce.adapters.aws_errors import is_transient

    return is_transient


def origin_check(settings: Settings) -> OriginCheck:
    from commerce.adapters.edge import OriginCheck

    return OriginCheck(lambda: settings.secrets.origin_secrets)


def tokens(settings: Settings) -> OrderAccessTokens:
    from commerce.access import OrderAccessTokens

    # The key is read when a shopper's token is issued or checked, never by a function that only wires payments.
    return OrderAccessTokens(lambda: settings.secrets.order_token_key)


def admin_tokens(settings: Settings, clock: Clock) -> AdminTokens:
    from commerce.admin.tokens import AdminTokens  # PyJWT: only where admins are served

    return AdminTokens(lambda: settings.secrets.jwt_signing_keys, clock)


@dataclass(frozen=True)
class Repositories:
    products: ProductRepository
    warehouses: WarehouseRepository
    inventory: InventoryRepository
    orders: OrderRepository
    events: OrderEventRepository
    idempotency: IdempotencyRepository
    reservations: ReservationRepository
    stock_ledger: StockLedger
    analytics: AnalyticsRepository
    login_failures: LoginFailureRepository
    hold_slots: HoldSlotRepository


# --- repositories (DynamoDB) -------------------------------------------------------------------------------------


def _table(dynamodb: DynamoDBClient, name: str) -> DynamoTable:
    from commerce.repositories.dynamo import DynamoTable

    return DynamoTable(dynamodb, name)


def products(dynamodb: DynamoDBClient, settings: Settings) -> ProductRepository:
    from commerce.repositories.catalog import DynamoProductRepository

    return DynamoProductRepository(_table(dynamodb, settings.tables.products))


def warehouses(dynamodb: DynamoDBClient, settings: Settings) -> WarehouseRepository:
    from commerce.repositories.catalog import DynamoWarehouseRepository

    return DynamoWarehouseRepository(_table(dynamodb, settings.tables.warehouses))


def inventory(dynamodb: DynamoDBClient, settings: Settings, warehouses: WarehouseRepository) -> InventoryRepository:
    from commerce.repositories.catalog import DynamoInventoryRepository

    return DynamoInventoryRepository(_table(dynamodb, settings.tables.inventory), warehouses)


def idempotency(dynamodb: DynamoDBClient, settings: Settings, clock: Clock) -> IdempotencyRepository:
    from commerce.repositories.idempotency import DynamoIdempotencyRepository

    return DynamoIdempotencyRepository(_table(dynamodb, settings.tables.idempotency), clock)


def orders(dynamodb: DynamoDBClient, settings: Settings, idempotency: DynamoIdempotencyRepository) -> OrderRepository:
    from commerce.repositories.orders import DynamoOrderRepository

    tables = settings.tables
    return DynamoOrderRepository(_table(dynamodb, tables.orders), _table(dynamodb, tables.order_events), idempotency)


def events(dynamodb: DynamoDBClient, settings: Settings) -> OrderEventRepository:
    from commerce.repositories.orders import DynamoOrderEventRepository

    return DynamoOrderEventRepository(_table(dynamodb, settings.tables.order_events))


def reservations(dynamodb: DynamoDBClient, settings: Settings) -> ReservationRepository:
    from commerce.repositories.reservations import DynamoReservationRepository

    tables = settings.tables
    return DynamoReservationRepository(_table(dynamodb, tables.inventory), _table(dynamodb, tables.reservations))


def stock_ledger(dynamodb: DynamoDBClient, settings: Settings) -> StockLedger:
    from commerce.repositories.stock_ledger import DynamoStockLedger  # the admin desk's stock module with it

    tables = settings.tables
    return DynamoStockLedger(_table(dynamodb, tables.inventory), _table(dynamodb, tables.stock_adjustments))


def analytics(dynamodb: DynamoDBClient, settings: Settings) -> AnalyticsRepository:
    from commerce.repositories.analytics import DynamoAnalyticsRepository

    return DynamoAnalyticsRepository(_table(dynamodb, settings.tables.analytics))


def login_failures(dynamodb: DynamoDBClient, settings: Settings) -> LoginFailureRepository:
    from commerce.repositories.login_failures import DynamoLoginFailureRepository  # only where admins log in

    return DynamoLoginFailureRepository(_table(dynamodb, settings.tables.idempotency))


def hold_slots(dynamodb: DynamoDBClient, settings: Settings) -> HoldSlotRepository:
    from commerce.repositories.hold_slots import DynamoHoldSlotRepository

    return DynamoHoldSlotRepository(_table(dynamodb, settings.tables.idempotency))
