"""Create the deployment description's tables on the local cloud."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

from infra.deployment import Deployment, Table


def physical_name(prefix: str, table: Table) -> str:
    return f"{prefix}-{table.name}"


def table_environment(deployment: Deployment, prefix: str) -> dict[str, str]:
    """The environment variables that tell the code each table's physical name."""
    return {table.env_var: physical_name(prefix, table) for table in deployment.tables}


def create_tables(client: DynamoDBClient, deployment: Deployment, prefix: str) -> None:
    for table in deployment.tables:
        name = physical_name(prefix, table)
        spec: dict[str, Any] = {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": key.name, "AttributeType": key.type} for key in table.attribute_definitions()
            ],
            "KeySchema": _key_schema(table.hash_key.name, table.range_key.name if table.range_key else None),
        }
        if table.indexes:
            spec["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index.name,
                    "KeySchema": _key_schema(index.hash_key.name, index.range_key.name if index.range_key else None),
                    "Projection": {"ProjectionType": index.projection},
                }
                for index in table.indexes
            ]
        client.create_table(**spec)
        if table.ttl_attribute:
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute}
            )


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema
