"""The GraphQL extension names the operation's root fields and the order it is about, for logs and traces."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry

from commerce.adapters.invocation import Invocation, invocation
from graphql_api.telemetry import OperationTelemetry


@strawberry.type
class PlacedOrder:
    id: str


@strawberry.type
class PlaceOrderPayload:
    order: PlacedOrder | None


@strawberry.type
class Query:
    @strawberry.field
    def order(self, id: str, access_token: str) -> PlacedOrder | None:
        return PlacedOrder(id=id)

    @strawberry.field
    def products(self) -> list[str]:
        return ["p-mug"]


@strawberry.type
class Mutation:
    @strawberry.mutation
    def place_order(self, email: str) -> PlaceOrderPayload:
        return PlaceOrderPayload(order=PlacedOrder(id="ord_new"))

    @strawberry.mutation
    def pay_order(self, order_id: str, payment_method_id: str) -> str:
        return "AUTHORIZED"


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation, extensions=[OperationTelemetry])


def run(query: str, variables: dict[str, Any] | None = None) -> Invocation:
    async def execute() -> Invocation:
        with invocation("api") as found:
            result = await SCHEMA.execute(query, variable_values=variables)
            assert result.errors is None, result.errors
            return found

    # A loop of its own: asyncio.run would leave the main thread without one, and Pulumi's mocks (tests/infra) use it.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(execute())
    finally:
        loop.close()


def test_a_mutation_is_named_by_its_root_field_and_the_order_argument_it_names() -> None:
    keys = run('mutation Pay($id: String!) { payOrder(orderId: $id, paymentMethodId: "pm_1") }', {"id": "ord_5"}).keys
    assert (keys["graphql_operation"], keys["order_id"]) == ("payOrder", "ord_5")


def test_a_new_order_is_named_from_the_payload_that_places_it() -> None:
    keys = run('mutation { placeOrder(email: "ada@example.com") { order { id } } }').keys
    assert (keys["graphql_operation"], keys["order_id"]) == ("placeOrder", "ord_new")


def test_an_aliased_field_is_named_by_the_field_and_read_under_its_alias() -> None:
    keys = run('mutation { placed: placeOrder(email: "ada@example.com") { order { id } } }').keys
    assert (keys["graphql_operation"], keys["order_id"]) == ("placeOrder", "ord_new")


def test_a_query_of_several_fields_names_them_all_and_an_inline_order_id() -> None:
    keys = run('{ products order(id: "ord_8", accessToken: "t") { id } }').keys
    assert (keys["graphql_operation"], keys["order_id"]) == ("products,order", "ord_8")


def test_a_query_about_no_order_binds_no_order() -> None:
    assert "order_id" not in run("{ products }").keys
