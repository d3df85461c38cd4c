from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from commerce.allocation import AllocationLine
from commerce.catalog import StockLevel
from commerce.errors import OutOfStockError
from commerce.money import Money
from commerce.orders import Order, OrderLine
from commerce.repositories.memory import InMemoryInventoryRepository, InMemoryWarehouseRepository
from commerce.repositories.memory_reservations import InMemoryReservationRepository
from commerce.reservations import MAX_LINES, Reservation, ReservationState, StockConflictError
from commerce.services.inventory import InventoryService
from infra.local.seed import WAREHOUSES
from tests.unit.builders import AN_ADDRESS, an_order

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
AUSTIN = AN_ADDRESS  # no state given; its ZIP code 78701 puts it nearest to Dallas (wh-central)


def an_order_of(order_id: str, *lines: tuple[str, int]) -> Order:
    return replace(
        an_order(order_id=order_id),
        lines=tuple(OrderLine(p, f"SKU-{p}", p, Money(100, "USD"), q) for p, q in lines),
        shipping_address=AUSTIN,
    )


class Store:
    def __init__(self, reservations: type[InMemoryReservationRepository] = InMemoryReservationRepository) -> None:
        self.inventory = InMemoryInventoryRepository()
        self.warehouses = InMemoryWarehouseRepository()
        for warehouse in WAREHOUSES:
            self.warehouses.add(warehouse)
        self.reservations = reservations(self.inventory)
        self.service = InventoryService(self.inventory, self.warehouses, self.reservations, lambda: NOW)

    def stock(self, product_id: str, east: int, central: int, west: int) -> None:
        for warehouse, available in (("wh-east", east), ("wh-central", central), ("wh-west", west)):
            self.inventory.put(StockLevel(product_id, warehouse, available=available))

    def levels(self, product_id: str) -> dict[str, tuple[int, int, int]]:
        return {lv.warehouse_id: (lv.available, lv.reserved, lv.shipped) for lv in self.inventory.levels(product_id)}


@pytest.fixture
def store() -> Store:
    store = Store()
    store.stock("p-mug", 5, 3, 4)
    return store


def test_an_order_is_reserved_in_the_nearest_warehouse_that_has_it_all(store: Store) -> None:
    reservation = store.service.reserve_for(an_order_of("ord_1", ("p-mug", 2)))
    assert reservation == Reservation(
        "ord_1", (AllocationLine("p-mug", "wh-central", 2),), ReservationState.RESERVED, "2026-11-24T09:30:00.000Z"
    )
    assert store.levels("p-mug")["wh-central"] == (1, 2, 0)
    assert store.reservations.get("ord_1") == reservation


