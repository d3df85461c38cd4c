"""ReservationRepository: stock moves with the reservation's state, all or nothing, each at most once."""

from __future__ import annotations

import pytest

from commerce.allocation import AllocationLine
from commerce.catalog import StockLevel
from commerce.reservations import Reservation, ReservationState, StockConflictError
from tests.contract.conftest import Stores

TABLES = {"inventory", "reservations"}


def a_reservation(order_id: str, *lines: tuple[str, str, int]) -> Reservation:
    return Reservation(
        order_id,
        tuple(AllocationLine(*line) for line in lines),
        ReservationState.RESERVED,
        "2026-11-24T09:00:00.000Z",
    )


def stocked(stores: Stores, **available: int) -> None:
    """Stock per `product__warehouse` name, e.g. stocked(stores, mug__east=3)."""
    for item, units in available.items():
        product, warehouse = item.split("__")
        stores.inventory.put(StockLevel(product, warehouse, available=units))


def units(stores: Stores, product: str, warehouse: str) -> tuple[int, int, int]:
    level = next(level for level in stores.inventory.levels(product) if level.warehouse_id == warehouse)
    return (level.available, level.reserved, level.shipped)


def test_reserving_moves_each_lines_units_from_available_to_reserved(stores: Stores) -> None:
    stocked(stores, mug__east=5, pen__west=2)
    reservation = a_reservation("ord_1", ("mug", "east", 3), ("pen", "west", 2))

    assert stores.reservations.reserve(reservation) == reservation

    assert stores.reservations.get("ord_1") == reservation
    assert (units(stores, "mug", "east"), units(stores, "pen", "west")) == ((2, 3, 0), (0, 2, 0))
    assert [level.version for level in stores.inventory.levels("mug")] == [1]


def test_reserving_again_returns_the_stored_reservation_and_takes_nothing(stores: Stores) -> None:
    stocked(stores, mug__east=5, mug__west=5)
    first = a_reservation("ord_1", ("mug", "east", 2))
    stores.reservations.reserve(first)

    again = stores.reservations.reserve(a_reservation("ord_1", ("mug", "west", 4)))

    assert again == first
    assert (units(stores, "mug", "east"), units(stores, "mug", "west")) == ((3, 2, 0), (5, 0, 0))


def test_a_line_the_stock_no_longer_covers_refuses_the_whole_reservation_naming_its_item(stores: Stores) -> None:
    stocked(stores, mug__east=5, pen__west=1)

    with pytest.raises(StockConflictError) as refused:
        stores.reservations.reserve(a_reservation("ord_1", ("mug", "east", 3), ("pen", "west", 2)))

    assert (refused.value.product_id, refused.value.warehouse_id) == ("pen", "west")
    assert stores.reservations.get("ord_1") is None
    assert (units(stores, "mug", "east"), units(stores, "pen", "west")) == ((5, 0, 0), (1, 0, 0))


def test_a_line_of_an_item_never_stocked_refuses_the_reservation(stores: Stores) -> None:
    stocked(stores, mug__east=5)

    with pytest.raises(StockConflictError) as refused:
        stores.reservations.reserve(a_reservation("ord_1", ("mug", "east", 1), ("mug", "west", 1)))

    assert (refused.value.product_id, refused.value.warehouse_id) == ("mug", "west")
    assert stores.inventory.levels("mug") == [StockLevel("mug", "east", available=5)]


def test_the_last_units_go_to_one_reservation_and_stock_never_goes_below_none(stores: Stores) -> None:
    stocked(stores, mug__east=2)
    stores.reservations.reserve(a_reservation("ord_1", ("mug", "east", 2)))

    with pytest.raises(StockConflictError):
        stores.reservations.reserve(a_reservation("ord_2", ("mug", "east", 1)))

    assert units(stores, "mug", "east") == (0, 2, 0)


@pytest.mark.parametrize(
    "reservation",
    [
        Reservation("ord_1", (AllocationLine("mug", "east", 1),), ReservationState.RELEASED, "2026-11-24"),
        a_reservation("ord_1", ("mug", "east", 1), ("mug", "east", 1)),
        a_reservation("ord_1", ("mug", "east", 0)),
        a_reservation("ord_1", *((f"p{index}", "east", 1) for index in range(100))),
    ],
    ids=["not reserved", "an item twice", "a line without units", "more than one transaction holds"],
)
def test_a_reservation_no_transaction_can_write_is_refused_before_any_write(
    stores: Stores, reservation: Reservation
) -> None:
    stocked(stores, mug__east=5)

    with pytest.raises(ValueError, match=r"ord_1|RESERVED"):
        stores.reservations.reserve(reservation)

    assert stores.reservations.get("ord_1") is None
    assert units(stores, "mug", "east") == (5, 0, 0)


def test_releasing_gives_the_units_back_once(stores: Stores) -> None:
    stocked(stores, mug__east=5)
    stores.reservations.reserve(a_reservation("ord_1", ("mug", "east", 3)))

    assert stores.reservations.release("ord_1")
    assert not stores.reservations.release("ord_1")

    stored = stores.reservations.get("ord_1")
    assert stored is not None and stored.state is ReservationState.RELEASED
    assert units(stores, "mug", "east") == (5, 0, 0)


def test_shipping_moves_the_units_from_reserved_to_shipped_once(stores: Stores) -> None:
    stocked(stores, mug__east=5)
    stores.reservations.reserve(a_reservation("ord_1", ("mug", "east", 3)))

    assert stores.reservations.ship("ord_1")
    assert not stores.reservations.ship("ord_1")

    stored = stores.reservations.get("ord_1")
    assert stored is not None and stored.state is ReservationState.SHIPPED
    assert units(stores, "mug", "east") == (2, 0, 3)


def test_a_shipped_reservation_cannot_be_released_and_a_released_one_cannot_ship(stores: Stores) -> None:
    stocked(stores, mug__east=5)
    stores.reservations.reserve(a_reservation("ord_1", ("mug", "east", 1)))
    stores.reservations.reserve(a_reservation("ord_2", ("mug", "east", 2)))
    stores.reservations.ship("ord_1")
    stores.reservations.release("ord_2")

    assert not stores.reservations.release("ord_1")
    assert not stores.reservations.ship("ord_2")

    assert units(stores, "mug", "east") == (4, 0, 1)


def test_a_reservation_that_was_never_made_neither_releases_nor_ships(stores: Stores) -> None:
    assert not stores.reservations.release("ord_nobody")
    assert not stores.reservations.ship("ord_nobody")
    assert stores.reservations.get("ord_nobody") is None


def test_a_released_reservation_is_not_made_again_by_a_late_retry(stores: Stores) -> None:
    stocked(stores, mug__east=5)
    reservation = a_reservation("ord_1", ("mug", "east", 3))
    stores.reservations.reserve(reservation)
    stores.reservations.release("ord_1")

    again = stores.reservations.reserve(reservation)

    assert again.state is ReservationState.RELEASED
    assert units(stores, "mug", "east") == (5, 0, 0)
