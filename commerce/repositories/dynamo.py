"""A thin layer over the low-level DynamoDB client: typed items in, typed items out, opaque cursors."""

from __future__ import annotations

import itertools
import logging
import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError, ParamValidationError

from commerce.errors import ConcurrentUpdateError
from commerce.pagination import InvalidCursorError, Page, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

logger = logging.getLogger(__name__)

Item = dict[str, Any]

BATCH_GET_MAX_KEYS = 100  # per BatchGetItem request (BatchGetItem API reference)

_FIRST_BACKOFF_S = 0.05
_MAX_BACKOFF_S = 1.6

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_wire(item: Item) -> dict[str, Any]:
    return {key: _serializer.serialize(_decimals(value)) for key, value in item.items()}


def from_wire(item: dict[str, Any]) -> Item:
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def _decimals(value: Any) -> Any:
    # boto3 refuses floats (inexact); str() keeps the float's shortest exact representation.
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: _decimals(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_decimals(inner) for inner in value]
    return value


def _impossible(key: Item) -> bool:
    """DynamoDB refuses an empty string as a key value (ValidationException): no item has one, so none is found.
    A client's `product(id: "")` is an unknown product, not a server error."""
    return any(value == "" for value in key.values())


def is_condition_failure(error: Exception) -> bool:
    code = getattr(error, "response", {}).get("Error", {}).get("Code")
    return code in {"ConditionalCheckFailedException", "TransactionCanceledException"}


# Cancellation reasons that say nothing about our conditions: the transaction wrote nothing and the same request may
# be sent again. TransactionConflict: another transaction held one of the items; ThrottlingError and
# ProvisionedThroughputExceeded: the item's partition was over its limit (a hot product takes ~1,000 writes a second).
# botocore retries a throttled call, but not a TransactionCanceledException, whatever its reasons
# (TransactWriteItems API reference, "TransactionCanceledException"; botocore/data/_retry.json).
TRANSIENT_CANCELLATIONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
TRANSACT_RETRIES = 5  # at most 0.05 + 0.1 + 0.2 + 0.4 + 0.8 = 1.55 s of jittered waiting in all
_TRANSACT_MAX_BACKOFF_S = 1.0


def transact(
    client: DynamoDBClient,
    writes: list[TransactWriteItemTypeDef],
    *,
    entity: str,
    key: str,
    retries: int = TRANSACT_RETRIES,
    pause: Callable[[float], None] = time.sleep,
) -> None:
    """TransactWriteItems, sent again while DynamoDB cancels it for transient reasons only.

    Backoff is exponential with full jitter, as AWS advises ("Error retries and exponential backoff", DynamoDB
    developer guide): at most `retries` more attempts, then ConcurrentUpdateError(entity, key) from the last
    cancellation (which the saga's Retry names). A cancellation that names a failed condition anywhere is raised as
    it is: the caller's to decide.
    """
    for attempt in range(retries + 1):
        try:
            client.transact_write_items(TransactItems=writes)
            return
        except ClientError as exc:
            codes = set(cancellation_codes(exc)) - {"None"}
            if not codes or not codes <= TRANSIENT_CANCELLATIONS:
                raise
            if attempt == retries:
                raise ConcurrentUpdateError(entity, key) from exc
            logger.info("%s %s: transaction cancelled for %s; retrying", entity, key, ", ".join(sorted(codes)))
            backoff = min(_TRANSACT_MAX_BACKOFF_S, _FIRST_BACKOFF_S * 2**attempt)
            pause(random.uniform(0, backoff))  # noqa: S311 - jitter, not cryptography


def cancellation_codes(error: Exception) -> list[str]:
    """Per-item reasons of a cancelled TransactWriteItems, in request order ("None" where that item was fine)."""
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    return [reason.get("Code", "None") for reason in reasons]


class DynamoTable:
    def __init__(self, client: DynamoDBClient, name: str) -> None:
        self.client = client
        self.name = name

    def get(self, key: Item, *, consistent: bool = True) -> Item | None:
        if _impossible(key):
            return None
        response = self.client.get_item(TableName=self.name, Key=to_wire(key), ConsistentRead=consistent)
        raw = response.get("Item")
        return from_wire(raw) if raw else None

    def put(self, item: Item, **kwargs: Any) -> None:
        self.client.put_item(TableName=self.name, Item=to_wire(item), **kwargs)

    def batch_get(self, keys: list[Item], *, consistent: bool = False) -> list[Item]:
        items: list[Item] = []
        keys = [key for key in keys if not _impossible(key)]
        # BatchGetItem may return some keys as UnprocessedKeys, which AWS asks to retry "using exponential backoff"
        # (BatchGetItem API reference). Items come back in no particular order.
        for start in range(0, len(keys), BATCH_GET_MAX_KEYS):
            chunk = keys[start : start + BATCH_GET_MAX_KEYS]
            request: dict[str, Any] = {self.name: {"Keys": [to_wire(key) for key in chunk]}}
            for attempt in itertools.count():
                if attempt:
                    time.sleep(min(_MAX_BACKOFF_S, _FIRST_BACKOFF_S * 2 ** (attempt - 1)))
                if consistent:
                    request[self.name]["ConsistentRead"] = True
                response = self.client.batch_get_item(RequestItems=request)
                items += [from_wire(raw) for raw in response.get("Responses", {}).get(self.name, [])]
                request = {name: dict(keys) for name, keys in (response.get("UnprocessedKeys") or {}).items()}
                if not request:
                    break
        return items

    def query_page(
        self,
        *,
        key_condition: str,
        values: Item,
        cursor_keys: tuple[str, ...],
        names: dict[str, str] | None = None,
        index: str | None = None,
        limit: int,
        cursor: str | None,
        forward: bool = True,
    ) -> Page[Item]:
        """One page of a Query; `cursor_keys` are the table's and the index's key attributes.

        Asks for one item more than the page holds, so `has_next` is exact (DynamoDB's LastEvaluatedKey
        is also set when the next page would be empty).
        """
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": to_wire(values),
            "Limit": limit + 1,
            "ScanIndexForward": forward,
        }
        if names:
            request["ExpressionAttributeNames"] = names
        if index:
            request["IndexName"] = index
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor)
        try:
            raw_items = self.client.query(**request).get("Items", [])
        except ParamValidationError as exc:  # a decodable cursor whose content is not a DynamoDB key
            if cursor:
                raise InvalidCursorError(cursor) from exc
            raise
        except ClientError as exc:
            if cursor and exc.response.get("Error", {}).get("Code") == "ValidationException":
                raise InvalidCursorError(cursor) from exc
            raise
        found = [from_wire(raw) for raw in raw_items[:limit]]
        cursors = [encode_cursor({key: raw[key] for key in cursor_keys}) for raw in raw_items[:limit]]
        return Page(found, cursors, has_next=len(raw_items) > limit)

    def query_all(
        self, *, key_condition: str, values: Item, names: dict[str, str] | None = None, consistent: bool = False
    ) -> list[Item]:
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": to_wire(values),
        }
        if consistent:
            request["ConsistentRead"] = True
        if names:
            request["ExpressionAttributeNames"] = names
        items: list[Item] = []
        while True:
            response = self.client.query(**request)
            items += [from_wire(raw) for raw in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
