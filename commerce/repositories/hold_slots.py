"""Hold slots in the idempotency table ("hold-slot#…" and "hold-slots#order#…" keys; the table's TTL clears them).

Every claim is one conditional Put: the slot is free, the order's own, or expired at the caller's `now` (TTL deletes
up to days late, so an expired slot is judged by its `held_until`, never by its presence). A refused Put returns the
slot as stored (ReturnValuesOnConditionCheckFailure), so the refusal says until when without a second read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from botocore.exceptions import ClientError

from commerce.clock import from_iso
from commerce.hold_limits import HoldSlot, HoldSlotRepository
from commerce.repositories.dynamo import DynamoTable, from_wire, is_condition_failure, to_wire

# How long DynamoDB keeps a slot, or an order's list of slots, after it stopped counting: housekeeping only.
KEPT_AFTER = timedelta(days=1)


class DynamoHoldSlotRepository(HoldSlotRepository):
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def _read(self, names: Sequence[str]) -> dict[str, HoldSlot]:
        items = self.table.batch_get([{"key": name} for name in names], consistent=True)
        return {item["key"]: _slot(item) for item in items if "holder" in item}

    def _take(self, name: str, order_id: str, until: str, now: str) -> HoldSlot | None:
        try:
            self.table.client.put_item(
                TableName=self.table.name,
                Item=to_wire({"key": name, "holder": order_id, "held_until": until, "expires_at": _kept(until)}),
                ConditionExpression="attribute_not_exists(#key) OR holder = :order OR held_until <= :now",
                ExpressionAttributeNames={"#key": "key"},
                ExpressionAttributeValues=to_wire({":order": order_id, ":now": now}),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if is_condition_failure(exc):
                stored = cast("dict[str, Any] | None", exc.response.get("Item"))
                # Without the old item (a store that does not return it), the slot is taken until at least now.
                return _slot(from_wire(stored)) if stored else HoldSlot(name, "", until)
            raise
        return None

    def _set_until(self, name: str, order_id: str, until: str) -> None:
        self._conditionally(
            self.table.client.update_item,
            Key=to_wire({"key": name}),
            UpdateExpression="SET held_until = :until, expires_at = :expires",
            ConditionExpression="holder = :order",
            ExpressionAttributeValues=to_wire({":order": order_id, ":until": until, ":expires": _kept(until)}),
        )

    def _free(self, name: str, order_id: str) -> bool:
        return self._conditionally(
            self.table.client.delete_item,
            Key=to_wire({"key": name}),
            ConditionExpression="holder = :order",
            ExpressionAttributeValues=to_wire({":order": order_id}),
        )

    def _remember(self, order_id: str, names: Sequence[str], until: datetime) -> None:
        self.table.client.update_item(
            TableName=self.table.name,
            Key=to_wire({"key": _order_key(order_id)}),
            UpdateExpression="ADD slots :names SET expires_at = :expires",
            ExpressionAttributeValues={
                ":names": {"SS": list(names)},
                ":expires": {"N": str(int((until + KEPT_AFTER).timestamp()))},
            },
        )

    def _remembered(self, order_id: str) -> list[str]:
        item = self.table.get({"key": _order_key(order_id)})
        return sorted(item.get("slots", ())) if item else []

    def _forget(self, order_id: str) -> None:
        self.table.client.delete_item(TableName=self.table.name, Key=to_wire({"key": _order_key(order_id)}))

    def _conditionally(self, call: Any, **request: Any) -> bool:
        try:
            call(TableName=self.table.name, **request)
        except ClientError as exc:
            if is_condition_failure(exc):
                return False
            raise
        return True


def _order_key(order_id: str) -> str:
    return f"hold-slots#order#{order_id}"


def _kept(until: str) -> int:
    return int((from_iso(until) + KEPT_AFTER).timestamp())


def _slot(item: dict[str, Any]) -> HoldSlot:
    return HoldSlot(str(item["key"]), str(item["holder"]), str(item["held_until"]))
