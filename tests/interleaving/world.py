"""One shop in memory, built by the real bootstrap: in-memory repositories, the fake Stripe, a recording bus.

Set up in the past (the order paid and moved along at SET_UP_AT), the operations then run at NOW: old enough for
the expiry sweep and the re-drive to pick it up. `trace` makes every port call a scheduling point.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher

from commerce import wiring_services
from commerce.access import OrderAccessTokens
from commerce.admin.login import AdminLogin, LoginRefusedError
from commerce.admin.passwords import PasswordVerifier
from commerce.catalog import Location, StockLevel, Warehouse
from commerce.events import CompensationRequested, PaymentAuthorized, RecordingPublisher
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.payments import PaymentIntentSnapshot
from commerce.reservations import Reservation, ReservationState, StockContendedError
from commerce.secrets import AdminUser
from commerce.workflows import RecordingSagaStarter
from tests.unit.builders import a_product, an_order
from tests.unit.fake_stripe import AUTHORIZES, FakeStripe
from tests.unit.shop_bus import InMemory, Outbox, a_bus, unit_settings

if TYPE_CHECKING:
    from commerce.admin.tokens import AdminTokens
    from tests.interleaving.scheduler import Schedule

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SET_UP_AT = NOW - timedelta(hours=1)
# When the scene's payOrder held the stock: recent enough that the hold is live when the operations run at NOW.
HELD_AT = NOW - timedelta(minutes=2)
PRODUCT = "p-mug"  # an_order() buys 2 of it
WAREHOUSE = "wh-east"
ADMIN = "ada"
SOURCE = "203.0.113.66"  # where the guesses come from: one address, a stranger's
# Cheap on purpose: the scheduler runs thousands of logins; the cost parameters are not what is under test.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=16, salt_len=8)
TOKENS = OrderAccessTokens("interleaving-order-token-key")
_S = OrderStatus
# The saga's steps in order, with the status each leaves the order in.
SAGA = (
    ("reserve_inventory", _S.RESERVED),
    ("capture_payment", _S.CAPTURED),
    ("allocate_shipment", _S.SHIPPED),
    ("notify_customer", _S.SHIPPED),
    ("mark_fulfilled", _S.FULFILLED),
)

SAGA_STEPS = tuple(step for step, _ in SAGA)


class WatchedStripe(FakeStripe):
    """The fake Stripe, noting for each capture that moved money whether the order's stock was still held."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.captured_without_stock: list[str] = []

    def capture(self, intent_id: str, idempotency_key: str) -> PaymentIntentSnapshot:
        before = self.retrieve(intent_id).status
        captured = super().capture(intent_id, idempotency_key)
        order_id = captured.metadata["order_id"]
        if captured.status is not before and not self.world.stock_held_for(order_id):
            self.captured_without_stock.append(order_id)
        return captured


@dataclass
class LoginDesk:
    """The admin login with a counted password check, and how many wrong guesses from SOURCE came just before."""

    login: AdminLogin
    spent_before: int
    checks: list[str] = field(default_factory=list)


