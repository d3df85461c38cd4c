"""Every admin field refuses callers without a valid admin token, with a typed error, also where errors are masked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

import graphql
import pytest
from strawberry.dataloader import DataLoader

from commerce.admin.tokens import AdminPrincipal, TokenCheck, TokenState
from commerce.bootstrap import Bus
from graphql_api.context import Context, Loaders, ReadSide
from graphql_api.schema import build_schema

ADMIN_QUERIES = {
    "adminOrders": "{ adminOrders { edges { node { id } } } }",
    "adminOrder": '{ adminOrder(id: "ord_1") { id } }',
    "warehouses": "{ warehouses { id } }",
    "inventory": '{ inventory(productId: "p-mug") { levels { available } } }',
    "adminProducts": "{ adminProducts { edges { node { id } } } }",
    "analytics": '{ analytics(from: "2026-11-01", to: "2026-11-30") { ordersPlaced } }',
    "cancelOrder": 'mutation { cancelOrder(id: "ord_1", reason: "r") { errors { code } } }',
    "adjustStock": 'mutation { adjustStock(input: {productId: "p", warehouseId: "w", expectedVersion: 0, quantity: 1})'
    " { errors { code } } }",
    "splitStock": 'mutation { splitStock(productId: "p", warehouseId: "w", shards: 4) { errors { code } } }',
    "mergeStock": 'mutation { mergeStock(productId: "p", warehouseId: "w") { errors { code } } }',
    "createProduct": 'mutation { createProduct(input: {sku: "S", name: "n", category: "c", '
    'price: {amount: 1, currency: "USD"}}) { errors { code } } }',
    "updateProduct": 'mutation { updateProduct(id: "p", input: {name: "n"}) { errors { code } } }',
    "deactivateProduct": 'mutation { deactivateProduct(id: "p") { errors { code } } }',
    "reactivateProduct": 'mutation { reactivateProduct(id: "p") { errors { code } } }',
    "createWarehouse": 'mutation { createWarehouse(input: {id: "wh-x", name: "n", region: "r", latitude: 0, '
    "longitude: 0}) { errors { code } } }",
}
PUBLIC = {"products", "product", "order", "orderUpdates", "placeOrder", "payOrder", "adminLogin"}


def run(query: str, check: TokenCheck) -> Any:
    # No services: a refused field must never reach its resolver.
    loaders = Loaders(availability=DataLoader(load_fn=lambda keys: None))  # type: ignore[arg-type,return-value]
    context = Context(bus=cast(Bus, None), read=cast(ReadSide, None), loaders=loaders, admin=check)
    return asyncio.run(build_schema(production=True).execute(query, context_value=context))


def test_every_field_of_the_schema_is_either_public_or_checked_here() -> None:
    schema = graphql.build_schema(build_schema(production=True).as_str())
    assert schema.query_type is not None and schema.mutation_type is not None
    names = set(schema.query_type.fields) | set(schema.mutation_type.fields)
    assert names - PUBLIC == set(ADMIN_QUERIES)


@pytest.mark.parametrize("field", sorted(ADMIN_QUERIES))
@pytest.mark.parametrize(
    ("check", "code", "words"),
    [
        (TokenCheck(TokenState.MISSING), "UNAUTHENTICATED", "needs an admin token"),
        (TokenCheck(TokenState.EXPIRED), "UNAUTHENTICATED", "expired"),
        (TokenCheck(TokenState.INVALID), "UNAUTHENTICATED", "not valid"),
    ],
)
def test_an_admin_field_without_a_valid_token_is_refused_with_its_reason(
    field: str, check: TokenCheck, code: str, words: str
) -> None:
    result = run(ADMIN_QUERIES[field], check)
    (error,) = result.errors
    assert error.extensions == {"code": code}
    assert words in error.message
    assert result.data is None or result.data.get(field) is None


@pytest.mark.parametrize("field", sorted(ADMIN_QUERIES))
def test_a_valid_token_without_admin_access_is_forbidden(field: str) -> None:
    principal = AdminPrincipal("viewer", "t1", datetime(2026, 11, 24, 9, 45, tzinfo=UTC), frozenset({"viewer"}))
    result = run(ADMIN_QUERIES[field], TokenCheck(TokenState.VALID, principal))
    (error,) = result.errors
    assert error.extensions == {"code": "FORBIDDEN"}
    assert result.data is None or result.data.get(field) is None
