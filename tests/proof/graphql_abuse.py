"""GraphQL abuse, case by case, against the production configuration behind Mangum (tests/proof/production_api.py).

Each check is named in the figures; a check that does not hold is a violation. Where a rule applies to a kind of
field (every connection's page size, every input a shopper can send), the fields are found in the schema.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import boto3
import graphql
from mangum import Mangum

from commerce.bootstrap import bootstrap
from commerce.repositories.catalog import DynamoProductRepository
from commerce.repositories.dynamo import DynamoTable
from graphql_api.app import create_app
from infra.local.cloud import LocalCloud
from tests.integration.graphql_transport import FakeLambdaContext, MangumTransport, http_api_event
from tests.proof.authorization import operation_for, place_order
from tests.proof.production_api import ProductionApi, Response

# Names a shopper's input must never carry: the server prices and moves orders, never the client.
FORBIDDEN_INPUTS = ("price", "amount", "total", "subtotal", "status", "captured", "refunded", "paid", "discount")
PLACE = """mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) { accessToken errors { field code } order { id status total { amount } } } }"""


@dataclass
class AbuseResult:
    checks: dict[str, bool] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


def an_order(lines: list[dict[str, Any]], email: str) -> dict[str, Any]:
    return {
        "idempotencyKey": f"abuse-{secrets.token_hex(8)}",
        "email": email,
        "lines": lines,
        "shippingAddress": {"name": "A", "line1": "1 Way", "city": "Austin", "postalCode": "78701", "country": "US"},
    }


def run_graphql_abuse(cloud: LocalCloud) -> AbuseResult:
    api = ProductionApi(cloud)
    result = AbuseResult()
    started = time.monotonic()
    checks: list[tuple[str, Callable[[ProductionApi], list[str]]]] = [
        ("depth over 10 refused", _too_deep),
        ("more than 15 aliases refused", _too_many_aliases),
        ("more than 2000 tokens refused", _too_many_tokens),
        ("batched operations refused, none run", _batched),
        ("fifteen aliased placeOrders refused, none run", _many_mutations),
        ("every connection refuses a page over its cap", _page_sizes),
        ("introspection refused", _introspection),
        ("no GraphiQL, no queries over GET", _graphiql_and_get),
        ("unexpected errors masked", lambda api: _masked(cloud, api)),
        ("no price, amount or status in any shopper input", _shopper_inputs),
        ("a price or status sent anyway is refused by the schema", _smuggled_fields),
        ("negative, zero and huge quantities refused, nothing written", _quantities),
        ("an empty id is an unknown one, an empty cursor the start, not a server error", _empty_strings),
    ]
    for name, check in checks:
        problems = check(api)
        result.checks[name] = not problems
        result.violations += [f"{name}: {problem}" for problem in problems]
    result.seconds = time.monotonic() - started
    return result


def _refused(answer: Response, words: str) -> list[str]:
    if answer.status >= 500 or answer.body.get("data") or not any(words in m for m in answer.messages):
        return [f"{answer.status} {answer.raw[:300]!r}"]
    return []


def _too_deep(api: ProductionApi) -> list[str]:
    # The schema has no cycle (its deepest valid path is 5 levels), so no over-deep query is valid; the limiter
    # is still shown refusing one, counted on the document before any field is looked up (it skips __ fields).
    nested = "id"
    for level in range(11):
        nested = f"level{level} {{ {nested} }}"
    return _refused(
        api.send(f"{{ products {{ edges {{ node {{ {nested} }} }} }} }}"), "exceeds maximum operation depth"
    )


def _too_many_aliases(api: ProductionApi) -> list[str]:
    query = "{ " + " ".join(f'a{n}: product(id: "p-mug") {{ id }}' for n in range(16)) + " }"
    return _refused(api.send(query), "aliases")


def _too_many_tokens(api: ProductionApi) -> list[str]:
    query = "{ " + " ".join("__typename" for _ in range(2100)) + " }"
    return _refused(api.send(query), "token")


def _batched(api: ProductionApi) -> list[str]:
    email = f"batch-{secrets.token_hex(4)}@example.com"
    operation = {"query": PLACE, "variables": {"input": an_order([{"productId": "p-mug", "quantity": 1}], email)}}
    answer = api.post(json.dumps([operation, operation]).encode())
    problems = [] if answer.status == 400 else [f"a batch got {answer.status} {answer.raw[:200]!r}"]
    if api.world.parts.repositories.orders.by_customer(email, limit=5, cursor=None).items:
        problems.append("an operation of the refused batch placed an order")
    return problems


def _many_mutations(api: ProductionApi) -> list[str]:
    email = f"aliased-{secrets.token_hex(4)}@example.com"
    fields = " ".join(
        f"o{n}: placeOrder(input: $input) {{ order {{ id }} }}" for n in range(15)
    )  # one input for all: the limit refuses the document before any idempotency key matters
    query = f"mutation Many($input: PlaceOrderInput!) {{ {fields} }}"
    answer = api.send(query, {"input": an_order([{"productId": "p-mug", "quantity": 1}], email)})
    problems = _refused(answer, "A request may carry 1 mutation")
    if api.world.parts.repositories.orders.by_customer(email, limit=5, cursor=None).items:
        problems.append("an aliased placeOrder of the refused request placed an order")
    return problems


def _page_sizes(api: ProductionApi) -> list[str]:
    problems, admin = [], api.admin_token()
    connections = [root for root in api.root_fields if "first" in api.root_type(root).fields[root.name].args]
    if not connections:
        return ["no field takes `first`: the check found nothing to check"]
    for root in connections:
        for first in (0, -1, api.world.parts.settings.max_page_size + 1, 2**31 - 1):
            answer = api.send(f"{{ {root.name}(first: {first}) {{ __typename }} }}", token=admin)
            if answer.status >= 500 or (answer.body.get("data") or {}).get(root.name) is not None:
                problems.append(f"{root.name}(first: {first}) answered {answer.raw[:200]!r}")
    return problems


def _introspection(api: ProductionApi) -> list[str]:
    problems = []
    for query in ("{ __schema { types { name } } }", '{ __type(name: "Order") { fields { name } } }'):
        problems += _refused(api.send(query), "introspection has been disabled")
    if api.send("{ __typename }").body != {"data": {"__typename": "Query"}}:
        problems.append("__typename, which clients use to tell types apart, stopped working")
    return problems


def _graphiql_and_get(api: ProductionApi) -> list[str]:
    problems = []
    for query_string, accept in (("", "text/html"), ("query=%7B__typename%7D", "application/json")):
        event = http_api_event("GET", "/graphql", b"", {"accept": accept})
        event["rawQueryString"] = query_string
        answer = api.transport.handler(event, FakeLambdaContext())
        body = str(answer.get("body", ""))
        if answer["statusCode"] < 400 or "graphiql" in body.lower() or "__typename" in body:
            problems.append(f"GET ?{query_string} ({accept}) answered {answer['statusCode']} {body[:200]!r}")
    return problems


def _masked(cloud: LocalCloud, api: ProductionApi) -> list[str]:
    """A resolver meets an error nobody expected (here, a table that is not there): the client learns nothing."""
    world = api.world
    broken = replace(
        world.parts.repositories,
        products=DynamoProductRepository(DynamoTable(boto3.client("dynamodb"), "no-such-table")),
    )
    bus = bootstrap(
        clock=world.clock,
        settings=world.parts.settings,
        repositories=broken,
        publisher=world.publisher,
        saga_starter=world.sagas,
    )
    transport = MangumTransport(Mangum(create_app(bus), lifespan="off"))
    status, raw = transport.post(
        b'{"query": "{ product(id: \\"p-mug\\") { id } }"}', {"content-type": "application/json"}
    )
    body = json.loads(raw)
    messages = [error["message"] for error in body.get("errors", [])]
    leaks = [word for word in ("no-such-table", "ResourceNotFound", "Traceback", "boto") if word in raw.decode()]
    if status >= 500 or messages != ["Unexpected error."] or leaks:
        return [f"{status} {raw[:300]!r} (leaks: {leaks})"]
    return []


def _empty_strings(api: ProductionApi) -> list[str]:
    """DynamoDB refuses an empty string as a key or in a key condition (found by the fuzzer: `product(id: "")`
    and `orderUpdates(after: "")` with a real order's token answered "Unexpected error.")."""
    problems, admin = [], api.admin_token()
    order_id, token = place_order(api)
    for root in api.root_fields:
        operations = [operation_for(api, root, {"ID": '""', "String": '""'})]
        arguments = api.root_type(root).fields[root.name].args
        if "after" in arguments:  # the first page of a real listing, asked for with an empty cursor
            real = {"ID": json.dumps(order_id), "String": json.dumps(token)}
            operations.append(operation_for(api, root, real, also={"after": '""'}))
        for operation in operations:
            if '""' not in operation:
                continue
            answer = api.send(operation, token=admin if root.guarded else None)
            if answer.status >= 500 or "Unexpected error." in answer.messages:
                problems.append(f"{operation}: {answer.raw[:200]!r}")
    return problems


def _shopper_inputs(api: ProductionApi) -> list[str]:
    """Every input type reachable from the arguments of a public field, walked to the leaves."""
    seen: set[str] = set()
    problems = []

    def walk(type_: graphql.GraphQLInputType, path: str) -> None:
        named = graphql.get_named_type(type_)
        if not isinstance(named, graphql.GraphQLInputObjectType) or named.name in seen:
            return
        seen.add(named.name)
        for name, input_field in named.fields.items():
            if any(word in name.lower() for word in FORBIDDEN_INPUTS):
                problems.append(f"{path}.{name} lets the client set it")
            walk(input_field.type, f"{path}.{name}")

    for root in api.root_fields:
        if root.guarded:
            continue
        for name, argument in api.root_type(root).fields[root.name].args.items():
            if any(word in name.lower() for word in FORBIDDEN_INPUTS):
                problems.append(f"{root.name}({name}) lets the client set it")
            walk(argument.type, f"{root.name}({name})")
    return problems


def _smuggled_fields(api: ProductionApi) -> list[str]:
    problems = []
    for extra in ({"unitPrice": {"amount": 1, "currency": "USD"}}, {"price": 1}, {"status": "FULFILLED"}):
        line = {"productId": "p-mug", "quantity": 1} | extra
        for order in (an_order([line], "smuggler@example.com"), an_order([line], "s@example.com") | extra):
            answer = api.send(PLACE, {"input": order})
            if answer.body.get("data") is not None or answer.status >= 500:
                problems.append(f"{sorted(extra)} accepted: {answer.raw[:200]!r}")
    return problems


def _quantities(api: ProductionApi) -> list[str]:
    problems = []
    email = f"quantities-{secrets.token_hex(4)}@example.com"
    for quantity in (-1, 0, 100, 1_000_000, 2**31, 2**53):
        answer = api.send(PLACE, {"input": an_order([{"productId": "p-mug", "quantity": quantity}], email)})
        payload = (answer.body.get("data") or {}).get("placeOrder")
        refused_by_schema = payload is None and bool(answer.messages)
        refused_as_input = payload is not None and payload["order"] is None and payload["errors"]
        if answer.status >= 500 or not (refused_by_schema or refused_as_input):
            problems.append(f"quantity {quantity}: {answer.raw[:200]!r}")
    if api.world.parts.repositories.orders.by_customer(email, limit=5, cursor=None).items:
        problems.append("a refused quantity placed an order")
    return problems
