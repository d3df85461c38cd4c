"""Holding, converting, releasing and shipping the stock of an order: the domain side of payOrder and the saga.

The rule for time (commerce/reservations.py has the figures): payOrder holds the order's stock for HOLD_TTL before
the card is touched; each further attempt (another card after a decline) renews the hold to now + HOLD_TTL, never
past HOLD_LIMIT after it was taken. The saga converts a live hold into a reservation. A lapsed hold is reclaimed by
the sweep (`reclaim_lapsed`), or at once by the next allocation that finds the stock short; a payOrder after the
lapse takes a new hold if the stock is still there, else OutOfStockError.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from commerce.allocation import allocate
from commerce.catalog import StockLevel
from commerce.clock import Clock, from_iso, to_iso
from commerce.errors import ConcurrentUpdateError, OutOfStockError
from commerce.geo import locate
from commerce.hold_limits import HoldSlotRepository
from commerce.hot_stock import AutoSplit
from commerce.metrics import Metric, Metrics, NoMetrics
from commerce.orders import Order
from commerce.ports import InventoryRepository, WarehouseRepository
from commerce.reservations import (
    HOLD_LIMIT,
    HOLD_TTL,
    TRANSACTION_LIMIT,
    HoldNotLiveError,
    Reservation,
    ReservationRepository,
    ReservationState,
    StockConflictError,
    StockContendedError,
    reservation_actions,
)
from commerce.stock_shards import spread

logger = logging.getLogger(__name__)

# Lapsed holds an allocation reclaims itself when the stock is short, before it gives up: each is a read and a
# transaction on the payOrder path, so a few; the sweep takes the rest (at most its interval's worth of lapses).
ON_DEMAND_RECLAIMS = 20


class InventoryService:
    def __init__(
        self,
        inventory: InventoryRepository,
        warehouses: WarehouseRepository,
        reservations: ReservationRepository,
        clock: Clock,
        *,
        max_attempts: int = 5,
        metrics: Metrics | None = None,
        hold_ttl: timedelta = HOLD_TTL,
        hold_limit: timedelta = HOLD_LIMIT,
        choose: random.Random | None = None,
        hold_slots: HoldSlotRepository | None = None,
        auto_split: AutoSplit | None = None,
    ) -> None:
        self.inventory = inventory
        self.warehouses = warehouses
        self.reservations = reservations
        self.clock = clock
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.max_attempts = max_attempts
        self.metrics = metrics or NoMetrics()
        self.hold_ttl = hold_ttl
        self.hold_limit = hold_limit
        # Which shards of a split level a hold takes from (commerce/stock_shards.py); tests hand in a seeded one.
        self.choose = choose or random.Random()  # noqa: S311 - spreading load, not cryptography
        # The slots payOrder claimed for the order's hold (commerce/hold_limits.py): freed once it converts or goes.
        self.hold_slots = hold_slots
        # Splitting an unsplit item that a rush keeps taking from under payOrder (commerce/hot_stock.py).
        self.auto_split = auto_split

    def reserve_for(self, order: Order) -> Reservation:
        """The order's reservation: the one already made (in whatever state it is now), or a new one.

        Raises OutOfStockError when the warehouses together cannot cover a line, also when other orders keep
        taking the stock we chose for `max_attempts` rounds in a row.
        """
        existing = self.reservations.get(order.id)
        if existing is not None:
            return existing
        return self._take(order, self.clock(), None)

    def hold_for(self, order: Order, ttl: timedelta | None = None, *, split_hot: bool = False) -> Reservation:
        """Hold the order's stock until now + `ttl` (HOLD_TTL by default): a new hold, or the order's hold renewed.

        A live hold, or one lapsed but not reclaimed yet, is renewed up to HOLD_LIMIT after it was taken; past that
        it is reclaimed and a new one taken, as after a lapse. A reservation past holding (RESERVED, RELEASED,
        SHIPPED) is returned as it is. Raises OutOfStockError when the stock cannot cover the order. With `split_hot`
        (payOrder), an unsplit item the hold keeps losing to others is split over shards (commerce/hot_stock.py).
        """
        ttl = self.hold_ttl if ttl is None else ttl
        for _ in range(self.max_attempts):
            now = self.clock()
            existing = self.reservations.get(order.id)
            if existing is None or existing.state is ReservationState.LAPSED:
                return self._take(order, now, now + ttl, split_hot=split_hot)
            if existing.state is not ReservationState.HELD:
                return existing
            until = min(now + ttl, from_iso(existing.created_at) + self.hold_limit)
            if until <= now:
                # Past its last renewal: its units go back on sale, and the order competes for them like any other.
                self.reservations.reclaim(order.id, now)
                continue
            held_until = existing.expires_at or ""
            if to_iso(until) <= held_until:
                return existing
            if self.reservations.extend(order.id, held_until, to_iso(until)):
                return replace(existing, expires_at=to_iso(until))
            # Converted, reclaimed or renewed between our read and our write: look again.
        raise ConcurrentUpdateError("reservation", order.id)

    def convert_for(self, order: Order) -> Reservation:
        """Make the order's hold a reservation, now that its payment is authorized.

        A hold that lapsed is taken again if the stock is still there (renewed, or held anew); when it went to other
        orders, OutOfStockError: the authorization must then be cancelled, never captured. Raises HoldNotLiveError
        when the order has no hold to convert (released, or never held).
        """
        try:
            converted = self.reservations.convert(order.id, self.clock())
        except HoldNotLiveError as exc:
            if exc.state not in (ReservationState.HELD, ReservationState.LAPSED):
                raise
            logger.info("order %s was authorized after its hold lapsed; holding its stock again", order.id)
            self.hold_for(order)
            converted = self.reservations.convert(order.id, self.clock())
        self.free_hold_slots(order.id)
        return converted

    def reclaim_lapsed(self, limit: int = 100) -> int:
        """Put the units of up to `limit` lapsed holds back on sale (the sweep); how many holds were reclaimed."""
        now = self.clock()
        reclaimed = sum(self.reservations.reclaim(order_id, now) for order_id in self.reservations.lapsed(now, limit))
        if reclaimed:
            logger.info("reclaimed %d lapsed holds", reclaimed)
        return reclaimed

    def release_for(self, order_id: str) -> bool:
        """Give the order's held or reserved units back; False when there was nothing (any longer) to give back."""
        released = self.reservations.release(order_id)
        self.free_hold_slots(order_id)
        return released

    def has_live_hold(self, order_id: str) -> bool:
        reservation = self.reservations.get(order_id)
        return reservation is not None and reservation.is_live_hold(self.clock())

    def free_hold_slots(self, order_id: str) -> None:
        """The order holds no stock any longer (or holds it paid for): its hold no longer counts against its keys."""
        if self.hold_slots is not None:
            self.hold_slots.release(order_id)

    def ship_for(self, order_id: str) -> bool:
        """Count the order's reserved units as shipped; False when they were not (any longer) reserved."""
        return self.reservations.ship(order_id)

    def _take(
        self, order: Order, now: datetime, expires_at: datetime | None, *, split_hot: bool = False
    ) -> Reservation:
        """A new reservation (HELD until `expires_at` when given), retried while other orders take the stock chosen."""
        wanted = [(line.product_id, line.quantity) for line in order.lines]
        skus = {line.product_id: line.sku for line in order.lines}
        destination = locate(order.shipping_address)
        warehouses = self.warehouses.all()
        state = ReservationState.RESERVED if expires_at is None else ReservationState.HELD
        reclaimed = False
        attempt = 1
        split = False
        while True:
            # Stock read here may be stale by the time we write; the conditional write catches that, and a
            # conflict means another reservation succeeded, so each re-read sees progress.
            stock = self.inventory.levels_for_many(product_id for product_id, _ in wanted)
            try:
                allocated = allocate(wanted, stock, warehouses, destination, skus)
            except OutOfStockError:
                # Lapsed holds the sweep has not reached yet still count as taken: reclaim them now, once, so a
                # shopper is never refused units that are only waiting for the next sweep.
                if reclaimed or not self.reclaim_lapsed(ON_DEMAND_RECLAIMS):
                    raise
                reclaimed = True
                continue
            lines = spread(allocated, stock, self.choose)
            if reservation_actions(lines) > TRANSACTION_LIMIT:  # placement counted the worst case; stock moved since
                lines = spread(allocated, stock, self.choose, fewest=True)
            expiry = None if expires_at is None else to_iso(expires_at)
            reservation = Reservation(order.id, lines, state, to_iso(now), expiry)
            try:
                if expires_at is None:
                    return self.reservations.reserve(reservation)
                return self.reservations.hold(reservation)
            except StockContendedError as exc:
                # DynamoDB kept cancelling the hold for contention on one item: split it, once, and hold again.
                if split or not split_hot or not self._split_contended(exc, stock):
                    raise
                split = True
                continue
            except StockConflictError as exc:
                self.metrics.record(Metric.STOCK_CONFLICTS)
                if attempt >= self.max_attempts:
                    raise self._out_of_stock(order, exc) from exc
                logger.info("order %s lost %s in %s to another order", order.id, exc.product_id, exc.warehouse_id)
                attempt += 1

    def _split_contended(self, contended: StockContendedError, stock: Mapping[str, Sequence[StockLevel]]) -> bool:
        levels = stock.get(contended.product_id, ())
        level = next((lv for lv in levels if lv.warehouse_id == contended.warehouse_id), None)
        if self.auto_split is None or level is None or level.shards:
            return False  # already split: contention on a shard is the saga's and the shopper's to retry
        if self.auto_split.split_contended(contended.product_id, contended.warehouse_id):
            self.metrics.record(Metric.STOCK_AUTO_SPLITS)
            return True
        # Refused: split meanwhile over another count (an admin's), or merged, or still changing. Hold from the
        # shards if there are some now; else the hold ends in its retryable refusal.
        levels = self.inventory.levels(contended.product_id)
        return any(lv.shards for lv in levels if lv.warehouse_id == contended.warehouse_id)

    def _out_of_stock(self, order: Order, conflict: StockConflictError) -> OutOfStockError:
        line = next(line for line in order.lines if line.product_id == conflict.product_id)
        requested = sum(other.quantity for other in order.lines if other.product_id == line.product_id)
        available = sum(level.available for level in self.inventory.levels(line.product_id))
        return OutOfStockError(line.sku, requested, available)
