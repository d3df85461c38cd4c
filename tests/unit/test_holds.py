"""Holds before payment, with the in-memory repository: taken all or nothing, renewed, converted, lapsed, reclaimed."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from commerce.allocation import AllocationLine
from commerce.catalog import StockLevel
from commerce.errors import OutOfStockError
from commerce.money import Money
from commerce.orders import Order, OrderLine
from commerce.repositories.holds_index import HOLD_PARTITIONS, HOLDS_INDEX, held_mark
from commerce.repositories.memory import InMemoryInventoryRepository, InMemoryWarehouseRepository
from commerce.repositories.memory_reservations import InMemoryReservationRepository
from commerce.repositories.reservations import reservation_to_item
from commerce.reservations import HOLD_LIMIT, HOLD_TTL, HoldNotLiveError, Reservation, ReservationState
from commerce.services.inventory import InventoryService
from infra.deployment import DEPLOYMENT
from infra.local.seed import WAREHOUSES
from tests.unit.builders import AN_ADDRESS, an_order

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


class MovableClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, by: timedelta) -> None:
        self.moment += by


def an_order_of(order_id: str, *lines: tuple[str, int]) -> Order:
    return replace(
        an_order(order_id=order_id),
        lines=tuple(OrderLine(p, f"SKU-{p}", p, Money(100, "USD"), q) for p, q in lines),
        shipping_address=AN_ADDRESS,  # nearest to wh-central
    )


class Store:
    def __init__(self) -> None:
        self.clock = MovableClock(NOW)
        self.inventory = InMemoryInventoryRepository()
        self.warehouses = InMemoryWarehouseRepository()
        for warehouse in WAREHOUSES:
            self.warehouses.add(warehouse)
        self.reservations = InMemoryReservationRepository(self.inventory)
        self.service = InventoryService(self.inventory, self.warehouses, self.reservations, self.clock)

    def stock(self, product_id: str, east: int, central: int, west: int) -> None:
        for warehouse, available in (("wh-east", east), ("wh-central", central), ("wh-west", west)):
            self.inventory.put(StockLevel(product_id, warehouse, available=available))

    def available(self, product_id: str) -> dict[str, int]:
        return {lv.warehouse_id: lv.available for lv in self.inventory.levels(product_id)}

    def reserved(self, product_id: str) -> dict[str, int]:
        return {lv.warehouse_id: lv.reserved for lv in self.inventory.levels(product_id)}

    def state(self, order_id: str) -> ReservationState | None:
        stored = self.reservations.get(order_id)
        return stored.state if stored else None


@pytest.fixture
def store() -> Store:
    store = Store()
    store.stock("p-mug", 5, 3, 4)
    return store


def at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_a_hold_takes_the_units_from_the_nearest_warehouse_until_its_expiry(store: Store) -> None:
    hold = store.service.hold_for(an_order_of("ord_1", ("p-mug", 2)))
    assert hold == Reservation(
        "ord_1",
        (AllocationLine("p-mug", "wh-central", 2),),
        ReservationState.HELD,
        created_at=at(NOW),
        expires_at=at(NOW + HOLD_TTL),
    )
    assert store.available("p-mug") == {"wh-central": 1, "wh-east": 5, "wh-west": 4}
    assert store.reserved("p-mug")["wh-central"] == 2


def test_a_hold_that_stock_cannot_cover_takes_nothing_and_names_the_short_sku(store: Store) -> None:
    store.stock("p-tent", 0, 1, 0)
    with pytest.raises(OutOfStockError) as raised:
        store.service.hold_for(an_order_of("ord_1", ("p-mug", 2), ("p-tent", 2)))
    assert (raised.value.sku, raised.value.requested, raised.value.available) == ("SKU-p-tent", 2, 1)
    assert store.available("p-mug") == {"wh-east": 5, "wh-central": 3, "wh-west": 4}
    assert store.state("ord_1") is None


def test_holding_again_while_the_hold_lives_renews_it_without_taking_more(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    first = store.service.hold_for(order)
    store.clock.advance(timedelta(minutes=4))  # a declined card, then another one
    again = store.service.hold_for(order)
    assert again == replace(first, expires_at=at(NOW + timedelta(minutes=4) + HOLD_TTL))
    assert store.reservations.get("ord_1") == again
    assert sum(store.reserved("p-mug").values()) == 2


def test_renewals_stop_at_the_hold_limit_after_it_was_taken(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    store.service.hold_for(order)
    for _ in range(4):
        store.clock.advance(timedelta(minutes=6))
        renewed = store.service.hold_for(order)
    assert renewed.expires_at == at(NOW + HOLD_LIMIT)
    assert renewed.created_at == at(NOW)


def test_a_hold_past_its_limit_is_given_back_and_taken_anew_when_the_order_pays_again(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    store.service.hold_for(order)
    store.clock.advance(HOLD_LIMIT + timedelta(minutes=1))
    fresh = store.service.hold_for(order)
    assert (fresh.state, fresh.created_at) == (ReservationState.HELD, at(store.clock()))
    assert sum(store.reserved("p-mug").values()) == 2
    assert sum(store.available("p-mug").values()) == 10


def test_a_converted_hold_is_reserved_without_expiry_and_converting_again_changes_nothing(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    hold = store.service.hold_for(order)
    converted = store.service.convert_for(order)
    assert converted == replace(hold, state=ReservationState.RESERVED, expires_at=None)
    assert store.service.convert_for(order) == converted
    assert store.service.hold_for(order) == converted  # payOrder after authorization takes nothing more
    assert sum(store.reserved("p-mug").values()) == 2


def test_a_lapsed_hold_cannot_be_converted_by_the_repository(store: Store) -> None:
    store.service.hold_for(an_order_of("ord_1", ("p-mug", 2)))
    store.clock.advance(HOLD_TTL)  # expiry is exclusive: at expires_at the hold is over
    with pytest.raises(HoldNotLiveError) as raised:
        store.reservations.convert("ord_1", store.clock())
    assert raised.value.state is ReservationState.HELD
    assert store.state("ord_1") is ReservationState.HELD


def test_a_lapsed_hold_is_reclaimed_once_and_its_units_go_back_on_sale(store: Store) -> None:
    store.service.hold_for(an_order_of("ord_1", ("p-mug", 2)))
    assert store.reservations.reclaim("ord_1", store.clock()) is False  # still live
    store.clock.advance(HOLD_TTL)
    assert store.reservations.reclaim("ord_1", store.clock()) is True
    assert store.reservations.reclaim("ord_1", store.clock()) is False
    assert store.state("ord_1") is ReservationState.LAPSED
    assert store.available("p-mug") == {"wh-east": 5, "wh-central": 3, "wh-west": 4}
    assert store.reserved("p-mug") == {"wh-east": 0, "wh-central": 0, "wh-west": 0}


def test_the_sweep_reclaims_only_lapsed_holds(store: Store) -> None:
    store.service.hold_for(an_order_of("ord_early", ("p-mug", 1)))
    store.clock.advance(timedelta(minutes=5))
    store.service.hold_for(an_order_of("ord_late", ("p-mug", 1)))
    store.service.hold_for(an_order_of("ord_paid", ("p-mug", 1)))
    store.service.convert_for(an_order_of("ord_paid", ("p-mug", 1)))
    store.clock.advance(timedelta(minutes=6))  # ord_early's hold ran out a minute ago, ord_late's has 4 left
    assert store.reservations.lapsed(store.clock()) == ["ord_early"]
    assert store.service.reclaim_lapsed() == 1
    assert store.service.reclaim_lapsed() == 0
    assert [store.state(o) for o in ("ord_early", "ord_late", "ord_paid")] == [
        ReservationState.LAPSED,
        ReservationState.HELD,
        ReservationState.RESERVED,
    ]
    assert sum(store.reserved("p-mug").values()) == 2


def test_paying_after_the_hold_lapsed_holds_again_while_stock_remains(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    store.service.hold_for(order)
    store.clock.advance(HOLD_TTL + timedelta(minutes=1))
    store.service.reclaim_lapsed()
    again = store.service.hold_for(order)
    assert (again.state, again.expires_at) == (ReservationState.HELD, at(store.clock() + HOLD_TTL))
    assert sum(store.reserved("p-mug").values()) == 2


def test_paying_after_the_hold_lapsed_and_the_stock_went_elsewhere_is_out_of_stock(store: Store) -> None:
    store.stock("p-lamp", 0, 1, 0)
    order = an_order_of("ord_1", ("p-lamp", 1))
    store.service.hold_for(order)
    store.clock.advance(HOLD_TTL)
    store.service.hold_for(an_order_of("ord_2", ("p-lamp", 1)))  # reclaims ord_1's lapsed hold, takes the unit
    with pytest.raises(OutOfStockError) as raised:
        store.service.hold_for(order)
    assert (raised.value.sku, raised.value.requested, raised.value.available) == ("SKU-p-lamp", 1, 0)
    assert store.state("ord_1") is ReservationState.LAPSED


def test_a_shopper_is_never_refused_units_only_waiting_for_the_sweep(store: Store) -> None:
    store.stock("p-lamp", 0, 1, 0)
    store.service.hold_for(an_order_of("ord_1", ("p-lamp", 1)))
    store.clock.advance(HOLD_TTL)
    hold = store.service.hold_for(an_order_of("ord_2", ("p-lamp", 1)))
    assert hold.lines == (AllocationLine("p-lamp", "wh-central", 1),)
    assert store.state("ord_1") is ReservationState.LAPSED


def test_an_authorization_after_the_lapse_gets_the_stock_when_it_is_still_there(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    store.service.hold_for(order)
    store.clock.advance(HOLD_TTL + timedelta(minutes=1))
    assert store.service.convert_for(order).state is ReservationState.RESERVED
    store.service.reclaim_lapsed()
    assert sum(store.reserved("p-mug").values()) == 2


def test_an_authorization_after_the_lapse_and_the_stock_gone_is_out_of_stock_never_reserved(store: Store) -> None:
    store.stock("p-lamp", 0, 1, 0)
    order = an_order_of("ord_1", ("p-lamp", 1))
    store.service.hold_for(order)
    store.clock.advance(HOLD_TTL)
    store.service.hold_for(an_order_of("ord_2", ("p-lamp", 1)))
    with pytest.raises(OutOfStockError):
        store.service.convert_for(order)
    assert store.state("ord_1") is ReservationState.LAPSED


def test_a_released_hold_gives_its_units_back_and_cannot_be_converted(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    store.service.hold_for(order)
    assert store.service.release_for("ord_1") is True
    assert store.service.release_for("ord_1") is False
    assert sum(store.available("p-mug").values()) == 12
    with pytest.raises(HoldNotLiveError) as raised:
        store.service.convert_for(order)
    assert raised.value.state is ReservationState.RELEASED
    assert store.service.hold_for(order).state is ReservationState.RELEASED  # a cancelled order holds nothing


def test_a_hold_is_not_shipped_before_it_is_converted(store: Store) -> None:
    order = an_order_of("ord_1", ("p-mug", 2))
    store.service.hold_for(order)
    assert store.service.ship_for("ord_1") is False
    store.service.convert_for(order)
    assert store.service.ship_for("ord_1") is True


def test_converting_an_order_that_was_never_held_is_refused(store: Store) -> None:
    with pytest.raises(HoldNotLiveError) as raised:
        store.service.convert_for(an_order_of("ord_1", ("p-mug", 1)))
    assert raised.value.state is None


def test_a_reservation_stored_before_holds_is_released_and_shipped_as_before(store: Store) -> None:
    old = store.service.reserve_for(an_order_of("ord_1", ("p-mug", 1)))
    assert old.expires_at is None
    assert store.reservations.lapsed(store.clock() + timedelta(days=1)) == []
    assert store.service.convert_for(an_order_of("ord_1", ("p-mug", 1))) == old
    assert store.service.ship_for("ord_1") is True


def test_two_holds_racing_for_the_last_unit_take_it_once(store: Store) -> None:
    store.stock("p-lamp", 0, 1, 0)
    orders = [an_order_of(f"ord_{i}", ("p-lamp", 1)) for i in range(8)]
    start = threading.Barrier(len(orders))

    def hold(order: Order) -> bool:
        start.wait()
        try:
            store.service.hold_for(order)
        except OutOfStockError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=len(orders)) as pool:
        outcomes = list(pool.map(hold, orders))
    assert outcomes.count(True) == 1
    assert store.reserved("p-lamp") == {"wh-east": 0, "wh-central": 1, "wh-west": 0}


def test_the_holds_index_is_keyed_by_what_only_a_held_reservation_carries() -> None:
    index = next(index for index in DEPLOYMENT.table("reservations").indexes if index.name == HOLDS_INDEX)
    keys = {index.hash_key.name, index.range_key.name if index.range_key else ""}
    line = (AllocationLine("p-mug", "wh-east", 1),)
    held = reservation_to_item(Reservation("ord_1", line, ReservationState.HELD, at(NOW), at(NOW + HOLD_TTL)))
    assert keys <= set(held)
    for state in set(ReservationState) - {ReservationState.HELD}:
        settled = reservation_to_item(Reservation("ord_1", line, state, at(NOW), at(NOW + HOLD_TTL)))
        assert not keys <= set(settled), state
    assert index.projection == "KEYS_ONLY"


def test_a_holds_index_partition_is_a_stable_function_of_the_order_id() -> None:
    # Fixed values: every writer and reader, in every process, must put an order's hold in the same partition
    # (Python's hash() of a str changes per process).
    assert [held_mark(order_id) for order_id in ("ord_1", "ord_2", "ord_8cbba0668036fc47c646")] == [
        "HELD#11",
        "HELD#1",
        "HELD#5",
    ]
    line = (AllocationLine("p-mug", "wh-east", 1),)
    renewed = Reservation("ord_2", line, ReservationState.HELD, at(NOW), at(NOW + HOLD_LIMIT))
    assert reservation_to_item(renewed)["held"] == "HELD#1"


def test_order_ids_spread_evenly_over_the_holds_index_partitions() -> None:
    spread = Counter(held_mark(f"ord_{n:020x}") for n in range(0, 16_000 * 7919, 7919))
    assert set(spread) == {f"HELD#{n}" for n in range(HOLD_PARTITIONS)}
    assert min(spread.values()) > 900 and max(spread.values()) < 1100  # 1,000 each on average
