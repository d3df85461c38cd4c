"""THE table: every pair of operations the explorer runs side by side, each on the scene it needs.

To add a pair: one `Pair` row (a scene and two operations, from the lists below or new ones of a line or two).
To re-point after a refactoring (an Order aggregate, a message bus, holds): change the operations here and the
world's `stock_held_for`; the scheduler and the invariants do not know which services exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commerce import wiring_services
from commerce.commands import AdjustStock, CancelOrder, ExpireUnpaidOrders, MergeStock, RedriveStuckOrders, SplitStock
from commerce.errors import ConcurrentUpdateError, DomainError, OutOfStockError
from commerce.events import CompensationRequested
from commerce.order_status import OrderStatus
from tests.interleaving.world import ADMIN, HELD_AT, PRODUCT, SET_UP_AT, SOURCE, WAREHOUSE, World
from tests.unit.fake_stripe import DECLINES

_S = OrderStatus


@dataclass(frozen=True)
class Scene:
    name: str
    set_up: Callable[[World], object]
    units: int = 5  # of the one product, in the one warehouse


@dataclass(frozen=True)
class Operation:
    name: str
    run: Callable[[World], object]
    # The errors it may answer with (a refusal is an answer); anything else it raises is a bug.
    refusals: tuple[type[Exception], ...] = (DomainError,)


@dataclass(frozen=True)
class Pair:
    scene: Scene
    first: Operation
    second: Operation
    known_bug: str | None = None  # found and not fixed yet: the pair must fail (pytest xfail, strict)

    @property
    def name(self) -> str:
        return f"{self.first.name} x {self.second.name}"


# --- scenes ---------------------------------------------------------------------------------------------------


def _in(status: OrderStatus, *, units: int = 5, held: bool = True) -> Scene:
    """An order moved to `status`; `held=False`: never held (not paid yet, or authorized before holds existed)."""
    if held:
        return Scene(f"an order {status}", lambda world: world.order_in(status), units)
    return Scene(f"an order {status}, no hold", lambda world: world.order_in(status, held_at=None), units)


def _authorized_at_stripe(world: World) -> None:
    world.order_in(_S.PENDING_PAYMENT)
    world.authorized_at_stripe()


def _two_authorized(world: World) -> None:
    world.order_in(_S.AUTHORIZED, "ord_1", held_at=None)
    world.order_in(_S.AUTHORIZED, "ord_2", held_at=None)


def _two_unpaid(world: World) -> None:
    world.order_in(_S.PENDING_PAYMENT, "ord_1", held_at=None)
    world.order_in(_S.PENDING_PAYMENT, "ord_2", held_at=None)


def _hold_lapsed(world: World) -> None:
    # Held at the scene's time, an hour before the operations: its expiry (HOLD_TTL later) is long past at NOW.
    world.order_in(_S.PENDING_PAYMENT, held_at=SET_UP_AT)


def _hoarder_at_the_cap(world: World) -> None:
    # One email (every order's): HOLDS_PER_CUSTOMER - 1 orders holding stock, two more unpaid and not yet held.
    held = world.payments.hold_limits.per_customer - 1
    for index in range(1, held + 3):
        world.order_in(_S.PENDING_PAYMENT, f"ord_{index}", held_at=HELD_AT if index <= held else None)


UNPAID = _in(_S.PENDING_PAYMENT, held=False)
UNPAID_HELD = _in(_S.PENDING_PAYMENT)
HOLD_LAPSED = Scene("an unpaid order whose hold lapsed, not yet reclaimed", _hold_lapsed)
PAID_AT_STRIPE = Scene("an unpaid order, its card authorized at Stripe, unreported", _authorized_at_stripe)
LAST_UNITS = Scene("two authorized orders of 2 units (before holds), 3 in stock", _two_authorized, units=3)
LAST_UNITS_UNPAID = Scene("two unpaid orders of 2 units, 3 in stock", _two_unpaid, units=3)
FEW_UNITS = _in(_S.AUTHORIZED, units=3, held=False)
FEW_UNITS_UNPAID = _in(_S.PENDING_PAYMENT, units=3, held=False)
HOARDER_AT_THE_CAP = Scene("one customer's orders holding stock, one short of the cap", _hoarder_at_the_cap, units=10)


def _split(world: World, *, held: bool = False) -> None:
    """An unpaid order; the stock split over 3 shards (5 units: 2, 2, 1); with `held`, its 2 units held."""
    world.order_in(_S.PENDING_PAYMENT, held_at=None)
    world.bus.handle(SplitStock(PRODUCT, WAREHOUSE, ADMIN, shards=3))
    if held:
        world.inventory_service.choose.seed(4)  # 1 unit from each of two shards
        world.inventory_service.hold_for(world.order("ord_1"))


def _contended(world: World, *, orders: int = 1, times: int = 1, held_by: str | None = None) -> None:
    """`orders` unpaid orders (ord_1, ...), and the next `times` holds on the unsplit item refused for contention;
    with `held_by`, that order holds 2 units of the item already (taken before the rush)."""
    for index in range(1, orders + 1):
        world.order_in(_S.PENDING_PAYMENT, f"ord_{index}", held_at=None)
    if held_by is not None:
        world.order_in(_S.PENDING_PAYMENT, held_by)
    world.contend(times)


SPLIT_STOCK = Scene("an unpaid order, the stock split over 3 shards", _split)
HELD_ON_SHARDS = Scene("an order holding units on shards", lambda world: _split(world, held=True))
CONTENDED = Scene("an unpaid order, its unsplit item contended once", _contended)
BOTH_CONTENDED = Scene(
    "two unpaid orders, their unsplit item contended twice", lambda world: _contended(world, orders=2, times=2)
)
CONTENDED_BESIDE_A_HOLD = Scene(
    "an unpaid order, its unsplit item contended once and held by another order",
    lambda world: _contended(world, held_by="ord_2"),
)
BURST = Scene("4 of the 5 free guesses from one source spent", lambda world: world.login_desk(spent=4))

# --- operations -----------------------------------------------------------------------------------------------


def step(name: str, order_id: str = "ord_1") -> Operation:
    """One saga step as the engine runs it: on failure its Catch asks for the compensation."""
    return Operation(name, lambda world: world.run_saga(order_id, (name,)))


ADMIN_CANCEL = Operation(
    "admin cancel", lambda world: world.bus.handle(CancelOrder("ord_1", "changed my mind", by=ADMIN))
)
COMPENSATION = Operation(
    "compensation",
    lambda world: world.bus.handle(CompensationRequested("ord_1", "a step failed", failed_step="CapturePayment")),
)
EXPIRY = Operation("expiry sweep", lambda world: world.bus.handle(ExpireUnpaidOrders()))
PAY_ORDER = Operation("payOrder", lambda world: world.pay())
PAY_RENEWING = Operation("payOrder renewing its hold", lambda world: world.pay())
PAY_AFTER_LAPSE = Operation("payOrder after its hold lapsed", lambda world: world.pay())
RECLAIM_LAPSED = Operation(
    "the sweep's reclaim of lapsed holds",
    lambda world: world.bus.dependencies.build(wiring_services.inventory_service).reclaim_lapsed(),
)


def pay(order_id: str) -> Operation:
    return Operation(f"payOrder {order_id}", lambda world: world.pay(order_id))


def hoarder_pays(order_id: str) -> Operation:
    """A new hold for the hoarder's order, with a card that declines (the hold stays); from the hoarder's address."""
    return Operation(
        f"hoarder's payOrder {order_id}",
        lambda world: world.payments.pay(order_id, world.tokens[order_id], DECLINES, "203.0.113.9"),
    )


WEBHOOK = Operation(
    "webhook",
    lambda world: world.payments.apply_intent(world.stripe.retrieve(world.intent_id())),
)


def _redrive(world: World) -> object:
    started = len(world.starter.started)
    acted = world.bus.handle(RedriveStuckOrders())
    world.run_started_sagas(since=started)  # the engine runs what the re-drive started
    return acted


REDRIVE = Operation("re-drive", _redrive)
ADJUST_STOCK = Operation(
    "stock adjustment",
    # The admin saw the item at version 0 (as seeded) and takes one unit out (breakage).
    lambda world: world.bus.handle(
        AdjustStock(PRODUCT, WAREHOUSE, expected_version=0, by=ADMIN, delta=-1, note="broken")
    ),
)
RELEASE = Operation("release", lambda world: world.inventory_service.release_for("ord_1"))
SPLIT = Operation("split", lambda world: world.bus.handle(SplitStock(PRODUCT, WAREHOUSE, ADMIN, shards=3)))
MERGE = Operation("merge", lambda world: world.bus.handle(MergeStock(PRODUCT, WAREHOUSE, ADMIN)))
WRONG_GUESS = Operation(
    "admin login (wrong password)", lambda world: world.login_desk_in_use().login.login(ADMIN, "guess", SOURCE)
)


def release(order_id: str) -> Operation:
    return Operation(f"release {order_id}", lambda world: world.inventory_service.release_for(order_id))


# payOrder meeting contention on the unsplit item: it splits the item over the configured shards, then holds again.
PAY_SPLITTING = Operation("payOrder splitting its item", lambda world: world.pay())
# Its stock alone (InventoryService.hold_for as payOrder calls it), without the hold slots and the card around it.
# A split it cannot make (the level split meanwhile over another count) holds from those shards instead; a level
# still unsplit after a refused split ends in the hold's own retryable refusal.
STOCK_HOLD_SPLITTING = Operation(
    "payOrder's stock hold splitting its item",
    lambda world: world.inventory_service.hold_for(world.orders.orders["ord_1"], split_hot=True),
    refusals=(ConcurrentUpdateError, OutOfStockError),
)


def payorder_hold(order_id: str) -> Operation:
    """payOrder's hold (its slots, then its stock, contended or not), without the card that follows it."""
    return Operation(
        f"payOrder's hold for {order_id}", lambda world: world.payments.hold(world.orders.orders[order_id])
    )


