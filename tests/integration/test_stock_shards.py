"""Splitting a hot product's stock over shard items and merging it back, through the admin API on the local cloud."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.secrets import LOCAL_ADMIN_USERNAME
from tests.integration.admin import Admin
from tests.integration.conftest import StockedProduct

LEVELS = """
query Inventory($id: ID!) {
  inventory(productId: $id) { levels { warehouseId available reserved shipped version shards } }
}"""

SPLIT = """
mutation Split($product: ID!, $warehouse: ID!, $shards: Int!) {
  splitStock(productId: $product, warehouseId: $warehouse, shards: $shards) {
    errors { field code message }
    level { warehouseId available reserved shipped shards version }
  }
}"""

MERGE = """
mutation Merge($product: ID!, $warehouse: ID!) {
  mergeStock(productId: $product, warehouseId: $warehouse) {
    errors { field code message }
    level { warehouseId available reserved shipped shards version }
  }
}"""

HISTORY = """
query History($id: ID!) {
  inventory(productId: $id) {
    adjustments(first: 10) {
      edges { node { kind warehouseId by before after delta version note shardsBefore shardsAfter reserved } }
    }
  }
}"""

ADJUST = """
mutation Adjust($input: AdjustStockInput!) {
  adjustStock(input: $input) { errors { field code message } level { available } }
}"""


@pytest.fixture
def product(stocked_product: StockedProduct) -> str:
    return stocked_product("shard-tests", {"wh-east": 30, "wh-central": 4})


def split(admin: Admin, product: str, shards: int, warehouse: str = "wh-east") -> dict[str, Any]:
    payload: dict[str, Any] = admin.data(SPLIT, {"product": product, "warehouse": warehouse, "shards": shards})[
        "splitStock"
    ]
    return payload


def merge(admin: Admin, product: str, warehouse: str = "wh-east") -> dict[str, Any]:
    payload: dict[str, Any] = admin.data(MERGE, {"product": product, "warehouse": warehouse})["mergeStock"]
    return payload


def east(admin: Admin, product: str) -> dict[str, Any]:
    levels = admin.data(LEVELS, {"id": product})["inventory"]["levels"]
    return next(level for level in levels if level["warehouseId"] == "wh-east")


def test_an_admin_splits_stock_over_shards_sees_the_sum_and_merges_it_back(admin: Admin, product: str) -> None:
    done = split(admin, product, 12)
    assert done["errors"] == []
    assert (done["level"]["available"], done["level"]["shards"]) == (30, 12)
    assert split(admin, product, 12)["level"] == done["level"]  # the same split again changes nothing
    assert (east(admin, product)["available"], east(admin, product)["shards"]) == (30, 12)

    merged = merge(admin, product)
    assert merged["errors"] == []
    assert (merged["level"]["available"], merged["level"]["reserved"], merged["level"]["shards"]) == (30, 0, 0)
    assert merge(admin, product)["level"] == merged["level"]


def test_refusals_are_user_errors(admin: Admin, product: str) -> None:
    assert [(e["field"], e["code"]) for e in split(admin, product, 1)["errors"]] == [("shards", "INVALID")]
    assert [e["code"] for e in split(admin, product, 4, warehouse="wh-west")["errors"]] == ["NOT_STOCKED"]
    assert [e["code"] for e in split(admin, "p-none", 4)["errors"]] == ["PRODUCT_NOT_FOUND"]
    version = split(admin, product, 4)["level"]["version"]
    assert [e["code"] for e in split(admin, product, 8)["errors"]] == ["STOCK_SPLIT"]

    given = {"productId": product, "warehouseId": "wh-east", "expectedVersion": version, "delta": 5}
    adjusted = admin.data(ADJUST, {"input": given})["adjustStock"]
    assert [(e["field"], e["code"]) for e in adjusted["errors"]] == [("warehouseId", "STOCK_SPLIT")]
    assert "merge it first" in adjusted["errors"][0]["message"]
    assert east(admin, product)["available"] == 30


def history(admin: Admin, product: str) -> list[tuple[Any, ...]]:
    edges = admin.data(HISTORY, {"id": product})["inventory"]["adjustments"]["edges"]
    return [tuple(edge["node"].values()) for edge in edges]  # in the order the query names the fields


def test_the_stock_history_shows_each_split_and_merge_once_beside_adjustments(admin: Admin, product: str) -> None:
    given = {"productId": product, "warehouseId": "wh-east", "expectedVersion": 0, "delta": 2, "note": "delivery"}
    assert admin.data(ADJUST, {"input": given})["adjustStock"]["errors"] == []
    version = split(admin, product, 12)["level"]["version"]
    split(admin, product, 12)  # asked again: nothing more recorded
    merged = merge(admin, product)["level"]["version"]
    merge(admin, product)

    me = LOCAL_ADMIN_USERNAME
    assert history(admin, product) == [
        ("MERGE", "wh-east", me, 32, 32, 0, merged, "", 12, 0, 0),
        ("SPLIT", "wh-east", me, 32, 32, 0, version, "", 0, 12, 0),
        ("ADJUSTMENT", "wh-east", me, 30, 32, 2, 1, "delivery", None, None, None),
    ]
