"""Authorization matrix: every admin field of the schema, with every kind of bad credential is refused, writes nothing;
an order looked up with a wrong token answers exactly as an unknown order.

The fields come from the schema (tests/proof/production_api.py), each called with an operation generated from its
arguments, so a field added later is in the matrix without anyone listing it. A root field that carries no admin
permission must be one of the shop's public fields, or the proof fails.
"""

from __future__ import annotations

import base64
import json
import secrets
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import boto3
import graphql
import jwt

from commerce.admin.tokens import ADMIN_SCOPE, AUDIENCE, ISSUER, AdminTokens
from infra.deployment import DEPLOYMENT
from infra.local.cloud import LocalCloud
from infra.local.tables import physical_name
from tests.proof.production_api import SIGNING_KEY, ProductionApi, Response, RootField
from tests.unit.test_admin_permissions import PUBLIC

PLACE = """mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { accessToken order { id } } }"""
_LITERALS = {
    "ID": '"proof-id"',
    "String": '"proof"',
    "Int": "1",
    "Float": "1.5",
    "Boolean": "true",
    "Date": '"2026-11-01"',
    "DateTime": '"2026-11-01T00:00:00.000Z"',
}


@dataclass
class AuthorizationResult:
    admin_fields: int
    cells: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    lookups_compared: int = 0
    wrong_token_vs_unknown_id_latency: float = 0.0
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


def operation_for(
    api: ProductionApi, root: RootField, literals: dict[str, str] | None = None, also: dict[str, str] | None = None
) -> str:
    """A valid call of the field: required arguments filled in by type (`literals` overrides some scalars), plus
    the arguments `also` gives (name: literal), `__typename` as the selection."""
    definition = api.root_type(root).fields[root.name]
    chosen = _LITERALS | (literals or {})
    arguments = ", ".join(
        [f"{name}: {value}" for name, value in (also or {}).items()]
        + [
            f"{name}: {_literal(argument.type, chosen)}"
            for name, argument in definition.args.items()
            if graphql.is_non_null_type(argument.type) and argument.default_value is graphql.Undefined
        ]
    )
    call = f"{root.name}({arguments})" if arguments else root.name
    selection = (
        " { __typename }" if isinstance(graphql.get_named_type(definition.type), graphql.GraphQLObjectType) else ""
    )
    return f"{root.operation} {{ {call}{selection} }}"


def _literal(type_: graphql.GraphQLInputType, literals: dict[str, str]) -> str:
    inner = type_.of_type if isinstance(type_, graphql.GraphQLNonNull) else type_
    if isinstance(inner, graphql.GraphQLList):
        return f"[{_literal(inner.of_type, literals)}]"
    if isinstance(inner, graphql.GraphQLEnumType):
        return str(next(iter(inner.values)))
    if isinstance(inner, graphql.GraphQLInputObjectType):
        required = [
            f"{name}: {_literal(input_field.type, literals)}"
            for name, input_field in inner.fields.items()
            if graphql.is_non_null_type(input_field.type) and input_field.default_value is graphql.Undefined
        ]
        return "{" + ", ".join(required) + "}"
    assert isinstance(inner, graphql.GraphQLScalarType)
    return literals[inner.name]


def bad_credentials(api: ProductionApi) -> dict[str, Callable[[], str | None]]:
    def expired() -> str:
        return AdminTokens(SIGNING_KEY, lambda: api.world.clock() - timedelta(minutes=20)).issue("admin").token

    def tampered() -> str:
        header, payload, signature = api.admin_token().split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["exp"] += 3600  # a longer life, kept under the old signature
        edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{edited}.{signature}"

    def wrong_audience() -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "fulfillment-shop", "sub": "admin", "iat": now, "exp": now + 600}
        return jwt.encode(claims | {"jti": "x", "scope": ADMIN_SCOPE}, SIGNING_KEY, algorithm="HS256")

    return {
        "none": lambda: None,
        "expired": expired,
        "tampered": tampered,
        "wrong audience": wrong_audience,
        "shopper's order token": lambda: place_order(api)[1],
        "garbage": lambda: "not-a-token",
    }


def without_admin_scope() -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "admin", "iat": now, "exp": now + 600, "jti": "v"}
    return jwt.encode(claims | {"scope": "viewer"}, SIGNING_KEY, algorithm="HS256")


def place_order(api: ProductionApi) -> tuple[str, str]:
    """(order id, access token) of a new order on the API's own tables."""
    order = {
        "idempotencyKey": f"authz-{secrets.token_hex(8)}",
        "email": "authz@example.com",
        "lines": [{"productId": "p-mug", "quantity": 1}],
        "shippingAddress": {"name": "A", "line1": "1 Way", "city": "Austin", "postalCode": "78701", "country": "US"},
    }
    placed = api.send(PLACE, {"input": order}).body["data"]["placeOrder"]
    return placed["order"]["id"], placed["accessToken"]


