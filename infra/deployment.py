"""The one description of the deployment, read by the Pulumi program and by the local cloud alike.

Tables (keys, indexes, TTL), functions (handler strings as Lambda knows them), state machines,
bus rules and schedules live here once, so what runs on a laptop and what `pulumi up` creates cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from commerce.settings import TableNames

AttributeType = Literal["S", "N"]


@dataclass(frozen=True)
class Key:
    name: str
    type: AttributeType = "S"


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: Key
    range_key: Key | None = None


@dataclass(frozen=True)
class Table:
    name: str  # logical name; the physical one reaches code through TableNames.env_var(name)
    hash_key: Key
    range_key: Key | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None

    @property
    def env_var(self) -> str:
        return TableNames.env_var(self.name)

    def attribute_definitions(self) -> list[Key]:
        keys = [self.hash_key, self.range_key]
        for index in self.indexes:
            keys += [index.hash_key, index.range_key]
        unique: dict[str, Key] = {}
        for key in keys:
            if key is not None:
                unique.setdefault(key.name, key)
        return list(unique.values())


TableAccess = Literal["read", "write"]


@dataclass(frozen=True)
class Function:
    name: str
    handler: str  # "module.function", exactly what Lambda is configured with
    description: str
    tables: dict[str, TableAccess] = field(default_factory=dict)
    memory_mb: int = 512
    timeout_s: int = 15
    reserved_concurrency: int | None = None
    publishes_events: bool = False
    starts_workflows: bool = False


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    pattern: dict[str, Any]
    target_function: str | None = None
    target_state_machine: str | None = None


@dataclass(frozen=True)
class Schedule:
    name: str
    expression: str  # EventBridge schedule expression, e.g. "rate(5 minutes)"
    target_function: str


@dataclass(frozen=True)
class Deployment:
    tables: tuple[Table, ...]
    functions: tuple[Function, ...] = ()
    rules: tuple[Rule, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    bus_name: str = "orders"

    def table(self, name: str) -> Table:
        return next(table for table in self.tables if table.name == name)

    def function(self, name: str) -> Function:
        return next(function for function in self.functions if function.name == name)


_S = Key

TABLES = (
    Table(
        "products",
        hash_key=_S("id"),
        # Shoppers page ACTIVE products, admins both listings; category filter is begins_with on the sort key.
        indexes=(Index("catalog", hash_key=_S("listing"), range_key=_S("category_sku")),),
    ),
    # Few warehouses: one partition keeps "list all warehouses" a Query, never a Scan.
    Table("warehouses", hash_key=_S("partition"), range_key=_S("id")),
    Table("inventory", hash_key=_S("product_id"), range_key=_S("warehouse_id")),
    Table(
        "orders",
        hash_key=_S("id"),
        indexes=(
            Index("by_customer", hash_key=_S("email"), range_key=_S("created_at")),
            Index("by_status", hash_key=_S("status"), range_key=_S("created_at")),
        ),
    ),
    Table("order_events", hash_key=_S("order_id"), range_key=_S("id")),
    Table("reservations", hash_key=_S("order_id")),
    Table("idempotency", hash_key=_S("key"), ttl_attribute="expires_at"),
)

_ALL_TABLES_READ: dict[str, TableAccess] = {table.name: "read" for table in TABLES}

FUNCTIONS = (
    Function(
        "api",
        handler="graphql_api.lambda_handler.handler",
        description="GraphQL API (Strawberry behind Mangum)",
        tables={
            **_ALL_TABLES_READ,
            "orders": "write",
            "order_events": "write",
            "idempotency": "write",
        },
        memory_mb=1024,
        timeout_s=29,
        publishes_events=True,
        starts_workflows=True,
    ),
)

DEPLOYMENT = Deployment(tables=TABLES, functions=FUNCTIONS)
