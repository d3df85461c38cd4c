"""The ASGI app: the very object the Lambda handler wraps with Mangum and the local cloud serves with uvicorn."""

from __future__ import annotations

from typing import Any

from strawberry.asgi import GraphQL

from commerce.bootstrap import Services
from graphql_api.context import Context, new_context
from graphql_api.schema import build_schema


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, services: Services) -> None:
        development = services.settings.is_development
        # GraphiQL and queries over GET only in development: GET queries invite CSRF-style abuse and caching leaks.
        super().__init__(
            build_schema(production=not development),
            graphql_ide="graphiql" if development else None,
            allow_queries_via_get=development,
        )
        self.services = services

    async def get_context(self, request: Any, response: Any) -> Context:
        return new_context(self.services, request)


def create_app(services: Services) -> GraphQLApp:
    return GraphQLApp(services)