PAIRS: tuple[Pair, ...] = (
    Pair(_in(_S.AUTHORIZED), ADMIN_CANCEL, step("reserve_inventory")),
    Pair(_in(_S.RESERVED), ADMIN_CANCEL, step("capture_payment")),
    Pair(_in(_S.CAPTURED), ADMIN_CANCEL, step("allocate_shipment")),
    Pair(_in(_S.SHIPPED), ADMIN_CANCEL, step("notify_customer")),
    Pair(_in(_S.SHIPPED), ADMIN_CANCEL, step("mark_fulfilled")),
    Pair(_in(_S.CAPTURED), COMPENSATION, step("allocate_shipment")),
    Pair(UNPAID, EXPIRY, PAY_ORDER),
    Pair(PAID_AT_STRIPE, EXPIRY, WEBHOOK),
    Pair(UNPAID, PAY_ORDER, WEBHOOK),
    Pair(LAST_UNITS, step("reserve_inventory", "ord_1"), step("reserve_inventory", "ord_2")),
    Pair(_in(_S.CAPTURED), REDRIVE, step("allocate_shipment")),
    Pair(_in(_S.SHIPPED), REDRIVE, step("mark_fulfilled")),
    Pair(FEW_UNITS, ADJUST_STOCK, step("reserve_inventory")),
    Pair(_in(_S.CAPTURED), COMPENSATION, COMPENSATION),
    Pair(BURST, WRONG_GUESS, WRONG_GUESS),
    # Holds (issue 19 item 2): payOrder holds the stock before the card is touched.
    Pair(HOLD_LAPSED, RECLAIM_LAPSED, PAY_AFTER_LAPSE),
    Pair(LAST_UNITS_UNPAID, pay("ord_1"), pay("ord_2")),
    Pair(FEW_UNITS_UNPAID, ADJUST_STOCK, PAY_ORDER),
    Pair(UNPAID_HELD, EXPIRY, PAY_RENEWING),
    Pair(UNPAID_HELD, ADMIN_CANCEL, PAY_RENEWING),
    # Stock split over shard items for a hot sale (issue 20): splits and merges racing holds and releases.
    Pair(UNPAID, SPLIT, PAY_ORDER),
    Pair(SPLIT_STOCK, MERGE, PAY_ORDER),
    Pair(HELD_ON_SHARDS, MERGE, RELEASE),
    # A contended unsplit item splits itself under payOrder (issue 20): racing another payOrder (both contended, both
    # splitting), the admin's merge and the admin's split over another count, and a release on the base item.
    Pair(BOTH_CONTENDED, payorder_hold("ord_1"), payorder_hold("ord_2")),
    Pair(CONTENDED, MERGE, PAY_SPLITTING),
    Pair(CONTENDED, SPLIT, STOCK_HOLD_SPLITTING),
    Pair(CONTENDED, SPLIT, PAY_SPLITTING),
    Pair(CONTENDED_BESIDE_A_HOLD, release("ord_2"), PAY_SPLITTING),
    # Two payOrders of one hoarder at the cap: one new hold is taken, the other refused (HOLD_LIMIT_REACHED).
    Pair(HOARDER_AT_THE_CAP, hoarder_pays("ord_3"), hoarder_pays("ord_4")),
)


def pair_named(name: str) -> Pair:
    return next(pair for pair in PAIRS if pair.name == name)
