"""The composition root: configuration in, real adapters and services out.

Everything is built, and its module imported, on first use: a Lambda pays at cold start only for the code and
clients its path needs. A saga step never imports Stripe, SES's adapter, the admin desk or the shopper's ordering,
and reads no secret it does not use; the webhook never builds the order services; only the API imports PyJWT and
argon2 (tests/unit/test_cold_start_imports.py holds each function to that).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import boto3

from commerce.clock import Clock, system_clock
from commerce.events import EventPublisher
from commerce.metrics import Metrics, NoMetrics
from commerce.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mypy_boto3_dynamodb import DynamoDBClient

    from commerce.access import OrderAccessTokens
    from commerce.adapters.edge import OriginCheck
    from commerce.admin.analytics import AnalyticsQueries, AnalyticsRecorder, AnalyticsRepository
    from commerce.admin.cancellation import OrderCancellation
    from commerce.admin.lockout import LoginFailureRepository
    from commerce.admin.login import AdminLogin
    from commerce.admin.order_search import AdminOrderSearch
    from commerce.admin.products import ProductAdmin
    from commerce.admin.stock import StockLedger
    from commerce.admin.stock_adjustments import StockAdjustments
    from commerce.admin.tokens import AdminTokens
    from commerce.admin.warehouses import WarehouseAdmin
    from commerce.events import DomainEvent
    from commerce.notifications import EmailSender, NotificationService
    from commerce.payments import PaymentGateway
    from commerce.ports import (
        IdempotencyRepository,
        InventoryRepository,
        OrderEventRepository,
        OrderRepository,
        ProductRepository,
        WarehouseRepository,
    )
    from commerce.reservations import ReservationRepository
    from commerce.services.authorizations import PaymentAuthorizations
    from commerce.services.catalog import CatalogService
    from commerce.services.compensation import CompensationService
    from commerce.services.customer_emails import CustomerEmails
    from commerce.services.expiry import ExpiryService
    from commerce.services.fulfillment import FulfillmentSteps
    from commerce.services.inventory import InventoryService
    from commerce.services.order_changes import OrderChanges
    from commerce.services.ordering import OrderPlacement
    from commerce.services.payments import PaymentService
    from commerce.services.recovery import RecoveryService
    from commerce.services.reversals import PaymentReversals
    from commerce.services.saga_launch import SagaLauncher
    from commerce.services.tracking import OrderTracking
    from commerce.webhooks import WebhookIntake
    from commerce.workflows import SagaStarter


class _OnFirstUse[T]:
    """Stands in for the object `build` returns, building it on the first attribute anyone reads."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._built: list[T] = []

    def __getattr__(self, name: str) -> Any:
        if name in {"_build", "_built"}:  # asked before __init__ ran (copy, pickle): not the target's to answer
            raise AttributeError(name)
        if not self._built:
            self._built.append(self._build())
        return getattr(self._built[0], name)


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


@dataclass(frozen=True)
class Adapters:
    """The outside world besides DynamoDB; each a factory so that only what is used gets built."""

    payment_gateway: Any  # Callable[[], PaymentGateway]
    publisher: Any  # Callable[[], EventPublisher]
    email_sender: Any  # Callable[[], EmailSender]
    saga_starter: Any  # Callable[[], SagaStarter]
    metrics: Metrics = field(default_factory=NoMetrics)


