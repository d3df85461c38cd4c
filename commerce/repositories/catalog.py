from __future__ import annotations

from collections.abc import Iterable

from botocore.exceptions import ClientError

from commerce.admin.warehouses import DuplicateWarehouseError
from commerce.catalog import DEFAULT_LOW_STOCK_THRESHOLD, Product, StockItem, StockLevel, Warehouse
from commerce.errors import ConcurrentUpdateError
from commerce.pagination import Page
from commerce.ports import InventoryRepository, ProductRepository, WarehouseRepository
from commerce.repositories import items
from commerce.repositories.dynamo import BATCH_GET_MAX_KEYS, DynamoTable, is_condition_failure, to_wire
from commerce.stock_shards import item_key, shard_ids, summed


class DynamoProductRepository(ProductRepository):
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def add(self, product: Product) -> None:
        self.table.put(items.product_to_item(product))

    def create(self, product: Product) -> None:
        self._put_if(product, "attribute_not_exists(id)", {})

    def replace(self, product: Product, expected_version: int) -> None:
        condition = "version = :expected"
        if expected_version == 0:  # products written before versions existed count as version 0
            condition += " OR (attribute_exists(id) AND attribute_not_exists(version))"
        self._put_if(product, condition, {":expected": expected_version})

    def _put_if(self, product: Product, condition: str, values: dict[str, object]) -> None:
        try:
            self.table.put(
                items.product_to_item(product),
                ConditionExpression=condition,
                **({"ExpressionAttributeValues": to_wire(values)} if values else {}),
            )
        except ClientError as exc:
            if is_condition_failure(exc):
                raise ConcurrentUpdateError("product", product.id) from exc
            raise

    def get(self, product_id: str) -> Product | None:
        item = self.table.get({"id": product_id})
        return items.product_from_item(item) if item else None

    def get_many(self, product_ids: Iterable[str]) -> dict[str, Product]:
        keys = [{"id": product_id} for product_id in dict.fromkeys(product_ids)]
        found = [items.product_from_item(item) for item in self.table.batch_get(keys)]
        return {product.id: product for product in found}

    def page(self, *, category: str | None, limit: int, cursor: str | None, active: bool = True) -> Page[Product]:
        condition = "listing = :listing"
        values: dict[str, object] = {":listing": items.LISTING_ACTIVE if active else items.LISTING_INACTIVE}
        if category is not None:
            condition += " AND begins_with(category_sku, :prefix)"
            values[":prefix"] = f"{category}#"
        page = self.table.query_page(
            index="catalog",
            key_condition=condition,
            values=values,
            cursor_keys=("id", "listing", "category_sku"),
            limit=limit,
            cursor=cursor,
        )
        return Page([items.product_from_item(item) for item in page.items], page.cursors, page.has_next)


class DynamoWarehouseRepository(WarehouseRepository):
    PARTITION = "warehouses"

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def add(self, warehouse: Warehouse) -> None:
        self.table.put(items.warehouse_to_item(warehouse, self.PARTITION))

    def create(self, warehouse: Warehouse) -> None:
        try:
            self.table.put(
                items.warehouse_to_item(warehouse, self.PARTITION), ConditionExpression="attribute_not_exists(id)"
            )
        except ClientError as exc:
            if is_condition_failure(exc):
                raise DuplicateWarehouseError(warehouse.id) from exc
            raise

    def all(self) -> list[Warehouse]:
        # Strongly consistent: an admin stocks a warehouse, and orders ship from it, right after creating it.
        # An eventually consistent Query could miss it for a moment after the write (DynamoDB read consistency).
        found = self.table.query_all(
            key_condition="#partition = :partition",
            values={":partition": self.PARTITION},
            names={"#partition": "partition"},
            consistent=True,
        )
        return [items.warehouse_from_item(item) for item in found]


class DynamoInventoryRepository(InventoryRepository):
    """Stock items keyed by product and warehouse.

    With the warehouses at hand, the levels of several products are one BatchGetItem (every product-and-warehouse
    key) instead of a Query per product: a storefront page of 20 products makes 2 requests instead of 20. Each item
    a BatchGetItem reads is priced on its own (0.5 read units, against one 0.5 per product for a Query), so a page
    of 20 products in 3 warehouses reads 30 units instead of 10: ~$2.50 per million pages, for 18 fewer round trips.

    Every stock read is strongly consistent, at twice the read units (1 per item, so ~$5 per million such pages): an
    allocation that lost a unit to another order re-reads the stock and allocates again, and an eventually
    consistent read may show it the same stale level on every round until it gives up ("Read consistency",
    DynamoDB developer guide). The admin's stock adjustments write on the level they read, too.
    """

    def __init__(self, table: DynamoTable, warehouses: WarehouseRepository | None = None) -> None:
        self.table = table
        self.warehouses = warehouses

    def put(self, level: StockLevel, low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD) -> None:
        self.table.put(items.stock_to_item(level, low_stock_threshold))

    def levels(self, product_id: str) -> list[StockLevel]:
        # Shard items have partition keys of their own (commerce/stock_shards.py), so this Query reads base items only.
        found = self.table.query_all(
            key_condition="product_id = :product_id", values={":product_id": product_id}, consistent=True
        )
        return self.with_shards([items.stock_from_item(item) for item in found])

    def with_shards(self, bases: list[StockLevel]) -> list[StockLevel]:
        """The levels with their shards added in: one more strongly consistent BatchGetItem when any is split."""
        keys = [
            {"product_id": item_key(base.product_id, shard), "warehouse_id": base.warehouse_id}
            for base in bases
            for shard in shard_ids(base.split, base.shards)
        ]
        if not keys:
            return bases
        shards: dict[tuple[str, str], StockItem] = {}
        for item in self.table.batch_get(keys, consistent=True):
            level = items.stock_from_item(item)
            shard = level.product_id.rpartition("#")[2]
            shards[(level.product_id, level.warehouse_id)] = StockItem(
                shard, level.available, level.reserved, level.shipped, level.version
            )
        return [
            summed(
                base,
                [
                    shards[key]
                    for shard in shard_ids(base.split, base.shards)
                    if (key := (item_key(base.product_id, shard), base.warehouse_id)) in shards
                ],
            )
            for base in bases
        ]

    def levels_for_many(self, product_ids: Iterable[str]) -> dict[str, list[StockLevel]]:
        wanted = list(dict.fromkeys(product_ids))
        # The batch costs two requests (the warehouses, then the items): worth it from three products on, and only
        # while one BatchGetItem (100 keys at most) holds them all.
        if self.warehouses is None or len(wanted) < 3:
            return super().levels_for_many(wanted)
        warehouse_ids = sorted(warehouse.id for warehouse in self.warehouses.all())
        if len(wanted) * len(warehouse_ids) > BATCH_GET_MAX_KEYS:
            return super().levels_for_many(wanted)
        keys = [{"product_id": product, "warehouse_id": warehouse} for product in wanted for warehouse in warehouse_ids]
        found: dict[str, list[StockLevel]] = {product: [] for product in wanted}
        bases = map(items.stock_from_item, self.table.batch_get(keys, consistent=True))
        for level in self.with_shards(sorted(bases, key=lambda lv: lv.warehouse_id)):
            found[level.product_id].append(level)
        return found
