"""The local cloud's TransactWriteItems: all or nothing, as on DynamoDB, backing up only the items it touches."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from commerce.clock import system_clock
from infra.local.cloud import LocalCloud
from infra.local.moto_transactions import honour_client_request_tokens
from tests.integration.scratch_tables import scratch_table


@pytest.fixture
def tables(local_cloud: LocalCloud) -> Iterator[tuple[Any, str, str]]:
    client = boto3.client("dynamodb")
    with scratch_table(client, "tx-ranged") as ranged, scratch_table(client, "tx-plain", sort_key=False) as plain:
        for key in ("a", "b"):
            client.put_item(TableName=ranged, Item={"pk": {"S": "p"}, "sk": {"S": key}, "v": {"N": "1"}})
        client.put_item(TableName=plain, Item={"pk": {"S": "x"}, "v": {"N": "1"}})
        yield client, ranged, plain


def _writes(ranged: str, plain: str, *, condition: str) -> list[dict[str, Any]]:
    return [
        {
            "Update": {
                "TableName": ranged,
                "Key": {"pk": {"S": "p"}, "sk": {"S": "a"}},
                "UpdateExpression": "SET v = :two",
                "ExpressionAttributeValues": {":two": {"N": "2"}},
            }
        },
        {"Delete": {"TableName": ranged, "Key": {"pk": {"S": "p"}, "sk": {"S": "b"}}}},
        {"Put": {"TableName": ranged, "Item": {"pk": {"S": "p"}, "sk": {"S": "c"}, "v": {"N": "3"}}}},
        {
            "Update": {
                "TableName": plain,
                "Key": {"pk": {"S": "x"}},
                "UpdateExpression": "SET v = :two",
                "ConditionExpression": condition,
                "ExpressionAttributeValues": {":two": {"N": "2"}},
            }
        },
    ]


def _state(client: Any, ranged: str, plain: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for key in ("a", "b", "c"):
        item = client.get_item(TableName=ranged, Key={"pk": {"S": "p"}, "sk": {"S": key}}).get("Item")
        found[key] = item["v"]["N"] if item else None
    item = client.get_item(TableName=plain, Key={"pk": {"S": "x"}}).get("Item")
    found["x"] = item["v"]["N"] if item else None
    return found


def test_a_cancelled_transaction_leaves_every_item_as_it_was(tables: tuple[Any, str, str]) -> None:
    client, ranged, plain = tables
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=_writes(ranged, plain, condition="attribute_not_exists(pk)"))
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _state(client, ranged, plain) == {"a": "1", "b": "1", "c": None, "x": "1"}


def test_a_transaction_whose_conditions_hold_applies_every_write(tables: tuple[Any, str, str]) -> None:
    client, ranged, plain = tables
    client.transact_write_items(TransactItems=_writes(ranged, plain, condition="attribute_exists(pk)"))
    assert _state(client, ranged, plain) == {"a": "2", "b": None, "c": "3", "x": "2"}


def test_a_transaction_naming_a_missing_table_changes_nothing(tables: tuple[Any, str, str]) -> None:
    client, ranged, plain = tables
    writes = _writes(ranged, "no-such-table", condition="attribute_exists(pk)")
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=writes)
    assert _state(client, ranged, plain) == {"a": "1", "b": "1", "c": None, "x": "1"}


def _stock(table: str, key: str, units: int, version: int) -> list[dict[str, Any]]:
    return [
        {
            "Update": {
                "TableName": table,
                "Key": {"pk": {"S": key}},
                "UpdateExpression": "SET v = :units, version = :next",
                "ConditionExpression": "attribute_not_exists(version) OR version = :expected",
                "ExpressionAttributeValues": {
                    ":units": {"N": str(units)},
                    ":next": {"N": str(version + 1)},
                    ":expected": {"N": str(version)},
                },
            }
        }
    ]


def test_the_same_token_and_request_again_succeeds_without_writing_twice(tables: tuple[Any, str, str]) -> None:
    client, _, plain = tables
    token = secrets.token_hex(16)
    client.transact_write_items(TransactItems=_stock(plain, "x", 7, 0), ClientRequestToken=token)
    client.put_item(TableName=plain, Item={"pk": {"S": "x"}, "v": {"N": "9"}, "version": {"N": "5"}})
    # Its condition (version 0) no longer holds: only a replay can succeed, and it must not write 7 again.
    client.transact_write_items(TransactItems=_stock(plain, "x", 7, 0), ClientRequestToken=token)
    assert client.get_item(TableName=plain, Key={"pk": {"S": "x"}})["Item"]["v"]["N"] == "9"
    with pytest.raises(ClientError) as refused:  # without the token, it is a new request, and refused
        client.transact_write_items(TransactItems=_stock(plain, "x", 7, 0))
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"


def test_the_same_token_with_another_request_is_refused_as_a_mismatch(tables: tuple[Any, str, str]) -> None:
    client, _, plain = tables
    token = secrets.token_hex(16)
    client.transact_write_items(TransactItems=_stock(plain, "x", 7, 0), ClientRequestToken=token)
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=_stock(plain, "x", 8, 1), ClientRequestToken=token)
    assert refused.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    assert client.get_item(TableName=plain, Key={"pk": {"S": "x"}})["Item"]["v"]["N"] == "7"


def test_a_token_is_forgotten_ten_minutes_after_its_request_completed(tables: tuple[Any, str, str]) -> None:
    client, _, plain = tables
    tokens = honour_client_request_tokens()
    started = datetime.now(UTC)
    tokens.clock = lambda: started
    try:
        token = secrets.token_hex(16)
        client.transact_write_items(TransactItems=_stock(plain, "x", 7, 0), ClientRequestToken=token)
        tokens.clock = lambda: started + timedelta(minutes=10)
        client.transact_write_items(TransactItems=_stock(plain, "x", 8, 1), ClientRequestToken=token)  # a new one
        assert client.get_item(TableName=plain, Key={"pk": {"S": "x"}})["Item"]["v"]["N"] == "8"
    finally:
        tokens.clock = system_clock


def test_a_cancelled_transactions_token_is_not_remembered(tables: tuple[Any, str, str]) -> None:
    client, _, plain = tables
    client.put_item(TableName=plain, Item={"pk": {"S": "x"}, "v": {"N": "1"}, "version": {"N": "1"}})
    token = secrets.token_hex(16)
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=_stock(plain, "x", 7, 3), ClientRequestToken=token)
    client.transact_write_items(TransactItems=_stock(plain, "x", 7, 1), ClientRequestToken=token)  # no mismatch
    assert client.get_item(TableName=plain, Key={"pk": {"S": "x"}})["Item"]["v"]["N"] == "7"
