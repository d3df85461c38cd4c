"""Stock held for an order: the ReserveInventory step's record, and the port that writes it with the stock."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from commerce.allocation import AllocationLine
from commerce.errors import DomainError

# TransactWriteItems takes at most 100 actions (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
# API_TransactWriteItems.html); a reservation writes one per line plus its own record. Splitting it over two
# transactions would give up all-or-nothing, so a bigger one is refused instead.
TRANSACTION_LIMIT = 100
MAX_LINES = TRANSACTION_LIMIT - 1


def reservation_actions(lines: Sequence[AllocationLine]) -> int:
    """The actions of the transaction that reserves `lines`: one per stock item, one for the reservation record."""
    return len(lines) + 1


class ReservationState(StrEnum):
    RESERVED = "RESERVED"
    RELEASED = "RELEASED"
    SHIPPED = "SHIPPED"


@dataclass(frozen=True, slots=True)
class Reservation:
    order_id: str
    lines: tuple[AllocationLine, ...]
    state: ReservationState
    created_at: str

    @property
    def warehouse_ids(self) -> tuple[str, ...]:
        return tuple(sorted({line.warehouse_id for line in self.lines}))


class StockConflictError(DomainError):
    """The stock of one item no longer covers its line: someone reserved it after we read it. Re-read, re-allocate."""

    def __init__(self, product_id: str, warehouse_id: str) -> None:
        super().__init__(f"stock of {product_id} in {warehouse_id} changed since it was read")
        self.product_id = product_id
        self.warehouse_id = warehouse_id


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
        _require_writable(reservation)
        return self._reserve(reservation)

    @abstractmethod
    def _reserve(self, reservation: Reservation) -> Reservation: ...

    @abstractmethod
    def get(self, order_id: str) -> Reservation | None: ...

    @abstractmethod
    def release(self, order_id: str) -> bool:
        """Give a RESERVED reservation's units back to `available`; False (and no change) in any other state."""

    @abstractmethod
    def ship(self, order_id: str) -> bool:
        """Move a RESERVED reservation's units from `reserved` to `shipped`; False (and no change) otherwise."""


def _require_writable(reservation: Reservation) -> None:
    if reservation.state is not ReservationState.RESERVED:
        raise ValueError(f"a new reservation must be {ReservationState.RESERVED.value}, not {reservation.state.value}")
    if reservation_actions(reservation.lines) > TRANSACTION_LIMIT:
        raise ValueError(
            f"order {reservation.order_id} needs {len(reservation.lines)} warehouse lines; one DynamoDB transaction "
            f"holds at most {MAX_LINES} (plus the reservation record), so it cannot be reserved all or nothing"
        )
    items = [(line.product_id, line.warehouse_id) for line in reservation.lines]
    if len(set(items)) != len(items):
        # DynamoDB rejects a transaction that touches one item twice; allocate() never produces this.
        raise ValueError(f"reservation of order {reservation.order_id} names a product and warehouse twice")
    if any(line.quantity <= 0 for line in reservation.lines):
        raise ValueError(f"reservation of order {reservation.order_id} has a line without units")