class World:
    def __init__(self, *, units: int = 5) -> None:
        self.now = SET_UP_AT
        clock = self.clock
        self.stripe = WatchedStripe(self)
        self.publisher = RecordingPublisher()
        self.starter = RecordingSagaStarter()
        memory = InMemory(clock)
        self.events, self.idempotency, self.inventory = memory.events, memory.idempotency, memory.inventory
        self.warehouses, self.products, self.orders = memory.warehouses, memory.products, memory.orders
        self.reservations, self.stock_ledger = memory.reservations, memory.stock_ledger
        self.login_failures = memory.login_failures
        self.hold_slots = memory.hold_slots
        self.repositories = memory.ports()
        # The shop as the functions wire it: the real bootstrap, given the fakes.
        self.bus = a_bus(
            clock=clock,
            repositories=memory,
            settings=unit_settings(clock),
            gateway=self.stripe,
            publisher=self.publisher,
            email_sender=Outbox(),
            saga_starter=self.starter,
        )
        made = self.bus.dependencies
        self.payments = made.build(wiring_services.payments)
        self.fulfillment = made.build(wiring_services.fulfillment)
        self.sagas = made.build(wiring_services.sagas)
        self.inventory_service = made.build(wiring_services.inventory_service)
        self.products.add(a_product(PRODUCT))
        self.warehouses.add(Warehouse(WAREHOUSE, "East", Location(40.7, -74.0), "us-east"))
        self.inventory.put(StockLevel(PRODUCT, WAREHOUSE, available=units))
        self.launched: Counter[str] = Counter()
        launch = self.sagas.launch

        def counted_launch(order_id: str) -> bool:
            started = launch(order_id)
            self.launched[order_id] += started
            return started

        self.sagas.launch = counted_launch  # type: ignore[method-assign]
        self.desk: LoginDesk | None = None
        self.tokens: dict[str, str] = {}
        self.contentions = 0  # holds refused for contention so far (`contend`)

    def clock(self) -> datetime:
        return self.now

    # --- setting the scene (before the operations start; nothing here is a scheduling point) -----------------

    def order_in(self, status: OrderStatus, order_id: str = "ord_1", *, held_at: datetime | None = HELD_AT) -> Order:
        """A real order moved by the real services to `status`: its stock held by payOrder at `held_at` (None: an
        order of before holds, or one not paid yet), paid, then through the saga's steps."""
        token = TOKENS.issue(order_id)
        self.tokens[order_id] = token
        self.orders.orders[order_id] = replace(an_order(order_id=order_id), access_token_hash=TOKENS.hash_of(token))
        if held_at is not None:
            self.now = held_at
            self.payments.hold(self.order(order_id))
            self.now = SET_UP_AT
        order = self.payments.ensure_intent(self.order(order_id))
        if status is not _S.PENDING_PAYMENT:
            self.payments.apply_intent(self.stripe.authorize(order.payment.intent_id or ""))
        for step, reached in SAGA:
            if self.order(order_id).status is status:
                break
            getattr(self.fulfillment, step)(order_id)
            assert self.order(order_id).status is reached, f"setting up {order_id}: {step} did not reach {reached}"
        return self.order(order_id)

    def authorized_at_stripe(self, order_id: str = "ord_1") -> None:
        """The shopper's browser confirmed the card; neither payOrder's answer nor the webhook has arrived."""
        self.stripe.authorize(self.order(order_id).payment.intent_id or "")

    def login_desk(self, *, spent: int) -> LoginDesk:
        """The admin login, `spent` wrong guesses from SOURCE already made at NOW (through the login itself)."""
        verifier = PasswordVerifier()
        verifier.__dict__["_hasher"] = CHEAP_HASHER  # its cached_property, pre-filled
        users = [AdminUser(ADMIN, CHEAP_HASHER.hash("the right one"))]
        failures = self.login_failures
        login = AdminLogin(
            users=lambda: users, passwords=verifier, failures=failures, tokens=_no_tokens, clock=self.clock
        )
        desk = LoginDesk(login, spent)
        self.now = NOW  # the guesses came just before the burst, at its time: no delay they earned is over by then
        for _ in range(spent):
            try:
                login.login(ADMIN, "an earlier guess", SOURCE)
            except LoginRefusedError as refused:
                assert refused.retry_after is None, f"setting up the login desk: guess refused unchecked: {refused}"
        self.now = SET_UP_AT
        check = verifier.verify

        def counted_check(password_hash: str | None, password: str) -> bool:
            desk.checks.append(password)
            return check(password_hash, password)

        verifier.verify = counted_check  # type: ignore[method-assign]
        self.desk = desk
        return desk

    def login_desk_in_use(self) -> LoginDesk:
        assert self.desk is not None, "the scene sets up the login desk"
        return self.desk

    def contend(self, times: int) -> None:
        """A rush on the unsplit item: the next `times` holds taking from PRODUCT's base item in WAREHOUSE are
        cancelled as DynamoDB cancels them after its retries (StockContendedError, nothing written). The last move of
        a scene: its own holds are not refused."""
        hold = self.reservations._hold

        def contended_hold(reservation: Reservation) -> Reservation:
            on_base_item = any(
                (line.product_id, line.warehouse_id, line.shard) == (PRODUCT, WAREHOUSE, "")
                for line in reservation.lines
            )
            if on_base_item and self.contentions < times:
                self.contentions += 1
                raise StockContendedError(PRODUCT, WAREHOUSE)
            return hold(reservation)

        self.reservations._hold = contended_hold  # type: ignore[method-assign]
        self.inventory_service.choose.seed(0)  # which shards the holds take from: the same in every replay

    def begin(self) -> None:
        """The scene is set: the operations run an hour later."""
        self.now = NOW

    # --- the operations' own moves -------------------------------------------------------------------------

    def run_saga(self, order_id: str, steps: tuple[str, ...] = SAGA_STEPS) -> object:
        """The saga's steps as Step Functions runs them: a step that fails asks for the compensation (its Catch),
        except NotifyCustomer, whose failure moves on."""
        result: object = None
        for step in steps:
            try:
                result = getattr(self.fulfillment, step)(order_id)
            except Exception as exc:
                if step == "notify_customer":
                    continue
                request = CompensationRequested(order_id, f"{type(exc).__name__}", failed_step=step)
                self.bus.handle(request)
                return exc
        return result

    def run_started_sagas(self, since: int) -> None:
        """What the engine does with the executions started after the `since`-th: run each."""
        for order_id, _ in self.starter.started[since:]:
            self.run_saga(order_id)

    def pay(self, order_id: str = "ord_1") -> object:
        return self.payments.pay(order_id, self.tokens[order_id], AUTHORIZES)

    def settle(self) -> None:
        """The bus delivers what the operations published, one event after another: authorizations to their
        consumer (a saga, or the money back for an order gone), compensation requests to the compensation."""
        delivered = 0
        while delivered < len(self.publisher.published):
            event = self.publisher.published[delivered]
            delivered += 1
            if isinstance(event, PaymentAuthorized | CompensationRequested):
                self.bus.handle(event)

    # --- what the invariants read ----------------------------------------------------------------------------

    def order(self, order_id: str = "ord_1") -> Order:
        found = self.repositories.orders.get(order_id)
        assert found is not None
        return found

    def all_orders(self) -> list[Order]:
        return list(self.orders.orders.values())

    def intent_id(self, order_id: str = "ord_1") -> str:
        """The order's intent, as Stripe's webhook names it (no read of the order: no scheduling point)."""
        return self.orders.orders[order_id].payment.intent_id or ""

    def stock_held_for(self, order_id: str) -> bool:
        """Is the order's stock still set aside for it: reserved, or held by a hold that has not lapsed?"""
        reservation = self.reservations.reservations.get(order_id)  # the raw state: no scheduling point
        if reservation is None:
            return False
        return reservation.state is ReservationState.RESERVED or reservation.is_live_hold(self.now)

    def intent_of(self, order: Order) -> PaymentIntentSnapshot | None:
        return self.stripe.intents.get(order.payment.intent_id or "")

    # --- scheduling ------------------------------------------------------------------------------------------

    def trace(self, schedule: Schedule) -> None:
        """Every call through a port (the repositories, Stripe, the bus, the saga engine, the password check)
        becomes a scheduling point of `schedule`."""
        ports: dict[str, object] = {
            **{name: getattr(self.repositories, name) for name in vars(self.repositories)},
            "stripe": self.stripe,
            "bus": self.publisher,
            "sagas": self.starter,
        }
        for name, port in ports.items():
            _trace_port(schedule, name, port, _port_methods(type(port)))
        if self.desk is not None:
            _trace_port(schedule, "passwords", self.desk.login.passwords, ["verify"])


def _port_methods(cls: type) -> set[str]:
    """The calls a port declares (its abstract methods, in every base): what the DynamoDB adapter would send."""
    return {name for base in cls.__mro__[1:] for name in getattr(base, "__abstractmethods__", ())}


def _trace_port(schedule: Schedule, name: str, port: object, methods: set[str] | list[str]) -> None:
    for method in sorted(methods):
        setattr(port, method, schedule.traced(f"{name}.{method}", getattr(port, method)))


def _no_tokens() -> AdminTokens:
    raise AssertionError("no login in these pairs has the right password")
