"""Lambda "api": the GraphQL ASGI app behind Mangum (API Gateway HTTP API, payload v2)."""

from __future__ import annotations

from mangum import Mangum

from commerce.adapters.invocation import observed
from commerce.bootstrap import bootstrap
from graphql_api.app import create_app

# lifespan="off": Strawberry's app has no lifespan support and Mangum's "auto" logs a traceback per call.
# One request per execution environment at a time: resolvers' blocking calls need no thread of their own.
handler = observed()(Mangum(create_app(bootstrap(), one_request_at_a_time=True), lifespan="off"))
