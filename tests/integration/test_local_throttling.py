"""The local cloud's partitions throttled as DynamoDB's are, scaled down (infra/local/moto_throttling.py), through
boto3: a transaction past a partition's write units in the current second is cancelled with ThrottlingError."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.local.cloud import LocalCloud
from tests.integration.scratch_tables import scratch_table


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 5, 12, 0, 0, 100_000, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def table(local_cloud: LocalCloud) -> Iterator[tuple[Any, str]]:
    client = boto3.client("dynamodb")
    with scratch_table(client, "throttled") as name:
        yield client, name


def _put(table: str, pk: str, sk: str, payload: str = "") -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": {"pk": {"S": pk}, "sk": {"S": sk}, "v": {"S": payload or "x"}}}}


def _cancellation(client: Any, writes: list[dict[str, Any]]) -> list[str]:
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=writes)
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    return [reason["Code"] for reason in refused.value.response["CancellationReasons"]]


def _stored(client: Any, table: str, pk: str, sk: str) -> bool:
    return "Item" in client.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True)


def test_a_partition_past_its_write_units_this_second_has_its_transaction_cancelled_with_throttling(
    local_cloud: LocalCloud, table: tuple[Any, str]
) -> None:
    client, name = table
    clock = MovableClock()
    with local_cloud.partitions_throttled(4, clock) as throttle:
        # 2 units per small item in a transaction: the hot partition takes two such writes a second.
        client.transact_write_items(TransactItems=[_put(name, "hot", "a"), _put(name, "cold", "a")])
        client.transact_write_items(TransactItems=[_put(name, "hot", "b")])

        codes = _cancellation(client, [_put(name, "cold", "b"), _put(name, "hot", "c"), _put(name, "warm", "c")])

        assert codes == ["None", "ThrottlingError", "None"]
        assert not any(_stored(client, name, pk, sk) for pk, sk in (("cold", "b"), ("hot", "c"), ("warm", "c")))
        assert throttle.refused == 1 and throttle.peak == 4


def test_the_next_second_a_throttled_partition_takes_writes_again(
    local_cloud: LocalCloud, table: tuple[Any, str]
) -> None:
    client, name = table
    clock = MovableClock()
    with local_cloud.partitions_throttled(2, clock):
        client.transact_write_items(TransactItems=[_put(name, "hot", "a")])
        assert _cancellation(client, [_put(name, "hot", "b")]) == ["ThrottlingError"]

        clock.now += timedelta(seconds=1)
        client.transact_write_items(TransactItems=[_put(name, "hot", "b")])

    assert _stored(client, name, "hot", "b")


def test_a_shard_items_partition_is_not_throttled_by_its_base_items(
    local_cloud: LocalCloud, table: tuple[Any, str]
) -> None:
    client, name = table
    with local_cloud.partitions_throttled(2, MovableClock()):
        client.transact_write_items(TransactItems=[_put(name, "p-1", "wh-east")])
        assert _cancellation(client, [_put(name, "p-1", "wh-west")]) == ["ThrottlingError"]

        for shard in ("p-1#g1s00", "p-1#g1s01"):
            client.transact_write_items(TransactItems=[_put(name, shard, "wh-east")])

    assert _stored(client, name, "p-1#g1s01", "wh-east")


def test_a_transactional_write_costs_two_units_per_kilobyte_of_the_item(
    local_cloud: LocalCloud, table: tuple[Any, str]
) -> None:
    client, name = table
    big = "x" * 1500  # with its names and keys, between 1 and 2 KB: 4 units
    with local_cloud.partitions_throttled(3, MovableClock()):
        assert _cancellation(client, [_put(name, "big", "a", big)]) == ["ThrottlingError"]
    with local_cloud.partitions_throttled(4, MovableClock()) as throttle:
        client.transact_write_items(TransactItems=[_put(name, "big", "a", big)])
        # An update is charged for the item stored, however little it changes.
        update = {
            "Update": {
                "TableName": name,
                "Key": {"pk": {"S": "big"}, "sk": {"S": "a"}},
                "UpdateExpression": "SET w = :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }
        assert _cancellation(client, [update]) == ["ThrottlingError"]
        assert throttle.peak == 4


def test_off_the_local_cloud_never_throttles(local_cloud: LocalCloud, table: tuple[Any, str]) -> None:
    client, name = table
    with local_cloud.partitions_throttled(2, MovableClock()):
        pass  # and off again on leaving

    for key in range(30):
        client.transact_write_items(TransactItems=[_put(name, "hot", f"k{key}")])

    assert _stored(client, name, "hot", "k29")


def test_throttling_the_stock_table_leaves_the_other_tables_alone(
    local_cloud: LocalCloud, table: tuple[Any, str]
) -> None:
    client, name = table
    inventory = local_cloud.environment[local_cloud.deployment.table("inventory").env_var]
    product = f"p-throttled-{secrets.token_hex(4)}"

    def stock(warehouse: str) -> dict[str, Any]:
        item = {"product_id": {"S": product}, "warehouse_id": {"S": warehouse}, "available": {"N": "1"}}
        return {"Put": {"TableName": inventory, "Item": item}}

    with local_cloud.partitions_throttled(2, MovableClock(), tables=("inventory",)) as throttle:
        client.transact_write_items(TransactItems=[stock("wh-east"), _put(name, "hot", "a")])
        for key in ("b", "c"):
            client.transact_write_items(TransactItems=[_put(name, "hot", key)])

        assert _cancellation(client, [_put(name, "hot", "d"), stock("wh-west")]) == ["None", "ThrottlingError"]
        assert throttle.peaks == {inventory: 2}
