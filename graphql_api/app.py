"""The ASGI app: the very object the Lambda handler wraps with Mangum and the local cloud serves with uvicorn."""

from __future__ import annotations

from typing import Any

from strawberry.asgi import GraphQL

from commerce import wiring
from commerce.bootstrap import Bus
from graphql_api.context import Context, new_context
from graphql_api.schema import build_schema


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, bus: Bus, *, one_request_at_a_time: bool = False) -> None:
        development = bus.dependencies.build(wiring.settings).is_development
        # GraphiQL and queries over GET only in development: GET queries invite CSRF-style abuse and caching leaks.
        super().__init__(
            build_schema(production=not development),
            graphql_ide="graphiql" if development else None,
            allow_queries_via_get=development,
        )
        self.bus = bus
        self.one_request_at_a_time = one_request_at_a_time

    async def get_context(self, request: Any, response: Any) -> Context:
        return new_context(self.bus, request, one_request_at_a_time=self.one_request_at_a_time)


def create_app(bus: Bus, *, one_request_at_a_time: bool = False) -> GraphQLApp:
    """`one_request_at_a_time`: the server never runs two requests at once (Lambda), so blocking calls run in place."""
    return GraphQLApp(bus, one_request_at_a_time=one_request_at_a_time)
