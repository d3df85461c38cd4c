"""What a warm request spends outside the services: validation once per distinct query, no thread hop on Lambda."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, cast

import graphql
import pytest
import strawberry.schema.schema as strawberry_schema
from strawberry.dataloader import DataLoader

from commerce.admin.tokens import TokenCheck
from commerce.bootstrap import Bus
from graphql_api.context import Context, Loaders, ReadSide, new_context, run_sync
from graphql_api.schema import build_schema
from tests.unit.shop_bus import a_bus


def _context() -> Context:
    # No services: the queries below are refused by a permission before any resolver runs.
    loaders = Loaders(availability=DataLoader(load_fn=lambda keys: None))  # type: ignore[arg-type,return-value]
    return Context(bus=cast(Bus, None), read=cast(ReadSide, None), loaders=loaders, admin=TokenCheck.missing())


def test_a_repeated_query_is_validated_once_with_the_limits_still_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    validations: list[Any] = []
    validate = graphql.validate

    def counting(*args: Any, **kwargs: Any) -> Any:
        validations.append(args[1])
        return validate(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    schema = build_schema(production=True)
    query = '{ adminOrder(id: "ord_validated_once") { id } }'
    for _ in range(3):
        asyncio.run(schema.execute(query, context_value=_context()))
    assert len(validations) == 1

    aliased = "{ " + " ".join(f"x{i}: warehouses {{ id }}" for i in range(16)) + " }"
    for _ in range(2):  # refused from the cache as well
        result = asyncio.run(schema.execute(aliased, context_value=_context()))
        assert result.errors is not None and "aliases" in result.errors[0].message


def test_blocking_calls_run_in_place_only_where_the_server_takes_one_request_at_a_time() -> None:
    async def thread_of_a_blocking_call(one_request_at_a_time: bool) -> int:
        new_context(a_bus(), one_request_at_a_time=one_request_at_a_time)
        return await run_sync(threading.get_ident)

    assert asyncio.run(thread_of_a_blocking_call(True)) == threading.get_ident()
    assert asyncio.run(thread_of_a_blocking_call(False)) != threading.get_ident()
