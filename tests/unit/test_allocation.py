from __future__ import annotations

from collections import Counter
from itertools import combinations
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce.allocation import EXACT_SEARCH_LIMIT, AllocationLine, allocate
from commerce.catalog import Location, StockLevel, Warehouse
from commerce.errors import OutOfStockError
from commerce.geo import locate
from commerce.orders import Address
from infra.local.seed import WAREHOUSES

Stock = dict[str, list[StockLevel]]

locations = st.builds(
    Location,
    latitude=st.floats(min_value=-60, max_value=70, allow_nan=False),
    longitude=st.floats(min_value=-180, max_value=180, allow_nan=False),
)


@st.composite
def shops(draw: st.DrawFn, *, max_warehouses: int = 4) -> tuple[list[tuple[str, int]], Stock, list[Warehouse]]:
    """An order of 1-3 products and their stock, 0-6 units per product and warehouse, in up to 4 warehouses."""
    count = draw(st.integers(1, max_warehouses))
    warehouses = [Warehouse(f"w{index}", f"W{index}", draw(locations), "r") for index in range(count)]
    products = [f"p{index}" for index in range(draw(st.integers(1, 3)))]
    lines = [(product, draw(st.integers(1, 8))) for product in products]
    stock = {
        product: [
            StockLevel(product, warehouse.id, available=draw(st.integers(0, 6)))
            for warehouse in warehouses
            if draw(st.integers(0, 4)) > 0  # now and then a warehouse has no row for the product
        ]
        for product in products
    }
    return lines, stock, warehouses


def units(stock: Stock) -> dict[tuple[str, str], int]:
    return {(level.product_id, level.warehouse_id): level.available for levels in stock.values() for level in levels}


def can_ship(warehouse_ids: tuple[str, ...], lines: list[tuple[str, int]], stock: Stock) -> bool:
    held = units(stock)
    return all(sum(held.get((p, w), 0) for w in warehouse_ids) >= q for p, q in lines)


def enough_overall(lines: list[tuple[str, int]], stock: Stock) -> bool:
    return all(sum(level.available for level in stock[p]) >= q for p, q in lines)


def used(allocation: tuple[AllocationLine, ...]) -> set[str]:
    return {line.warehouse_id for line in allocation}


@given(shops(), st.none() | locations)
def test_an_allocation_takes_exactly_what_was_ordered_and_never_more_than_a_warehouse_has(
    shop: tuple[list[tuple[str, int]], Stock, list[Warehouse]], destination: Location | None
) -> None:
    lines, stock, warehouses = shop
    if not enough_overall(lines, stock):
        with pytest.raises(OutOfStockError):
            allocate(lines, stock, warehouses, destination)
        return
    allocation = allocate(lines, stock, warehouses, destination)
    taken = Counter[str]()
    for line in allocation:
        assert 0 < line.quantity <= units(stock)[(line.product_id, line.warehouse_id)]
        taken[line.product_id] += line.quantity
    assert dict(taken) == dict(lines)
    assert len({(line.product_id, line.warehouse_id) for line in allocation}) == len(allocation)


@given(shops(), st.none() | locations)
def test_one_warehouse_ships_everything_when_one_can_and_it_is_the_nearest_such(
    shop: tuple[list[tuple[str, int]], Stock, list[Warehouse]], destination: Location | None
) -> None:
    lines, stock, warehouses = shop
    able = [w for w in warehouses if can_ship((w.id,), lines, stock)]
    if not able:
        return
    (chosen,) = used(allocate(lines, stock, warehouses, destination))
    if destination is not None:
        nearest = min(destination.distance_km(w.location) for w in able)
        assert destination.distance_km(next(w for w in warehouses if w.id == chosen).location) == nearest


