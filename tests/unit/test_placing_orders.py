from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from commerce.access import OrderAccessTokens
from commerce.catalog import StockLevel
from commerce.commands import PlaceOrder
from commerce.countries import ISO_3166_ALPHA2
from commerce.money import Money
from commerce.order_status import OrderStatus
from commerce.orders import Address
from commerce.repositories.memory import (
    InMemoryIdempotencyRepository,
    InMemoryInventoryRepository,
    InMemoryOrderEventRepository,
    InMemoryOrderRepository,
    InMemoryProductRepository,
    InMemoryWarehouseRepository,
)
from commerce.services.ordering import OrderPlacement
from commerce.services.tracking import OrderTracking
from commerce.validation import IssueCode, OrderRejectedError
from tests.unit.builders import AN_ADDRESS, a_product

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


class Shop:
    def __init__(self) -> None:
        self.products = InMemoryProductRepository()
        self.inventory = InMemoryInventoryRepository()
        self.events = InMemoryOrderEventRepository()
        self.idempotency = InMemoryIdempotencyRepository(lambda: NOW)
        self.orders = InMemoryOrderRepository(self.events, self.idempotency)
        self.tokens = OrderAccessTokens("unit-test-key")
        self.placement = OrderPlacement(
            products=self.products,
            inventory=self.inventory,
            warehouses=InMemoryWarehouseRepository(),
            orders=self.orders,
            idempotency=self.idempotency,
            tokens=self.tokens,
            clock=lambda: NOW,
        )
        self.tracking = OrderTracking(orders=self.orders, events=self.events, tokens=self.tokens)
        for product, stock in ((a_product("p-mug", price=1800), (3, 2)), (a_product("p-tent", price=34900), (1, 0))):
            self.products.add(product)
            for warehouse, available in zip(("wh-a", "wh-b"), stock, strict=True):
                self.inventory.put(StockLevel(product.id, warehouse, available=available))


@pytest.fixture
def shop() -> Shop:
    return Shop()


def a_command(**changes: object) -> PlaceOrder:
    command = PlaceOrder(
        idempotency_key="checkout-0001", email="Ada@Example.com", lines=[("p-mug", 2)], shipping_address=AN_ADDRESS
    )
    return replace(command, **changes)  # type: ignore[arg-type]


def rejected_codes(shop: Shop, command: PlaceOrder) -> set[tuple[str, IssueCode]]:
    with pytest.raises(OrderRejectedError) as raised:
        shop.placement.place(command)
    return {(issue.field, issue.code) for issue in raised.value.issues}


def test_an_order_is_priced_from_the_catalog_and_awaits_payment(shop: Shop) -> None:
    placed = shop.placement.place(a_command(lines=[("p-mug", 2), ("p-tent", 1)]))
    order = placed.order
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert [(line.sku, line.unit_price.amount, line.quantity) for line in order.lines] == [
        ("SKU-p-mug", 1800, 2),
        ("SKU-p-tent", 34900, 1),
    ]
    assert (order.subtotal.amount, order.shipping.amount, order.total.amount) == (38500, 0, 38500)
    assert order.email == "ada@example.com"
    assert [event.type for event in shop.events.list(order.id)] == ["ORDER_PLACED"]


def test_small_orders_pay_flat_shipping(shop: Shop) -> None:
    order = shop.placement.place(a_command(lines=[("p-mug", 1)])).order
    assert (order.subtotal.amount, order.shipping.amount, order.total.amount) == (1800, 599, 2399)


@pytest.mark.parametrize(
    ("currency", "price", "shipping"),
    [
        ("JPY", 1800, 900),  # zero-decimal: ¥900, not ¥599 (about four dollars)
        ("KRW", 18000, 8000),
        ("BHD", 4500, 2250),  # three-decimal: 2.250 BHD; Stripe refuses 599 fils, which does not end in 0
        ("KWD", 4500, 1850),
    ],
)
def test_shipping_is_charged_in_the_units_stripe_expects_for_the_currency(
    shop: Shop, currency: str, price: int, shipping: int
) -> None:
    shop.products.add(a_product("p-local", price=price, currency=currency))
    shop.inventory.put(StockLevel("p-local", "wh-a", available=5))
    order = shop.placement.place(a_command(lines=[("p-local", 1)])).order
    assert order.shipping == Money(shipping, currency)
    assert order.total == Money(price + shipping, currency)


