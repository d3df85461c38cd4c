"""The saga's steps. Each is idempotent: Step Functions retries it, and a duplicate event may start it twice.

Each step acts only from the status it expects, treats a later status as "already done", and raises
OrderNoLongerFulfillableError when someone else (an admin's cancellation) took the order elsewhere.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from commerce.clock import Clock
from commerce.errors import DomainError, OrderNotFoundError
from commerce.geo import locate
from commerce.money import Money
from commerce.notifications import NotificationService, format_amount
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.ports import OrderEventRepository, OrderRepository, WarehouseRepository
from commerce.reservations import Reservation
from commerce.services.customer_emails import CustomerEmails
from commerce.services.inventory import InventoryService
from commerce.services.order_changes import Change, OrderChanges
from commerce.services.payments import PaymentService
from commerce.shipping import plan_shipments
from commerce.timeline import OrderEvent

logger = logging.getLogger(__name__)

_S = OrderStatus
# Where each step's work is already done: a retry or a duplicate saga finds the order there.
_DONE_AFTER_RESERVE = frozenset({_S.RESERVED, _S.CAPTURED, _S.SHIPPED, _S.FULFILLED})
_DONE_AFTER_CAPTURE = frozenset({_S.CAPTURED, _S.SHIPPED, _S.FULFILLED})
_DONE_AFTER_SHIP = frozenset({_S.SHIPPED, _S.FULFILLED})


class OrderNoLongerFulfillableError(DomainError):
    def __init__(self, order_id: str, status: str, step: str) -> None:
        super().__init__(f"order {order_id} is {status}: {step} does nothing")
        self.order_id = order_id
        self.status = status
        self.step = step


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
        order = self._load(order_id)
        if order.status in _DONE_AFTER_RESERVE:
            return order
        self._require(order, _S.AUTHORIZED, "ReserveInventory")
        reservation = self.inventory.reserve_for(order)
        result = self.changes.apply(order_id, lambda current: self._reserved(current, reservation))
        if result.status not in _DONE_AFTER_RESERVE:
            # Cancelled while we reserved: fail the step, so the compensation that follows releases what we took.
            raise OrderNoLongerFulfillableError(order_id, result.status.value, "ReserveInventory")
        return result

    def capture_payment(self, order_id: str) -> Order:
        order = self._load(order_id)
        if order.status in _DONE_AFTER_CAPTURE:
            return order
        self._require(order, _S.RESERVED, "CapturePayment")
        intent_id = order.payment.intent_id
        if intent_id is None:
            raise OrderNoLongerFulfillableError(order_id, "without a payment intent", "CapturePayment")
        captured = self.payments.gateway.capture(intent_id, idempotency_key=f"{order_id}:capture")

        def record(current: Order) -> Change | None:
            if current.status is not _S.RESERVED:
                return None
            payment = replace(current.payment, status="CAPTURED", captured=captured.amount_received)
            moved = current.transitioned(_S.CAPTURED, self.clock(), payment=payment)
            message = f"Payment captured ({format_amount(Money(captured.amount_received, captured.currency))})"
            return Change(moved, [self._status_event(moved, "PAYMENT_CAPTURED", message)])

        result = self.changes.apply(order_id, record)
        if result.status not in _DONE_AFTER_CAPTURE:
            # Cancelled while we captured: the compensation that follows sees the capture and refunds it.
            raise OrderNoLongerFulfillableError(order_id, result.status.value, "CapturePayment")
        return result

    def allocate_shipment(self, order_id: str) -> Order:
        order = self._load(order_id)
        if order.status not in _DONE_AFTER_SHIP:
            self._require(order, _S.CAPTURED, "AllocateShipment")
            reservation = self.inventory.reservations.get(order_id)
            if reservation is None:
                raise OrderNoLongerFulfillableError(order_id, "without a reservation", "AllocateShipment")
            shipments = plan_shipments(
                order_id,
                [(line.product_id, line.warehouse_id, line.quantity) for line in reservation.lines],
                self.warehouses.all(),
                locate(order.shipping_address),
                self.clock().date(),
            )

            def hand_off(current: Order) -> Change | None:
                if current.status is not _S.CAPTURED:
                    return None
                moved = current.transitioned(_S.SHIPPED, self.clock(), shipments=shipments)
                carriers = ", ".join(f"{s.carrier} {s.tracking_number}" for s in shipments)
                return Change(moved, [self._status_event(moved, "SHIPPED", f"Handed to the carrier: {carriers}")])

            order = self.changes.apply(order_id, hand_off)
            if order.status not in _DONE_AFTER_SHIP:
                raise OrderNoLongerFulfillableError(order_id, order.status.value, "AllocateShipment")
        # The status moves first: once SHIPPED nothing compensates the order, so moving the stock after it
        # (idempotently, on every retry) can never strand units as "shipped" for a refunded order.
        self.inventory.ship_for(order_id)
        return order

    def notify_customer(self, order_id: str) -> bool:
        order = self._load(order_id)
        sent = self.emails.once("shipped", order_id, lambda: self.notifications.order_shipped(order))
        if sent is None:
            return False
        kind = "CUSTOMER_NOTIFIED" if sent else "NOTIFICATION_FAILED"
        message = "Shipping confirmation emailed" if sent else "Shipping confirmation could not be emailed"
        self.events.append(OrderEvent.new(order_id, self.clock(), kind, message, step="NotifyCustomer"))
        return sent

    def mark_fulfilled(self, order_id: str) -> Order:
        self.inventory.ship_for(order_id)

        def complete(current: Order) -> Change | None:
            if current.status is not _S.SHIPPED:
                return None
            moved = current.transitioned(_S.FULFILLED, self.clock())
            return Change(moved, [self._status_event(moved, "FULFILLED", "Order fulfilled")])

        return self.changes.apply(order_id, complete)

    def _reserved(self, order: Order, reservation: Reservation) -> Change | None:
        if order.status is not _S.AUTHORIZED:
            return None
        moved = order.transitioned(_S.RESERVED, self.clock())
        where = sorted({line.warehouse_id for line in reservation.lines})
        message = f"Inventory reserved in {', '.join(where)}"
        event = self._status_event(moved, "INVENTORY_RESERVED", message)
        return Change(moved, [replace(event, detail={"warehouses": where})])

    def _status_event(self, order: Order, kind: str, message: str) -> OrderEvent:
        return OrderEvent.new(order.id, self.clock(), kind, message, status=order.status.value)

    def _load(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise OrderNotFoundError(order_id)
        return order

    @staticmethod
    def _require(order: Order, expected: OrderStatus, step: str) -> None:
        if order.status is not expected:
            raise OrderNoLongerFulfillableError(order.id, order.status.value, step)
