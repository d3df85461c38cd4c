"""Holding, releasing and shipping the stock of an order: the domain side of the saga's inventory steps."""

from __future__ import annotations

import logging

from commerce.allocation import allocate
from commerce.clock import Clock, to_iso
from commerce.errors import OutOfStockError
from commerce.geo import locate
from commerce.metrics import Metric, Metrics, NoMetrics
from commerce.orders import Order
from commerce.ports import InventoryRepository, WarehouseRepository
from commerce.reservations import Reservation, ReservationRepository, ReservationState, StockConflictError

logger = logging.getLogger(__name__)


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
    ) -> None:
        self.inventory = inventory
        self.warehouses = warehouses
        self.reservations = reservations
        self.clock = clock
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.max_attempts = max_attempts
        self.metrics = metrics or NoMetrics()

    def reserve_for(self, order: Order) -> Reservation:
        """The order's reservation: the one already made (in whatever state it is now), or a new one.

        Raises OutOfStockError when the warehouses together cannot cover a line, also when other orders keep
        taking the stock we chose for `max_attempts` rounds in a row.
        """
        existing = self.reservations.get(order.id)
        if existing is not None:
            return existing
        wanted = [(line.product_id, line.quantity) for line in order.lines]
        skus = {line.product_id: line.sku for line in order.lines}
        destination = locate(order.shipping_address)
        warehouses = self.warehouses.all()
        attempt = 1
        while True:
            # Stock read here may be stale by the time we write; the conditional write catches that, and a
            # conflict means another reservation succeeded, so each re-read sees progress.
            stock = self.inventory.levels_for_many(product_id for product_id, _ in wanted)
            lines = allocate(wanted, stock, warehouses, destination, skus)
            reservation = Reservation(order.id, lines, ReservationState.RESERVED, to_iso(self.clock()))
            try:
                return self.reservations.reserve(reservation)
            except StockConflictError as exc:
                self.metrics.record(Metric.STOCK_CONFLICTS)
                if attempt >= self.max_attempts:
                    raise self._out_of_stock(order, exc) from exc
                logger.info("order %s lost %s in %s to another order", order.id, exc.product_id, exc.warehouse_id)
                attempt += 1

    def release_for(self, order_id: str) -> bool:
        """Give the order's reserved units back; False when there was nothing (any longer) to give back."""
        return self.reservations.release(order_id)

    def ship_for(self, order_id: str) -> bool:
        """Count the order's reserved units as shipped; False when they were not (any longer) reserved."""
        return self.reservations.ship(order_id)

    def _out_of_stock(self, order: Order, conflict: StockConflictError) -> OutOfStockError:
        line = next(line for line in order.lines if line.product_id == conflict.product_id)
        requested = sum(other.quantity for other in order.lines if other.product_id == line.product_id)
        available = sum(level.available for level in self.inventory.levels(line.product_id))
        return OutOfStockError(line.sku, requested, available)
