"""The saga's steps. Each is idempotent: Step Functions retries it, and a duplicate event may start it twice.

The Order decides (commerce.order_fulfilling): a step whose work is done does nothing, a step on an order someone
else took elsewhere (an admin's cancellation) raises OrderNoLongerFulfillableError, before the step acts and again
when it records.
"""

from __future__ import annotations

import logging

from commerce.clock import Clock
from commerce.errors import OrderNotFoundError
from commerce.geo import locate
from commerce.notifications import NotificationService
from commerce.order_fulfilling import OrderNoLongerFulfillableError, SagaStep
from commerce.orders import Order
from commerce.ports import OrderEventRepository, OrderRepository, WarehouseRepository
from commerce.reservations import ReservationState
from commerce.services.customer_emails import CustomerEmails
from commerce.services.inventory import InventoryService
from commerce.services.order_changes import OrderChanges
from commerce.services.payments import PaymentService
from commerce.shipping import plan_shipments
from commerce.timeline import OrderEvent, OrderEventKind

__all__ = ["FulfillmentSteps", "OrderNoLongerFulfillableError"]

logger = logging.getLogger(__name__)


class FulfillmentSteps:
    def __init__(
        self,
        *,
        orders: OrderRepository,
        events: OrderEventRepository,
        changes: OrderChanges,
        inventory: InventoryService,
        warehouses: WarehouseRepository,
        payments: PaymentService,
        notifications: NotificationService,
        emails: CustomerEmails,
        clock: Clock,
    ) -> None:
        self.orders = orders
        self.events = events
        self.changes = changes
        self.inventory = inventory
        self.warehouses = warehouses
        self.payments = payments
        self.notifications = notifications
        self.emails = emails
        self.clock = clock

    def reserve_inventory(self, order_id: str) -> Order:
        """Convert the hold payOrder took into a reservation (the step keeps its name, ReserveInventory, for the
        executions running and the alarms and grants that name it).

        A hold that lapsed is taken again while the stock is there; when it went to other orders, OutOfStockError
        fails the step, and the compensation cancels the authorization: never captured without the stock. An order
        authorized before payOrder held stock has no hold: it reserves now, as it did then.
        """
        order = self._load(order_id)
        if not order.step_due(SagaStep.RESERVE_INVENTORY):
            return order
        if self.inventory.reservations.get(order_id) is None:
            reservation = self.inventory.reserve_for(order)
        else:
            reservation = self.inventory.convert_for(order)
        where = list(reservation.warehouse_ids)
        # Cancelled while we reserved: the step fails, and the compensation that follows releases what we took.
        return self.changes.apply(order_id, lambda current: current.reserve(where, self.clock()))

    def capture_payment(self, order_id: str) -> Order:
        order = self._load(order_id)
        if not order.step_due(SagaStep.CAPTURE_PAYMENT):
            return order
        assert order.payment.intent_id is not None  # step_due refuses an order without one
        reservation = self.inventory.reservations.get(order_id)
        if reservation is None or reservation.state is not ReservationState.RESERVED:
            # Capture requires the stock: a compensation releases it only after it settled the money (see
            # CompensationService), so a capture that passes here lands while the units are still the order's, or
            # fails at Stripe on a cancelled authorization.
            state = reservation.state.value if reservation else "no reservation"
            raise OrderNoLongerFulfillableError(order_id, f"RESERVED with its stock {state}", SagaStep.CAPTURE_PAYMENT)
        captured = self.payments.gateway.capture(order.payment.intent_id, idempotency_key=f"{order_id}:capture")
        # Cancelled while we captured: the step fails, and the compensation that follows refunds the capture.
        return self.changes.apply(order_id, lambda current: current.capture(captured.amount_received, self.clock()))

    def allocate_shipment(self, order_id: str) -> Order:
        order = self._load(order_id)
        if order.step_due(SagaStep.ALLOCATE_SHIPMENT):
            reservation = self.inventory.reservations.get(order_id)
            if reservation is None:
                raise OrderNoLongerFulfillableError(order_id, "without a reservation", SagaStep.ALLOCATE_SHIPMENT)
            shipments = plan_shipments(
                order_id,
                [(line.product_id, line.warehouse_id, line.quantity) for line in reservation.lines],
                self.warehouses.all(),
                locate(order.shipping_address),
                self.clock().date(),
            )
            order = self.changes.apply(order_id, lambda current: current.ship(shipments, self.clock()))
        # The status moves first: once SHIPPED nothing compensates the order, so moving the stock after it
        # (idempotently, on every retry) can never strand units as "shipped" for a refunded order.
        self.inventory.ship_for(order_id)
        return order

    def notify_customer(self, order_id: str) -> bool:
        order = self._load(order_id)
        sent = self.emails.once("shipped", order_id, lambda: self.notifications.order_shipped(order))
        if sent is None:
            return False
        kind = OrderEventKind.CUSTOMER_NOTIFIED if sent else OrderEventKind.NOTIFICATION_FAILED
        message = "Shipping confirmation emailed" if sent else "Shipping confirmation could not be emailed"
        self.events.append(OrderEvent.new(order_id, self.clock(), kind, message, step="NotifyCustomer"))
        return sent

    def mark_fulfilled(self, order_id: str) -> Order:
        self.inventory.ship_for(order_id)
        return self.changes.apply(order_id, lambda current: current.fulfil(self.clock()))

    def _load(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise OrderNotFoundError(order_id)
        return order