def test_reserving_twice_for_one_order_reserves_once(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    first = store.service.reserve_for(order)
    assert store.service.reserve_for(order) == first
    assert store.reservations.reserve(replace(first, created_at="later")) == first
    assert store.levels("p-mug")["wh-central"] == (1, 2, 0)


def test_an_order_the_warehouses_cannot_cover_is_refused_and_takes_nothing(store: Store) -> None:
    with pytest.raises(OutOfStockError) as raised:
        store.service.reserve_for(an_order_of("ord_1", ("p-mug", 13)))
    assert (raised.value.sku, raised.value.requested, raised.value.available) == ("SKU-p-mug", 13, 12)
    assert store.reservations.get("ord_1") is None
    assert store.levels("p-mug") == {"wh-east": (5, 0, 0), "wh-central": (3, 0, 0), "wh-west": (4, 0, 0)}


class RacedOnce(InMemoryReservationRepository):
    """Lets another order take the first warehouse we chose just before our write, as a concurrent saga would."""

    raced = False

    def _reserve(self, reservation: Reservation) -> Reservation:
        if not self.raced:
            self.raced = True
            line = reservation.lines[0]
            level = next(lv for lv in self.inventory.levels(line.product_id) if lv.warehouse_id == line.warehouse_id)
            rival = AllocationLine(line.product_id, line.warehouse_id, level.available)
            super()._reserve(Reservation("rival", (rival,), ReservationState.RESERVED, "t"))
        return super()._reserve(reservation)


def test_stock_taken_between_our_read_and_our_write_is_re_read_and_reserved_elsewhere() -> None:
    store = Store(RacedOnce)
    store.stock("p-mug", 5, 3, 4)
    reservation = store.service.reserve_for(an_order_of("ord_1", ("p-mug", 2)))
    assert reservation.lines == (AllocationLine("p-mug", "wh-west", 2),)
    assert store.levels("p-mug") == {"wh-east": (5, 0, 0), "wh-central": (0, 3, 0), "wh-west": (2, 2, 0)}


class AlwaysRaced(InMemoryReservationRepository):
    attempts = 0

    def _reserve(self, reservation: Reservation) -> Reservation:
        self.attempts += 1
        raise StockConflictError(reservation.lines[0].product_id, reservation.lines[0].warehouse_id)


def test_an_order_that_keeps_losing_the_race_ends_out_of_stock_after_a_bounded_number_of_attempts() -> None:
    store = Store(AlwaysRaced)
    store.stock("p-mug", 5, 3, 4)
    with pytest.raises(OutOfStockError) as raised:
        store.service.reserve_for(an_order_of("ord_1", ("p-mug", 2)))
    assert raised.value.sku == "SKU-p-mug"
    assert isinstance(store.reservations, AlwaysRaced) and store.reservations.attempts == store.service.max_attempts


def test_an_order_no_warehouse_can_ship_alone_is_reserved_over_two(store: Store) -> None:
    store.stock("p-tent", 1, 0, 1)
    reservation = store.service.reserve_for(an_order_of("ord_1", ("p-tent", 2), ("p-mug", 1)))
    assert reservation.warehouse_ids == ("wh-east", "wh-west")
    assert sum(line.quantity for line in reservation.lines if line.product_id == "p-tent") == 2


def test_releasing_gives_back_exactly_what_was_reserved_and_only_once(store: Store) -> None:
    store.service.reserve_for(an_order_of("ord_1", ("p-mug", 2)))
    assert store.service.release_for("ord_1") is True
    assert store.service.release_for("ord_1") is False
    assert store.levels("p-mug") == {"wh-east": (5, 0, 0), "wh-central": (3, 0, 0), "wh-west": (4, 0, 0)}
    reservation = store.reservations.get("ord_1")
    assert reservation is not None and reservation.state is ReservationState.RELEASED


def test_releasing_an_order_never_reserved_changes_nothing(store: Store) -> None:
    assert store.service.release_for("ord_unknown") is False
    assert store.service.ship_for("ord_unknown") is False


def test_shipping_moves_reserved_units_to_shipped_once_and_then_nothing_can_be_released(store: Store) -> None:
    store.service.reserve_for(an_order_of("ord_1", ("p-mug", 2)))
    assert store.service.ship_for("ord_1") is True
    assert store.service.ship_for("ord_1") is False
    assert store.service.release_for("ord_1") is False
    assert store.levels("p-mug")["wh-central"] == (1, 0, 2)


def test_a_released_order_is_not_reserved_again_by_a_late_duplicate_step(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    store.service.reserve_for(order)
    store.service.release_for(order.id)
    assert store.service.reserve_for(order).state is ReservationState.RELEASED
    assert store.levels("p-mug")["wh-central"] == (3, 0, 0)


def test_a_reservation_with_more_lines_than_one_transaction_holds_is_refused_before_writing(store: Store) -> None:
    lines = tuple(AllocationLine(f"p-{index}", "wh-east", 1) for index in range(MAX_LINES + 1))
    for line in lines:
        store.inventory.put(StockLevel(line.product_id, "wh-east", available=1))
    with pytest.raises(ValueError, match="at most 99"):
        store.reservations.reserve(Reservation("ord_big", lines, ReservationState.RESERVED, "t"))
    assert store.reservations.get("ord_big") is None
    assert all(store.levels(line.product_id)["wh-east"] == (1, 0, 0) for line in lines)


def test_a_reservation_that_cannot_be_met_in_one_item_takes_nothing_from_the_others(store: Store) -> None:
    lines = (AllocationLine("p-mug", "wh-east", 2), AllocationLine("p-mug", "wh-west", 9))
    with pytest.raises(StockConflictError) as raised:
        store.reservations.reserve(Reservation("ord_1", lines, ReservationState.RESERVED, "t"))
    assert (raised.value.product_id, raised.value.warehouse_id) == ("p-mug", "wh-west")
    assert store.levels("p-mug") == {"wh-east": (5, 0, 0), "wh-central": (3, 0, 0), "wh-west": (4, 0, 0)}


def test_concurrent_orders_never_reserve_more_than_there_is(store: Store) -> None:
    def reserve(index: int) -> bool:
        try:
            store.service.reserve_for(an_order_of(f"ord_{index}", ("p-mug", 1)))
        except OutOfStockError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(reserve, range(20)))
    assert outcomes.count(True) == 12
    assert store.levels("p-mug") == {"wh-east": (0, 5, 0), "wh-central": (0, 3, 0), "wh-west": (0, 4, 0)}
