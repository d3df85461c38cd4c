"""The handler table: every command and event the system takes, and the one function that handles each.

A handler's first parameter takes the message; the others name what it needs from the dependency table
(commerce/wiring.py, commerce/wiring_services.py), which the bootstrap injects. Each Lambda serves a part of the
table (the `*_HANDLERS` below) and so builds only what those handlers name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commerce.clock import epoch_seconds
from commerce.commands import (
    AdjustStock,
    AllocateShipment,
    CancelOrder,
    CapturePayment,
    CreateProduct,
    CreateWarehouse,
    ExpireUnpaidOrders,
    LogIn,
    MarkFulfilled,
    MergeStock,
    NotifyCustomer,
    PayOrder,
    PlaceOrder,
    ReceiveStripeWebhook,
    RedriveStuckOrders,
    ReserveInventory,
    SetProductActive,
    SplitStock,
    UpdateProduct,
)
from commerce.events import (
    CompensationRequested,
    OrderStatusChanged,
    PaymentAuthorized,
    PaymentCanceled,
    PaymentFailed,
    PaymentRefunded,
)
from commerce.messagebus import HandlerTable
from commerce.order_status import OrderStatus

if TYPE_CHECKING:
    from commerce.admin.cancellation import OrderCancellation
    from commerce.admin.login import AdminLogin, LoggedIn
    from commerce.admin.products import ProductAdmin
    from commerce.admin.stock import StockAdjustment
    from commerce.admin.stock_adjustments import StockAdjustments
    from commerce.admin.warehouses import WarehouseAdmin
    from commerce.catalog import Product, StockLevel, Warehouse
    from commerce.clock import Clock
    from commerce.notifications import NotificationService
    from commerce.orders import Order
    from commerce.ports import OrderRepository
    from commerce.services.authorizations import AuthorizationHandled, PaymentAuthorizations
    from commerce.services.compensation import CompensationService
    from commerce.services.customer_emails import CustomerEmails
    from commerce.services.expiry import ExpiryService
    from commerce.services.fulfillment import FulfillmentSteps
    from commerce.services.ordering import OrderPlacement, PlacedOrder
    from commerce.services.payments import PaymentResult, PaymentService
    from commerce.services.recovery import RecoveryService
    from commerce.services.reversals import PaymentReversals
    from commerce.step_attempts import StepAttempts
    from commerce.webhooks import WebhookIntake, WebhookOutcome


# --- the shopper -------------------------------------------------------------------------------------------------


def place_order(command: PlaceOrder, placement: OrderPlacement) -> PlacedOrder:
    return placement.place(command)


def pay_order(command: PayOrder, payments: PaymentService) -> PaymentResult:
    return payments.pay(command.order_id, command.access_token, command.payment_method_id, command.source)


# --- the saga's steps, each attempt in the timeline --------------------------------------------------------------


def reserve_inventory(command: ReserveInventory, fulfillment: FulfillmentSteps, step_attempts: StepAttempts) -> Order:
    return step_attempts.run(command, fulfillment.reserve_inventory)


def capture_payment(command: CapturePayment, fulfillment: FulfillmentSteps, step_attempts: StepAttempts) -> Order:
    return step_attempts.run(command, fulfillment.capture_payment)


def allocate_shipment(command: AllocateShipment, fulfillment: FulfillmentSteps, step_attempts: StepAttempts) -> Order:
    return step_attempts.run(command, fulfillment.allocate_shipment)


def notify_customer(command: NotifyCustomer, fulfillment: FulfillmentSteps, step_attempts: StepAttempts) -> bool:
    return step_attempts.run(command, fulfillment.notify_customer)


def mark_fulfilled(command: MarkFulfilled, fulfillment: FulfillmentSteps, step_attempts: StepAttempts) -> Order:
    return step_attempts.run(command, fulfillment.mark_fulfilled)


# --- payment facts, from payOrder or Stripe's webhook ----------------------------------------------------------------


def receive_stripe_webhook(command: ReceiveStripeWebhook, webhooks: WebhookIntake, clock: Clock) -> WebhookOutcome:
    return webhooks.receive(command.body, command.signature, received_at=epoch_seconds(clock))


def start_fulfillment(event: PaymentAuthorized, authorizations: PaymentAuthorizations) -> AuthorizationHandled:
    return authorizations.handle(event)


def record_payment_failure(event: PaymentFailed, payments: PaymentService) -> Order:
    return payments.record_failure(event)


def record_refund(event: PaymentRefunded, reversals: PaymentReversals) -> Order:
    return reversals.refunded(event)


def record_cancellation(event: PaymentCanceled, reversals: PaymentReversals) -> Order:
    return reversals.canceled(event)


def compensate(event: CompensationRequested, compensation: CompensationService) -> Order:
    return compensation.compensate(event)


def tell_the_customer(
    event: OrderStatusChanged, orders: OrderRepository, notifications: NotificationService, emails: CustomerEmails
) -> bool:
    """Emails for the status changes that have no saga step of their own to send them; whether one was sent."""
    order = orders.get(event.order_id)
    if order is None:
        return False
    if event.status == OrderStatus.AUTHORIZED.value:
        return bool(emails.once("confirmed", order.id, lambda: notifications.order_confirmed(order)))
    if event.status == OrderStatus.PAYMENT_FAILED.value:
        reason = event.reason or order.payment.failure_reason or "declined"
        # One email per declined attempt, not per delivery of the event.
        attempt = order.payment.last_failure_id or "unknown"
        sent = emails.once(f"payment-failed:{attempt}", order.id, lambda: notifications.payment_failed(order, reason))
        return bool(sent)
    return False


# --- scheduled -------------------------------------------------------------------------------------------------------


def expire_unpaid_orders(command: ExpireUnpaidOrders, expiry: ExpiryService) -> list[str]:
    return expiry.expire_unpaid()


def redrive_stuck_orders(command: RedriveStuckOrders, recovery: RecoveryService) -> dict[str, list[str]]:
    return recovery.redrive()


# --- the admin desk ------------------------------------------------------------------------------------------------


def cancel_order(command: CancelOrder, cancellation: OrderCancellation) -> Order:
    return cancellation.cancel(command.order_id, command.reason, by=command.by)


def log_in(command: LogIn, admin_login: AdminLogin) -> LoggedIn:
    return admin_login.login(command.username, command.password, command.source)


def adjust_stock(command: AdjustStock, stock_adjustments: StockAdjustments) -> tuple[StockLevel, StockAdjustment]:
    return stock_adjustments.adjust(command)


def split_stock(command: SplitStock, stock_adjustments: StockAdjustments) -> StockLevel:
    return stock_adjustments.split(command)


def merge_stock(command: MergeStock, stock_adjustments: StockAdjustments) -> StockLevel:
    return stock_adjustments.merge(command)


def create_product(command: CreateProduct, product_admin: ProductAdmin) -> Product:
    return product_admin.create(command.changes)


def update_product(command: UpdateProduct, product_admin: ProductAdmin) -> Product:
    return product_admin.update(command.product_id, command.changes)


def set_product_active(command: SetProductActive, product_admin: ProductAdmin) -> Product:
    return product_admin.set_active(command.product_id, command.active)


def create_warehouse(command: CreateWarehouse, warehouse_admin: WarehouseAdmin) -> Warehouse:
    return warehouse_admin.create(command)


HANDLERS = HandlerTable(
    commands={
        PlaceOrder: place_order,
        PayOrder: pay_order,
        ReserveInventory: reserve_inventory,
        CapturePayment: capture_payment,
        AllocateShipment: allocate_shipment,
        NotifyCustomer: notify_customer,
        MarkFulfilled: mark_fulfilled,
        ReceiveStripeWebhook: receive_stripe_webhook,
        ExpireUnpaidOrders: expire_unpaid_orders,
        RedriveStuckOrders: redrive_stuck_orders,
        CancelOrder: cancel_order,
        LogIn: log_in,
        AdjustStock: adjust_stock,
        SplitStock: split_stock,
        MergeStock: merge_stock,
        CreateProduct: create_product,
        UpdateProduct: update_product,
        SetProductActive: set_product_active,
        CreateWarehouse: create_warehouse,
    },
    events={
        PaymentAuthorized: [start_fulfillment],
        PaymentFailed: [record_payment_failure],
        PaymentRefunded: [record_refund],
        PaymentCanceled: [record_cancellation],
        CompensationRequested: [compensate],
        OrderStatusChanged: [tell_the_customer],
    },
)

API_HANDLERS = HANDLERS.only(
    PlaceOrder,
    PayOrder,
    CancelOrder,
    LogIn,
    AdjustStock,
    SplitStock,
    MergeStock,
    CreateProduct,
    UpdateProduct,
    SetProductActive,
    CreateWarehouse,
)
SAGA_STEP_HANDLERS = HANDLERS.only(ReserveInventory, CapturePayment, AllocateShipment, NotifyCustomer, MarkFulfilled)
WEBHOOK_HANDLERS = HANDLERS.only(ReceiveStripeWebhook)
PAYMENT_EVENT_HANDLERS = HANDLERS.only(PaymentAuthorized, PaymentFailed, PaymentRefunded, PaymentCanceled)
COMPENSATION_HANDLERS = HANDLERS.only(CompensationRequested)
NOTIFICATION_HANDLERS = HANDLERS.only(OrderStatusChanged)
SCHEDULED_HANDLERS = HANDLERS.only(ExpireUnpaidOrders, RedriveStuckOrders)
