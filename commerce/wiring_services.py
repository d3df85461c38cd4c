"""The dependency table, continued: the services, each from the repositories, adapters and services it names.

Names differ from a constructor's parameter where two things share one: `inventory` is the stock repository,
`inventory_service` the reservations and holds kept on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commerce.access import OrderAccessTokens
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
    from commerce.catalog import StockLevel
    from commerce.clock import Clock
    from commerce.commands import SplitStock
    from commerce.events import EventPublisher
    from commerce.hold_limits import HoldLimits, HoldSlotRepository
    from commerce.metrics import Metrics
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
    from commerce.settings import Settings
    from commerce.step_attempts import StepAttempts
    from commerce.webhooks import WebhookIntake
    from commerce.workflows import SagaStarter


def catalog(products: ProductRepository, inventory: InventoryRepository) -> CatalogService:
    from commerce.services.catalog import CatalogService

    return CatalogService(products=products, inventory=inventory)


def placement(
    *,
    products: ProductRepository,
    inventory: InventoryRepository,
    warehouses: WarehouseRepository,
    orders: OrderRepository,
    idempotency: IdempotencyRepository,
    tokens: OrderAccessTokens,
    clock: Clock,
    metrics: Metrics,
) -> OrderPlacement:
    from commerce.services.ordering import OrderPlacement

    return OrderPlacement(
        products=products,
        inventory=inventory,
        warehouses=warehouses,
        orders=orders,
        idempotency=idempotency,
        tokens=tokens,
        clock=clock,
        metrics=metrics,
    )


def tracking(orders: OrderRepository, events: OrderEventRepository, tokens: OrderAccessTokens) -> OrderTracking:
    from commerce.services.tracking import OrderTracking

    return OrderTracking(orders=orders, events=events, tokens=tokens)


def analytics_recorder(analytics: AnalyticsRepository, events: OrderEventRepository) -> AnalyticsRecorder:
    from commerce.admin.analytics import AnalyticsRecorder

    return AnalyticsRecorder(analytics, events)


def changes(
    *,
    orders: OrderRepository,
    events: OrderEventRepository,
    clock: Clock,
    publisher: EventPublisher,
    metrics: Metrics,
    analytics_recorder: AnalyticsRecorder,
) -> OrderChanges:
    from commerce.services.order_changes import OrderChanges
    from commerce.services.order_metrics import OrderMetrics

    observers = [analytics_recorder.record, OrderMetrics(metrics, events).record]
    return OrderChanges(orders, clock, publisher, observers=observers)


def payments(
    *,
    orders: OrderRepository,
    changes: OrderChanges,
    tracking: OrderTracking,
    inventory_service: InventoryService,
    make_gateway: Callable[[], PaymentGateway],
    publisher: EventPublisher,
    clock: Clock,
    hold_slots: HoldSlotRepository,
    hold_limits: HoldLimits,
) -> PaymentService:
    from commerce.services.payments import PaymentService

    return PaymentService(
        orders=orders,
        changes=changes,
        tracking=tracking,
        inventory=inventory_service,
        gateway=make_gateway,
        publisher=publisher,
        clock=clock,
        hold_slots=hold_slots,
        hold_limits=hold_limits,
    )


def hold_limits(settings: Settings) -> HoldLimits:
    from commerce.hold_limits import HoldLimits

    return HoldLimits(per_customer=settings.holds_per_customer, per_source=settings.holds_per_source)


def reversals(changes: OrderChanges, clock: Clock) -> PaymentReversals:
    from commerce.services.reversals import PaymentReversals

    return PaymentReversals(changes=changes, clock=clock)


def inventory_service(
    *,
    inventory: InventoryRepository,
    warehouses: WarehouseRepository,
    reservations: ReservationRepository,
    clock: Clock,
    metrics: Metrics,
    settings: Settings,
    hold_slots: HoldSlotRepository,
    products: ProductRepository,
    make_stock_ledger: Callable[[], StockLedger],
) -> InventoryService:
    from commerce.hot_stock import AutoSplit
    from commerce.services.inventory import InventoryService

    def split(command: SplitStock) -> StockLevel:
        # Built when a contended item first splits: saga steps, which never split, do not import the admin desk.
        from commerce.admin.shards import StockSharding

        ledger = make_stock_ledger()
        return StockSharding(
            products=products, warehouses=warehouses, inventory=inventory, ledger=ledger, clock=clock
        ).split(command)

    auto_split = AutoSplit(settings.auto_split_shards, split)
    hold_ttl = timedelta(minutes=settings.hold_minutes)
    return InventoryService(
        inventory,
        warehouses,
        reservations,
        clock,
        metrics=metrics,
        hold_ttl=hold_ttl,
        hold_slots=hold_slots,
        auto_split=auto_split,
    )


def emails(idempotency: IdempotencyRepository, clock: Clock) -> CustomerEmails:
    from commerce.services.customer_emails import CustomerEmails

    return CustomerEmails(idempotency, clock)


def notifications(make_email_sender: Callable[[], EmailSender], settings: Settings) -> NotificationService:
    from commerce.notifications import NotificationService

    return NotificationService(make_email_sender, settings.email_from)


def fulfillment(
    *,
    orders: OrderRepository,
    events: OrderEventRepository,
    changes: OrderChanges,
    inventory_service: InventoryService,
    warehouses: WarehouseRepository,
    payments: PaymentService,
    notifications: NotificationService,
    emails: CustomerEmails,
    clock: Clock,
) -> FulfillmentSteps:
    from commerce.services.fulfillment import FulfillmentSteps

    return FulfillmentSteps(
        orders=orders,
        events=events,
        changes=changes,
        inventory=inventory_service,
        warehouses=warehouses,
        payments=payments,
        notifications=notifications,
        emails=emails,
        clock=clock,
    )


def step_attempts(
    events: OrderEventRepository, clock: Clock, metrics: Metrics, transient: Callable[[BaseException], bool]
) -> StepAttempts:
    from commerce.step_attempts import StepAttempts

    return StepAttempts(events, clock, metrics, transient)


def compensation(
    *,
    orders: OrderRepository,
    events: OrderEventRepository,
    changes: OrderChanges,
    inventory_service: InventoryService,
    payments: PaymentService,
    notifications: NotificationService,
    emails: CustomerEmails,
    clock: Clock,
) -> CompensationService:
    from commerce.services.compensation import CompensationService

    return CompensationService(
        orders=orders,
        events=events,
        changes=changes,
        inventory=inventory_service,
        payments=payments,
        notifications=notifications,
        emails=emails,
        clock=clock,
    )


def sagas(idempotency: IdempotencyRepository, saga_starter: SagaStarter, clock: Clock) -> SagaLauncher:
    from commerce.services.saga_launch import SagaLauncher

    return SagaLauncher(claims=idempotency, starter=saga_starter, clock=clock)


def authorizations(
    payments: PaymentService, sagas: SagaLauncher, compensation: CompensationService
) -> PaymentAuthorizations:
    from commerce.services.authorizations import PaymentAuthorizations

    return PaymentAuthorizations(payments=payments, sagas=sagas, compensation=compensation)


def expiry(
    *,
    orders: OrderRepository,
    changes: OrderChanges,
    payments: PaymentService,
    inventory_service: InventoryService,
    clock: Clock,
    settings: Settings,
) -> ExpiryService:
    from commerce.services.expiry import ExpiryService

    unpaid_for = timedelta(minutes=settings.unpaid_order_minutes)
    return ExpiryService(
        orders=orders,
        changes=changes,
        payments=payments,
        inventory=inventory_service,
        clock=clock,
        unpaid_for=unpaid_for,
    )


def recovery(
    *,
    orders: OrderRepository,
    compensation: CompensationService,
    fulfillment: FulfillmentSteps,
    sagas: SagaLauncher,
    clock: Clock,
    settings: Settings,
) -> RecoveryService:
    from commerce.services.recovery import RecoveryService

    stuck_after = timedelta(minutes=settings.stuck_order_minutes)
    return RecoveryService(
        orders=orders,
        compensation=compensation,
        fulfillment=fulfillment,
        sagas=sagas,
        clock=clock,
        stuck_after=stuck_after,
    )


def webhooks(
    *,
    settings: Settings,
    clock: Clock,
    gateway: PaymentGateway,
    idempotency: IdempotencyRepository,
    publisher: EventPublisher,
    metrics: Metrics,
) -> WebhookIntake:
    from commerce.adapters.stripe_webhook import StripeWebhookVerifier
    from commerce.webhooks import WebhookIntake

    # The gateway itself, not the payment service: the webhook re-fetches intents and changes no order.
    verifier = StripeWebhookVerifier(lambda: settings.secrets.stripe_webhook_secrets, clock)
    return WebhookIntake(
        verifier=verifier, gateway=gateway, idempotency=idempotency, publisher=publisher, metrics=metrics
    )


# --- the admin desk ----------------------------------------------------------------------------------------------


def admin_login(
    *,
    settings: Settings,
    login_failures: LoginFailureRepository,
    make_admin_tokens: Callable[[], AdminTokens],
    clock: Clock,
) -> AdminLogin:
    from commerce.admin.login import AdminLogin  # argon2: only where admins log in
    from commerce.admin.passwords import PasswordVerifier

    users = settings.secrets.admin_users
    return AdminLogin(
        users=lambda: settings.secrets.admin_users,
        passwords=PasswordVerifier(users[0].password_hash if users else None),
        failures=login_failures,
        tokens=make_admin_tokens,
        clock=clock,
    )


def order_search(orders: OrderRepository, events: OrderEventRepository) -> AdminOrderSearch:
    from commerce.admin.order_search import AdminOrderSearch

    return AdminOrderSearch(orders, events)


def cancellation(
    *,
    orders: OrderRepository,
    events: OrderEventRepository,
    compensation: CompensationService,
    publisher: EventPublisher,
    clock: Clock,
) -> OrderCancellation:
    from commerce.admin.cancellation import OrderCancellation

    return OrderCancellation(orders=orders, events=events, compensation=compensation, publisher=publisher, clock=clock)


def stock_adjustments(
    *,
    products: ProductRepository,
    warehouses: WarehouseRepository,
    inventory: InventoryRepository,
    stock_ledger: StockLedger,
    clock: Clock,
) -> StockAdjustments:
    from commerce.admin.stock_adjustments import StockAdjustments

    return StockAdjustments(
        products=products, warehouses=warehouses, inventory=inventory, ledger=stock_ledger, clock=clock
    )


def warehouse_admin(warehouses: WarehouseRepository) -> WarehouseAdmin:
    from commerce.admin.warehouses import WarehouseAdmin

    return WarehouseAdmin(warehouses)


def product_admin(products: ProductRepository, stock_ledger: StockLedger) -> ProductAdmin:
    from commerce.admin.products import ProductAdmin

    return ProductAdmin(products=products, ledger=stock_ledger)


def analytics_queries(analytics: AnalyticsRepository) -> AnalyticsQueries:
    from commerce.admin.analytics import AnalyticsQueries

    return AnalyticsQueries(analytics)
