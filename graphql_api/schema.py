from __future__ import annotations

from collections.abc import Callable
from functools import partial

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as max_depth_rule
from strawberry.schema.config import StrawberryConfig

from graphql_api.admin.mutations import AdminMutation
from graphql_api.admin.product_mutations import ProductMutation
from graphql_api.admin.queries import AdminQuery
from graphql_api.admin.warehouse_mutations import WarehouseMutation
from graphql_api.catalog.queries import CatalogQuery
from graphql_api.limits import OneMutationPerRequest
from graphql_api.orders.mutations import OrderMutation
from graphql_api.orders.payments import PaymentMutation
from graphql_api.orders.queries import OrderQuery
from graphql_api.scalars import SCALARS
from graphql_api.telemetry import OperationTelemetry


@strawberry.type
class Query(CatalogQuery, OrderQuery, AdminQuery):
    pass


@strawberry.type
class Mutation(OrderMutation, PaymentMutation, AdminMutation, ProductMutation, WarehouseMutation):
    pass


def _is_unexpected(error: Exception) -> bool:
    # A GraphQLError raised on purpose (a bad argument, a refused permission) is addressed to the client.
    original = getattr(error, "original_error", None)
    return original is not None and not isinstance(original, GraphQLError)


def build_schema(*, production: bool) -> strawberry.Schema:
    """Production masks unexpected errors and refuses introspection; limits on depth, aliases, tokens and
    mutations per request hold everywhere."""
    # The limits' rule classes are made once: QueryDepthLimiter and MaxAliasesLimiter build new ones per request,
    # and the validation cache is keyed by the rules as well as the document, so it never hit.
    limits: list[type[ASTValidationRule]] = [
        max_depth_rule(10, None, None),
        max_aliases_rule(15),
        OneMutationPerRequest,
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(AddValidationRules, limits),
        partial(MaxTokensLimiter, max_token_count=2000),
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
        OperationTelemetry,
    ]
    if production:
        # The SPA is typed from the committed schema.graphql; nobody else needs to map the API from outside.
        extensions += [partial(MaskErrors, should_mask_error=_is_unexpected), DisableIntrospection]
    return strawberry.Schema(
        query=Query, mutation=Mutation, extensions=extensions, config=StrawberryConfig(scalar_map=SCALARS)
    )
