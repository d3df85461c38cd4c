"""GraphQL fuzzing: operations generated from the schema (hypothesis-graphql), valid ones and ones with one schema
violation each, anonymous and as an admin, against the production configuration behind Mangum. Whatever they
ask, the API answers below 500 and no resolver meets an exception nobody handled.

"Unhandled" is counted where Strawberry sees it: an error whose original exception is not a GraphQLError (what
production masks as "Unexpected error."), from the answers and from the errors Strawberry logs.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC

from graphql import GraphQLError
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from commerce.clock import to_iso
from infra.local.cloud import LocalCloud
from infra.local.seed import WAREHOUSES, seed_products
from tests.proof.authorization import place_order
from tests.proof.production_api import ProductionApi


@dataclass
class FuzzResult:
    operations: int = 0
    as_admin: int = 0
    with_a_schema_violation: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    answered_with_data: int = 0
    unhandled: int = 0
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


class UnhandledErrors(logging.Handler):
    """Strawberry logs every error of a result with its original exception; only non-GraphQL ones are bugs."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and not isinstance(error, GraphQLError):
            self.seen.append(f"{type(error).__name__}: {error}")


def run_graphql_fuzz(cloud: LocalCloud, *, operations: int) -> FuzzResult:
    api = ProductionApi(cloud)
    admin = api.admin_token()
    order_id, access_token = place_order(api)
    known_ids = [order_id, *(product.id for product, _ in seed_products()), *(w.id for w in WAREHOUSES)]
    scalars = {
        # Real ids (and the order's access token) as often as junk, so resolvers get past "not found" and work.
        "ID": st.one_of(st.sampled_from(known_ids), st.text(max_size=30)).map(nodes.String),
        "String": st.one_of(st.sampled_from([access_token, ""]), st.text(max_size=40)).map(nodes.String),
        "Date": st.one_of(st.dates().map(str), st.text(max_size=12)).map(nodes.String),
        "DateTime": st.one_of(st.datetimes(timezones=st.just(UTC)).map(to_iso), st.text(max_size=30)).map(nodes.String),
    }
    sdl = api.strawberry_schema.as_str()
    valid = st.one_of(queries(sdl, custom_scalars=scalars), mutations(sdl, custom_scalars=scalars))
    broken = st.one_of(
        queries(sdl, custom_scalars=scalars, mode=Mode.NEGATIVE),
        mutations(sdl, custom_scalars=scalars, mode=Mode.NEGATIVE),
    )
    result = FuzzResult()
    unhandled = UnhandledErrors()
    strawberry_logger = logging.getLogger("strawberry.execution")
    strawberry_logger.addHandler(unhandled)
    started = time.monotonic()

    @settings(
        max_examples=operations,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],  # every operation is counted, not shrunk to one failure
        suppress_health_check=list(HealthCheck),
    )
    @given(violates_schema=st.sampled_from([False, False, False, True]), as_admin=st.booleans(), data=st.data())
    def fuzz(violates_schema: bool, as_admin: bool, data: st.DataObject) -> None:
        operation = data.draw(broken if violates_schema else valid)
        answer = api.send(operation, token=admin if as_admin else None)
        result.operations += 1
        result.as_admin += as_admin
        result.with_a_schema_violation += violates_schema
        result.statuses[str(answer.status)] += 1
        result.answered_with_data += bool(answer.body.get("data"))
        masked = answer.messages.count("Unexpected error.")
        result.unhandled += masked
        if answer.status >= 500 or masked:
            result.violations.append(f"{answer.status} for {operation[:300]!r}: {answer.raw[:300]!r}")

    try:
        fuzz()
    finally:
        strawberry_logger.removeHandler(unhandled)
    result.unhandled = max(result.unhandled, len(unhandled.seen))
    result.violations += [f"unhandled in a resolver: {error}" for error in unhandled.seen[:20]]
    result.seconds = time.monotonic() - started
    return result
