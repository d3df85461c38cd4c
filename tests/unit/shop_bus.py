"""The real bootstrap with fakes: in-memory repositories, the stateful fake Stripe, a recording bus and saga engine,
an outbox for email. What unit tests, the order worlds and the interleaving explorer all build their shop from."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from commerce.bootstrap import Bus, Repositories, bootstrap
from commerce.clock import Clock, system_clock
from commerce.events import RecordingPublisher
from commerce.handlers import HANDLERS
from commerce.messagebus import HandlerTable
from commerce.metrics import Metrics, NoMetrics
from commerce.notifications import EmailMessage, EmailSender
from commerce.payments import PaymentGateway
from commerce.repositories.memory import (
    InMemoryIdempotencyRepository,
    InMemoryInventoryRepository,
    InMemoryOrderEventRepository,
    InMemoryOrderRepository,
    InMemoryProductRepository,
    InMemoryWarehouseRepository,
)
from commerce.repositories.memory_admin import (
    InMemoryAnalyticsRepository,
    InMemoryLoginFailureRepository,
    InMemoryStockLedger,
)
from commerce.repositories.memory_hold_slots import InMemoryHoldSlotRepository
from commerce.repositories.memory_reservations import InMemoryReservationRepository
from commerce.secrets import Secrets
from commerce.settings import Settings, StripeSettings, TableNames
from commerce.workflows import RecordingSagaStarter
from tests.unit.fake_stripe import FakeStripe


class Outbox(EmailSender):
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return f"msg-{len(self.sent)}"


@dataclass
class InMemory:
    """Every repository in memory, typed as itself so that tests can set and read its state directly."""

    clock: Clock
    products: InMemoryProductRepository = field(default_factory=InMemoryProductRepository)
    warehouses: InMemoryWarehouseRepository = field(default_factory=InMemoryWarehouseRepository)
    inventory: InMemoryInventoryRepository = field(default_factory=InMemoryInventoryRepository)
    events: InMemoryOrderEventRepository = field(default_factory=InMemoryOrderEventRepository)
    analytics: InMemoryAnalyticsRepository = field(default_factory=InMemoryAnalyticsRepository)
    login_failures: InMemoryLoginFailureRepository = field(default_factory=InMemoryLoginFailureRepository)
    hold_slots: InMemoryHoldSlotRepository = field(default_factory=InMemoryHoldSlotRepository)

    def __post_init__(self) -> None:
        self.idempotency = InMemoryIdempotencyRepository(self.clock)
        self.orders = InMemoryOrderRepository(self.events, self.idempotency)
        self.reservations = InMemoryReservationRepository(self.inventory)
        self.stock_ledger = InMemoryStockLedger(self.inventory)

    def ports(self) -> Repositories:
        return Repositories(**{f.name: getattr(self, f.name) for f in fields(Repositories)})


def unit_settings(
    clock: Clock = system_clock, *, unpaid_order_minutes: int = 30, stuck_order_minutes: int = 15
) -> Settings:
    return Settings(
        tables=TableNames(*(["unused"] * 9)),
        environment="test",
        secrets=Secrets(clock, {"ORDER_TOKEN_KEY": "unit-test-order-token-key"}),
        stripe=StripeSettings(publishable_key="pk_test"),
        event_bus_name="orders",
        email_from="shop@example.com",
        unpaid_order_minutes=unpaid_order_minutes,
        stuck_order_minutes=stuck_order_minutes,
    )


def a_bus(
    handlers: HandlerTable = HANDLERS,
    *,
    clock: Clock = system_clock,
    repositories: InMemory | None = None,
    settings: Settings | None = None,
    gateway: PaymentGateway | None = None,
    publisher: RecordingPublisher | None = None,
    email_sender: EmailSender | None = None,
    saga_starter: RecordingSagaStarter | None = None,
    metrics: Metrics | None = None,
) -> Bus:
    """The production bootstrap, given fakes for everything outside the process."""
    return bootstrap(
        handlers,
        clock=clock,
        settings=settings or unit_settings(clock),
        repositories=(repositories or InMemory(clock)).ports(),
        gateway=gateway or FakeStripe(),
        publisher=publisher or RecordingPublisher(),
        email_sender=email_sender or Outbox(),
        saga_starter=saga_starter or RecordingSagaStarter(),
        metrics=metrics or NoMetrics(),
    )
