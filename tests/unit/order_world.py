"""The whole order life cycle wired to in-memory repositories, a fake Stripe and a recording bus: every saga step,
the compensation, an admin's cancellation, the expiry and the re-drive run in milliseconds, with no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from commerce.admin.cancellation import OrderCancellation
from commerce.catalog import StockLevel
from commerce.events import CompensationRequested
from commerce.notifications import EmailMessage, EmailSender, NotificationService
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.repositories.memory import (
    InMemoryIdempotencyRepository,
)
from commerce.services.authorizations import PaymentAuthorizations
from commerce.services.compensation import CompensationService
from commerce.services.customer_emails import CustomerEmails
from commerce.services.fulfillment import FulfillmentSteps
from commerce.services.recovery import RecoveryService
from commerce.services.saga_launch import SagaLauncher
from commerce.workflows import RecordingSagaStarter
from tests.unit.fake_stripe import AUTHORIZES
from tests.unit.payment_world import AUSTIN, STOCK, PaymentWorld

__all__ = ["AUSTIN", "STOCK", "OrderWorld", "Outbox"]


class Outbox(EmailSender):
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return f"msg-{len(self.sent)}"


@dataclass
class OrderWorld(PaymentWorld):
    outbox: Outbox = field(default_factory=Outbox)
    starter: RecordingSagaStarter = field(default_factory=RecordingSagaStarter)

    def __post_init__(self) -> None:
        super().__post_init__()
        clock = self.clock
        self.claims = InMemoryIdempotencyRepository(clock)
        notifications = NotificationService(self.outbox, "shop@example.com")
        emails = CustomerEmails(self.claims, clock)
        self.fulfillment = FulfillmentSteps(
            orders=self.orders,
            events=self.events,
            changes=self.changes,
            inventory=self.inventory,
            warehouses=self.warehouses,
            payments=self.payments,
            notifications=notifications,
            emails=emails,
            clock=clock,
        )
        self.compensation = CompensationService(
            orders=self.orders,
            events=self.events,
            changes=self.changes,
            inventory=self.inventory,
            payments=self.payments,
            notifications=notifications,
            emails=emails,
            clock=clock,
        )
        self.cancellation = OrderCancellation(
            orders=self.orders,
            events=self.events,
            compensation=self.compensation,
            publisher=self.publisher,
            clock=clock,
        )
        self.sagas = SagaLauncher(claims=self.claims, starter=self.starter, clock=clock)
        self.authorizations = PaymentAuthorizations(
            payments=self.payments, sagas=self.sagas, compensation=self.compensation
        )
        self.recovery = RecoveryService(
            orders=self.orders,
            compensation=self.compensation,
            fulfillment=self.fulfillment,
            sagas=self.sagas,
            clock=clock,
            stuck_after=timedelta(0),
        )

    def authorized_order(self, order_id: str = "ord_1") -> Order:
        """An order the shopper paid for with a card that authorizes: AUTHORIZED, its saga not yet run."""
        _, token = self.unpaid_order(order_id)
        return self.payments.pay(order_id, token, AUTHORIZES).order

    def legacy_authorized_order(self, order_id: str = "ord_1") -> Order:
        """An order authorized before payOrder held stock: AUTHORIZED with no hold, its saga not yet run."""
        order, _ = self.unpaid_order(order_id)
        assert order.payment.intent_id is not None
        return self.payments.apply_intent(self.stripe.authorize(order.payment.intent_id)).order

    def order_through(self, last: OrderStatus, order_id: str = "ord_1") -> Order:
        """An authorized order taken by the saga's steps up to `last` (RESERVED, CAPTURED, SHIPPED or FULFILLED)."""
        self.authorized_order(order_id)
        steps: list[tuple[OrderStatus, Callable[[str], object]]] = [
            (OrderStatus.RESERVED, self.fulfillment.reserve_inventory),
            (OrderStatus.CAPTURED, self.fulfillment.capture_payment),
            (OrderStatus.SHIPPED, self.fulfillment.allocate_shipment),
            (OrderStatus.FULFILLED, self.fulfillment.mark_fulfilled),
        ]
        for reached, step in steps:
            step(order_id)
            if reached is last:
                break
        return self.order(order_id)

    def fail(self, order_id: str = "ord_1", *, reason: str = "step failed") -> Order:
        return self.compensation.compensate(CompensationRequested(order_id, reason, failed_step="AllocateShipment"))

    def level(self) -> StockLevel:
        return self.stock.stock[("p-mug", AUSTIN.id)]

    def intent(self, order_id: str = "ord_1") -> object:
        intent_id = self.order(order_id).payment.intent_id
        assert intent_id is not None
        return self.stripe.intents[intent_id]
