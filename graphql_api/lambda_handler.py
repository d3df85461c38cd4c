"""Lambda "api": the GraphQL ASGI app behind Mangum (API Gateway HTTP API, payload v2).

It runs with SnapStart: this module's init is snapshotted once and resumed in many execution environments, so it
makes nothing that must differ per environment (tests/unit/test_snapshot_safe_init.py holds it to that): the
DynamoDB client, and with it AWS credentials, is made on the first request; what cannot wait is redone on restore.
"""

from __future__ import annotations

from typing import Any

from mangum import Mangum

from commerce.adapters.edge import refused_unless_from_edge
from commerce.adapters.invocation import observed
from commerce.adapters.snapshot_restore import after_restore, reseed_random
from commerce.bootstrap import bootstrap
from commerce.handlers import API_HANDLERS
from commerce.wiring import origin_check
from graphql_api.app import create_app

_bus = bootstrap(API_HANDLERS)
# lifespan="off": Strawberry's app has no lifespan support and Mangum's "auto" logs a traceback per call.
# One request per execution environment at a time: resolvers' blocking calls need no thread of their own.
_graphql = Mangum(create_app(_bus, one_request_at_a_time=True), lifespan="off")


@observed()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    refused = refused_unless_from_edge(_bus.dependencies.build(origin_check), event)
    if refused is not None:
        return refused
    served: dict[str, Any] = _graphql(event, context)
    return served


after_restore(reseed_random)
