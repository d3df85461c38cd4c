"""Lambda "api": the GraphQL ASGI app behind Mangum (API Gateway HTTP API, payload v2).

It runs with SnapStart: this module's init is snapshotted once and resumed in many execution environments, so it
makes nothing that must differ per environment (tests/unit/test_snapshot_safe_init.py holds it to that): the
DynamoDB client, and with it AWS credentials, is made on the first request; what cannot wait is redone on restore.
"""

from __future__ import annotations

from mangum import Mangum

from commerce.adapters.invocation import observed
from commerce.adapters.snapshot_restore import after_restore, reseed_random
from commerce.bootstrap import bootstrap
from graphql_api.app import create_app

# lifespan="off": Strawberry's app has no lifespan support and Mangum's "auto" logs a traceback per call.
# One request per execution environment at a time: resolvers' blocking calls need no thread of their own.
handler = observed()(Mangum(create_app(bootstrap(), one_request_at_a_time=True), lifespan="off"))
after_restore(reseed_random)
