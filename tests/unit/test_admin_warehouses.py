"""Admins create warehouses; a new one can be stocked at once and ships to the shoppers nearest to it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from commerce.admin.rejection import RequestRejectedError
from commerce.admin.stock import StockAdjustment, StockVersionConflictError
from commerce.admin.stock_adjustments import StockAdjustments
from commerce.admin.warehouses import DuplicateWarehouseError, WarehouseAdmin
from commerce.allocation import AllocationLine
from commerce.catalog import Location, StockLevel, Warehouse
from commerce.commands import AdjustStock, CreateWarehouse
from commerce.money import Money
from commerce.orders import Address, OrderLine
from commerce.repositories.memory import (
    InMemoryInventoryRepository,
    InMemoryProductRepository,
    InMemoryWarehouseRepository,
)
from commerce.repositories.memory_admin import InMemoryStockLedger
from commerce.repositories.memory_reservations import InMemoryReservationRepository
from commerce.services.inventory import InventoryService
from tests.unit.builders import a_product, an_order

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
RENO = Warehouse("wh-west", "Reno fulfillment center", Location(39.5296, -119.8138), "us-west")
SEATTLE = CreateWarehouse("wh-seattle", "  Seattle fulfillment center ", 47.6062, -122.3321, "us-west")
TACOMA = Address(name="Ada Lovelace", line1="1 Dock St", city="Tacoma", region="WA", postal_code="98402", country="US")


class Network:
    """One warehouse (Reno) and one product stocked there; admins add warehouses and stock through the services."""

    def __init__(self) -> None:
        self.warehouses = InMemoryWarehouseRepository()
        self.products = InMemoryProductRepository()
        self.inventory = InMemoryInventoryRepository()
        self.ledger = InMemoryStockLedger(self.inventory)
        self.warehouses.add(RENO)
        self.products.add(a_product("p-mug"))
        self.inventory.put(StockLevel("p-mug", RENO.id, available=10))
        self.admin = WarehouseAdmin(self.warehouses)
        self.stock = StockAdjustments(
            products=self.products,
            warehouses=self.warehouses,
            inventory=self.inventory,
            ledger=self.ledger,
            clock=lambda: NOW,
        )
        self.allocation = InventoryService(
            inventory=self.inventory,
            warehouses=self.warehouses,
            reservations=InMemoryReservationRepository(self.inventory),
            clock=lambda: NOW,
        )

    def stock_in(
        self, warehouse_id: str, quantity: int, expected_version: int = 0
    ) -> tuple[StockLevel, StockAdjustment]:
        return self.stock.adjust(AdjustStock("p-mug", warehouse_id, expected_version, by="alice", quantity=quantity))


@pytest.fixture
def network() -> Network:
    return Network()


def test_a_created_warehouse_is_saved_with_its_name_trimmed_and_listed_by_id(network: Network) -> None:
    created = network.admin.create(SEATTLE)
    assert created == Warehouse("wh-seattle", "Seattle fulfillment center", Location(47.6062, -122.3321), "us-west")
    assert network.admin.list() == [created, RENO]


def test_a_second_warehouse_with_a_taken_id_is_refused_and_the_first_stays(network: Network) -> None:
    first = network.admin.create(SEATTLE)
    with pytest.raises(DuplicateWarehouseError) as duplicate:
        network.admin.create(replace(SEATTLE, name="Another Seattle", latitude=1.0))
    assert duplicate.value.warehouse_id == "wh-seattle"
    assert network.warehouses.warehouses["wh-seattle"] == first
    with pytest.raises(DuplicateWarehouseError):
        network.admin.create(replace(SEATTLE, id=RENO.id))
    assert network.warehouses.warehouses[RENO.id] == RENO


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"id": "w"}, ["id"]),
        ({"id": "WH-Seattle"}, ["id"]),
        ({"id": "wh seattle"}, ["id"]),
        ({"id": "-wh"}, ["id"]),
        ({"id": "w" * 65}, ["id"]),
        ({"name": "   "}, ["name"]),
        ({"name": "n" * 101}, ["name"]),
        ({"region": ""}, ["region"]),
        ({"region": "US West"}, ["region"]),
        ({"latitude": 90.5}, ["latitude"]),
        ({"latitude": float("nan")}, ["latitude"]),
        ({"longitude": -180.01}, ["longitude"]),
        ({"longitude": float("inf")}, ["longitude"]),
        (
            {"id": "", "name": "", "region": "", "latitude": -91.0, "longitude": 181.0},
            ["id", "name", "region", "latitude", "longitude"],
        ),
    ],
)
def test_a_malformed_warehouse_names_its_fields_and_is_not_saved(
    network: Network, changes: dict[str, object], fields: list[str]
) -> None:
    with pytest.raises(RequestRejectedError) as rejected:
        network.admin.create(replace(SEATTLE, **changes))  # type: ignore[arg-type]
    assert [issue.field for issue in rejected.value.issues] == fields
    assert network.admin.list() == [RENO]


def test_the_poles_and_the_date_line_are_valid_locations(network: Network) -> None:
    network.admin.create(replace(SEATTLE, id="wh-north", latitude=90.0, longitude=-180.0))
    network.admin.create(replace(SEATTLE, id="wh-south", latitude=-90.0, longitude=180.0))
    assert [w.id for w in network.admin.list()] == ["wh-north", "wh-south", "wh-west"]


def test_a_product_is_stocked_in_a_new_warehouse_from_version_zero_with_its_audit_record(network: Network) -> None:
    network.admin.create(SEATTLE)
    assert StockLevel("p-mug", "wh-seattle", available=0) in network.stock.levels("p-mug")
    level, adjustment = network.stock_in("wh-seattle", 6)
    assert level == StockLevel("p-mug", "wh-seattle", available=6, version=1)
    assert network.ledger.adjustments == [adjustment]
    assert (adjustment.warehouse_id, adjustment.by, adjustment.after) == ("wh-seattle", "alice", 6)
    assert adjustment.before == 0
    # Version 0 means "absent": a second admin who also saw the empty warehouse is refused.
    with pytest.raises(StockVersionConflictError):
        network.stock_in("wh-seattle", 9)
    assert network.inventory.stock[("p-mug", "wh-seattle")].available == 6


def test_a_new_warehouse_nearer_to_the_shopper_ships_the_order_at_once(network: Network) -> None:
    order = replace(
        an_order(order_id="ord_wa"),
        lines=(OrderLine("p-mug", "SKU-p-mug", "Mug", Money(1800, "USD"), 2),),
        shipping_address=TACOMA,
    )
    network.admin.create(SEATTLE)
    network.stock_in("wh-seattle", 3)
    reservation = network.allocation.reserve_for(order)
    assert reservation.lines == (AllocationLine("p-mug", "wh-seattle", 2),)
    assert network.inventory.stock[("p-mug", "wh-seattle")].reserved == 2
    assert network.inventory.stock[("p-mug", RENO.id)].reserved == 0
