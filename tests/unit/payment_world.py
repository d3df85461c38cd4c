"""The payment services wired to in-memory repositories, a fake Stripe and a recording bus: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from commerce.access import OrderAccessTokens
from commerce.admin.analytics import AnalyticsRecorder
from commerce.catalog import Location, StockLevel, Warehouse
from commerce.events import RecordingPublisher
from commerce.order_status import OrderStatus
from commerce.orders import Order, PaymentState
from commerce.repositories.memory import (
    InMemoryIdempotencyRepository,
    InMemoryInventoryRepository,
    InMemoryOrderEventRepository,
    InMemoryOrderRepository,
    InMemoryWarehouseRepository,
)
from commerce.repositories.memory_admin import InMemoryAnalyticsRepository
from commerce.repositories.memory_reservations import InMemoryReservationRepository
from commerce.services.expiry import ExpiryService
from commerce.services.inventory import InventoryService
from commerce.services.order_changes import OrderChanges
from commerce.services.payments import PaymentService
from commerce.services.reversals import PaymentReversals
from commerce.services.tracking import OrderTracking
from tests.unit.builders import an_order
from tests.unit.fake_stripe import FakeStripe

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
AUSTIN = Warehouse("wh-austin", "Austin", Location(30.27, -97.74), "us-south")
STOCK = 5
TOKENS = OrderAccessTokens("unit-test-order-token-key")


@dataclass
class PaymentWorld:
    stripe: FakeStripe = field(default_factory=FakeStripe)
    publisher: RecordingPublisher = field(default_factory=RecordingPublisher)
    events: InMemoryOrderEventRepository = field(default_factory=InMemoryOrderEventRepository)

    def __post_init__(self) -> None:
        self.now = NOW
        clock = self.clock
        self.stock = InMemoryInventoryRepository()
        self.stock.put(StockLevel("p-mug", AUSTIN.id, available=STOCK))
        self.warehouses = InMemoryWarehouseRepository()
        self.warehouses.add(AUSTIN)
        self.reservations = InMemoryReservationRepository(self.stock)
        self.inventory = InventoryService(self.stock, self.warehouses, self.reservations, clock)
        self.orders = InMemoryOrderRepository(self.events, InMemoryIdempotencyRepository(clock))
        self.analytics = InMemoryAnalyticsRepository()
        recorder = AnalyticsRecorder(self.analytics, self.events)
        self.changes = OrderChanges(self.orders, clock, self.publisher, observers=[recorder.record])
        tracking = OrderTracking(orders=self.orders, events=self.events, tokens=TOKENS)
        self.payments = PaymentService(
            orders=self.orders,
            changes=self.changes,
            tracking=tracking,
            inventory=self.inventory,
            gateway=lambda: self.stripe,
            publisher=self.publisher,
            clock=clock,
        )
        self.reversals = PaymentReversals(changes=self.changes, clock=clock)
        self.expiry = ExpiryService(
            orders=self.orders,
            changes=self.changes,
            payments=self.payments,
            inventory=self.inventory,
            clock=clock,
            unpaid_for=timedelta(0),
        )

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
        token = TOKENS.issue(order_id)
        self.orders.orders[order_id] = replace(an_order(order_id=order_id), access_token_hash=TOKENS.hash_of(token))
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