def test_only_the_hash_of_the_access_token_is_stored_and_it_opens_the_order(shop: Shop) -> None:
    placed = shop.placement.place(a_command())
    assert placed.access_token not in placed.order.access_token_hash
    assert shop.tracking.order_for_shopper(placed.order.id, placed.access_token) == placed.order


def test_a_wrong_token_looks_exactly_like_an_unknown_order(shop: Shop) -> None:
    placed = shop.placement.place(a_command())
    assert shop.tracking.order_for_shopper(placed.order.id, "not-the-token") is None
    assert shop.tracking.order_for_shopper(placed.order.id, None) is None
    assert shop.tracking.order_for_shopper("ord_unknown", placed.access_token) is None


def test_the_same_key_and_payload_returns_the_same_order_and_token(shop: Shop) -> None:
    first = shop.placement.place(a_command())
    again = shop.placement.place(a_command())
    assert again.order.id == first.order.id
    assert again.access_token == first.access_token
    assert again.replayed and not first.replayed
    assert len(shop.orders.orders) == 1


def test_a_replay_answers_with_the_first_order_even_after_stock_ran_out(shop: Shop) -> None:
    first = shop.placement.place(a_command(lines=[("p-tent", 1)]))
    shop.inventory.put(StockLevel("p-tent", "wh-a", available=0))
    assert shop.placement.place(a_command(lines=[("p-tent", 1)])).order.id == first.order.id


def test_reusing_a_key_for_a_different_order_is_refused(shop: Shop) -> None:
    shop.placement.place(a_command())
    assert rejected_codes(shop, a_command(lines=[("p-mug", 1)])) == {
        ("idempotencyKey", IssueCode.IDEMPOTENCY_KEY_REUSED)
    }


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([("p-unknown", 1)], {("lines.0.productId", IssueCode.PRODUCT_NOT_FOUND)}),
        ([("p-mug", 0)], {("lines.0.quantity", IssueCode.INVALID_QUANTITY)}),
        ([("p-mug", 100)], {("lines.0.quantity", IssueCode.INVALID_QUANTITY)}),
        ([("p-mug", -3)], {("lines.0.quantity", IssueCode.INVALID_QUANTITY)}),
        ([("p-mug", 1), ("p-mug", 1)], {("lines.1.productId", IssueCode.DUPLICATE_LINE)}),
        ([], {("lines", IssueCode.EMPTY_ORDER)}),
        ([("p-mug", 6)], {("lines.0.quantity", IssueCode.INSUFFICIENT_STOCK)}),
        ([("p-tent", 2)], {("lines.0.quantity", IssueCode.INSUFFICIENT_STOCK)}),
    ],
)
def test_bad_lines_are_refused_with_the_line_concerned(
    shop: Shop, lines: list[tuple[str, int]], expected: set[tuple[str, IssueCode]]
) -> None:
    assert rejected_codes(shop, a_command(lines=lines)) == expected


def test_more_than_fifty_lines_are_refused(shop: Shop) -> None:
    lines = [(f"p-{index}", 1) for index in range(51)]
    assert ("lines", IssueCode.TOO_MANY_LINES) in rejected_codes(shop, a_command(lines=lines))


def split_over_two_warehouses(shop: Shop, count: int) -> list[tuple[str, int]]:
    """`count` lines of 2 units whose stock lies 1 in wh-a and 1 in wh-b: each needs two reservation actions."""
    for index in range(count):
        shop.products.add(a_product(f"p-{index}"))
        for warehouse in ("wh-a", "wh-b"):
            shop.inventory.put(StockLevel(f"p-{index}", warehouse, available=1))
    return [(f"p-{index}", 2) for index in range(count)]


def test_an_order_whose_reservation_exceeds_one_dynamodb_transaction_is_refused_at_placement(shop: Shop) -> None:
    lines = split_over_two_warehouses(shop, 50)  # 100 stock items and the reservation record: 101 actions
    with pytest.raises(OrderRejectedError) as raised:
        shop.placement.place(a_command(lines=lines))
    (issue,) = raised.value.issues
    assert (issue.field, issue.code) == ("lines", IssueCode.TOO_MANY_LINES)
    assert "100 stock items" in issue.message
    assert shop.orders.orders == {}


