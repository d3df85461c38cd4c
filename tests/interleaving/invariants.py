"""What must hold at every pause of a schedule, and at its end once the bus has delivered what was published.

Each check returns the words of the first violation, or None. They read the world's raw state, never through the
traced ports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from commerce.admin.stock import StockChangeKind
from commerce.catalog import StockLevel
from commerce.clock import to_iso
from commerce.hold_limits import normalised_email
from commerce.hot_stock import AUTO_SPLIT_BY
from commerce.order_status import TERMINAL, OrderStatus
from commerce.payments import PaymentStatus
from commerce.reservations import ReservationState
from commerce.stock_shards import item_key, shard_ids
from tests.interleaving.world import World

_S = OrderStatus
_P = PaymentStatus
BEYOND_UNDO = frozenset({_S.SHIPPED, _S.FULFILLED})
ENDED_WITHOUT_SALE = frozenset({_S.FAILED, _S.CANCELLED, _S.EXPIRED})
# Where the order's money must be at Stripe while the order is in the saga.
MONEY_IN_SAGA = {
    _S.AUTHORIZED: {_P.REQUIRES_CAPTURE},
    _S.RESERVED: {_P.REQUIRES_CAPTURE, _P.SUCCEEDED},  # the capture lands at Stripe before the order records it
    _S.CAPTURED: {_P.SUCCEEDED},
    _S.SHIPPED: {_P.SUCCEEDED},
    _S.FULFILLED: {_P.SUCCEEDED},
}


class Invariants:
    """Remembers what it saw (statuses, initial stock) to judge what changes over a schedule."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.initial_stock = {key: lv.available + lv.reserved + lv.shipped for key, lv in _levels(world).items()}
        self.seen_status: dict[str, OrderStatus] = {}

    def at_each_step(self) -> str | None:
        checks: list[Callable[[], str | None]] = [
            self.stock_is_conserved,
            self.shipped_goods_stay_sold,
            self.no_capture_without_stock,
            self.money_within_total,
            self.money_follows_the_saga,
            self.terminal_statuses_are_final,
            self.one_saga_per_order,
            self.login_limit_holds,
            self.holds_within_caps,
            self.holds_are_whole,
            self.shards_are_their_levels,
            self.splits_answer_contention,
        ]
        return next((found for check in checks if (found := check()) is not None), None)

    def at_the_end(self) -> str | None:
        return self.at_each_step() or self.ended_orders_keep_nothing() or self.slots_follow_holds()

    def stock_is_conserved(self) -> str | None:
        """available + reserved + shipped changes only by a recorded adjustment; reserved and shipped are what
        the reservations say; nothing is negative."""
        world = self.world
        adjusted: Counter[tuple[str, str]] = Counter()
        for adjustment in world.stock_ledger.adjustments:
            adjusted[(adjustment.product_id, adjustment.warehouse_id)] += adjustment.after - adjustment.before
        held: Counter[tuple[str, str, ReservationState]] = Counter()
        for reservation in world.reservations.reservations.values():
            for line in reservation.lines:
                held[(line.product_id, line.warehouse_id, reservation.state)] += line.quantity
        for key, item in world.inventory.stock.items():  # every stored item, each shard of a split level too
            if min(item.available, item.reserved, item.shipped) < 0:
                return f"stock never negative: {key} is {_units(item)}"
        for key, level in _levels(world).items():  # a level split over shards counts as the sum of its items
            total = level.available + level.reserved + level.shipped
            expected = self.initial_stock.get(key, 0) + adjusted[key]
            if total != expected:
                return f"stock conserved: {key} holds {total} units ({_units(level)}), {expected} expected"
            # A hold keeps its units in `reserved` too, until it is converted, released or reclaimed.
            taken = held[(*key, ReservationState.RESERVED)] + held[(*key, ReservationState.HELD)]
            if (level.reserved, level.shipped) != (taken, held[(*key, _SHIPPED)]):
                return f"stock accounted for: {key} is {_units(level)}, the reservations say otherwise"
        return None

    def shipped_goods_stay_sold(self) -> str | None:
        """Once handed to the carrier, an order is neither refunded nor its stock put back on sale."""
        for order in self.world.all_orders():
            if order.status not in BEYOND_UNDO:
                continue
            intent = self.world.intent_of(order)
            if intent is not None and intent.amount_refunded:
                return f"no refund of shipped goods: {order.id} is {order.status} and {intent.amount_refunded} refunded"
            reservation = self.world.reservations.get(order.id)
            if reservation is not None and reservation.state is ReservationState.RELEASED:
                return f"no release of shipped goods: {order.id} is {order.status} and its stock is back on sale"
        return None

    def no_capture_without_stock(self) -> str | None:
        captured = self.world.stripe.captured_without_stock
        if captured:
            return f"no capture without a live hold or reservation: {captured[0]} was captured with its stock not held"
        return None

    def money_within_total(self) -> str | None:
        for order in self.world.all_orders():
            intent = self.world.intent_of(order)
            if intent is None:
                continue
            kept = intent.amount_received - intent.amount_refunded
            if not 0 <= kept <= order.total.amount or intent.amount != order.total.amount:
                return f"captured - refunded within the total: {order.id} keeps {kept} of {order.total.amount}"
        return None

    def money_follows_the_saga(self) -> str | None:
        """An order in the saga has its money at Stripe: never a voided authorization behind an AUTHORIZED order."""
        for order in self.world.all_orders():
            allowed = MONEY_IN_SAGA.get(order.status)
            intent = self.world.intent_of(order)
            if allowed is not None and (intent is None or intent.status not in allowed):
                found = intent.status.value if intent else "no intent"
                return f"money behind the saga: {order.id} is {order.status} with its payment {found}"
        return None

    def terminal_statuses_are_final(self) -> str | None:
        for order in self.world.all_orders():
            before = self.seen_status.get(order.id)
            self.seen_status[order.id] = order.status
            if before in TERMINAL and order.status is not before:
                return f"terminal statuses final: {order.id} went from {before} to {order.status}"
        return None

    def one_saga_per_order(self) -> str | None:
        twice = [order_id for order_id, started in self.world.launched.items() if started > 1]
        return f"one saga per order: {twice[0]} had {self.world.launched[twice[0]]} started" if twice else None

    def login_limit_holds(self) -> str | None:
        """A burst of guesses at one name from one source gets no more password checks than the free attempts of
        the keys it spends (name and source, source, name): past them, each waits a delay no burst has."""
        desk = self.world.desk
        if desk is None:
            return None
        policy = self.world.login_failures.policy
        allowed = min(policy.per_name_and_source, policy.per_source, policy.per_name, key=lambda a: a.free_attempts)
        checked = desk.spent_before + len(desk.checks)
        if checked > allowed.free_attempts:
            return (
                f"login throttle: {checked} passwords checked in one burst from one source, "
                f"{allowed.free_attempts} free attempts"
            )
        return None

    def holds_within_caps(self) -> str | None:
        """No customer (the order's normalised email) has more live holds than the cap (commerce/hold_limits.py)."""
        world = self.world
        cap = world.payments.hold_limits.per_customer
        live: Counter[str] = Counter()
        for order_id, reservation in world.reservations.reservations.items():  # the raw state: no scheduling point
            if reservation.is_live_hold(world.now):
                live[normalised_email(world.orders.orders[order_id].email)] += 1
        over = [(email, count) for email, count in live.items() if count > cap]
        return f"hold cap: {over[0][1]} live holds for one customer, cap {cap}" if over else None

    def holds_are_whole(self) -> str | None:
        """A reservation (held, reserved or shipped) has every unit of every line of its order: never a part."""
        world = self.world
        for order_id, reservation in world.reservations.reservations.items():
            if reservation.state in (ReservationState.RELEASED, ReservationState.LAPSED):
                continue
            wanted: Counter[str] = Counter()
            for order_line in world.orders.orders[order_id].lines:
                wanted[order_line.product_id] += order_line.quantity
            taken: Counter[str] = Counter()
            for line in reservation.lines:
                taken[line.product_id] += line.quantity
            if taken != wanted:
                return f"holds whole: {order_id}'s {reservation.state} reservation has {dict(taken)} of {dict(wanted)}"
        return None

    def shards_are_their_levels(self) -> str | None:
        """The shard items stored are exactly those their base item lists (its split, its count): a split or merge
        is all or nothing, never shards left behind or missing."""
        stock = self.world.inventory.stock
        listed = {
            (item_key(base.product_id, shard), warehouse_id)
            for (product_id, warehouse_id), base in stock.items()
            if product_id in self.world.products.products
            for shard in shard_ids(base.split, base.shards)
        }
        bases = {key for key in stock if key[0] in self.world.products.products}
        stray = sorted(set(stock) - bases - listed)
        missing = sorted(listed - set(stock))
        if stray or missing:
            return f"shards as their level lists them: {stray} stored unlisted, {missing} listed and missing"
        return None

    def splits_answer_contention(self) -> str | None:
        """An item splits itself only when a hold was refused for contention on it, once per refusal at most."""
        adjustments = self.world.stock_ledger.adjustments
        splits = sum(a.by == AUTO_SPLIT_BY and a.kind is StockChangeKind.SPLIT for a in adjustments)
        if splits > self.world.contentions:
            return f"automatic splits answer contention: {splits} made, {self.world.contentions} holds contended"
        return None

    def slots_follow_holds(self) -> str | None:
        """Once the operations are over: a live hold slot belongs to an order with a live hold (a hold refused,
        given back or converted counts against nobody)."""
        world = self.world
        moment = to_iso(world.now)
        for slot in world.hold_slots.slots.values():
            if slot.until > moment and not _holds_live(world, slot.holder):
                return f"slots follow holds: {slot.holder} holds a slot until {slot.until} and no live hold"
        return None

    def ended_orders_keep_nothing(self) -> str | None:
        """Once the bus is quiet: an order that ended without a sale holds no stock and no money."""
        for order in self.world.all_orders():
            if order.status not in ENDED_WITHOUT_SALE:
                continue
            if self.world.stock_held_for(order.id):
                return f"ended orders keep nothing: {order.id} is {order.status} and still holds stock"
            intent = self.world.intent_of(order)
            if intent is not None and (
                intent.status is _P.REQUIRES_CAPTURE or intent.amount_received > intent.amount_refunded
            ):
                return (
                    f"ended orders keep nothing: {order.id} is {order.status} and its payment is {intent.status.value}"
                )
        return None


_SHIPPED = ReservationState.SHIPPED


def _holds_live(world: World, order_id: str) -> bool:
    reservation = world.reservations.reservations.get(order_id)
    return reservation is not None and reservation.is_live_hold(world.now)


def _levels(world: World) -> dict[tuple[str, str], StockLevel]:
    """Every product's level per warehouse as the shop reads it: shard items (commerce/stock_shards.py) summed in."""
    products = sorted({product_id for product_id, _ in world.inventory.stock if product_id in world.products.products})
    return {(lv.product_id, lv.warehouse_id): lv for p in products for lv in world.inventory.levels(p)}


def _units(level: object) -> str:
    return "available {}, reserved {}, shipped {}".format(
        getattr(level, "available", "?"), getattr(level, "reserved", "?"), getattr(level, "shipped", "?")
    )
