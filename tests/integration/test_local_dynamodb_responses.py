"""The local cloud writes DynamoDB's item answers itself: the same documents moto's own serializer writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from infra.local import moto_dynamodb_responses
from infra.local.cloud import LocalCloud
from tests.integration.scratch_tables import scratch_table

EVERY_TYPE: dict[str, Any] = {
    "pk": {"S": "p"},
    "sk": {"S": "1"},
    "text": {"S": 'héllo "quoted" \\ ✓'},
    "number": {"N": "-12.50"},
    "binary": {"B": b"\x00\xffbytes"},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "list": {"L": [{"S": "a"}, {"N": "1"}, {"M": {"deep": {"SS": ["x", "y"]}}}]},
    "map": {"M": {"n": {"NS": ["1", "2.5"]}, "b": {"BS": [b"\x01", b"\x02"]}, "empty": {"S": ""}}},
}


@pytest.fixture
def table(local_cloud: LocalCloud) -> Iterator[tuple[Any, str]]:
    client = boto3.client("dynamodb")
    with scratch_table(client, "responses") as name:
        client.put_item(TableName=name, Item=EVERY_TYPE)
        client.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": "2"}, "text": {"S": "plain"}})
        yield client, name


def _calls(client: Any, name: str) -> dict[str, Callable[[], Any]]:
    key = {"pk": {"S": "p"}, "sk": {"S": "2"}}
    return {
        "GetItem": lambda: client.get_item(TableName=name, Key={"pk": {"S": "p"}, "sk": {"S": "1"}}),
        "GetItem of no item": lambda: client.get_item(TableName=name, Key={"pk": {"S": "none"}, "sk": {"S": "1"}}),
        "Query": lambda: client.query(
            TableName=name,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "p"}},
            Limit=1,
            ReturnConsumedCapacity="TOTAL",
        ),
        "Scan": lambda: client.scan(TableName=name),
        "BatchGetItem": lambda: client.batch_get_item(
            RequestItems={name: {"Keys": [key, {"pk": {"S": "p"}, "sk": {"S": "1"}}]}}
        ),
        "UpdateItem": lambda: client.update_item(
            TableName=name,
            Key=key,
            UpdateExpression="SET tally = if_not_exists(tally, :zero) + :one",
            ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}},
            ReturnValues="ALL_NEW",
        ),
        "PutItem": lambda: client.put_item(
            TableName=name, Item={**key, "text": {"S": "again"}}, ReturnValues="ALL_OLD"
        ),
        "TransactGetItems": lambda: client.transact_get_items(TransactItems=[{"Get": {"TableName": name, "Key": key}}]),
    }


def test_item_answers_written_directly_read_the_same_as_moto_writes_them(table: tuple[Any, str]) -> None:
    client, name = table
    differences = []
    for operation, call in _calls(client, name).items():
        moto_dynamodb_responses.written_by_moto()
        try:
            by_moto = call()
        finally:
            moto_dynamodb_responses.write_item_responses_directly()
        directly = call()
        for answer in (by_moto, directly):
            answer.pop("ResponseMetadata")
            answer.get("Attributes", {}).pop("tally", None)  # UpdateItem counts its own calls
            answer.get("Attributes", {}).pop("text", None)  # PutItem's old item is the one put before
        if by_moto != directly:
            differences.append((operation, by_moto, directly))
    assert differences == []


def test_the_item_operations_are_the_ones_written_directly(table: tuple[Any, str]) -> None:
    client, name = table
    written: list[str] = []
    original = moto_dynamodb_responses._ORIGINAL

    def spying(self: Any, action_result: Any) -> Any:
        written.append(self._get_action())
        return original(self, action_result)

    moto_dynamodb_responses._ORIGINAL = spying
    try:
        client.get_item(TableName=name, Key={"pk": {"S": "p"}, "sk": {"S": "2"}})
        client.describe_table(TableName=name)
    finally:
        moto_dynamodb_responses._ORIGINAL = original
    assert written == ["DescribeTable"]