def test_an_order_whose_reservation_just_fits_one_transaction_is_placed(shop: Shop) -> None:
    lines = split_over_two_warehouses(shop, 49)  # 98 stock items and the record: 99 actions
    assert shop.placement.place(a_command(lines=lines)).order.status is OrderStatus.PENDING_PAYMENT


def test_an_inactive_product_cannot_be_ordered(shop: Shop) -> None:
    shop.products.add(a_product("p-old", active=False))
    shop.inventory.put(StockLevel("p-old", "wh-a", available=10))
    assert rejected_codes(shop, a_command(lines=[("p-old", 1)])) == {("lines.0.productId", IssueCode.PRODUCT_INACTIVE)}


def test_products_in_two_currencies_cannot_share_an_order(shop: Shop) -> None:
    shop.products.add(a_product("p-euro", currency="EUR"))
    shop.inventory.put(StockLevel("p-euro", "wh-a", available=10))
    assert rejected_codes(shop, a_command(lines=[("p-mug", 1), ("p-euro", 1)])) == {
        ("lines", IssueCode.CURRENCY_MISMATCH)
    }


@pytest.mark.parametrize("email", ["", "   ", "no-at-sign", "a@b", "two@@example.com", "x" * 250 + "@example.com"])
def test_a_bad_email_is_refused(shop: Shop, email: str) -> None:
    codes = {code for field, code in rejected_codes(shop, a_command(email=email)) if field == "email"}
    assert codes in ({IssueCode.REQUIRED}, {IssueCode.INVALID_EMAIL})


def test_every_missing_address_field_is_reported_at_once(shop: Shop) -> None:
    empty = Address(name="", line1=" ", city="", postal_code="", country="")
    assert rejected_codes(shop, a_command(shipping_address=empty)) == {
        ("shippingAddress.name", IssueCode.REQUIRED),
        ("shippingAddress.line1", IssueCode.REQUIRED),
        ("shippingAddress.city", IssueCode.REQUIRED),
        ("shippingAddress.postalCode", IssueCode.REQUIRED),
        ("shippingAddress.country", IssueCode.REQUIRED),
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "USA"}, "shippingAddress.country"),
        ({"postal_code": "!!!"}, "shippingAddress.postalCode"),
        ({"name": "x" * 101}, "shippingAddress.name"),
    ],
)
def test_a_malformed_address_field_is_refused(shop: Shop, change: dict[str, str], field: str) -> None:
    address = replace(AN_ADDRESS, **change)
    assert rejected_codes(shop, a_command(shipping_address=address)) == {(field, IssueCode.INVALID)}


@pytest.mark.parametrize("country", ["ZZ", "XX", "UK", "EU", "AN"])
def test_a_two_letter_code_iso_has_not_assigned_to_a_country_is_refused(shop: Shop, country: str) -> None:
    address = replace(AN_ADDRESS, country=country)
    with pytest.raises(OrderRejectedError) as raised:
        shop.placement.place(a_command(shipping_address=address))
    (issue,) = raised.value.issues
    assert (issue.field, issue.code) == ("shippingAddress.country", IssueCode.INVALID)
    assert f"{country} is not an ISO 3166-1 country code" in issue.message


def test_the_country_list_holds_exactly_the_249_codes_iso_has_assigned() -> None:
    assert len(ISO_3166_ALPHA2) == 249
    assert all(len(code) == 2 and code.isupper() for code in ISO_3166_ALPHA2)


@pytest.mark.parametrize("country", ["GB", "de", "AX", "UM", "SS", "BQ"])
def test_an_assigned_country_code_in_either_case_is_accepted(shop: Shop, country: str) -> None:
    address = replace(AN_ADDRESS, country=country)
    assert shop.placement.place(a_command(shipping_address=address)).order.shipping_address.country == country.upper()


@pytest.mark.parametrize("key", ["short", "has spaces in it", "x" * 129, ""])
def test_a_malformed_idempotency_key_is_refused(shop: Shop, key: str) -> None:
    assert rejected_codes(shop, a_command(idempotency_key=key)) == {("idempotencyKey", IssueCode.INVALID)}


def test_a_refused_order_leaves_nothing_behind(shop: Shop) -> None:
    rejected_codes(shop, a_command(lines=[("p-mug", 100)]))
    assert shop.orders.orders == {}
    assert shop.events.events == []
    assert shop.idempotency.records == {}
