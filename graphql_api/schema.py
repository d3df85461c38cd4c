from __future__ import annotations

from collections.abc import Callable
from functools import partial

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from graphql_api.catalog.queries import CatalogQuery
from graphql_api.errors import BadRequestError
from graphql_api.orders.mutations import OrderMutation
from graphql_api.orders.payments import PaymentMutation
from graphql_api.orders.queries import OrderQuery
from graphql_api.scalars import SCALARS


@strawberry.type
class Query(CatalogQuery, OrderQuery):
    pass


@strawberry.type
class Mutation(OrderMutation, PaymentMutation):
    pass


def _is_unexpected(error: Exception) -> bool:
    original = getattr(error, "original_error", None)
    return original is not None and not isinstance(original, BadRequestError)


def build_schema(*, production: bool) -> strawberry.Schema:
    """Production masks unexpected errors; limits on depth, aliases and tokens hold everywhere."""
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(QueryDepthLimiter, max_depth=10),
        partial(MaxAliasesLimiter, max_alias_count=15),
        partial(MaxTokensLimiter, max_token_count=2000),
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
    ]
    if production:
        extensions.append(partial(MaskErrors, should_mask_error=_is_unexpected))
    return strawberry.Schema(
        query=Query, mutation=Mutation, extensions=extensions, config=StrawberryConfig(scalar_map=SCALARS)
    )
