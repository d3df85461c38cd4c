"""The payment services as the real bootstrap wires them, on in-memory repositories (a mug in stock in Austin), a
fake Stripe and a recording bus: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from commerce import wiring_services
from commerce.access import OrderAccessTokens
from commerce.catalog import Location, StockLevel, Warehouse
from commerce.events import RecordingPublisher
from commerce.order_status import OrderStatus
from commerce.orders import Order, PaymentState
from commerce.workflows import RecordingSagaStarter
from tests.unit.builders import an_order
from tests.unit.fake_stripe import FakeStripe
from tests.unit.shop_bus import InMemory, Outbox, a_bus, unit_settings

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
AUSTIN = Warehouse("wh-austin", "Austin", Location(30.27, -97.74), "us-south")
STOCK = 5
TOKENS = OrderAccessTokens("unit-test-order-token-key")  # the key unit_settings() gives the bootstrap


@dataclass
class PaymentWorld:
    stripe: FakeStripe = field(default_factory=FakeStripe)
    publisher: RecordingPublisher = field(default_factory=RecordingPublisher)
    outbox: Outbox = field(default_factory=Outbox)
    starter: RecordingSagaStarter = field(default_factory=RecordingSagaStarter)

    def __post_init__(self) -> None:
        self.now = NOW
        clock = self.clock
        self.memory = InMemory(clock)
        self.events, self.orders, self.analytics = self.memory.events, self.memory.orders, self.memory.analytics
        self.stock, self.warehouses = self.memory.inventory, self.memory.warehouses
        self.reservations = self.memory.reservations
        self.stock.put(StockLevel("p-mug", AUSTIN.id, available=STOCK))
        self.warehouses.add(AUSTIN)
        # Every unpaid order is overdue and every order in flight stuck: the sweeps take whatever a test sets up.
        settings = unit_settings(clock, unpaid_order_minutes=0, stuck_order_minutes=0)
        self.bus = a_bus(
            clock=clock,
            repositories=self.memory,
            settings=settings,
            gateway=self.stripe,
            publisher=self.publisher,
            email_sender=self.outbox,
            saga_starter=self.starter,
        )
        made = self.bus.dependencies
        self.inventory = made.build(wiring_services.inventory_service)
        self.changes = made.build(wiring_services.changes)
        self.payments = made.build(wiring_services.payments)
        self.reversals = made.build(wiring_services.reversals)
        self.expiry = made.build(wiring_services.expiry)

    def clock(self) -> datetime:
        """The world's time: NOW unless a test moves it (`later`)."""
        return self.now

    def later(self, by: timedelta) -> None:
        self.now += by

    def placed_order(self, order_id: str = "ord_1") -> str:
        """An order placed and never paid (no intent, no hold); the shopper's access token."""
        token = TOKENS.issue(order_id)
        self.orders.orders[order_id] = replace(an_order(order_id=order_id), access_token_hash=TOKENS.hash_of(token))
        return token

    def unpaid_order(self, order_id: str = "ord_1") -> tuple[Order, str]:
        """An order placed long ago with its intent open, and the shopper's access token."""
        token = self.placed_order(order_id)
        return self.payments.ensure_intent(self.order(order_id)), token

    def order(self, order_id: str = "ord_1") -> Order:
        found = self.orders.get(order_id)
        assert found is not None
        return found

    def in_status(
        self, target: OrderStatus, *, payment_status: PaymentState | None = None, authorized: int = 0, captured: int = 0
    ) -> Order:
        """The order moved straight to `target` with these payment facts (what the saga would have written)."""
        current = self.order()
        payment = replace(
            current.payment,
            status=payment_status or current.payment.status,
            authorized=authorized or current.payment.authorized,
            captured=captured or current.payment.captured,
        )
        self.orders.orders[current.id] = replace(current, status=target, payment=payment)
        return self.orders.orders[current.id]

    def timeline(self, order_id: str = "ord_1") -> list[str]:
        return [event.type for event in self.events.list(order_id)]
