"""DataTables: every table of the deployment description, on demand, with point-in-time recovery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.deployment import Key, Table


@dataclass(frozen=True)
class DataTablesArgs:
    tables: Sequence[Table]
    deletion_protection: bool = True


class DataTables(pulumi.ComponentResource):
    """Physical names are `<name>-<logical>`, as the local cloud names them; code learns them from the environment."""

    tables: dict[str, aws.dynamodb.Table]

    def __init__(self, name: str, args: DataTablesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fulfillment:index:DataTables", name, None, opts)
        self.tables = {
            table.name: aws.dynamodb.Table(
                f"{name}-{table.name}",
                name=f"{name}-{table.name}",
                billing_mode="PAY_PER_REQUEST",
                hash_key=table.hash_key.name,
                range_key=table.range_key.name if table.range_key else None,
                attributes=[
                    aws.dynamodb.TableAttributeArgs(name=key.name, type=key.type)
                    for key in table.attribute_definitions()
                ],
                global_secondary_indexes=[
                    aws.dynamodb.TableGlobalSecondaryIndexArgs(
                        name=index.name,
                        key_schemas=_key_schema(index.hash_key, index.range_key),
                        projection_type=index.projection,
                    )
                    for index in table.indexes
                ],
                ttl=aws.dynamodb.TableTtlArgs(attribute_name=table.ttl_attribute, enabled=True)
                if table.ttl_attribute
                else None,
                point_in_time_recovery={"enabled": True},
                deletion_protection_enabled=args.deletion_protection,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for table in args.tables
        }
        self.register_outputs({name: table.arn for name, table in self.tables.items()})

    @property
    def names(self) -> dict[str, pulumi.Output[str]]:
        return {name: table.name for name, table in self.tables.items()}

    @property
    def arns(self) -> dict[str, pulumi.Output[str]]:
        return {name: table.arn for name, table in self.tables.items()}


def _key_schema(hash_key: Key, range_key: Key | None) -> list[aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs]:
    keys = [(hash_key, "HASH"), *([(range_key, "RANGE")] if range_key is not None else [])]
    return [aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(attribute_name=k.name, key_type=t) for k, t in keys]
