"""Admin stock changes in DynamoDB: the items' conditional writes and their audit record in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from commerce.admin.stock import StockAdjustment, StockChangeKind, StockLedger
from commerce.catalog import StockLevel
from commerce.errors import ConcurrentUpdateError
from commerce.pagination import Page
from commerce.repositories import items
from commerce.repositories.catalog import DynamoInventoryRepository
from commerce.repositories.dynamo import DynamoTable, Item, from_wire, is_condition_failure, to_wire
from commerce.stock_shards import item_key, shard_ids, split_units

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


# TransactWriteItems' ClientRequestToken is 1 to 36 characters (API reference).
_TOKEN_LENGTH = 36


class DynamoStockLedger(StockLedger):
    def __init__(self, inventory: DynamoTable, adjustments: DynamoTable) -> None:
        self.inventory = inventory
        self.adjustments = adjustments

    def record(
        self, before: StockLevel, adjustment: StockAdjustment, low_stock_threshold: int, *, exists: bool
    ) -> None:
        key = {"product_id": before.product_id, "warehouse_id": before.warehouse_id}
        change: TransactWriteItemTypeDef
        if exists:
            # The version condition pins `available` to the value the admin saw, so setting the new value outright
            # is exact; reserved and shipped are not named, so a reservation's units cannot be touched.
            change = {
                "Update": {
                    "TableName": self.inventory.name,
                    "Key": to_wire(key),
                    "UpdateExpression": "SET available = :after, headroom = :headroom, version = :next",
                    "ConditionExpression": "version = :expected",
                    "ExpressionAttributeValues": to_wire(
                        {
                            ":after": adjustment.after,
                            ":headroom": adjustment.after - low_stock_threshold,
                            ":next": adjustment.version,
                            ":expected": before.version,
                        }
                    ),
                }
            }
        else:
            level = StockLevel(before.product_id, before.warehouse_id, adjustment.after, version=adjustment.version)
            change = {
                "Put": {
                    "TableName": self.inventory.name,
                    "Item": to_wire(items.stock_to_item(level, low_stock_threshold)),
                    "ConditionExpression": "attribute_not_exists(product_id)",
                }
            }
        record: TransactWriteItemTypeDef = {
            "Put": {"TableName": self.adjustments.name, "Item": to_wire(adjustment_to_item(adjustment))}
        }
        try:
            if adjustment.request:
                # The same request again within 10 minutes (its answer lost) succeeds without applying twice; with
                # other parameters it is refused (IdempotentParameterMismatchException) and re-read by the caller.
                # Without a token, botocore makes one per call, so only its own retries would be covered.
                self.inventory.client.transact_write_items(
                    TransactItems=[change, record], ClientRequestToken=adjustment.request[:_TOKEN_LENGTH]
                )
            else:
                self.inventory.client.transact_write_items(TransactItems=[change, record])
        except ClientError as exc:
            # A failed condition, or a conflict with a reservation's transaction on the same item: either way the
            # admin's view is stale and nothing was written.
            if is_condition_failure(exc) or exc.response["Error"]["Code"] == "IdempotentParameterMismatchException":
                raise ConcurrentUpdateError("stock", f"{before.product_id}/{before.warehouse_id}") from exc
            raise

    def history(self, product_id: str, *, limit: int, cursor: str | None) -> Page[StockAdjustment]:
        page = self.adjustments.query_page(
            key_condition="product_id = :product_id",
            values={":product_id": product_id},
            cursor_keys=("product_id", "id"),
            limit=limit,
            cursor=cursor,
            forward=False,
        )
        return Page([adjustment_from_item(item) for item in page.items], page.cursors, page.has_next)

    def low_stock(self) -> list[StockLevel]:
        # A Scan, not an index. A `low_stock` GSI keyed on `headroom` cost every reservation and release two index
        # writes, because a changed index key is billed as a delete plus a put
        # (docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes):
        # 7.2 WRU per order on top of the item's own 9.6, ~$4.50 per million orders at $0.625 per million WRU
        # (aws.amazon.com/dynamodb/pricing/on-demand). This Scan reads the whole table for one admin view instead:
        # eventually consistent, 0.5 RRU per 4 KB of items read, summed over the page, not per item returned
        # (developerguide/read-write-operations.html), so 10,000 stock items of ~100 bytes ≈ 1 MB ≈ 125 RRU
        # ≈ $0.000016 at $0.125 per million RRU. The view costs as much as ~3.5 orders' index writes did: cheaper
        # as long as admins open it less often than once per few orders, and the table stays in the ten thousands.
        # A split level's base item comes back whatever its headroom (its shards hold the units, and have no headroom
        # of their own): its shards are summed in, and the caller judges the sum against the product's threshold.
        request: dict[str, Any] = {
            "TableName": self.inventory.name,
            "FilterExpression": "headroom <= :zero OR attribute_exists(shards)",
            "ExpressionAttributeValues": to_wire({":zero": 0}),
        }
        found: list[StockLevel] = []
        while True:
            # A page stops after 1 MB read, before the filter (Scan API reference); LastEvaluatedKey resumes it.
            response = self.inventory.client.scan(**request)
            found += [items.stock_from_item(from_wire(raw)) for raw in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return DynamoInventoryRepository(self.inventory).with_shards(found)
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def apply_threshold(self, product_id: str, threshold: int) -> None:
        for item in self.inventory.query_all(key_condition="product_id = :p", values={":p": product_id}):
            # One arithmetic step on the item's own `available`: right whatever a reservation did meanwhile.
            self.inventory.client.update_item(
                TableName=self.inventory.name,
                Key=to_wire({"product_id": product_id, "warehouse_id": item["warehouse_id"]}),
                UpdateExpression="SET headroom = available - :threshold",
                ConditionExpression="attribute_exists(product_id)",
                ExpressionAttributeValues=to_wire({":threshold": threshold}),
            )

    def split(self, level: StockLevel, shards: int, record: StockAdjustment) -> None:
        split = level.split + 1
        base: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self.inventory.name,
                "Key": to_wire({"product_id": level.product_id, "warehouse_id": level.warehouse_id}),
                "UpdateExpression": "SET available = available - :moved, headroom = if_not_exists(headroom, available)"
                " - :moved, #shards = :shards, #split = :split, version = version + :one",
                "ConditionExpression": "version = :expected AND attribute_not_exists(#shards)",
                "ExpressionAttributeNames": _SPLIT_NAMES,
                "ExpressionAttributeValues": to_wire(
                    {
                        ":moved": level.available,
                        ":shards": shards,
                        ":split": split,
                        ":one": 1,
                        ":expected": level.version,
                    }
                ),
            }
        }
        puts: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.inventory.name,
                    "Item": to_wire(_shard_item(level, shard, units)),
                    "ConditionExpression": "attribute_not_exists(product_id)",
                }
            }
            for shard, units in zip(shard_ids(split, shards), split_units(level.available, shards), strict=True)
        ]
        self._transact([base, *puts, self._put_record(record)], level)

    def merge(self, level: StockLevel, record: StockAdjustment) -> None:
        shards = [item for item in level.items if item.shard]
        base: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self.inventory.name,
                "Key": to_wire({"product_id": level.product_id, "warehouse_id": level.warehouse_id}),
                "UpdateExpression": "SET available = available + :available, reserved = reserved + :reserved,"
                " shipped = shipped + :shipped, headroom = if_not_exists(headroom, available) + :available,"
                " version = version + :one REMOVE #shards",
                "ConditionExpression": "version = :expected AND #shards = :shards AND #split = :split",
                "ExpressionAttributeNames": _SPLIT_NAMES,
                "ExpressionAttributeValues": to_wire(
                    {
                        ":available": sum(item.available for item in shards),
                        ":reserved": sum(item.reserved for item in shards),
                        ":shipped": sum(item.shipped for item in shards),
                        ":one": 1,
                        ":expected": level.version,
                        ":shards": level.shards,
                        ":split": level.split,
                    }
                ),
            }
        }
        # Each shard's version pins the units folded above: a hold or release on it since makes the merge fail whole.
        deletes: list[TransactWriteItemTypeDef] = [
            {
                "Delete": {
                    "TableName": self.inventory.name,
                    "Key": to_wire(
                        {"product_id": item_key(level.product_id, item.shard), "warehouse_id": level.warehouse_id}
                    ),
                    "ConditionExpression": "version = :version",
                    "ExpressionAttributeValues": to_wire({":version": item.version}),
                }
            }
            for item in shards
        ]
        self._transact([base, *deletes, self._put_record(record)], level)

    def _put_record(self, record: StockAdjustment) -> TransactWriteItemTypeDef:
        # The version conditions above already refuse a second write of the same split or merge; the record's own
        # condition makes a reused id fail the whole change rather than overwrite another record. At most 32 shards:
        # base, shards and record stay far inside a transaction's 100 actions.
        return {
            "Put": {
                "TableName": self.adjustments.name,
                "Item": to_wire(adjustment_to_item(record)),
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }

    def _transact(self, writes: list[TransactWriteItemTypeDef], level: StockLevel) -> None:
        try:
            self.inventory.client.transact_write_items(TransactItems=writes)
        except ClientError as exc:
            # A failed condition, or a hold's transaction on one of the items at the same moment: re-read.
            if is_condition_failure(exc) or exc.response["Error"]["Code"] == "TransactionCanceledException":
                raise ConcurrentUpdateError("stock", f"{level.product_id}/{level.warehouse_id}") from exc
            raise


_SPLIT_NAMES = {"#shards": "shards", "#split": "split"}


def _shard_item(level: StockLevel, shard: str, units: int) -> Item:
    # No headroom: the low-stock Scan must not list a shard (commerce/stock_shards.py).
    return {
        "product_id": item_key(level.product_id, shard),
        "warehouse_id": level.warehouse_id,
        "available": units,
        "reserved": 0,
        "shipped": 0,
        "version": 0,
    }


def adjustment_to_item(adjustment: StockAdjustment) -> Item:
    return {
        "product_id": adjustment.product_id,
        "id": adjustment.id,
        "warehouse_id": adjustment.warehouse_id,
        "at": adjustment.at,
        "by": adjustment.by,
        "before": adjustment.before,
        "after": adjustment.after,
        "version": adjustment.version,
        "note": adjustment.note,
        "request": adjustment.request,
        "kind": adjustment.kind.value,
        "shards_before": adjustment.shards_before,
        "shards_after": adjustment.shards_after,
        "reserved": adjustment.reserved,
    }


def adjustment_from_item(item: dict[str, Any]) -> StockAdjustment:
    return StockAdjustment(
        product_id=item["product_id"],
        warehouse_id=item["warehouse_id"],
        id=item["id"],
        at=item["at"],
        by=item["by"],
        before=int(item["before"]),
        after=int(item["after"]),
        version=int(item["version"]),
        note=item.get("note", ""),
        request=item.get("request", ""),
        # Records written before splits and merges were recorded are all adjustments.
        kind=StockChangeKind(item.get("kind", StockChangeKind.ADJUSTMENT)),
        shards_before=int(item.get("shards_before", 0)),
        shards_after=int(item.get("shards_after", 0)),
        reserved=int(item.get("reserved", 0)),
    )
