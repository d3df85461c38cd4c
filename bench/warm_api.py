"""Warm API: latency and throughput of shopper operations through the Mangum handler with API Gateway v2 events,
and the framework's overhead: handler vs. executing the schema directly vs. calling the services directly."""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from commerce.bootstrap import Services
from graphql_api.context import new_context
from graphql_api.schema import build_schema
from tests.integration.graphql_transport import FakeLambdaContext, http_api_event

PRODUCTS = (
    "query Products { products(first: 20) { edges { node { id name price { amount } availability { state } } } } }"
)
ORDER = "query Order($id: ID!, $t: String!) { order(id: $id, accessToken: $t) { id status total { amount } } }"
UPDATES = "query Updates($id: ID!, $t: String!) { orderUpdates(id: $id, accessToken: $t) { status events { id } } }"
PLACE = (
    "mutation Place($input: PlaceOrderInput!) "
    "{ placeOrder(input: $input) { accessToken errors { code } order { id } } }"
)


@dataclass
class Latency:
    operation: str
    path: str
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p99(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    @property
    def per_second(self) -> float:
        return 1000 / statistics.mean(self.samples_ms)


def _time(run: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _place_input() -> dict[str, Any]:
    return {
        "idempotencyKey": f"bench-{secrets.token_hex(8)}",
        "email": "bench@example.com",
        "lines": [{"productId": "p-mug", "quantity": 1}],
        "shippingAddress": {"name": "B", "line1": "1 Way", "city": "Austin", "postalCode": "78701", "country": "US"},
    }


def measure(services: Services, handler: Any, repeat: int = 200) -> list[Latency]:
    def through_handler(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables}).encode()
        response = handler(
            http_api_event("POST", "/graphql", body, {"content-type": "application/json"}), FakeLambdaContext()
        )
        result: dict[str, Any] = json.loads(response["body"])
        assert "errors" not in result, result
        return result

    placed = through_handler(PLACE, {"input": _place_input()})["data"]["placeOrder"]
    order_vars = {"id": placed["order"]["id"], "t": placed["accessToken"]}
    schema = build_schema(production=True)
    # Mangum runs on the thread's current event loop, as on Lambda: keep one, never close it.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def through_schema(query: str, variables: dict[str, Any]) -> None:
        execution = schema.execute(query, variable_values=variables, context_value=new_context(services))
        result = loop.run_until_complete(execution)
        assert result.errors is None, result.errors

    direct: dict[str, Callable[[], object]] = {
        "products(first: 20)": lambda: services.catalog.availability(
            services.catalog.page(category=None, limit=20, cursor=None).items
        ),
        "order(...)": lambda: (
            services.tracking.order_for_shopper(order_vars["id"], order_vars["t"]),
            services.tracking.timeline(order_vars["id"]),
        ),
        "orderUpdates(...)": lambda: (
            services.tracking.order_for_shopper(order_vars["id"], order_vars["t"]),
            services.tracking.timeline(order_vars["id"]),
        ),
    }
    operations = {
        "products(first: 20)": (PRODUCTS, {}),
        "order(...)": (ORDER, order_vars),
        "orderUpdates(...)": (UPDATES, order_vars),
    }
    results = []
    for name, (query, variables) in operations.items():
        for _ in range(10):  # warm the parser and validation caches and the connection pools
            through_handler(query, variables)
        via_handler = functools.partial(through_handler, query, variables)
        via_schema = functools.partial(through_schema, query, variables)
        results.append(Latency(name, "mangum handler", _time(via_handler, repeat)))
        results.append(Latency(name, "schema.execute", _time(via_schema, repeat)))
        results.append(Latency(name, "services directly", _time(direct[name], repeat)))
    results.append(
        Latency(
            "placeOrder",
            "mangum handler",
            _time(lambda: through_handler(PLACE, {"input": _place_input()}), max(20, repeat // 4)),
        )
    )
    return results
