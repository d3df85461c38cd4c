"""One request, one mutation: fifteen aliased placeOrders cannot open fifteen payment intents."""

from __future__ import annotations

import asyncio
from typing import cast

import pytest
from strawberry.dataloader import DataLoader

from commerce.admin.tokens import TokenCheck
from commerce.bootstrap import Bus
from graphql_api.context import Context, Loaders, ReadSide
from graphql_api.schema import build_schema

PLACE = (
    'placeOrder(input: {idempotencyKey: "k-{i}-12345678", email: "a@example.com", lines: [], shippingAddress: '
    '{name: "A", line1: "1", city: "C", postalCode: "1", country: "US"}}) { accessToken }'
)


class NoServices:
    """Notes every service (or the bus) a resolver reaches for, and fails it: a refused request must not run one."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __getattr__(self, name: str) -> object:
        self.asked.append(name)
        raise RuntimeError(f"no {name} in this test")


def execute(query: str) -> tuple[list[str], list[str]]:
    """The errors' messages, and the services the resolvers asked for."""
    services = NoServices()
    loaders = Loaders(availability=DataLoader(load_fn=lambda keys: None))  # type: ignore[arg-type,return-value]
    context = Context(
        bus=cast(Bus, services), read=cast(ReadSide, services), loaders=loaders, admin=TokenCheck.missing()
    )
    result = asyncio.run(build_schema(production=True).execute(query, context_value=context))
    return [error.message for error in result.errors or []], services.asked


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            "mutation { " + " ".join(f"o{i}: {PLACE.replace('{i}', str(i))}" for i in range(15)) + " }", id="15"
        ),
        pytest.param(f"mutation {{ a: {PLACE.replace('{i}', 'a')} b: {PLACE.replace('{i}', 'b')} }}", id="two aliased"),
        pytest.param(
            f"mutation {{ ...One ... on Mutation {{ {PLACE.replace('{i}', 'b')} }} }} "
            f"fragment One on Mutation {{ {PLACE.replace('{i}', 'a')} }}",
            id="through fragments",
        ),
    ],
)
def test_a_request_with_more_than_one_mutation_is_refused_before_any_runs(query: str) -> None:
    errors, asked = execute(query)
    assert [e for e in errors if e.startswith("A request may carry 1 mutation; this one has ")], errors
    assert asked == []


def test_one_mutation_with_its_typename_passes_the_limit() -> None:
    errors, asked = execute(f"mutation {{ __typename {PLACE.replace('{i}', 'one')} }}")
    assert asked == ["handle"]  # the bus, with its PlaceOrder
    assert not [e for e in errors if "mutation" in e], errors
