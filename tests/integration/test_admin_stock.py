"""Stock per warehouse edited by admins on the local cloud: optimistic locking, audit trail, low-stock scan."""

from __future__ import annotations

import secrets
from typing import Any

import boto3
import pytest

from commerce.admin.stock import StockAdjustment
from commerce.catalog import StockLevel
from commerce.order_status import OrderStatus
from commerce.repositories.dynamo import DynamoTable
from commerce.repositories.items import stock_to_item
from commerce.repositories.stock_ledger import DynamoStockLedger
from infra.deployment import Deployment, Key, Table
from infra.local.cloud import LocalCloud
from infra.local.tables import create_tables, physical_name
from tests.integration.admin import Admin
from tests.integration.conftest import StockedProduct
from tests.integration.stripe_cards import AUTHORIZES

INVENTORY = """
query Inventory($id: ID!) {
  inventory(productId: $id) {
    product { id lowStockThreshold }
    levels { warehouseId available reserved shipped version lowStock }
    adjustments(first: 10) { edges { node { warehouseId by before after delta version note at } } }
  }
}"""

ADJUST = """
mutation Adjust($input: AdjustStockInput!) {
  adjustStock(input: $input) {
    errors { field code message }
    level { warehouseId available reserved shipped version lowStock }
    adjustment { by before after delta version note }
  }
}"""

LOW_STOCK = """
query Low($from: Date!, $to: Date!) {
  analytics(from: $from, to: $to) { lowStock { product { id } warehouseId available threshold } }
}"""


@pytest.fixture
def product(stocked_product: StockedProduct) -> str:
    """Stocked in the east (10, at version 0) and the centre (8); never in the west."""
    return stocked_product("stock-tests", {"wh-east": 10, "wh-central": 8})


def inventory(admin: Admin, product_id: str) -> dict[str, Any]:
    found: dict[str, Any] = admin.data(INVENTORY, {"id": product_id})["inventory"]
    return found


def level(admin: Admin, product_id: str, warehouse_id: str) -> dict[str, Any]:
    return next(lv for lv in inventory(admin, product_id)["levels"] if lv["warehouseId"] == warehouse_id)


def adjust(admin: Admin, product_id: str, warehouse_id: str, version: int, **change: Any) -> dict[str, Any]:
    given = {"productId": product_id, "warehouseId": warehouse_id, "expectedVersion": version, **change}
    payload: dict[str, Any] = admin.data(ADJUST, {"input": given})["adjustStock"]
    return payload


def low_stock(admin: Admin, product_id: str) -> set[tuple[str, int]]:
    items = admin.data(LOW_STOCK, {"from": "2026-01-01", "to": "2026-01-01"})["analytics"]["lowStock"]
    return {(item["warehouseId"], item["available"]) for item in items if item["product"]["id"] == product_id}


def test_every_warehouse_shows_a_level_even_where_the_product_never_was(admin: Admin, product: str) -> None:
    levels = {lv["warehouseId"]: lv for lv in inventory(admin, product)["levels"]}
    assert set(levels) == {"wh-east", "wh-central", "wh-west"}
    assert levels["wh-west"] == {
        "warehouseId": "wh-west",
        "available": 0,
        "reserved": 0,
        "shipped": 0,
        "version": 0,
        "lowStock": True,
    }
    assert admin.data(INVENTORY, {"id": "p-none"})["inventory"] is None


def test_setting_and_changing_stock_is_recorded_with_who_before_and_after(admin: Admin, product: str) -> None:
    first = adjust(admin, product, "wh-east", 0, quantity=40, note="delivery 7")
    assert first["errors"] == []
    assert first["level"] == {
        "warehouseId": "wh-east",
        "available": 40,
        "reserved": 0,
        "shipped": 0,
        "version": 1,
        "lowStock": False,
    }
    second = adjust(admin, product, "wh-east", 1, delta=-3, note="broken in the count")
    assert second["adjustment"] == {
        "by": "admin",
        "before": 40,
        "after": 37,
        "delta": -3,
        "version": 2,
        "note": "broken in the count",
    }
    trail = [edge["node"] for edge in inventory(admin, product)["adjustments"]["edges"]]
    assert [(a["before"], a["after"], a["by"], a["note"]) for a in trail] == [
        (40, 37, "admin", "broken in the count"),
        (10, 40, "admin", "delivery 7"),
    ]


def test_a_stale_version_is_refused_and_writes_nothing(admin: Admin, product: str) -> None:
    adjust(admin, product, "wh-east", 0, quantity=12)
    before = inventory(admin, product)
    stale = adjust(admin, product, "wh-east", 0, quantity=99)
    assert stale["level"] is None and stale["adjustment"] is None
    assert [(e["field"], e["code"]) for e in stale["errors"]] == [("expectedVersion", "VERSION_CONFLICT")]
    assert "now version 1" in stale["errors"][0]["message"]
    assert inventory(admin, product) == before


def test_an_adjustment_sent_again_after_its_answer_was_lost_changes_stock_once(admin: Admin, product: str) -> None:
    key = secrets.token_hex(8)
    first = adjust(admin, product, "wh-east", 0, delta=5, idempotencyKey=key)  # its answer never reaches the admin
    again = adjust(admin, product, "wh-east", 0, delta=5, idempotencyKey=key)
    assert again["errors"] == [] and again["adjustment"] == first["adjustment"]
    assert level(admin, product, "wh-east")["available"] == 15
    assert len(inventory(admin, product)["adjustments"]["edges"]) == 1


