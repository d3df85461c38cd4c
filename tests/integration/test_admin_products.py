"""Admins creating, editing and deactivating products on the local cloud."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from commerce.catalog import StockLevel
from tests.integration.admin import Admin

FIELDS = (
    "errors { field code } "
    "product { id sku name description category price { amount currency } active lowStockThreshold version }"
)
CREATE = f"mutation($input: CreateProductInput!) {{ createProduct(input: $input) {{ {FIELDS} }} }}"
UPDATE = f"mutation($id: ID!, $input: UpdateProductInput!) {{ updateProduct(id: $id, input: $input) {{ {FIELDS} }} }}"
DEACTIVATE = f"mutation($id: ID!) {{ deactivateProduct(id: $id) {{ {FIELDS} }} }}"
REACTIVATE = f"mutation($id: ID!) {{ reactivateProduct(id: $id) {{ {FIELDS} }} }}"
LISTED = (
    "query($c: String!, $active: Boolean!) { adminProducts(category: $c, active: $active) { edges { node { id } } } }"
)
SHOP_LISTED = "query($c: String!) { products(category: $c) { edges { node { id } } } }"


@pytest.fixture
def category() -> str:
    return f"cat-{secrets.token_hex(4)}"


def create(admin: Admin, category: str, **changes: Any) -> dict[str, Any]:
    given = {"sku": f"SKU-{secrets.token_hex(3)}", "name": "Camp chair", "category": category}
    given |= {"price": {"amount": 7900, "currency": "USD"}} | changes
    payload: dict[str, Any] = admin.data(CREATE, {"input": given})["createProduct"]
    return payload


def ids(admin: Admin, query: str, variables: dict[str, Any]) -> list[str]:
    data = admin.data(query, variables)
    (connection,) = data.values()
    return [edge["node"]["id"] for edge in connection["edges"]]


def test_a_created_product_is_listed_in_the_shop_and_for_admins(admin: Admin, category: str) -> None:
    created = create(admin, category, lowStockThreshold=2)
    assert created["errors"] == []
    product = created["product"]
    assert (product["active"], product["lowStockThreshold"], product["version"]) == (True, 2, 0)
    assert ids(admin, SHOP_LISTED, {"c": category}) == [product["id"]]
    assert ids(admin, LISTED, {"c": category, "active": True}) == [product["id"]]


def test_an_update_changes_only_the_fields_given(admin: Admin, category: str) -> None:
    product = create(admin, category, description="Folds flat")["product"]
    updated = admin.data(UPDATE, {"id": product["id"], "input": {"name": "Low camp chair"}})["updateProduct"]
    assert updated["errors"] == []
    assert {**product, "name": "Low camp chair", "version": 1} == updated["product"]


def test_a_deactivated_product_leaves_the_shop_cannot_be_ordered_and_old_orders_still_show_it(
    admin: Admin, category: str
) -> None:
    product = create(admin, category)["product"]
    admin.shop.cloud.repositories.inventory.put(StockLevel(product["id"], "wh-east", available=5))
    old = admin.shop.place([(product["id"], 1)], email="chair@example.com")

    deactivated = admin.data(DEACTIVATE, {"id": product["id"]})["deactivateProduct"]["product"]
    assert deactivated["active"] is False
    assert ids(admin, SHOP_LISTED, {"c": category}) == []
    assert ids(admin, LISTED, {"c": category, "active": False}) == [product["id"]]
    refused = admin.shop.http.post(
        "/graphql",
        json={
            "query": "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { errors { code } } }",
            "variables": {
                "i": {
                    "idempotencyKey": f"chair-{secrets.token_hex(6)}",
                    "email": "chair@example.com",
                    "lines": [{"productId": product["id"], "quantity": 1}],
                    "shippingAddress": {
                        "name": "A",
                        "line1": "1 Main St",
                        "city": "Austin",
                        "postalCode": "78701",
                        "country": "US",
                    },
                }
            },
        },
    ).json()
    assert [error["code"] for error in refused["data"]["placeOrder"]["errors"]] == ["PRODUCT_INACTIVE"]
    shown = admin.shop.updates(old)
    assert shown["status"] == "PENDING_PAYMENT"
    assert admin.data(REACTIVATE, {"id": product["id"]})["reactivateProduct"]["product"]["active"] is True


def test_wrong_product_input_names_its_fields_and_creates_nothing(admin: Admin, category: str) -> None:
    payload = create(admin, category, sku="bad sku", price={"amount": -1, "currency": "usd"})
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("sku", "INVALID"),
        ("price", "INVALID"),
        ("currency", "INVALID"),
    }
    assert payload["product"] is None
    assert ids(admin, LISTED, {"c": category, "active": True}) == []
    missing = admin.data(UPDATE, {"id": "p-none", "input": {"name": "x"}})["updateProduct"]
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [("id", "NOT_FOUND")]