def dynamodb_repositories(client: DynamoDBClient, settings: Settings, clock: Clock) -> Repositories:
    from commerce.repositories.analytics import DynamoAnalyticsRepository
    from commerce.repositories.catalog import (
        DynamoInventoryRepository,
        DynamoProductRepository,
        DynamoWarehouseRepository,
    )
    from commerce.repositories.dynamo import DynamoTable
    from commerce.repositories.idempotency import DynamoIdempotencyRepository
    from commerce.repositories.orders import DynamoOrderEventRepository, DynamoOrderRepository
    from commerce.repositories.reservations import DynamoReservationRepository

    def stock_ledger() -> StockLedger:
        from commerce.repositories.stock_ledger import DynamoStockLedger  # the admin desk's stock module with it

        return DynamoStockLedger(inventory_table, DynamoTable(client, tables.stock_adjustments))

    def login_failures() -> LoginFailureRepository:
        from commerce.repositories.login_failures import DynamoLoginFailureRepository  # only where admins log in

        return DynamoLoginFailureRepository(DynamoTable(client, tables.idempotency))

    tables = settings.tables
    idempotency = DynamoIdempotencyRepository(DynamoTable(client, tables.idempotency), clock)
    inventory_table = DynamoTable(client, tables.inventory)
    warehouses = DynamoWarehouseRepository(DynamoTable(client, tables.warehouses))
    return Repositories(
        products=DynamoProductRepository(DynamoTable(client, tables.products)),
        warehouses=warehouses,
        inventory=DynamoInventoryRepository(inventory_table, warehouses),
        orders=DynamoOrderRepository(
            DynamoTable(client, tables.orders), DynamoTable(client, tables.order_events), idempotency
        ),
        events=DynamoOrderEventRepository(DynamoTable(client, tables.order_events)),
        idempotency=idempotency,
        reservations=DynamoReservationRepository(inventory_table, DynamoTable(client, tables.reservations)),
        stock_ledger=cast("StockLedger", _OnFirstUse(stock_ledger)),
        analytics=DynamoAnalyticsRepository(DynamoTable(client, tables.analytics)),
        login_failures=cast("LoginFailureRepository", _OnFirstUse(login_failures)),
    )


def aws_adapters(settings: Settings) -> Adapters:
    def gateway() -> PaymentGateway:
        from commerce.adapters.stripe_gateway import StripeGateway  # the Stripe SDK: only on payment paths

        def secret_key() -> str:  # read at every call: a rotated key reaches warm functions with the secrets' cache
            return settings.secrets.stripe_secret_key

        if settings.stripe.api_base:
            return StripeGateway.connect(secret_key, api_base=settings.stripe.api_base)
        return StripeGateway.connect(secret_key)

    def publisher() -> EventPublisher:
        from commerce.adapters.eventbridge import EventBridgePublisher

        return EventBridgePublisher(boto3.client("events"), settings.event_bus_name)

    def email_sender() -> EmailSender:
        from commerce.adapters.ses_email import SesEmailSender

        return SesEmailSender(boto3.client("ses"))

    def saga_starter() -> SagaStarter:
        from commerce.adapters.stepfunctions import StepFunctionsSagaStarter

        if not settings.state_machine_arn:
            raise RuntimeError("FULFILLMENT_STATE_MACHINE_ARN is not set")
        return StepFunctionsSagaStarter(boto3.client("stepfunctions"), settings.state_machine_arn)

    from commerce.adapters.emf_metrics import EmfMetrics  # the stdlib until the first flush imports Powertools

    return Adapters(
        payment_gateway=gateway,
        publisher=publisher,
        email_sender=email_sender,
        saga_starter=saga_starter,
        metrics=EmfMetrics(),
    )


class _LazyPublisher(EventPublisher):
    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._publisher: EventPublisher | None = None

    def publish(self, events: Sequence[DomainEvent]) -> None:
        if self._publisher is None:
            self._publisher = self._factory()
        self._publisher.publish(events)