@given(shops(), st.none() | locations)
def test_an_order_is_split_only_when_needed_and_over_the_fewest_warehouses(
    shop: tuple[list[tuple[str, int]], Stock, list[Warehouse]], destination: Location | None
) -> None:
    lines, stock, warehouses = shop
    if not enough_overall(lines, stock):
        return
    ids = [w.id for w in warehouses]
    fewest = next(
        size for size in range(1, len(ids) + 1) if any(can_ship(c, lines, stock) for c in combinations(ids, size))
    )
    assert len(used(allocate(lines, stock, warehouses, destination))) == fewest


@given(shops(), st.none() | locations, st.randoms())
def test_the_same_stock_in_any_order_gives_the_same_allocation_sorted_by_warehouse_then_product(
    shop: tuple[list[tuple[str, int]], Stock, list[Warehouse]], destination: Location | None, random: Random
) -> None:
    lines, stock, warehouses = shop
    if not enough_overall(lines, stock):
        return
    shuffled_stock = {p: random.sample(levels, len(levels)) for p, levels in stock.items()}
    shuffled_warehouses = random.sample(warehouses, len(warehouses))
    first = allocate(lines, stock, warehouses, destination)
    assert allocate(lines, shuffled_stock, shuffled_warehouses, destination) == first
    assert list(first) == sorted(first, key=lambda line: (line.warehouse_id, line.product_id))


@given(shops(max_warehouses=EXACT_SEARCH_LIMIT + 4), locations)
def test_many_warehouses_still_give_a_valid_allocation_and_a_single_warehouse_when_one_can(
    shop: tuple[list[tuple[str, int]], Stock, list[Warehouse]], destination: Location
) -> None:
    lines, stock, warehouses = shop
    if not enough_overall(lines, stock):
        return
    allocation = allocate(lines, stock, warehouses, destination)
    assert sum(line.quantity for line in allocation) == sum(q for _, q in lines)
    assert all(line.quantity <= units(stock)[(line.product_id, line.warehouse_id)] for line in allocation)
    if any(can_ship((w.id,), lines, stock) for w in warehouses):
        assert len(used(allocation)) == 1


# Examples on the seed's warehouses: Newark (wh-east), Dallas (wh-central), Reno (wh-west).


def seed_stock(product_id: str, east: int, central: int, west: int) -> Stock:
    return {
        product_id: [
            StockLevel(product_id, warehouse, available=units)
            for warehouse, units in (("wh-east", east), ("wh-central", central), ("wh-west", west))
        ]
    }


def address(city: str, region: str, postal_code: str, country: str = "US") -> Address:
    return Address(
        name="A Shopper", line1="1 Main St", city=city, region=region, postal_code=postal_code, country=country
    )


@pytest.mark.parametrize(
    ("shipping_address", "warehouse"),
    [
        (address("New York", "NY", "10118"), "wh-east"),
        (address("Boston", "MA", "02108"), "wh-east"),
        (address("Philadelphia", "PA", "19107"), "wh-east"),
        (address("Austin", "TX", "78701"), "wh-central"),
        (address("Oklahoma City", "OK", "73102"), "wh-central"),
        (address("San Francisco", "CA", "94102"), "wh-west"),
        (address("Seattle", "WA", "98101"), "wh-west"),
        (address("Phoenix", "AZ", "85004"), "wh-west"),
        (address("Austin", "", "78701"), "wh-central"),  # no state given: the ZIP code tells
        (address("Jersey City", "", "07302"), "wh-east"),
    ],
)
def test_an_order_ships_from_the_warehouse_nearest_to_a_us_address(shipping_address: Address, warehouse: str) -> None:
    allocation = allocate([("p-mug", 2)], seed_stock("p-mug", 40, 35, 30), list(WAREHOUSES), locate(shipping_address))
    assert allocation == (AllocationLine("p-mug", warehouse, 2),)


def test_a_farther_warehouse_that_has_everything_beats_splitting_with_the_nearest() -> None:
    # Dallas is nearest to Austin but has 4 trail runners; Reno (nearer to Texas than Newark) has all 6.
    allocation = allocate(
        [("p-trail-runner", 6)],
        seed_stock("p-trail-runner", 8, 4, 10),
        list(WAREHOUSES),
        locate(address("Austin", "TX", "78701")),
    )
    assert allocation == (AllocationLine("p-trail-runner", "wh-west", 6),)


