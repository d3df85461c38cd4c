"""What one DynamoDB request reads and writes, from its JSON body and its answer: the items whose units it costs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bench.dynamodb_units import WireItem, item_size, read_units

WRITE_ACTIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})


@dataclass(frozen=True)
class WriteTarget:
    """One item a write request puts, updates, deletes or checks."""

    table: str
    key: WireItem
    after_from_request: WireItem | None  # a Put's item: known without reading it back


def decoded_answer(response: Any) -> tuple[bool, dict[str, Any]]:
    """(succeeded, body) of moto's (status, headers, body) answer."""
    status, _, body = response
    try:
        decoded = json.loads(body) if body else {}
    except ValueError:
        decoded = {}
    return int(status) < 300, decoded if isinstance(decoded, dict) else {}


def write_targets(action: str, body: dict[str, Any]) -> Iterator[WriteTarget]:
    if action == "PutItem":
        yield WriteTarget(body["TableName"], body["Item"], body["Item"])
    elif action in ("UpdateItem", "DeleteItem"):
        yield WriteTarget(body["TableName"], body["Key"], None)
    elif action == "TransactWriteItems":
        for entry in body.get("TransactItems", []):
            ((kind, request),) = entry.items()
            if kind == "Put":
                yield WriteTarget(request["TableName"], request["Item"], request["Item"])
            else:  # Update, Delete, ConditionCheck: a ConditionCheck writes nothing but is billed as a write
                yield WriteTarget(request["TableName"], request["Key"], None)
    elif action == "BatchWriteItem":
        for table_name, requests in body.get("RequestItems", {}).items():
            for request in requests:
                if "PutRequest" in request:
                    item = request["PutRequest"]["Item"]
                    yield WriteTarget(table_name, item, item)
                else:
                    yield WriteTarget(table_name, request["DeleteRequest"]["Key"], None)


def reads_of(action: str, body: dict[str, Any], answer: dict[str, Any]) -> Iterator[tuple[str, float]]:
    """(table, read units) for each read the request made, by the sizes of the items it answered with."""
    consistent = bool(body.get("ConsistentRead"))
    if action == "GetItem":
        yield body["TableName"], read_units(item_size(answer.get("Item")), consistent=consistent)
    elif action in ("Query", "Scan"):
        # A query is billed on the total size it read, rounded once; index reads are always eventually consistent.
        size = sum(item_size(item) for item in answer.get("Items", []))
        yield body["TableName"], read_units(size, consistent=consistent and "IndexName" not in body)
    elif action == "BatchGetItem":
        requested = body.get("RequestItems", {})
        for table_name, items in answer.get("Responses", {}).items():
            strongly = bool(requested.get(table_name, {}).get("ConsistentRead"))
            for item in items:
                yield table_name, read_units(item_size(item), consistent=strongly)
    elif action == "TransactGetItems":
        for request, found in zip(body.get("TransactItems", []), answer.get("Responses", []), strict=False):
            yield request["Get"]["TableName"], 2 * read_units(item_size(found.get("Item")), consistent=True)
