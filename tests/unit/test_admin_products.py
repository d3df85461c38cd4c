from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from commerce.access import OrderAccessTokens
from commerce.admin.products import ProductAdmin, ProductChanges
from commerce.admin.rejection import RequestRejectedError
from commerce.catalog import Product, StockLevel
from commerce.commands import PlaceOrder
from commerce.errors import ProductNotFoundError
from commerce.money import Money
from commerce.repositories.memory import (
    InMemoryIdempotencyRepository,
    InMemoryInventoryRepository,
    InMemoryOrderEventRepository,
    InMemoryOrderRepository,
    InMemoryProductRepository,
    InMemoryWarehouseRepository,
)
from commerce.repositories.memory_admin import InMemoryStockLedger
from commerce.services.ordering import OrderPlacement
from commerce.validation import IssueCode, OrderRejectedError
from tests.unit.builders import AN_ADDRESS, fixed_clock

A_NEW_PRODUCT = ProductChanges(sku="LMP-01", name=" Lamp ", category="home", price=4900, currency="USD")


class Catalog:
    def __init__(self) -> None:
        self.products = InMemoryProductRepository()
        self.inventory = InMemoryInventoryRepository()
        self.admin = ProductAdmin(
            products=self.products, ledger=InMemoryStockLedger(self.inventory), new_id=lambda: "p-lamp"
        )


@pytest.fixture
def catalog() -> Catalog:
    return Catalog()


def test_a_new_product_is_active_with_the_default_threshold(catalog: Catalog) -> None:
    created = catalog.admin.create(A_NEW_PRODUCT)
    assert created == Product(
        id="p-lamp",
        sku="LMP-01",
        name="Lamp",
        description="",
        category="home",
        price=Money(4900, "USD"),
        image_url="",
    )
    assert catalog.products.get("p-lamp") == created


def test_a_new_product_needs_sku_name_category_and_a_sane_price(catalog: Catalog) -> None:
    with pytest.raises(RequestRejectedError) as rejected:
        catalog.admin.create(ProductChanges(sku="bad sku!", name="", price=0, currency="usd", low_stock_threshold=-1))
    assert {(issue.field, issue.code) for issue in rejected.value.issues} == {
        ("category", IssueCode.REQUIRED),
        ("sku", IssueCode.INVALID),
        ("name", IssueCode.REQUIRED),
        ("price", IssueCode.INVALID),
        ("currency", IssueCode.INVALID),
        ("lowStockThreshold", IssueCode.INVALID),
    }
    assert catalog.products.products == {}


def test_an_update_changes_only_the_fields_given_and_bumps_the_version(catalog: Catalog) -> None:
    catalog.admin.create(A_NEW_PRODUCT)
    updated = catalog.admin.update("p-lamp", ProductChanges(name="Desk lamp", price=5200))
    assert (updated.name, updated.price, updated.sku, updated.category, updated.version) == (
        "Desk lamp",
        Money(5200, "USD"),
        "LMP-01",
        "home",
        1,
    )


def test_two_admins_editing_different_fields_at_once_both_keep_their_change(catalog: Catalog) -> None:
    catalog.admin.create(A_NEW_PRODUCT)
    real_get = catalog.products.get
    raced = False

    def get_then_race(product_id: str) -> Product | None:
        nonlocal raced
        found = real_get(product_id)
        if not raced and found is not None:
            raced = True  # the other admin saves a new description right after our read
            catalog.admin.update(product_id, ProductChanges(description="Warm light"))
        return found

    catalog.products.get = get_then_race  # type: ignore[method-assign]
    catalog.admin.update("p-lamp", ProductChanges(name="Desk lamp"))
    stored = real_get("p-lamp")
    assert stored is not None
    assert (stored.name, stored.description, stored.version) == ("Desk lamp", "Warm light", 2)


def test_an_update_of_an_unknown_product_is_named(catalog: Catalog) -> None:
    with pytest.raises(ProductNotFoundError):
        catalog.admin.update("p-none", ProductChanges(name="x"))


def test_a_deactivated_product_cannot_be_ordered_but_its_old_orders_still_show_it(catalog: Catalog) -> None:
    catalog.admin.create(A_NEW_PRODUCT)
    catalog.inventory.put(StockLevel("p-lamp", "wh-a", available=5))
    events = InMemoryOrderEventRepository()
    clock = fixed_clock(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    idempotency = InMemoryIdempotencyRepository(clock)
    placement = OrderPlacement(
        products=catalog.products,
        inventory=catalog.inventory,
        warehouses=InMemoryWarehouseRepository(),
        orders=InMemoryOrderRepository(events, idempotency),
        idempotency=idempotency,
        tokens=OrderAccessTokens("unit-test-key"),
        clock=clock,
    )
    old = placement.place(PlaceOrder("checkout-0001", "ada@example.com", [("p-lamp", 1)], AN_ADDRESS)).order

    catalog.admin.set_active("p-lamp", False)
    with pytest.raises(OrderRejectedError) as rejected:
        placement.place(PlaceOrder("checkout-0002", "ada@example.com", [("p-lamp", 1)], AN_ADDRESS))
    assert [issue.code for issue in rejected.value.issues] == [IssueCode.PRODUCT_INACTIVE]
    assert old.lines[0].name == "Lamp"
    assert catalog.products.get("p-lamp") is not None
    assert catalog.admin.set_active("p-lamp", True).active


def test_a_price_stripe_cannot_charge_in_its_currency_is_refused_on_create(catalog: Catalog) -> None:
    with pytest.raises(RequestRejectedError) as rejected:
        catalog.admin.create(replace(A_NEW_PRODUCT, price=1855, currency="KWD"))
    assert [(issue.field, issue.code) for issue in rejected.value.issues] == [("price", IssueCode.INVALID)]
    assert "multiple of 10" in rejected.value.issues[0].message
    assert catalog.admin.create(replace(A_NEW_PRODUCT, price=1850, currency="KWD")).price.amount == 1850


def test_a_new_price_is_checked_against_the_stored_currency_and_a_new_currency_against_the_stored_price(
    catalog: Catalog,
) -> None:
    catalog.admin.create(replace(A_NEW_PRODUCT, price=150000, currency="ISK"))
    for changes in (ProductChanges(price=150050), ProductChanges(currency="BHD", price=1001)):
        with pytest.raises(RequestRejectedError):
            catalog.admin.update("p-lamp", changes)
    catalog.admin.update("p-lamp", ProductChanges(currency="USD"))
    assert catalog.admin.update("p-lamp", ProductChanges(price=150050)).price == Money(150050, "USD")
