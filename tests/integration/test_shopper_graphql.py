from __future__ import annotations

import importlib
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from commerce.catalog import StockLevel
from infra.local.cloud import LocalCloud
from infra.local.server import local_app
from tests.integration.graphql_transport import AsgiTransport, GraphQLTransport, MangumTransport
from tests.unit.builders import a_product

PRODUCTS = """
query Products($category: String, $first: Int!, $after: String) {
  products(category: $category, first: $first, after: $after) {
    edges { cursor node { id sku name price { amount currency } availability { available state } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

PLACE_ORDER = """
mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    accessToken
    errors { field code message }
    order {
      id status email
      lines { productId sku unitPrice { amount currency } quantity total { amount } }
      subtotal { amount } shipping { amount } total { amount currency }
      shippingAddress { name city postalCode country }
      timeline { id type status }
    }
  }
}"""

ORDER = """
query Order($id: ID!, $token: String!) {
  order(id: $id, accessToken: $token) { id status total { amount } timeline { type } }
}"""


@pytest.fixture(scope="module", params=["asgi", "mangum"])
def gql(request: pytest.FixtureRequest, local_cloud: LocalCloud) -> Iterator[GraphQLTransport]:
    if request.param == "asgi":
        with TestClient(local_app(local_cloud)) as client:
            yield AsgiTransport(client)
    else:
        yield MangumTransport(importlib.import_module("graphql_api.lambda_handler").handler)


def an_input(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "idempotencyKey": f"checkout-{secrets.token_hex(8)}",
        "email": "shopper@example.com",
        "lines": [{"productId": "p-mug", "quantity": 2}],
        "shippingAddress": {
            "name": "Ada Lovelace",
            "line1": "1 Analytical Way",
            "city": "Austin",
            "postalCode": "78701",
            "country": "US",
        },
    }
    value.update(changes)
    return value


def place(gql: GraphQLTransport, **changes: Any) -> dict[str, Any]:
    result = gql.execute(PLACE_ORDER, {"input": an_input(**changes)})
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["placeOrder"]
    return payload


def error_codes(payload: dict[str, Any]) -> set[tuple[str | None, str]]:
    assert payload["order"] is None and payload["accessToken"] is None
    return {(error["field"], error["code"]) for error in payload["errors"]}


def test_the_catalog_pages_a_category_with_availability_summed_over_warehouses(gql: GraphQLTransport) -> None:
    first = gql.execute(PRODUCTS, {"category": "outdoors", "first": 3})["data"]["products"]
    rest = gql.execute(PRODUCTS, {"category": "outdoors", "first": 10, "after": first["pageInfo"]["endCursor"]})
    nodes = [edge["node"] for edge in first["edges"] + rest["data"]["products"]["edges"]]
    assert first["pageInfo"]["hasNextPage"]
    assert len(nodes) == 5 and len({node["id"] for node in nodes}) == 5
    by_id = {node["id"]: node for node in nodes}
    assert by_id["p-tent-2p"]["availability"] == {"available": 6, "state": "IN_STOCK"}
    assert by_id["p-stove"]["availability"] == {"available": 0, "state": "OUT_OF_STOCK"}
    assert by_id["p-tent-2p"]["price"] == {"amount": 34900, "currency": "USD"}


def test_stock_at_or_under_the_threshold_shows_as_low(gql: GraphQLTransport) -> None:
    result = gql.execute('{ product(id: "p-sun-hat") { availability { available state } } }')
    assert result["data"]["product"]["availability"] == {"available": 3, "state": "LOW_STOCK"}


def test_an_unknown_product_is_null(gql: GraphQLTransport) -> None:
    assert gql.execute('{ product(id: "p-nope") { id } }')["data"]["product"] is None


@pytest.mark.parametrize("first", [0, 51, -1])
def test_a_page_size_outside_the_cap_is_refused_with_a_clear_error(gql: GraphQLTransport, first: int) -> None:
    result = gql.execute(PRODUCTS, {"first": first})
    assert result["data"] is None
    assert result["errors"][0]["message"] == "first must be between 1 and 50"


def test_a_forged_cursor_is_refused_with_a_clear_error(gql: GraphQLTransport) -> None:
    result = gql.execute(PRODUCTS, {"first": 2, "after": "bm90LWEtY3Vyc29y"})
    assert result["errors"][0]["message"] == "after is not a cursor of this listing"


def test_placing_an_order_prices_it_from_the_catalog_and_opens_it_with_its_token(gql: GraphQLTransport) -> None:
    payload = place(gql, lines=[{"productId": "p-mug", "quantity": 2}, {"productId": "p-headlamp", "quantity": 1}])
    order = payload["order"]
    assert payload["errors"] == []
    assert order["status"] == "PENDING_PAYMENT"
    assert [(line["sku"], line["unitPrice"]["amount"], line["quantity"]) for line in order["lines"]] == [
        ("MUG-EN-11", 1800, 2),
        ("LMP-HD-08", 4900, 1),
    ]
    assert (order["subtotal"]["amount"], order["shipping"]["amount"], order["total"]) == (
        8500,
        0,
        {"amount": 8500, "currency": "USD"},
    )
    assert [event["type"] for event in order["timeline"]] == ["ORDER_PLACED"]
    fetched = gql.execute(ORDER, {"id": order["id"], "token": payload["accessToken"]})["data"]["order"]
    assert fetched == {
        "id": order["id"],
        "status": "PENDING_PAYMENT",
        "total": {"amount": 8500},
        "timeline": [{"type": "ORDER_PLACED"}],
    }


def test_the_same_idempotency_key_returns_the_same_order_and_token(gql: GraphQLTransport) -> None:
    request = an_input()
    first = gql.execute(PLACE_ORDER, {"input": request})["data"]["placeOrder"]
    again = gql.execute(PLACE_ORDER, {"input": request})["data"]["placeOrder"]
    assert again["order"]["id"] == first["order"]["id"]
    assert again["accessToken"] == first["accessToken"]


def test_a_used_key_with_a_different_payload_is_a_user_error(gql: GraphQLTransport) -> None:
    request = an_input()
    place(gql, **request)
    changed = {**request, "lines": [{"productId": "p-mug", "quantity": 1}]}
    assert error_codes(place(gql, **changed)) == {("idempotencyKey", "IDEMPOTENCY_KEY_REUSED")}


def test_a_wrong_or_missing_token_answers_like_an_unknown_order(gql: GraphQLTransport) -> None:
    order_id = place(gql)["order"]["id"]
    wrong = gql.execute(ORDER, {"id": order_id, "token": "guess"})
    empty = gql.execute(ORDER, {"id": order_id, "token": ""})
    unknown = gql.execute(ORDER, {"id": "ord_00000000000000000000", "token": "guess"})
    assert wrong == empty == unknown == {"data": {"order": None}}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"lines": [{"productId": "p-nope", "quantity": 1}]}, {("lines.0.productId", "PRODUCT_NOT_FOUND")}),
        ({"lines": [{"productId": "p-mug", "quantity": 0}]}, {("lines.0.quantity", "INVALID_QUANTITY")}),
        ({"lines": [{"productId": "p-mug", "quantity": 100}]}, {("lines.0.quantity", "INVALID_QUANTITY")}),
        (
            {"lines": [{"productId": "p-mug", "quantity": 1}, {"productId": "p-mug", "quantity": 2}]},
            {("lines.1.productId", "DUPLICATE_LINE")},
        ),
        ({"lines": [{"productId": f"p-{n}", "quantity": 1} for n in range(51)]}, {("lines", "TOO_MANY_LINES")}),
        ({"lines": [{"productId": "p-stove", "quantity": 1}]}, {("lines.0.quantity", "INSUFFICIENT_STOCK")}),
        ({"email": "not-an-email"}, {("email", "INVALID_EMAIL")}),
        ({"email": ""}, {("email", "REQUIRED")}),
        (
            {"shippingAddress": {"name": "", "line1": "x", "city": "y", "postalCode": "12345", "country": "US"}},
            {("shippingAddress.name", "REQUIRED")},
        ),
        (
            {"shippingAddress": {"name": "A", "line1": "x", "city": "y", "postalCode": "12345", "country": "USA"}},
            {("shippingAddress.country", "INVALID")},
        ),
        (
            {"shippingAddress": {"name": "A", "line1": "x", "city": "y", "postalCode": "12345", "country": "ZZ"}},
            {("shippingAddress.country", "INVALID")},
        ),
        (
            {"shippingAddress": {"name": "A", "line1": "x", "city": "y", "postalCode": "#$%", "country": "US"}},
            {("shippingAddress.postalCode", "INVALID")},
        ),
        ({"idempotencyKey": "short"}, {("idempotencyKey", "INVALID")}),
    ],
)
def test_bad_input_comes_back_as_user_errors_in_the_payload(
    gql: GraphQLTransport, changes: dict[str, Any], expected: set[tuple[str, str]]
) -> None:
    assert error_codes(place(gql, **changes)) == expected


def test_an_inactive_product_is_a_user_error(gql: GraphQLTransport, local_cloud: LocalCloud) -> None:
    product = a_product(f"p-retired-{secrets.token_hex(3)}", active=False)
    local_cloud.repositories.products.add(product)
    local_cloud.repositories.inventory.put(StockLevel(product.id, "wh-east", available=5))
    payload = place(gql, lines=[{"productId": product.id, "quantity": 1}])
    assert error_codes(payload) == {("lines.0.productId", "PRODUCT_INACTIVE")}


def test_a_price_sent_by_the_client_is_rejected_by_the_schema(gql: GraphQLTransport) -> None:
    request = an_input(lines=[{"productId": "p-mug", "quantity": 1, "unitPrice": 1}])
    result = gql.execute(PLACE_ORDER, {"input": request})
    assert result["data"] is None
    assert "unitPrice" in result["errors"][0]["message"]


def test_a_rejected_order_writes_nothing(gql: GraphQLTransport, local_cloud: LocalCloud) -> None:
    email = f"nothing-{secrets.token_hex(4)}@example.com"
    place(gql, email=email, lines=[{"productId": "p-mug", "quantity": 500}])
    assert local_cloud.repositories.orders.by_customer(email, limit=5, cursor=None).items == []
