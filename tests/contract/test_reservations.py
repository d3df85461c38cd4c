"""ReservationRepository: stock moves with the reservation's state, all or nothing, each at most once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from commerce.admin.stock import StockChangeKind, resharding
from commerce.allocation import AllocationLine
from commerce.catalog import StockLevel
from commerce.clock import to_iso
from commerce.errors import ConcurrentUpdateError
from commerce.reservations import Reservation, ReservationState, StockConflictError
from tests.contract.conftest import START, Stores

TABLES = {"inventory", "reservations", "stock_adjustments"}


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


# --- lapsed holds (the sweep's and a short allocation's reclaim) -------------------------------------------------


def a_hold(order_id: str, expires_at: datetime) -> Reservation:
    return Reservation(
        order_id, (AllocationLine("mug", "east", 1),), ReservationState.HELD, to_iso(START), to_iso(expires_at)
    )


def test_lapsed_lists_the_longest_lapsed_holds_first_up_to_the_limit(stores: Stores) -> None:
    # 40 holds: on DynamoDB their order ids spread them over the index's partitions (commerce/repositories/
    # holds_index.py); the answer is the same as one ordered list.
    stocked(stores, mug__east=40)
    expiries = {f"ord_{n:02}": START + timedelta(minutes=(n * 7) % 40) for n in range(40)}
    for order_id, expires_at in expiries.items():
        stores.reservations.hold(a_hold(order_id, expires_at))
    by_expiry = sorted(expiries, key=expiries.__getitem__)
    now = START + timedelta(minutes=29)

    assert stores.reservations.lapsed(now, limit=10) == by_expiry[:10]
    assert stores.reservations.lapsed(now, limit=100) == by_expiry[:30]
    assert stores.reservations.lapsed(START - timedelta(minutes=1)) == []


def test_a_reclaimed_or_converted_hold_is_no_longer_lapsed(stores: Stores) -> None:
    stocked(stores, mug__east=3)
    for order_id in ("ord_1", "ord_2", "ord_3"):
        stores.reservations.hold(a_hold(order_id, START + timedelta(minutes=10)))
    stores.reservations.convert("ord_2", START)
    later = START + timedelta(minutes=10)

    assert stores.reservations.reclaim("ord_1", later)
    assert stores.reservations.lapsed(later) == ["ord_3"]
    assert units(stores, "mug", "east") == (1, 2, 0)


# --- stock split over shard items (commerce/stock_shards.py) ----------------------------------------------------


def level_of(stores: Stores, product: str, warehouse: str) -> StockLevel:
    return next(level for level in stores.inventory.levels(product) if level.warehouse_id == warehouse)


def split(stores: Stores, product: str, warehouse: str, shards: int) -> StockLevel:
    level = level_of(stores, product, warehouse)
    stores.stock_ledger.split(level, shards, resharding(level, shards, by="alice", at=stores.clock()))
    return level_of(stores, product, warehouse)


def merge(stores: Stores, product: str, warehouse: str) -> StockLevel:
    level = level_of(stores, product, warehouse)
    stores.stock_ledger.merge(level, resharding(level, 0, by="alice", at=stores.clock()))
    return level_of(stores, product, warehouse)


def on_shards(order_id: str, *lines: tuple[str, str, int, str]) -> Reservation:
    return Reservation(
        order_id, tuple(AllocationLine(*line) for line in lines), ReservationState.RESERVED, "2026-11-24T09:00:00.000Z"
    )


def test_a_split_moves_available_units_onto_shards_and_reads_as_their_sum(stores: Stores) -> None:
    stores.inventory.put(StockLevel("mug", "east", available=14, reserved=2, shipped=5, version=3))

    level = split(stores, "mug", "east", 12)

    assert (level.available, level.reserved, level.shipped, level.shards) == (14, 2, 5, 12)
    assert level.version == 4
    assert [(item.shard, item.available) for item in level.items] == [
        ("", 0),
        *((f"g1s{n:02d}", 2 if n < 2 else 1) for n in range(12)),
    ]
    assert (level.items[0].reserved, level.items[0].shipped) == (2, 5)  # units of earlier orders stay on the base


def test_unsplit_stock_reads_as_before(stores: Stores) -> None:
    stocked(stores, mug__east=5)

    assert stores.inventory.levels("mug") == [StockLevel("mug", "east", available=5)]


def test_a_reservation_may_span_shards_and_its_release_returns_each_shards_units(stores: Stores) -> None:
    stocked(stores, mug__east=12)
    split(stores, "mug", "east", 12)
    reservation = on_shards("ord_1", ("mug", "east", 1, "g1s03"), ("mug", "east", 1, "g1s07"))

    stores.reservations.reserve(reservation)
    held = {item.shard: (item.available, item.reserved) for item in level_of(stores, "mug", "east").items}
    assert (held["g1s03"], held["g1s07"], held["g1s00"]) == ((0, 1), (0, 1), (1, 0))
    assert units(stores, "mug", "east") == (10, 2, 0)

    assert stores.reservations.release("ord_1")
    released = {item.shard: (item.available, item.reserved) for item in level_of(stores, "mug", "east").items}
    assert (released["g1s03"], released["g1s07"]) == ((1, 0), (1, 0))
    assert units(stores, "mug", "east") == (12, 0, 0)


def test_a_shard_line_its_shard_no_longer_covers_refuses_the_reservation(stores: Stores) -> None:
    stocked(stores, mug__east=12)
    split(stores, "mug", "east", 12)

    with pytest.raises(StockConflictError):
        stores.reservations.reserve(on_shards("ord_1", ("mug", "east", 2, "g1s03")))

    assert units(stores, "mug", "east") == (12, 0, 0)
    assert stores.reservations.get("ord_1") is None


def test_a_merge_folds_every_shards_units_back_into_one_item(stores: Stores) -> None:
    stocked(stores, mug__east=12)
    split(stores, "mug", "east", 4)
    stores.reservations.reserve(on_shards("ord_1", ("mug", "east", 2, "g1s01")))
    stores.reservations.reserve(on_shards("ord_2", ("mug", "east", 1, "g1s02")))
    stores.reservations.ship("ord_2")

    level = merge(stores, "mug", "east")

    assert (level.available, level.reserved, level.shipped, level.shards, level.items) == (9, 2, 1, 0, ())


def test_a_reservation_settled_after_its_shards_were_merged_settles_on_the_one_item(stores: Stores) -> None:
    stocked(stores, mug__east=12)
    split(stores, "mug", "east", 4)
    stores.reservations.reserve(on_shards("ord_1", ("mug", "east", 1, "g1s01"), ("mug", "east", 2, "g1s02")))
    stores.reservations.reserve(on_shards("ord_2", ("mug", "east", 1, "g1s03")))
    merge(stores, "mug", "east")

    assert stores.reservations.release("ord_1")
    assert stores.reservations.ship("ord_2")

    assert units(stores, "mug", "east") == (11, 0, 1)
    resplit = split(stores, "mug", "east", 2)  # a new split's shards are new items: the old ones never come back
    assert [item.shard for item in resplit.items] == ["", "g2s00", "g2s01"]
    assert (resplit.available, resplit.reserved, resplit.shipped) == (11, 0, 1)


def test_a_hold_on_a_shard_merged_since_is_refused(stores: Stores) -> None:
    stocked(stores, mug__east=12)
    split(stores, "mug", "east", 4)
    merge(stores, "mug", "east")

    with pytest.raises(StockConflictError):
        stores.reservations.reserve(on_shards("ord_1", ("mug", "east", 1, "g1s01")))

    assert units(stores, "mug", "east") == (12, 0, 0)


def test_a_split_or_merge_on_stock_changed_since_it_was_read_writes_nothing(stores: Stores) -> None:
    stocked(stores, mug__east=12)
    stale = stores.inventory.levels("mug")[0]
    stores.reservations.reserve(a_reservation("ord_1", ("mug", "east", 1)))

    with pytest.raises(ConcurrentUpdateError):
        stores.stock_ledger.split(stale, 4, resharding(stale, 4, by="alice", at=stores.clock()))
    assert stores.inventory.levels("mug")[0].shards == 0

    read = split(stores, "mug", "east", 4)
    stores.reservations.reserve(on_shards("ord_2", ("mug", "east", 1, "g1s02")))
    with pytest.raises(ConcurrentUpdateError):
        stores.stock_ledger.merge(read, resharding(read, 0, by="alice", at=stores.clock()))
    assert units(stores, "mug", "east") == (10, 2, 0)
    assert stores.inventory.levels("mug")[0].shards == 4
    assert [r.kind for r in stores.stock_ledger.history("mug", limit=5, cursor=None).items] == [StockChangeKind.SPLIT]


def test_the_low_stock_list_judges_split_stock_by_its_sum(stores: Stores) -> None:
    stores.inventory.put(StockLevel("mug", "east", available=40), low_stock_threshold=5)
    stores.inventory.put(StockLevel("pen", "east", available=4), low_stock_threshold=5)
    split(stores, "mug", "east", 8)

    listed = {level.product_id: level for level in stores.stock_ledger.low_stock()}

    assert set(listed) <= {"mug", "pen"}  # never a shard item on its own
    assert listed["pen"].available == 4
    assert "mug" not in listed or listed["mug"].available == 40  # the caller judges a split level by its sum
