"""The local cloud creates the description's tables as Pulumi does: same keys, same indexes, same projections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest

from infra.deployment import DEPLOYMENT, Deployment, Index, Key, Table
from infra.local.cloud import LocalCloud
from infra.local.tables import create_tables, physical_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PREFIX = "local-tables-test"


@pytest.fixture
def dynamodb(local_cloud: LocalCloud) -> Iterator[DynamoDBClient]:
    # The session's local cloud, not moto's mock_aws(): entering and leaving that resets every moto backend of the
    # process, the running local cloud's tables and secrets with them (and the boto3 session its hooks live on).
    client: DynamoDBClient = boto3.client("dynamodb")
    before = set(client.list_tables()["TableNames"])
    yield client
    for name in set(client.list_tables()["TableNames"]) - before:
        client.delete_table(TableName=name)


def described_projections(table: Table) -> dict[str, str]:
    return {index.name: index.projection for index in table.indexes}


def created_projections(client: DynamoDBClient, table: Table) -> dict[str, str]:
    description = client.describe_table(TableName=physical_name(PREFIX, table))["Table"]
    return {
        index["IndexName"]: index["Projection"]["ProjectionType"]
        for index in description.get("GlobalSecondaryIndexes", [])
    }


def test_every_local_index_projects_what_the_description_says(dynamodb: DynamoDBClient) -> None:
    create_tables(dynamodb, DEPLOYMENT, PREFIX)

    for table in DEPLOYMENT.tables:
        assert created_projections(dynamodb, table) == described_projections(table), table.name
    assert set(created_projections(dynamodb, DEPLOYMENT.table("orders")).values()) == {"KEYS_ONLY"}


def test_an_index_described_without_a_projection_holds_whole_items(dynamodb: DynamoDBClient) -> None:
    gift_cards = Table("gift_cards", hash_key=Key("code"), indexes=(Index("by_owner", hash_key=Key("email")),))

    create_tables(dynamodb, Deployment(tables=(gift_cards,)), PREFIX)

    assert created_projections(dynamodb, gift_cards) == {"by_owner": "ALL"}