def run_authorization(cloud: LocalCloud, *, timing_samples: int = 15) -> AuthorizationResult:
    api = ProductionApi(cloud)
    started = time.monotonic()
    admin_fields = [root for root in api.root_fields if root.guarded]
    result = AuthorizationResult(admin_fields=len(admin_fields))
    unguarded = {root.name for root in api.root_fields if not root.guarded} - PUBLIC
    result.violations += [f"{name} is neither public nor guarded by ADMIN_ONLY" for name in sorted(unguarded)]

    credentials = {kind: make() for kind, make in bad_credentials(api).items()}
    items_before = _item_count(api)
    for root in admin_fields:
        operation = operation_for(api, root)
        for kind, token in [*credentials.items(), ("no admin scope", without_admin_scope())]:
            expected = "FORBIDDEN" if kind == "no admin scope" else "UNAUTHENTICATED"
            answer = api.send(operation, token=token)
            result.cells += 1
            data = answer.body.get("data")
            if answer.status != 200 or answer.error_codes != [expected] or (data and data.get(root.name) is not None):
                result.violations.append(f"{root.name} with {kind}: {answer.status} {answer.raw[:300]!r}")
            else:
                result.refused[kind] += 1
    if _item_count(api) != items_before:
        result.violations.append("a refused call wrote to the tables")
    admin = api.admin_token()
    for root in admin_fields:  # the control: the same operations pass the guard with a valid admin token
        answer = api.send(operation_for(api, root), token=admin)
        if answer.status != 200 or {"UNAUTHENTICATED", "FORBIDDEN", None} & set(answer.error_codes):
            result.violations.append(f"{root.name} with a valid admin token: {answer.raw[:300]!r}")

    _compare_lookups(api, result, timing_samples)
    result.seconds = time.monotonic() - started
    return result


def _compare_lookups(api: ProductionApi, result: AuthorizationResult, samples: int) -> None:
    """Every field that takes an order's access token, called with a wrong one, answers as for an unknown id."""
    order_id, token = place_order(api)
    _, other_token = place_order(api)
    unknown = f"ord_{secrets.token_hex(10)}"
    for root in api.root_fields:
        definition = api.root_type(root).fields[root.name]
        if "accessToken" not in definition.args:
            continue
        ids = [name for name, argument in definition.args.items() if graphql.get_named_type(argument.type).name == "ID"]
        operation = (
            f"{root.operation} Lookup($id: ID!, $token: String!) {{ {root.name}("
            + ", ".join([f"{name}: $id" for name in ids] + ["accessToken: $token"])
            + f") {_selection(definition.type)} }}"
        )

        def ask(id_: str, token_: str, operation: str = operation) -> Response:
            return api.send(operation, {"id": id_, "token": token_})

        answers = {
            "unknown id": ask(unknown, "guess"),
            "wrong token": ask(order_id, "guess"),
            "empty token": ask(order_id, ""),
            "another order's token": ask(order_id, other_token),
        }
        baseline = answers["unknown id"]
        for kind, answer in answers.items():
            result.lookups_compared += 1
            if (answer.status, answer.body) != (baseline.status, baseline.body):
                result.violations.append(f"{root.name} with {kind} differs from an unknown id: {answer.raw[:200]!r}")
        if ask(order_id, token).body == baseline.body:
            result.violations.append(f"{root.name} answers its own token as an unknown order: the check proved nothing")
        if root.name == "order":
            result.wrong_token_vs_unknown_id_latency = _latency_ratio(ask, order_id, unknown, samples)
            if not 1 / 4 < result.wrong_token_vs_unknown_id_latency < 4:
                result.violations.append(
                    f"order: wrong token vs unknown id {result.wrong_token_vs_unknown_id_latency}x"
                )


def _selection(type_: graphql.GraphQLOutputType) -> str:
    """What tells a found order from none: the payload's user errors where the field has them."""
    named = graphql.get_named_type(type_)
    has_errors = isinstance(named, graphql.GraphQLObjectType) and "errors" in named.fields
    return "{ __typename errors { field code message } }" if has_errors else "{ __typename }"


def _latency_ratio(ask: Callable[[str, str], Response], order_id: str, unknown: str, samples: int) -> float:
    def median(id_: str) -> float:
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            ask(id_, "guess")
            timings.append(time.perf_counter() - started)
        return statistics.median(timings)

    return round(median(order_id) / median(unknown), 2)


def _item_count(api: ProductionApi) -> int:
    client = boto3.client("dynamodb")
    return sum(
        page["Count"]
        for table in DEPLOYMENT.tables
        for page in client.get_paginator("scan").paginate(
            TableName=physical_name(api.world.prefix, table), Select="COUNT"
        )
    )