def test_an_order_no_warehouse_can_ship_alone_is_split_taking_from_the_nearest_first() -> None:
    stock = seed_stock("p-rain-shell", 5, 0, 6) | seed_stock("p-mug", 0, 3, 0)
    allocation = allocate(
        [("p-rain-shell", 8), ("p-mug", 1)], stock, list(WAREHOUSES), locate(address("New York", "NY", "10118"))
    )
    assert allocation == (
        AllocationLine("p-mug", "wh-central", 1),
        AllocationLine("p-rain-shell", "wh-east", 5),
        AllocationLine("p-rain-shell", "wh-west", 3),
    )


def test_without_a_destination_the_warehouse_with_most_stock_ships() -> None:
    allocation = allocate([("p-mug", 2)], seed_stock("p-mug", 10, 30, 20), list(WAREHOUSES), None)
    assert allocation == (AllocationLine("p-mug", "wh-central", 2),)


def test_a_short_product_is_named_by_its_sku_with_what_all_warehouses_hold() -> None:
    stock = seed_stock("p-tent-2p", 2, 3, 1)
    with pytest.raises(OutOfStockError) as raised:
        allocate([("p-tent-2p", 7)], stock, list(WAREHOUSES), None, {"p-tent-2p": "TNT-2P-06"})
    assert (raised.value.sku, raised.value.requested, raised.value.available) == ("TNT-2P-06", 7, 6)


def test_two_lines_of_one_product_are_allocated_as_their_sum() -> None:
    allocation = allocate([("p-mug", 2), ("p-mug", 3)], seed_stock("p-mug", 5, 0, 0), list(WAREHOUSES), None)
    assert allocation == (AllocationLine("p-mug", "wh-east", 5),)


def test_stock_in_a_warehouse_without_a_known_location_counts_but_comes_last() -> None:
    stock = {"p-mug": [StockLevel("p-mug", "wh-new", available=50), StockLevel("p-mug", "wh-east", available=1)]}
    destination = locate(address("New York", "NY", "10118"))
    assert allocate([("p-mug", 1)], stock, list(WAREHOUSES), destination) == (AllocationLine("p-mug", "wh-east", 1),)
    assert allocate([("p-mug", 2)], stock, list(WAREHOUSES), destination) == (AllocationLine("p-mug", "wh-new", 2),)


def test_a_line_without_units_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="positive"):
        allocate([("p-mug", 0)], seed_stock("p-mug", 5, 0, 0), list(WAREHOUSES), None)


def test_addresses_outside_the_tables_have_no_location_and_other_countries_their_centroid() -> None:
    assert locate(address("Atlantis", "", "00000", country="XX")) is None
    assert locate(address("APO", "AE", "09001")) == locate(address("Anywhere", "", "", country="US"))
    toronto = locate(address("Toronto", "ON", "M5H 2N2", country="CA"))
    assert toronto is not None and toronto.latitude > 50


def test_the_fewest_warehouses_are_found_even_where_taking_the_biggest_contributor_first_needs_more() -> None:
    # Greedy set cover takes w3 first (11 of the 17 units, as many as any warehouse) and then needs two more.
    held = {"p0": (1, 3, 6, 3), "p1": (6, 1, 0, 0), "p2": (0, 5, 0, 4), "p3": (5, 2, 5, 6)}
    stock = {p: [StockLevel(p, f"w{i}", available=n) for i, n in enumerate(counts)] for p, counts in held.items()}
    warehouses = [Warehouse(f"w{i}", f"W{i}", Location(0, i), "r") for i in range(4)]
    allocation = allocate([("p0", 8), ("p1", 1), ("p2", 2), ("p3", 6)], stock, warehouses, None)
    assert used(allocation) == {"w1", "w2"}
