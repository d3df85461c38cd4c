"""Reservations in memory, over the in-memory inventory, with the DynamoDB repository's contract."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from commerce.allocation import AllocationLine
from commerce.catalog import StockLevel
from commerce.clock import to_iso
from commerce.repositories.memory import InMemoryInventoryRepository
from commerce.reservations import (
    HoldNotLiveError,
    Reservation,
    ReservationRepository,
    ReservationState,
    StockConflictError,
)
from commerce.stock_shards import item_key

_HELD, _RESERVED, _LAPSED = ReservationState.HELD, ReservationState.RESERVED, ReservationState.LAPSED


class InMemoryReservationRepository(ReservationRepository):
    def __init__(self, inventory: InMemoryInventoryRepository) -> None:
        self.inventory = inventory
        self.reservations: dict[str, Reservation] = {}
        # The inventory's lock stands in for DynamoDB's transactions: each change checks and writes without
        # interleaving with another, nor with an admin's stock change, split or merge.
        self._lock = inventory.lock

    def _reserve(self, reservation: Reservation) -> Reservation:
        return self._take(reservation, replaceable=())

    def _hold(self, reservation: Reservation) -> Reservation:
        return self._take(reservation, replaceable=(_LAPSED,))

    def _take(self, reservation: Reservation, replaceable: tuple[ReservationState, ...]) -> Reservation:
        with self._lock:
            existing = self.reservations.get(reservation.order_id)
            if existing is not None and existing.state not in replaceable:
                return existing
            stock = self.inventory.stock
            for line in reservation.lines:
                level = stock.get(_key(line))
                if level is None or level.available < line.quantity:
                    raise StockConflictError(line.product_id, line.warehouse_id)
            for line in reservation.lines:
                stock[_key(line)] = _moved(stock[_key(line)], available=-line.quantity, reserved=line.quantity)
            self.reservations[reservation.order_id] = reservation
            return reservation

    def get(self, order_id: str) -> Reservation | None:
        return self.reservations.get(order_id)

    def extend(self, order_id: str, expected: str, expires_at: str) -> bool:
        with self._lock:
            current = self.reservations.get(order_id)
            if current is None or current.state is not _HELD or current.expires_at != expected:
                return False
            self.reservations[order_id] = replace(current, expires_at=expires_at)
            return True

    def convert(self, order_id: str, now: datetime) -> Reservation:
        with self._lock:
            current = self.reservations.get(order_id)
            if current is not None and current.state in (_RESERVED, ReservationState.SHIPPED):
                return current
            if current is None or not current.is_live_hold(now):
                raise HoldNotLiveError(order_id, current.state if current else None)
            converted = replace(current, state=_RESERVED, expires_at=None)
            self.reservations[order_id] = converted
            return converted

    def reclaim(self, order_id: str, now: datetime) -> bool:
        with self._lock:
            current = self.reservations.get(order_id)
            if current is None or current.state is not _HELD or (current.expires_at or "") > to_iso(now):
                return False
            return self._settle(current, _LAPSED)

    def lapsed(self, now: datetime, limit: int = 100) -> list[str]:
        with self._lock:
            due = [r for r in self.reservations.values() if r.state is _HELD and (r.expires_at or "") <= to_iso(now)]
        return [r.order_id for r in sorted(due, key=lambda r: (r.expires_at or "", r.order_id))[:limit]]

    def release(self, order_id: str) -> bool:
        with self._lock:
            current = self.reservations.get(order_id)
            if current is None or current.state not in (_HELD, _RESERVED):
                return False
            return self._settle(current, ReservationState.RELEASED)

    def ship(self, order_id: str) -> bool:
        with self._lock:
            current = self.reservations.get(order_id)
            if current is None or current.state is not _RESERVED:
                return False
            return self._settle(current, ReservationState.SHIPPED)

    def _settle(self, current: Reservation, target: ReservationState) -> bool:
        stock = self.inventory.stock
        for line in current.lines:
            key = _key(line)
            if key not in stock:  # its shard was merged into the base item since, with these units
                key = (line.product_id, line.warehouse_id)
            if target is ReservationState.SHIPPED:
                stock[key] = _moved(stock[key], reserved=-line.quantity, shipped=line.quantity)
            else:
                stock[key] = _moved(stock[key], available=line.quantity, reserved=-line.quantity)
        self.reservations[current.order_id] = replace(current, state=target)
        return True


def _key(line: AllocationLine) -> tuple[str, str]:
    return (item_key(line.product_id, line.shard), line.warehouse_id)


def _moved(level: StockLevel, *, available: int = 0, reserved: int = 0, shipped: int = 0) -> StockLevel:
    return replace(
        level,
        available=level.available + available,
        reserved=level.reserved + reserved,
        shipped=level.shipped + shipped,
        version=level.version + 1,
    )
