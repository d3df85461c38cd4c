"""The whole order life cycle as the real bootstrap wires it, on in-memory repositories, a fake Stripe and a
recording bus: every saga step, the compensation, an admin's cancellation, the expiry and the re-drive run in
milliseconds, with no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commerce import wiring_services
from commerce.catalog import StockLevel
from commerce.events import CompensationRequested
from commerce.order_status import OrderStatus
from commerce.orders import Order
from tests.unit.fake_stripe import AUTHORIZES
from tests.unit.payment_world import AUSTIN, STOCK, PaymentWorld

__all__ = ["AUSTIN", "STOCK", "OrderWorld"]


@dataclass
class OrderWorld(PaymentWorld):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.claims = self.memory.idempotency
        made = self.bus.dependencies
        self.fulfillment = made.build(wiring_services.fulfillment)
        self.compensation = made.build(wiring_services.compensation)
        self.cancellation = made.build(wiring_services.cancellation)
        self.sagas = made.build(wiring_services.sagas)
        self.authorizations = made.build(wiring_services.authorizations)
        self.recovery = made.build(wiring_services.recovery)

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
