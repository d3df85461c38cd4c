"""Admins create warehouses through GraphQL on the local cloud, stock them, and orders ship from them at once."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from commerce.order_status import OrderStatus
from commerce.repositories.catalog import DynamoWarehouseRepository
from commerce.repositories.dynamo import to_wire
from infra.local.cloud import LocalCloud
from tests.integration.admin import Admin
from tests.integration.conftest import StockedProduct
from tests.integration.shop import PLACE, PlacedOrder
from tests.integration.stripe_cards import AUTHORIZES

CREATE = """
mutation Create($input: CreateWarehouseInput!) {
  createWarehouse(input: $input) {
    warehouse { id name region latitude longitude }
    errors { field code message }
  }
}"""

WAREHOUSES = "{ warehouses { id name region latitude longitude } }"

ADJUST = """
mutation Adjust($input: AdjustStockInput!) {
  adjustStock(input: $input) {
    errors { field code message }
    level { warehouseId available reserved shipped version }
    adjustment { warehouseId by before after version }
  }
}"""

INVENTORY = """
query Inventory($id: ID!) {
  inventory(productId: $id) {
    levels { warehouseId available reserved shipped version }
    adjustments(first: 5) { edges { node { warehouseId by before after } } }
  }
}"""

TACOMA = {
    "name": "Grace Hopper",
    "line1": "1 Dock St",
    "city": "Tacoma",
    "region": "WA",
    "postalCode": "98402",
    "country": "US",
}


@pytest.fixture
def warehouse_id(local_cloud: LocalCloud) -> Iterator[str]:
    """A fresh id; the warehouse is removed afterwards, so the session's other tests see the seed's three."""
    new_id = f"wh-test-{secrets.token_hex(4)}"
    yield new_id
    repository = local_cloud.repositories.warehouses
    assert isinstance(repository, DynamoWarehouseRepository)
    table = repository.table
    table.client.delete_item(TableName=table.name, Key=to_wire({"partition": repository.PARTITION, "id": new_id}))


def seattle(warehouse_id: str, **changes: Any) -> dict[str, Any]:
    given = {
        "id": warehouse_id,
        "name": "Seattle fulfillment center",
        "region": "us-west",
        "latitude": 47.6062,
        "longitude": -122.3321,
    }
    return given | changes


def create(admin: Admin, given: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = admin.data(CREATE, {"input": given})["createWarehouse"]
    return payload


def listed(admin: Admin) -> dict[str, dict[str, Any]]:
    return {warehouse["id"]: warehouse for warehouse in admin.data(WAREHOUSES)["warehouses"]}


def test_an_admin_creates_a_warehouse_and_a_taken_id_is_refused(admin: Admin, warehouse_id: str) -> None:
    created = create(admin, seattle(warehouse_id))
    assert created == {"warehouse": seattle(warehouse_id), "errors": []}
    assert listed(admin)[warehouse_id] == seattle(warehouse_id)

    again = create(admin, seattle(warehouse_id, name="Second Seattle"))
    assert again["warehouse"] is None
    assert [(error["field"], error["code"]) for error in again["errors"]] == [("id", "WAREHOUSE_EXISTS")]
    seeded = create(admin, seattle("wh-east"))
    assert [error["code"] for error in seeded["errors"]] == ["WAREHOUSE_EXISTS"]
    assert listed(admin)[warehouse_id]["name"] == "Seattle fulfillment center"
    assert listed(admin)["wh-east"]["name"] == "Newark fulfillment center"


def test_admins_racing_to_create_one_id_get_one_warehouse_and_the_others_a_refusal(
    admin: Admin, warehouse_id: str
) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda n: create(admin, seattle(warehouse_id, name=f"Seattle {n}")), range(6)))
    winners = [answer["warehouse"]["name"] for answer in answers if answer["warehouse"]]
    assert len(winners) == 1
    assert sorted(error["code"] for answer in answers for error in answer["errors"]) == ["WAREHOUSE_EXISTS"] * 5
    assert listed(admin)[warehouse_id]["name"] == winners[0]


def test_a_malformed_warehouse_names_its_fields_and_writes_nothing(admin: Admin, warehouse_id: str) -> None:
    refused = create(admin, seattle(warehouse_id, name=" ", region="US West", latitude=91.0, longitude=-200.0))
    assert refused["warehouse"] is None
    assert [error["field"] for error in refused["errors"]] == ["name", "region", "latitude", "longitude"]
    assert warehouse_id not in listed(admin)


def test_without_a_token_creating_a_warehouse_is_refused_and_writes_nothing(admin: Admin, warehouse_id: str) -> None:
    body = admin.send(CREATE, {"input": seattle(warehouse_id)}, token=None)
    assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"]
    assert body["data"] is None
    assert warehouse_id not in listed(admin)


def test_a_new_warehouse_is_stocked_and_ships_the_order_of_a_shopper_near_it(
    admin: Admin, warehouse_id: str, stocked_product: StockedProduct
) -> None:
    product = stocked_product("warehouse-tests", {"wh-west": 5})  # Reno could ship it too, from farther away
    assert create(admin, seattle(warehouse_id))["errors"] == []

    stocked = admin.data(
        ADJUST, {"input": {"productId": product, "warehouseId": warehouse_id, "expectedVersion": 0, "quantity": 3}}
    )["adjustStock"]
    assert stocked["errors"] == []
    assert stocked["level"] == {"warehouseId": warehouse_id, "available": 3, "reserved": 0, "shipped": 0, "version": 1}
    assert stocked["adjustment"] == {"warehouseId": warehouse_id, "by": "admin", "before": 0, "after": 3, "version": 1}

    shop = admin.shop
    placed = shop.graphql(
        PLACE,
        {
            "input": {
                "idempotencyKey": f"test-{secrets.token_hex(8)}",
                "email": "warehouses@example.com",
                "lines": [{"productId": product, "quantity": 2}],
                "shippingAddress": TACOMA,
            }
        },
    )["placeOrder"]
    assert placed["errors"] == []
    order = PlacedOrder(placed["order"]["id"], placed["accessToken"], placed["order"]["total"]["amount"])
    assert shop.pay(order, AUTHORIZES)["outcome"] == "AUTHORIZED"
    fulfilled = shop.wait_until(order, OrderStatus.FULFILLED)

    assert [(s.warehouse_id, s.lines) for s in fulfilled.shipments] == [(warehouse_id, ((product, 2),))]
    inventory = admin.data(INVENTORY, {"id": product})["inventory"]
    levels = {level["warehouseId"]: level for level in inventory["levels"]}
    assert (levels[warehouse_id]["available"], levels[warehouse_id]["shipped"]) == (1, 2)
    assert (levels["wh-west"]["available"], levels["wh-west"]["shipped"]) == (5, 0)
    (change,) = [edge["node"] for edge in inventory["adjustments"]["edges"]]
    assert change == {"warehouseId": warehouse_id, "by": "admin", "before": 0, "after": 3}
