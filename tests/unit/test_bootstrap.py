"""The bootstrap hands each handler what its signature names, builds it on the handler's first message, and builds
nothing a function's handlers do not name; tests call the same bootstrap with fakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from commerce.bootstrap import bootstrap
from commerce.catalog import Location, StockLevel, Warehouse
from commerce.commands import (
    AllocateShipment,
    CapturePayment,
    Command,
    MarkFulfilled,
    NotifyCustomer,
    PayOrder,
    PlaceOrder,
    ReceiveStripeWebhook,
    ReserveInventory,
)
from commerce.events import RecordingPublisher
from commerce.handlers import SAGA_STEP_HANDLERS, WEBHOOK_HANDLERS
from commerce.messagebus import HandlerTable
from commerce.metrics import NoMetrics
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.ports import OrderRepository
from commerce.timeline import OrderEventKind
from commerce.webhooks import InvalidWebhookError
from commerce.workflows import RecordingSagaStarter
from tests.unit.builders import AN_ADDRESS, a_product, fixed_clock
from tests.unit.fake_stripe import AUTHORIZES, FakeStripe
from tests.unit.shop_bus import InMemory, Outbox, a_bus, unit_settings

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)
# Built for every function that handles order changes; none of these is for a saga step.
NOT_A_SAGA_STEPS = {"webhooks", "gateway", "email_sender", "placement", "admin_login", "admin_tokens", "stock_ledger"}


def test_a_handler_gets_exactly_what_its_signature_names() -> None:
    received: dict[str, object] = {}

    @dataclass(frozen=True)
    class CountOrders(Command[int]):
        pass

    def count_orders(command: CountOrders, orders: OrderRepository, clock: object) -> int:
        received.update(orders=orders, clock=clock)
        return 7

    memory = InMemory(CLOCK)
    bus = a_bus(HandlerTable(commands={CountOrders: count_orders}), clock=CLOCK, repositories=memory)
    made_before = bus.dependencies.made
    assert bus.handle(CountOrders()) == 7
    assert received == {"orders": memory.orders, "clock": CLOCK}
    assert bus.dependencies.made == made_before  # both were given: nothing was built for it


def test_nothing_is_built_until_a_message_arrives_then_only_what_its_handler_needs() -> None:
    memory = InMemory(CLOCK)
    bus = bootstrap(
        SAGA_STEP_HANDLERS,
        clock=CLOCK,
        settings=unit_settings(CLOCK),
        repositories=memory.ports(),
        publisher=RecordingPublisher(),
        saga_starter=RecordingSagaStarter(),
        metrics=NoMetrics(),
    )
    given = bus.dependencies.made
    assert "fulfillment" not in given
    with pytest.raises(Exception, match="ord_missing"):
        bus.handle(ReserveInventory("ord_missing"))
    built = bus.dependencies.made - given
    assert {"fulfillment", "step_attempts", "payments", "inventory_service"} <= built
    assert not built & NOT_A_SAGA_STEPS, sorted(built & NOT_A_SAGA_STEPS)


def test_the_webhooks_bootstrap_builds_its_intake_and_none_of_the_order_services() -> None:
    bus = a_bus(WEBHOOK_HANDLERS, clock=CLOCK)
    with pytest.raises(InvalidWebhookError):
        bus.handle(ReceiveStripeWebhook(b"{}", None))
    assert "webhooks" in bus.dependencies.made
    assert not bus.dependencies.made & {"payments", "changes", "fulfillment", "notifications", "placement"}


def test_a_whole_order_runs_through_the_bus_in_memory_from_placing_to_fulfilled() -> None:
    memory, stripe, outbox = InMemory(CLOCK), FakeStripe(), Outbox()
    memory.products.add(a_product("p-mug"))
    memory.warehouses.add(Warehouse("wh-austin", "Austin", Location(30.27, -97.74), "us-south"))
    memory.inventory.put(StockLevel("p-mug", "wh-austin", available=5))
    bus = a_bus(clock=CLOCK, repositories=memory, gateway=stripe, email_sender=outbox)

    placed = bus.handle(PlaceOrder("k-bus-0000000001", "ada@example.com", [("p-mug", 2)], AN_ADDRESS))
    order_id = placed.order.id
    paid = bus.handle(PayOrder(order_id, placed.access_token, AUTHORIZES))
    assert paid.order.status is OrderStatus.AUTHORIZED
    steps = (ReserveInventory, CapturePayment, AllocateShipment, NotifyCustomer, MarkFulfilled)
    answers = [bus.handle(step(order_id)) for step in steps]

    assert isinstance(answers[-1], Order) and answers[-1].status is OrderStatus.FULFILLED
    assert answers[3] is True and [email.to for email in outbox.sent] == ["ada@example.com"]
    level = memory.inventory.stock[("p-mug", "wh-austin")]
    assert (level.available, level.shipped) == (3, 2)
    # Each attempt in the timeline (all at one instant here, so in no particular order).
    succeeded = [e.step or "" for e in memory.events.list(order_id) if e.type == OrderEventKind.STEP_SUCCEEDED.value]
    assert sorted(succeeded) == sorted(step.__name__ for step in steps)
