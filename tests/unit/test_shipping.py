"""Shipments for an allocation: one per warehouse, deterministic, with real tracking formats and business-day ETAs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce.catalog import Location, Warehouse
from commerce.shipping import (
    Carrier,
    UnknownCarrierError,
    UnknownWarehouseError,
    add_business_days,
    is_valid_tracking_number,
    plan_shipments,
    service_for,
    tracking_url,
)

NEWARK = Warehouse("wh-east", "Newark", Location(40.7357, -74.1724), "us-east")
DALLAS = Warehouse("wh-central", "Dallas", Location(32.7767, -96.7970), "us-central")
RENO = Warehouse("wh-west", "Reno", Location(39.5296, -119.8138), "us-west")
WAREHOUSES = (NEWARK, DALLAS, RENO)

PHILADELPHIA = Location(39.9526, -75.1652)  # ~125 km from Newark
CHICAGO = Location(41.8781, -87.6298)  # ~1,140 km from Newark
LOS_ANGELES = Location(34.0522, -118.2437)  # ~3,950 km from Newark
HONOLULU = Location(21.3069, -157.8583)  # ~8,000 km from Newark

FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)

# Published, real-format numbers (carrier documentation samples, collected in jkeen/tracking_number_data).
PUBLISHED = [
    (Carrier.UPS, "1Z5R89390357567127"),
    (Carrier.UPS, "1Z879E930346834440"),
    (Carrier.UPS, "1Z410E7W0392751591"),
    (Carrier.USPS, "9400111201080805483016"),
    (Carrier.USPS, "9405803699300124287899"),
    (Carrier.FEDEX, "986578788855"),
    (Carrier.FEDEX, "477179081230"),
    (Carrier.FEDEX, "799531274483"),
]

order_ids = st.text(min_size=1, max_size=40)
destinations = st.one_of(
    st.none(),
    st.builds(
        Location,
        latitude=st.floats(min_value=-60, max_value=70, allow_nan=False),
        longitude=st.floats(min_value=-180, max_value=180, allow_nan=False),
    ),
)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def ship_from_newark(destination: Location | None, order_id: str = "ord_1") -> tuple[str, str]:
    (shipment,) = plan_shipments(order_id, [("p-mug", "wh-east", 1)], WAREHOUSES, destination, FRIDAY)
    return shipment.carrier, shipment.estimated_delivery


def test_planning_the_same_order_again_gives_the_very_same_shipments() -> None:
    allocation = [("p-mug", "wh-east", 2), ("p-tent", "wh-west", 1), ("p-hat", "wh-central", 1)]
    first = plan_shipments("ord_42", allocation, WAREHOUSES, CHICAGO, FRIDAY)
    shuffled = [allocation[2], allocation[0], allocation[1]]

    assert plan_shipments("ord_42", allocation, WAREHOUSES, CHICAGO, FRIDAY) == first
    assert plan_shipments("ord_42", shuffled, list(reversed(WAREHOUSES)), CHICAGO, FRIDAY) == first


def test_each_warehouse_gets_one_shipment_with_its_own_lines() -> None:
    allocation = [("p-mug", "wh-east", 2), ("p-tent", "wh-west", 1), ("p-hat", "wh-east", 1), ("p-mug", "wh-east", 3)]

    shipments = plan_shipments("ord_1", allocation, WAREHOUSES, CHICAGO, FRIDAY)

    assert [(s.warehouse_id, s.lines) for s in shipments] == [
        ("wh-east", (("p-hat", 1), ("p-mug", 5))),
        ("wh-west", (("p-tent", 1),)),
    ]
    assert len({s.id for s in shipments}) == 2
    assert len({s.tracking_number for s in shipments}) == 2


def test_different_orders_get_different_shipment_ids_and_tracking_numbers() -> None:
    numbers = {
        (shipment.id, shipment.tracking_number)
        for order_id in (f"ord_{n}" for n in range(200))
        for shipment in plan_shipments(order_id, [("p-mug", "wh-east", 1)], WAREHOUSES, CHICAGO, FRIDAY)
    }

    assert len({shipment_id for shipment_id, _ in numbers}) == 200
    assert len({number for _, number in numbers}) == 200


@given(order_id=order_ids, destination=destinations, shipped_on=days)
def test_every_planned_tracking_number_is_valid_for_its_carrier(
    order_id: str, destination: Location | None, shipped_on: date
) -> None:
    for shipment in plan_shipments(
        order_id, [("p-mug", w.id, 1) for w in WAREHOUSES], WAREHOUSES, destination, shipped_on
    ):
        assert is_valid_tracking_number(shipment.carrier, shipment.tracking_number), shipment


@pytest.mark.parametrize("destination", [PHILADELPHIA, CHICAGO, LOS_ANGELES], ids=["USPS", "UPS", "FedEx"])
@given(order_id=order_ids)
def test_every_carrier_issues_numbers_in_its_own_format(destination: Location, order_id: str) -> None:
    (shipment,) = plan_shipments(order_id, [("p-mug", "wh-east", 1)], WAREHOUSES, destination, FRIDAY)
    number = shipment.tracking_number

    assert is_valid_tracking_number(shipment.carrier, number)
    assert {"UPS": number[:2] == "1Z" and len(number) == 18 and number.isalnum() and number.isupper(),
            "USPS": number[:2] == "94" and len(number) == 22 and number.isdigit(),
            "FedEx": len(number) == 12 and number.isdigit()}[shipment.carrier]  # fmt: skip
    others = [carrier for carrier in Carrier if carrier != shipment.carrier]
    assert not any(is_valid_tracking_number(carrier, number) for carrier in others)


@pytest.mark.parametrize(("carrier", "number"), PUBLISHED)
def test_published_tracking_numbers_pass_and_a_wrong_check_digit_fails(carrier: Carrier, number: str) -> None:
    wrong_check_digit = number[:-1] + str((int(number[-1]) + 1) % 10)

    assert is_valid_tracking_number(carrier, number)
    assert not is_valid_tracking_number(carrier, wrong_check_digit)


@given(order_id=order_ids, position=st.integers(0, 20), change=st.integers(1, 9))
def test_a_usps_number_with_any_single_digit_wrong_is_invalid(order_id: str, position: int, change: int) -> None:
    (shipment,) = plan_shipments(order_id, [("p-mug", "wh-east", 1)], WAREHOUSES, PHILADELPHIA, FRIDAY)
    number = shipment.tracking_number
    digit = str((int(number[position]) + change) % 10)

    assert shipment.carrier == "USPS"
    assert not is_valid_tracking_number("USPS", number[:position] + digit + number[position + 1 :])


@pytest.mark.parametrize(
    "number", ["1z5r89390357567127", " 1Z5R89390357567127", "1Z5R8939035756712", "2Z5R89390357567127", ""]
)
def test_ups_numbers_outside_the_canonical_format_are_invalid(number: str) -> None:
    assert not is_valid_tracking_number(Carrier.UPS, number)


def test_a_carrier_we_do_not_ship_with_validates_nothing_and_has_no_tracking_page() -> None:
    assert not is_valid_tracking_number("DHL", "986578788855")
    with pytest.raises(UnknownCarrierError):
        tracking_url("DHL", "986578788855")


@pytest.mark.parametrize(
    ("carrier", "number", "url"),
    [
        ("UPS", "1Z5R89390357567127", "https://www.ups.com/track?tracknum=1Z5R89390357567127"),
        (
            "USPS",
            "9400111201080805483016",
            "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111201080805483016",
        ),
        ("FedEx", "986578788855", "https://www.fedex.com/fedextrack/?trknbr=986578788855"),
    ],
)
def test_each_carrier_links_to_its_own_tracking_page(carrier: str, number: str, url: str) -> None:
    assert tracking_url(carrier, number) == url


@pytest.mark.parametrize(
    ("destination", "carrier", "delivery"),
    [
        (PHILADELPHIA, "USPS", "2026-12-01"),  # Friday + 2 business days
        (CHICAGO, "UPS", "2026-12-02"),  # + 3
        (LOS_ANGELES, "FedEx", "2026-12-03"),  # + 4
        (HONOLULU, "FedEx", "2026-12-07"),  # + 6
        (None, "FedEx", "2026-12-07"),  # an address we cannot place gets the slowest promise
    ],
)
def test_the_carrier_and_estimate_follow_the_distance_from_the_warehouse(
    destination: Location | None, carrier: str, delivery: str
) -> None:
    assert ship_from_newark(destination) == (carrier, delivery)


def test_one_order_split_over_warehouses_may_travel_with_different_carriers() -> None:
    allocation = [("p-mug", "wh-east", 1), ("p-tent", "wh-west", 1)]

    shipments = plan_shipments("ord_1", allocation, WAREHOUSES, PHILADELPHIA, FRIDAY)

    assert [(s.warehouse_id, s.carrier) for s in shipments] == [("wh-east", "USPS"), ("wh-west", "FedEx")]


@pytest.mark.parametrize(
    ("distance_km", "carrier", "transit_days"),
    [(0.0, Carrier.USPS, 2), (500.0, Carrier.USPS, 2), (500.1, Carrier.UPS, 3), (1500.0, Carrier.UPS, 3),
     (1500.1, Carrier.FEDEX, 4), (4500.0, Carrier.FEDEX, 4), (4500.1, Carrier.FEDEX, 6), (None, Carrier.FEDEX, 6)],
)  # fmt: skip
def test_the_band_edges_belong_to_the_nearer_band(
    distance_km: float | None, carrier: Carrier, transit_days: int
) -> None:
    service = service_for(distance_km)

    assert (service.carrier, service.transit_business_days) == (carrier, transit_days)


def test_a_parcel_handed_over_on_a_weekend_leaves_on_monday() -> None:
    assert add_business_days(SATURDAY, 1) == date(2026, 11, 30)
    assert add_business_days(SATURDAY, 2) == add_business_days(FRIDAY, 2) == date(2026, 12, 1)


@given(start=days, transit=st.integers(1, 10))
def test_an_estimate_never_falls_on_a_weekend_and_counts_only_weekdays(start: date, transit: int) -> None:
    delivery = add_business_days(start, transit)
    days_between = [start + timedelta(days=n) for n in range(1, (delivery - start).days + 1)]

    assert delivery.weekday() < 5
    assert sum(day.weekday() < 5 for day in days_between) == transit


def test_an_allocation_from_an_unknown_warehouse_is_refused() -> None:
    with pytest.raises(UnknownWarehouseError) as raised:
        plan_shipments("ord_1", [("p-mug", "wh-moon", 1)], WAREHOUSES, CHICAGO, FRIDAY)

    assert raised.value.warehouse_id == "wh-moon"


@pytest.mark.parametrize("allocation", [[], [("p-mug", "wh-east", 0)], [("p-mug", "wh-east", -1)]])
def test_an_allocation_with_nothing_to_ship_is_a_bug(allocation: list[tuple[str, str, int]]) -> None:
    with pytest.raises(ValueError, match="ord_1"):
        plan_shipments("ord_1", allocation, WAREHOUSES, CHICAGO, FRIDAY)