def test_the_ledgers_transaction_sent_again_applies_once_in_dynamodb(
    admin: Admin, product: str, local_cloud: LocalCloud
) -> None:
    ledger = local_cloud.repositories.stock_ledger
    before = local_cloud.repositories.inventory.levels(product)
    (east,) = [lv for lv in before if lv.warehouse_id == "wh-east"]
    change = StockAdjustment(
        product,
        "wh-east",
        "2026-11-24T09:30:00.000Z#wh-east#0",
        "2026-11-24T09:30:00.000Z",
        "admin",
        east.available,
        east.available + 5,
        east.version + 1,
        request="r" * 64,
    )
    ledger.record(east, change, 0, exists=True)
    ledger.record(east, change, 0, exists=True)  # the first answer lost, the same transaction again
    assert level(admin, product, "wh-east")["available"] == east.available + 5
    assert len(inventory(admin, product)["adjustments"]["edges"]) == 1


def test_a_reservation_since_the_admin_read_makes_their_version_stale(admin: Admin, product: str) -> None:
    seen = {lv["warehouseId"]: lv for lv in inventory(admin, product)["levels"]}
    order = admin.shop.place([(product, 2)], email="stock-race@example.com")
    admin.shop.pay(order, AUTHORIZES)
    admin.shop.wait_until(order, OrderStatus.FULFILLED)
    now = {lv["warehouseId"]: lv for lv in inventory(admin, product)["levels"]}
    (sold_from,) = [w for w in now if now[w]["version"] != seen[w]["version"]]
    conflict = adjust(admin, product, sold_from, seen[sold_from]["version"], quantity=50)
    assert [e["code"] for e in conflict["errors"]] == ["VERSION_CONFLICT"]
    assert level(admin, product, sold_from) == now[sold_from]  # the sale only, no admin write


def test_stock_never_goes_below_zero_and_reserved_units_are_left_alone(admin: Admin, product: str) -> None:
    local = admin.shop.cloud.repositories.inventory
    local.put(StockLevel(product, "wh-east", available=2, reserved=5, version=3))
    refused = adjust(admin, product, "wh-east", 3, delta=-3)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("delta", "NEGATIVE_STOCK")]
    emptied = adjust(admin, product, "wh-east", 3, quantity=0)
    assert (emptied["level"]["available"], emptied["level"]["reserved"]) == (0, 5)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"quantity": 1, "delta": 1}, "quantity", "INVALID"),
        ({"quantity": -5}, "quantity", "INVALID_QUANTITY"),
        ({"quantity": 1, "warehouseId": "wh-moon"}, "warehouseId", "WAREHOUSE_NOT_FOUND"),
        ({"quantity": 1, "productId": "p-none"}, "productId", "PRODUCT_NOT_FOUND"),
    ],
)
def test_a_wrong_adjustment_names_its_field(
    admin: Admin, product: str, change: dict[str, Any], field: str, code: str
) -> None:
    given = {"productId": product, "warehouseId": "wh-east", "expectedVersion": 0, **change}
    payload = admin.data(ADJUST, {"input": given})["adjustStock"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert inventory(admin, product)["adjustments"]["edges"] == []


def test_low_stock_shows_every_warehouses_low_items_as_sales_and_adjustments_move_them(
    admin: Admin, product: str
) -> None:
    assert low_stock(admin, product) == set()  # 10 and 8 against the default threshold of 5
    created = adjust(admin, product, "wh-west", 0, quantity=3)
    assert created["level"]["lowStock"] is True
    assert low_stock(admin, product) == {("wh-west", 3)}

    adjust(admin, product, "wh-east", 0, quantity=6)
    assert low_stock(admin, product) == {("wh-west", 3)}
    order = admin.shop.place([(product, 1)], email="low@example.com")  # Virginia: served from the east
    admin.shop.pay(order, AUTHORIZES)
    admin.shop.wait_until(order, OrderStatus.FULFILLED)
    assert low_stock(admin, product) == {("wh-west", 3), ("wh-east", 5)}


def test_a_new_threshold_moves_the_products_items_in_and_out_of_low_stock(admin: Admin, product: str) -> None:
    update = (
        "mutation($id: ID!, $t: Int!) { updateProduct(id: $id, input: {lowStockThreshold: $t}) { errors { code } } }"
    )
    assert admin.data(update, {"id": product, "t": 9})["updateProduct"]["errors"] == []
    assert low_stock(admin, product) == {("wh-central", 8)}
    assert level(admin, product, "wh-central")["lowStock"] is True
    admin.data(update, {"id": product, "t": 0})
    assert low_stock(admin, product) == set()


def test_the_low_stock_read_follows_the_scan_past_its_first_page(local_cloud: LocalCloud) -> None:
    # A Scan page stops after 1 MB read (Scan API reference): four items of ~300 KB make three pages or more.
    table = Table("lowstock-paging", hash_key=Key("product_id"), range_key=Key("warehouse_id"))
    client = boto3.client("dynamodb", endpoint_url=local_cloud.aws.endpoint_url)
    prefix = f"test-{secrets.token_hex(4)}"
    create_tables(client, Deployment(tables=(table,)), prefix)
    try:
        inventory = DynamoTable(client, physical_name(prefix, table))
        for product_id, available in (("p-a", 2), ("p-b", 50), ("p-c", 50), ("p-d", 1)):
            inventory.put({**stock_to_item(StockLevel(product_id, "wh-east", available)), "padding": "x" * 300_000})
        ledger = DynamoStockLedger(inventory, adjustments=inventory)
        assert sorted(level.product_id for level in ledger.low_stock()) == ["p-a", "p-d"]
    finally:
        client.delete_table(TableName=physical_name(prefix, table))
