"""Lambda "api": the GraphQL ASGI app behind Mangum (API Gateway HTTP API, payload v2)."""

from __future__ import annotations

from mangum import Mangum

from commerce.adapters.invocation import observed
from commerce.bootstrap import bootstrap
from graphql_api.app import create_app

# lifespan="off": Strawberry's app has no lifespan support and Mangum's "auto" logs a traceback per call.
handler = observed()(Mangum(create_app(bootstrap()), lifespan="off"))
