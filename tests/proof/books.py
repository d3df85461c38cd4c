"""The stateful proof's invariants: stock and money always balance, whatever happened in whatever order."""

from __future__ import annotations

from collections import Counter

from commerce.order_status import TERMINAL, OrderStatus
from commerce.payments import PaymentStatus
from commerce.reservations import Reservation, ReservationState
from tests.proof.isolated import Parts

# An intent in these states changes no more: refunding a succeeded one is the compensation's, which a terminal order
# no longer runs.
_FINAL_AT_STRIPE = frozenset({PaymentStatus.CANCELED, PaymentStatus.SUCCEEDED})


class Books:
    def __init__(self, services: Parts) -> None:
        self.s = services
        self.products: list[str] = []
        self.stocked: dict[tuple[str, str], int] = {}  # units put in and adjusted, per product and warehouse
        self.settled: set[str] = set()  # terminal, checked, and nothing about them can change any more

    def problems(self, totals: dict[str, int], *, final: bool) -> list[str]:
        """Every order's (id → total) and every item's problems; `final`: every order must have ended."""
        reservations = {
            order_id: self.s.inventory.reservations.get(order_id) for order_id in totals if order_id not in self.settled
        }
        found = self._stock_problems(reservations)
        for order_id, reservation in reservations.items():
            found += self._order_problems(order_id, totals[order_id], reservation, final=final)
        return found

    def _stock_problems(self, reservations: dict[str, Reservation | None]) -> list[str]:
        found: list[str] = []
        held: Counter[tuple[str, str]] = Counter()
        for reservation in reservations.values():  # a settled order's reservation is released or shipped
            # A hold (payOrder's, before the card) keeps its units in `reserved` as a reservation does.
            if reservation is not None and reservation.state in (ReservationState.HELD, ReservationState.RESERVED):
                for line in reservation.lines:
                    held[(line.product_id, line.warehouse_id)] += line.quantity
        for product_id in self.products:
            for level in self.s.repositories.inventory.levels(product_id):
                key = (product_id, level.warehouse_id)
                total = level.available + level.reserved + level.shipped
                if total != self.stocked[key] or min(level.available, level.reserved, level.shipped) < 0:
                    found.append(f"{key}: {level} but {self.stocked[key]} were stocked")
                if level.reserved != held[key]:
                    found.append(f"{key}: {level.reserved} reserved but reservations hold {held[key]}")
        return found

    def _order_problems(self, order_id: str, total: int, reservation: Reservation | None, *, final: bool) -> list[str]:
        stored = self.s.repositories.orders.get(order_id)
        if stored is None:
            return [f"{order_id} disappeared"]
        if final and stored.status not in TERMINAL:
            return [f"{order_id} never ended: {stored.status.value}"]
        intent_id = stored.payment.intent_id
        if intent_id is None:
            return []
        intent = self.s.payments.gateway.retrieve(intent_id)
        captured, refunded = intent.amount_received, intent.amount_refunded
        found = []
        if captured and reservation is None:
            found.append(f"{order_id}: captured {captured} without a reservation")
        if refunded and not captured:
            found.append(f"{order_id}: refunded {refunded} without a capture")
        if not 0 <= captured - refunded <= total:
            found.append(f"{order_id}: captured {captured} - refunded {refunded} outside 0..{total}")
        if stored.status is OrderStatus.FULFILLED:
            shipped = reservation is not None and reservation.state is ReservationState.SHIPPED
            if (captured, refunded) != (total, 0) or not shipped:
                found.append(f"{order_id}: fulfilled with {captured} captured, {refunded} refunded, {reservation}")
        elif stored.status in TERMINAL:
            if captured - refunded or (reservation and reservation.state is ReservationState.RESERVED):
                found.append(f"{order_id}: {stored.status.value} but keeps {captured - refunded} and {reservation}")
            if intent.status is PaymentStatus.REQUIRES_CAPTURE:
                found.append(f"{order_id}: {stored.status.value} but its authorization is still held")
        if not found and stored.status in TERMINAL and intent.status in _FINAL_AT_STRIPE:
            self.settled.add(order_id)
        return found
