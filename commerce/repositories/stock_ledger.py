"""Admin stock changes in DynamoDB: the item's conditional write and its audit record in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from commerce.admin.stock import StockAdjustment, StockLedger
from commerce.catalog import StockLevel
from commerce.errors import ConcurrentUpdateError
from commerce.pagination import Page
from commerce.repositories import items
from commerce.repositories.dynamo import DynamoTable, Item, from_wire, is_condition_failure, to_wire

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
        request: dict[str, Any] = {
            "TableName": self.inventory.name,
            "FilterExpression": "headroom <= :zero",
            "ExpressionAttributeValues": to_wire({":zero": 0}),
        }
        found: list[StockLevel] = []
        while True:
            # A page stops after 1 MB read, before the filter (Scan API reference); LastEvaluatedKey resumes it.
            response = self.inventory.client.scan(**request)
            found += [items.stock_from_item(from_wire(raw)) for raw in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return found
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
    )
