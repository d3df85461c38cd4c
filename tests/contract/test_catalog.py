"""ProductRepository, WarehouseRepository, InventoryRepository: conditional creates and edits, and the listings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commerce.admin.warehouses import DuplicateWarehouseError
from commerce.catalog import Location, Product, StockLevel, Warehouse
from commerce.errors import ConcurrentUpdateError
from tests.contract.conftest import Stores
from tests.unit.builders import a_product

TABLES = {"products", "warehouses", "inventory"}


def a_warehouse(warehouse_id: str, name: str = "Depot") -> Warehouse:
    return Warehouse(warehouse_id, name, Location(40.7128, -74.006), "us-east")


def listed(stores: Stores, *, category: str | None, limit: int, active: bool = True) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = stores.products.page(category=category, limit=limit, cursor=cursor, active=active)
        pages.append([product.sku for product in page.items])
        if not page.has_next:
            return pages
        cursor = page.end_cursor


def in_category(product_id: str, category: str, sku: str) -> Product:
    return replace(a_product(product_id, category=category), sku=sku)


def test_a_created_product_reads_back_as_it_was_written(stores: Stores) -> None:
    product = replace(a_product("p-1"), description="Blue", low_stock_threshold=2)

    stores.products.create(product)

    assert stores.products.get("p-1") == product


def test_creating_over_a_taken_product_id_is_refused_and_keeps_the_first(stores: Stores) -> None:
    first = a_product("p-1")
    stores.products.create(first)

    with pytest.raises(ConcurrentUpdateError):
        stores.products.create(replace(first, name="Impostor"))

    assert stores.products.get("p-1") == first


def test_an_edit_at_the_stored_version_is_saved(stores: Stores) -> None:
    stores.products.create(a_product("p-1"))
    edited = replace(a_product("p-1"), name="Renamed", version=1)

    stores.products.replace(edited, expected_version=0)

    assert stores.products.get("p-1") == edited


def test_an_edit_at_a_stale_version_is_refused_and_writes_nothing(stores: Stores) -> None:
    stores.products.create(a_product("p-1"))
    stores.products.replace(replace(a_product("p-1"), name="First edit", version=1), expected_version=0)

    with pytest.raises(ConcurrentUpdateError):
        stores.products.replace(replace(a_product("p-1"), name="Second edit", version=1), expected_version=0)

    stored = stores.products.get("p-1")
    assert stored is not None and (stored.name, stored.version) == ("First edit", 1)


def test_an_edit_of_a_product_that_does_not_exist_is_refused_and_creates_nothing(stores: Stores) -> None:
    with pytest.raises(ConcurrentUpdateError):
        stores.products.replace(a_product("p-ghost"), expected_version=0)

    assert stores.products.get("p-ghost") is None


def test_unknown_products_read_absent_and_are_left_out_of_a_batch(stores: Stores) -> None:
    stores.products.add(a_product("p-1"))
    stores.products.add(a_product("p-2"))

    assert stores.products.get("p-nobody") is None
    assert stores.products.get("") is None
    assert set(stores.products.get_many(["p-2", "p-nobody", "p-1", "p-2"])) == {"p-1", "p-2"}


def test_a_category_is_listed_in_sku_order_page_by_page(stores: Stores) -> None:
    for index in [3, 0, 4, 1, 2]:
        stores.products.add(in_category(f"p-{index}", "home", f"SKU-{index}"))
    stores.products.add(in_category("p-other", "garden", "SKU-0"))

    assert listed(stores, category="home", limit=2) == [["SKU-0", "SKU-1"], ["SKU-2", "SKU-3"], ["SKU-4"]]


def test_a_full_last_page_says_there_is_nothing_after_it(stores: Stores) -> None:
    for index in range(4):
        stores.products.add(in_category(f"p-{index}", "home", f"SKU-{index}"))

    assert listed(stores, category="home", limit=2) == [["SKU-0", "SKU-1"], ["SKU-2", "SKU-3"]]


def test_the_whole_shop_is_listed_by_category_then_sku_as_the_index_sorts_them(stores: Stores) -> None:
    # The index's sort key is the string "category#sku": a category with a space sorts before its prefix ("#" > " ").
    stores.products.add(in_category("p-1", "home", "SKU-A"))
    stores.products.add(in_category("p-2", "home decor", "SKU-B"))
    stores.products.add(in_category("p-3", "garden", "SKU-C"))
    stores.products.add(in_category("p-4", "home", "SKU-0"))

    assert listed(stores, category=None, limit=10) == [["SKU-C", "SKU-B", "SKU-0", "SKU-A"]]
    assert listed(stores, category="home", limit=10) == [["SKU-0", "SKU-A"]]


def test_deactivated_products_leave_the_listing_for_the_admins_one(stores: Stores) -> None:
    stores.products.add(in_category("p-1", "home", "SKU-1"))
    stores.products.add(replace(in_category("p-2", "home", "SKU-2"), active=False))

    assert listed(stores, category="home", limit=10) == [["SKU-1"]]
    assert listed(stores, category="home", limit=10, active=False) == [["SKU-2"]]


def test_a_listing_resumes_after_its_cursor_when_the_product_there_was_deactivated(stores: Stores) -> None:
    for index in range(4):
        stores.products.add(in_category(f"p-{index}", "home", f"SKU-{index}"))
    first = stores.products.page(category="home", limit=2, cursor=None)
    stores.products.add(replace(in_category("p-1", "home", "SKU-1"), active=False))

    second = stores.products.page(category="home", limit=2, cursor=first.end_cursor)

    assert [product.sku for product in second.items] == ["SKU-2", "SKU-3"]


def test_a_created_warehouse_is_listed_at_once_in_id_order(stores: Stores) -> None:
    stores.warehouses.create(a_warehouse("wh-b"))
    stores.warehouses.create(a_warehouse("wh-a"))

    assert [warehouse.id for warehouse in stores.warehouses.all()] == ["wh-a", "wh-b"]
    assert stores.warehouses.all()[0] == a_warehouse("wh-a")


def test_creating_over_a_taken_warehouse_id_is_refused_and_keeps_the_first(stores: Stores) -> None:
    stores.warehouses.create(a_warehouse("wh-a", "First"))

    with pytest.raises(DuplicateWarehouseError):
        stores.warehouses.create(a_warehouse("wh-a", "Second"))

    assert stores.warehouses.all() == [a_warehouse("wh-a", "First")]


def test_stock_levels_are_read_per_product_in_warehouse_order(stores: Stores) -> None:
    for warehouse in ["wh-c", "wh-a", "wh-b"]:
        stores.warehouses.add(a_warehouse(warehouse))
        stores.inventory.put(StockLevel("p-1", warehouse, available=3, reserved=1, shipped=2, version=4))
    stores.inventory.put(StockLevel("p-2", "wh-a", available=9))

    assert stores.inventory.levels("p-1") == [
        StockLevel("p-1", warehouse, available=3, reserved=1, shipped=2, version=4)
        for warehouse in ["wh-a", "wh-b", "wh-c"]
    ]
    assert stores.inventory.levels("p-nobody") == []


def test_the_levels_of_many_products_are_read_at_once_with_none_for_the_unstocked(stores: Stores) -> None:
    for warehouse in ["wh-a", "wh-b"]:
        stores.warehouses.add(a_warehouse(warehouse))
    for product in ["p-1", "p-2", "p-3"]:
        stores.inventory.put(StockLevel(product, "wh-b", available=1))
        stores.inventory.put(StockLevel(product, "wh-a", available=2))

    found = stores.inventory.levels_for_many(["p-3", "p-1", "p-nobody", "p-1", "p-2"])

    assert list(found) == ["p-3", "p-1", "p-nobody", "p-2"]
    assert [[level.warehouse_id for level in levels] for levels in found.values()] == [
        ["wh-a", "wh-b"],
        ["wh-a", "wh-b"],
        [],
        ["wh-a", "wh-b"],
    ]
