"""The GraphQL API as AWS runs it: production configuration, behind Mangum, called with API Gateway events.

Backed by the local cloud's moto and localstripe on tables of its own (seeded like the local system), so abuse,
fuzzing and an admin token that creates products touch nobody else's data. The schema is read from the code,
so a field added tomorrow is abused and guarded-checked too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import graphql
import strawberry
from mangum import Mangum

from commerce.admin.tokens import AdminTokens
from graphql_api.admin.permissions import ADMIN_ONLY
from graphql_api.app import create_app
from graphql_api.schema import build_schema
from infra.local.cloud import LocalCloud
from infra.local.secrets import LOCAL_VALUES
from tests.integration.graphql_transport import MangumTransport
from tests.proof.isolated import IsolatedServices, isolated_services

SIGNING_KEY = str(LOCAL_VALUES["app-keys"]["jwt_signing_key"])


@dataclass(frozen=True)
class RootField:
    operation: str  # "query" or "mutation"
    name: str
    guarded: bool  # carries the admin permissions (graphql_api/admin/permissions.py: ADMIN_ONLY)


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    raw: bytes

    @property
    def error_codes(self) -> list[str | None]:
        return [(error.get("extensions") or {}).get("code") for error in self.body.get("errors") or []]

    @property
    def messages(self) -> list[str]:
        return [str(error.get("message")) for error in self.body.get("errors") or []]


class ProductionApi:
    def __init__(self, cloud: LocalCloud) -> None:
        self.world: IsolatedServices = isolated_services(cloud, environment="production", seeded=True)
        assert not self.world.parts.settings.is_development
        self.transport = MangumTransport(Mangum(create_app(self.world.bus), lifespan="off"))

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> Response:
        status, raw = self.transport.post(body, {"content-type": "application/json", **(headers or {})})
        try:
            decoded = json.loads(raw) if raw else {}
        except ValueError:
            decoded = {}
        return Response(status, decoded if isinstance(decoded, dict) else {"batch": decoded}, raw)

    def send(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> Response:
        headers = {"authorization": f"Bearer {token}"} if token is not None else {}
        return self.post(json.dumps({"query": query, "variables": variables or {}}).encode(), headers)

    def admin_token(self) -> str:
        return AdminTokens(SIGNING_KEY, self.world.clock).issue("admin").token

    @cached_property
    def strawberry_schema(self) -> strawberry.Schema:
        return build_schema(production=True)

    @cached_property
    def schema(self) -> graphql.GraphQLSchema:
        return graphql.build_schema(self.strawberry_schema.as_str())

    @cached_property
    def root_fields(self) -> list[RootField]:
        converter = self.strawberry_schema.config.name_converter
        found = []
        for operation, type_name in (("query", "Query"), ("mutation", "Mutation")):
            definition = self.strawberry_schema.get_type_by_name(type_name)
            assert definition is not None and hasattr(definition, "fields")
            for field in definition.fields:
                guarded = all(permission in field.permission_classes for permission in ADMIN_ONLY)
                found.append(RootField(operation, converter.get_graphql_name(field), guarded))
        return found

    def root_type(self, field: RootField) -> graphql.GraphQLObjectType:
        root = self.schema.query_type if field.operation == "query" else self.schema.mutation_type
        assert root is not None
        return root