class Services:
    """Each service is built on first use, its module imported then: a function imports only what it calls."""

    def __init__(
        self, settings: Settings, repositories: Repositories, adapters: Adapters, clock: Clock = system_clock
    ) -> None:
        self.settings = settings
        self.repositories = repositories
        self.adapters = adapters
        self.clock = clock

    @property
    def metrics(self) -> Metrics:
        return self.adapters.metrics

    @cached_property
    def origin_check(self) -> OriginCheck:
        from commerce.adapters.edge import OriginCheck

        # Read at every request, like the other secrets: a rotated value reaches warm functions with the cache.
        return OriginCheck(lambda: self.settings.secrets.origin_secrets)

    @cached_property
    def tokens(self) -> OrderAccessTokens:
        from commerce.access import OrderAccessTokens

        # The key is a secret, read when a shopper's token is issued, never by a function that only wires the
        # payment service (a saga step would otherwise read Secrets Manager on its first call).
        return OrderAccessTokens(lambda: self.settings.secrets.order_token_key)

    @cached_property
    def publisher(self) -> EventPublisher:
        return _LazyPublisher(self.adapters.publisher)

    @cached_property
    def payment_gateway(self) -> PaymentGateway:
        gateway: PaymentGateway = self.adapters.payment_gateway()
        return gateway

    @cached_property
    def sagas(self) -> SagaLauncher:
        from commerce.services.saga_launch import SagaLauncher

        starter: SagaStarter = self.adapters.saga_starter()
        return SagaLauncher(claims=self.repositories.idempotency, starter=starter, clock=self.clock)

    @cached_property
    def authorizations(self) -> PaymentAuthorizations:
        from commerce.services.authorizations import PaymentAuthorizations

        return PaymentAuthorizations(payments=self.payments, sagas=self.sagas, compensation=self.compensation)

    @cached_property
    def catalog(self) -> CatalogService:
        from commerce.services.catalog import CatalogService

        return CatalogService(products=self.repositories.products, inventory=self.repositories.inventory)

    @cached_property
    def placement(self) -> OrderPlacement:
        from commerce.services.ordering import OrderPlacement

        r = self.repositories
        return OrderPlacement(
            products=r.products,
            inventory=r.inventory,
            warehouses=r.warehouses,
            orders=r.orders,
            idempotency=r.idempotency,
            tokens=self.tokens,
            clock=self.clock,
            metrics=self.metrics,
        )

    @cached_property
    def tracking(self) -> OrderTracking:
        from commerce.services.tracking import OrderTracking

        return OrderTracking(orders=self.repositories.orders, events=self.repositories.events, tokens=self.tokens)

    @cached_property
    def changes(self) -> OrderChanges:
        from commerce.services.order_changes import OrderChanges
        from commerce.services.order_metrics import OrderMetrics

        observers = [self.analytics_recorder.record, OrderMetrics(self.metrics, self.repositories.events).record]
        return OrderChanges(self.repositories.orders, self.clock, self.publisher, observers=observers)

    @cached_property
    def analytics_recorder(self) -> AnalyticsRecorder:
        from commerce.admin.analytics import AnalyticsRecorder

        return AnalyticsRecorder(self.repositories.analytics, self.repositories.events)

    @cached_property
    def payments(self) -> PaymentService:
        from commerce.services.payments import PaymentService

        return PaymentService(
            orders=self.repositories.orders,
            changes=self.changes,
            tracking=self.tracking,
            inventory=self.inventory,
            gateway=lambda: self.payment_gateway,
            publisher=self.publisher,
            clock=self.clock,
        )

    @cached_property
    def reversals(self) -> PaymentReversals:
        from commerce.services.reversals import PaymentReversals

        return PaymentReversals(changes=self.changes, clock=self.clock)

    @cached_property
    def inventory(self) -> InventoryService:
        from commerce.services.inventory import InventoryService

        r = self.repositories
        return InventoryService(
            inventory=r.inventory,
            warehouses=r.warehouses,
            reservations=r.reservations,
            clock=self.clock,
            metrics=self.metrics,
            hold_ttl=timedelta(minutes=self.settings.hold_minutes),
        )

    @cached_property
    def emails(self) -> CustomerEmails:
        from commerce.services.customer_emails import CustomerEmails

        return CustomerEmails(self.repositories.idempotency, self.clock)

    @cached_property
    def notifications(self) -> NotificationService:
        from commerce.notifications import NotificationService

        # The SES client on the first email: most saga steps wire notifications and never send one.
        sender = cast("EmailSender", _OnFirstUse(self.adapters.email_sender))
        return NotificationService(sender, self.settings.email_from)

    @cached_property
    def fulfillment(self) -> FulfillmentSteps:
        from commerce.services.fulfillment import FulfillmentSteps

        r = self.repositories
        return FulfillmentSteps(
            orders=r.orders,
            events=r.events,
            changes=self.changes,
            inventory=self.inventory,
            warehouses=r.warehouses,
            payments=self.payments,
            notifications=self.notifications,
            emails=self.emails,
            clock=self.clock,
        )

    @cached_property
    def compensation(self) -> CompensationService:
        from commerce.services.compensation import CompensationService

        r = self.repositories
        return CompensationService(
            orders=r.orders,
            events=r.events,
            changes=self.changes,
            inventory=self.inventory,
            payments=self.payments,
            notifications=self.notifications,
            emails=self.emails,
            clock=self.clock,
        )

    @cached_property
    def expiry(self) -> ExpiryService:
        from commerce.services.expiry import ExpiryService

        return ExpiryService(
            orders=self.repositories.orders,
            changes=self.changes,
            payments=self.payments,
            inventory=self.inventory,
            clock=self.clock,
            unpaid_for=timedelta(minutes=self.settings.unpaid_order_minutes),
        )

    @cached_property
    def admin_tokens(self) -> AdminTokens:
        from commerce.admin.tokens import AdminTokens  # PyJWT: only where admins are served

        return AdminTokens(lambda: self.settings.secrets.jwt_signing_keys, self.clock)

    @cached_property
    def admin_login(self) -> AdminLogin:
        from commerce.admin.login import AdminLogin  # argon2: only where admins log in
        from commerce.admin.passwords import PasswordVerifier

        users = self.settings.secrets.admin_users
        return AdminLogin(
            users=lambda: self.settings.secrets.admin_users,
            passwords=PasswordVerifier(users[0].password_hash if users else None),
            failures=self.repositories.login_failures,
            tokens=lambda: self.admin_tokens,
            clock=self.clock,
        )

    @cached_property
    def order_search(self) -> AdminOrderSearch:
        from commerce.admin.order_search import AdminOrderSearch

        return AdminOrderSearch(self.repositories.orders, self.repositories.events)

    @cached_property
    def cancellation(self) -> OrderCancellation:
        from commerce.admin.cancellation import OrderCancellation

        return OrderCancellation(
            orders=self.repositories.orders,
            events=self.repositories.events,
            compensation=self.compensation,
            publisher=self.publisher,
            clock=self.clock,
        )

    @cached_property
    def stock(self) -> StockAdjustments:
        from commerce.admin.stock_adjustments import StockAdjustments

        r = self.repositories
        return StockAdjustments(
            products=r.products, warehouses=r.warehouses, inventory=r.inventory, ledger=r.stock_ledger, clock=self.clock
        )

    @cached_property
    def warehouse_admin(self) -> WarehouseAdmin:
        from commerce.admin.warehouses import WarehouseAdmin

        return WarehouseAdmin(self.repositories.warehouses)

    @cached_property
    def product_admin(self) -> ProductAdmin:
        from commerce.admin.products import ProductAdmin

        return ProductAdmin(products=self.repositories.products, ledger=self.repositories.stock_ledger)

    @cached_property
    def analytics(self) -> AnalyticsQueries:
        from commerce.admin.analytics import AnalyticsQueries

        return AnalyticsQueries(self.repositories.analytics)

    @cached_property
    def recovery(self) -> RecoveryService:
        from commerce.services.recovery import RecoveryService

        return RecoveryService(
            orders=self.repositories.orders,
            compensation=self.compensation,
            fulfillment=self.fulfillment,
            sagas=self.sagas,
            clock=self.clock,
            stuck_after=timedelta(minutes=self.settings.stuck_order_minutes),
        )

    @cached_property
    def webhooks(self) -> WebhookIntake:
        from commerce.adapters.stripe_webhook import StripeWebhookVerifier
        from commerce.webhooks import WebhookIntake

        # The gateway itself, not the payment service: the webhook re-fetches intents and changes no order.
        return WebhookIntake(
            verifier=StripeWebhookVerifier(lambda: self.settings.secrets.stripe_webhook_secrets, self.clock),
            gateway=self.payment_gateway,
            idempotency=self.repositories.idempotency,
            publisher=self.publisher,
            metrics=self.metrics,
        )


def bootstrap(settings: Settings | None = None, clock: Clock = system_clock) -> Services:
    """Services wired to AWS as the environment describes (or to the local cloud via AWS_ENDPOINT_URL)."""
    settings = settings or Settings.from_env(clock=clock)
    # Made on first use: making a boto3 client resolves AWS credentials. The API builds its services at init, which
    # SnapStart snapshots once and resumes in many environments: credentials fetched then (from the container
    # endpoint, a connection) would be the publishing environment's, shared by all of them.
    client = cast("DynamoDBClient", _OnFirstUse(lambda: boto3.client("dynamodb")))
    return Services(settings, dynamodb_repositories(client, settings, clock), aws_adapters(settings), clock)
