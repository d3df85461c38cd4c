"""Stock held for an order, and the port that writes it together with the stock.

A reservation is first HELD for a while (payOrder takes it before the card is touched), then converted to
RESERVED once the payment is authorized; a hold nobody converts in time LAPSES and its units go back on sale.
Times are UTC ISO-8601 strings from `commerce.clock.to_iso`, which sort lexically in time order, so DynamoDB
compares them in condition expressions exactly as Python compares them here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from commerce.allocation import AllocationLine
from commerce.clock import to_iso
from commerce.errors import ConcurrentUpdateError, DomainError

# TransactWriteItems takes at most 100 actions (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
# API_TransactWriteItems.html); a reservation writes one per line plus its own record. Splitting it over two
# transactions would give up all-or-nothing, so a bigger one is refused instead.
TRANSACTION_LIMIT = 100
MAX_LINES = TRANSACTION_LIMIT - 1

# How long a hold lives: long enough for a card form and a 3-D Secure challenge. Each payOrder attempt (another card
# after a decline) renews it to now + HOLD_TTL, but never past HOLD_LIMIT after it was taken, so a shopper who keeps
# failing cannot keep units off sale for ever, and a hold always lapses before the unpaid order expires (30 min).
HOLD_TTL = timedelta(minutes=10)
HOLD_LIMIT = timedelta(minutes=25)


def reservation_actions(lines: Sequence[AllocationLine]) -> int:
    """The actions of the transaction that reserves `lines`: one per stock item (each shard of a split level is an
    item of its own, commerce/stock_shards.py), one for the reservation record."""
    return len(lines) + 1


class ReservationState(StrEnum):
    HELD = "HELD"  # taken before payment, until `expires_at`
    RESERVED = "RESERVED"  # the payment is authorized: kept until shipped or released
    RELEASED = "RELEASED"
    SHIPPED = "SHIPPED"
    LAPSED = "LAPSED"  # a hold that ran out, its units back on sale; the order may take a new hold


@dataclass(frozen=True, slots=True)
class Reservation:
    order_id: str
    lines: tuple[AllocationLine, ...]
    state: ReservationState
    created_at: str
    expires_at: str | None = None  # HELD ones only; reservations stored before holds existed have none

    @property
    def warehouse_ids(self) -> tuple[str, ...]:
        return tuple(sorted({line.warehouse_id for line in self.lines}))

    def is_live_hold(self, now: datetime) -> bool:
        return self.state is ReservationState.HELD and (self.expires_at or "") > to_iso(now)

    def is_lapsed_hold(self, now: datetime) -> bool:
        """Ran out: reclaimed already (LAPSED), or HELD past its expiry and not yet reclaimed."""
        return self.state is ReservationState.LAPSED or (
            self.state is ReservationState.HELD and not self.is_live_hold(now)
        )


class StockConflictError(DomainError):
    """The stock of one item no longer covers its line: someone reserved it after we read it. Re-read, re-allocate."""

    def __init__(self, product_id: str, warehouse_id: str) -> None:
        super().__init__(f"stock of {product_id} in {warehouse_id} changed since it was read")
        self.product_id = product_id
        self.warehouse_id = warehouse_id


class StockContendedError(ConcurrentUpdateError):
    """DynamoDB kept cancelling the transaction for contention on one stock item (TransactionConflict, throttling)
    through all its retries: the item takes more writes than its partition can (commerce/hot_stock.py)."""

    def __init__(self, product_id: str, warehouse_id: str) -> None:
        super().__init__("stock", f"{product_id}/{warehouse_id}")
        self.product_id = product_id
        self.warehouse_id = warehouse_id


class HoldNotLiveError(DomainError):
    """The order has no live hold to convert: it lapsed, was released, or was never taken."""

    def __init__(self, order_id: str, state: ReservationState | None) -> None:
        super().__init__(f"order {order_id} has no live hold (its reservation is {state.value if state else 'absent'})")
        self.order_id = order_id
        self.state = state


class ReservationRepository(ABC):
    """Reservations and the stock they hold, always changed together and all or nothing.

    Every change is guarded by a condition on the stored state, so a retried or duplicated saga step, or two
    compensations racing, never move a unit twice.
    """

    def reserve(self, reservation: Reservation) -> Reservation:
        """Take every line's units from `available` into `reserved` and record the reservation, atomically.

        Returns the stored reservation: the given one, or the one already recorded for the order (then
        nothing is taken again). Raises StockConflictError naming an item whose available units no longer
        cover its line, and ValueError for a reservation one transaction cannot hold.
        """
        _require_writable(reservation, ReservationState.RESERVED)
        return self._reserve(reservation)

    def hold(self, reservation: Reservation) -> Reservation:
        """Take every line's units from `available` into `reserved` and record the HELD reservation, atomically.

        A LAPSED reservation of the order is replaced (a new hold after the old one ran out); any other one is
        returned as stored and nothing is taken. Raises as `reserve` does.
        """
        _require_writable(reservation, ReservationState.HELD)
        if reservation.expires_at is None:
            raise ValueError(f"the hold of order {reservation.order_id} has no expiry")
        return self._hold(reservation)

    @abstractmethod
    def _reserve(self, reservation: Reservation) -> Reservation: ...

    @abstractmethod
    def _hold(self, reservation: Reservation) -> Reservation: ...

    @abstractmethod
    def get(self, order_id: str) -> Reservation | None: ...

    @abstractmethod
    def extend(self, order_id: str, expected: str, expires_at: str) -> bool:
        """Move a HELD reservation's expiry from `expected` to `expires_at`; False when it is not HELD until `expected`
        any longer (converted, reclaimed, released, or renewed by someone else)."""

    @abstractmethod
    def convert(self, order_id: str, now: datetime) -> Reservation:
        """Turn a hold live at `now` into a RESERVED reservation without expiry; its units stay where they are.

        A reservation already RESERVED or SHIPPED is returned as it is (a repeated saga step). Raises
        HoldNotLiveError for a lapsed, released or missing hold: a reclaim racing the conversion, both conditional
        on the stored state and expiry, lets exactly one of them win.
        """

    @abstractmethod
    def reclaim(self, order_id: str, now: datetime) -> bool:
        """Give a hold that expired at or before `now` back to `available` and mark it LAPSED; False otherwise."""

    @abstractmethod
    def lapsed(self, now: datetime, limit: int = 100) -> list[str]:
        """The orders whose holds expired at or before `now` and are not reclaimed yet, longest lapsed first."""

    @abstractmethod
    def release(self, order_id: str) -> bool:
        """Give a HELD or RESERVED reservation's units back to `available`; False (and no change) otherwise."""

    @abstractmethod
    def ship(self, order_id: str) -> bool:
        """Move a RESERVED reservation's units from `reserved` to `shipped`; False (and no change) otherwise."""


def _require_writable(reservation: Reservation, state: ReservationState) -> None:
    if reservation.state is not state:
        raise ValueError(f"a new {state.value} reservation cannot be {reservation.state.value}")
    if reservation_actions(reservation.lines) > TRANSACTION_LIMIT:
        raise ValueError(
            f"order {reservation.order_id} needs {len(reservation.lines)} warehouse lines; one DynamoDB transaction "
            f"holds at most {MAX_LINES} (plus the reservation record), so it cannot be reserved all or nothing"
        )
    items = [(line.product_id, line.warehouse_id, line.shard) for line in reservation.lines]
    if len(set(items)) != len(items):
        # DynamoDB rejects a transaction that touches one item twice; allocate() and spread() never produce this.
        raise ValueError(f"reservation of order {reservation.order_id} names a stock item twice")
    if any(line.quantity <= 0 for line in reservation.lines):
        raise ValueError(f"reservation of order {reservation.order_id} has a line without units")
