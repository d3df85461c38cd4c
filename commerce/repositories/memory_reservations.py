"""Reservations in memory, over the in-memory inventory, with the DynamoDB repository's contract."""

from __future__ import annotations

import threading
from dataclasses import replace

from commerce.catalog import StockLevel
from commerce.repositories.memory import InMemoryInventoryRepository
from commerce.reservations import Reservation, ReservationRepository, ReservationState, StockConflictError


class InMemoryReservationRepository(ReservationRepository):
    def __init__(self, inventory: InMemoryInventoryRepository) -> None:
        self.inventory = inventory
        self.reservations: dict[str, Reservation] = {}
        # One lock stands in for DynamoDB's transactions: each change checks and writes without interleaving.
        self._lock = threading.Lock()

    def _reserve(self, reservation: Reservation) -> Reservation:
        with self._lock:
            existing = self.reservations.get(reservation.order_id)
            if existing is not None:
                return existing
            stock = self.inventory.stock
            for line in reservation.lines:
                level = stock.get((line.product_id, line.warehouse_id))
                if level is None or level.available < line.quantity:
                    raise StockConflictError(line.product_id, line.warehouse_id)
            for line in reservation.lines:
                key = (line.product_id, line.warehouse_id)
                stock[key] = _moved(stock[key], available=-line.quantity, reserved=line.quantity)
            self.reservations[reservation.order_id] = reservation
            return reservation

    def get(self, order_id: str) -> Reservation | None:
        return self.reservations.get(order_id)

    def release(self, order_id: str) -> bool:
        return self._settle(order_id, ReservationState.RELEASED)

    def ship(self, order_id: str) -> bool:
        return self._settle(order_id, ReservationState.SHIPPED)

    def _settle(self, order_id: str, target: ReservationState) -> bool:
        with self._lock:
            current = self.reservations.get(order_id)
            if current is None or current.state is not ReservationState.RESERVED:
                return False
            stock = self.inventory.stock
            for line in current.lines:
                key = (line.product_id, line.warehouse_id)
                if target is ReservationState.RELEASED:
                    stock[key] = _moved(stock[key], available=line.quantity, reserved=-line.quantity)
                else:
                    stock[key] = _moved(stock[key], reserved=-line.quantity, shipped=line.quantity)
            self.reservations[order_id] = replace(current, state=target)
            return True


def _moved(level: StockLevel, *, available: int = 0, reserved: int = 0, shipped: int = 0) -> StockLevel:
    return replace(
        level,
        available=level.available + available,
        reserved=level.reserved + reserved,
        shipped=level.shipped + shipped,
        version=level.version + 1,
    )
