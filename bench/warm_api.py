"""Warm API: latency and throughput of shopper operations through the Lambda handler (Mangum, API Gateway v2 events),
and the framework's overhead per cached query.

Each operation runs three ways, interleaved so that a change in the machine's load hits all three alike: through the
handler, by executing the schema directly, and by calling the services directly. With the real services (DynamoDB on
moto) that gives latency and requests per second. For the overhead the services answer from memory ("cached"), so
what remains of a request is Mangum, Strawberry and the asyncio hops, and the difference is measured pair by pair.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from commerce.bootstrap import Bus
from commerce.services.catalog import CatalogService
from commerce.services.tracking import OrderTracking
from graphql_api.context import ReadSide, new_context
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
PATHS = ("mangum handler", "schema.execute", "services directly")
CACHED_METHODS = (
    (CatalogService, "page"),
    (CatalogService, "availability"),
    (OrderTracking, "order_for_shopper"),
    (OrderTracking, "timeline"),
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


@dataclass(frozen=True)
class Overhead:
    """Per cached query, the median of paired differences: handler or schema minus calling the services."""

    operation: str
    handler_ms: float
    schema_ms: float

    @property
    def mangum_ms(self) -> float:
        return self.handler_ms - self.schema_ms


@dataclass
class WarmApi:
    latencies: list[Latency]
    overheads: list[Overhead]


def _place_input() -> dict[str, Any]:
    return {
        "idempotencyKey": f"bench-{secrets.token_hex(8)}",
        "email": "bench@example.com",
        "lines": [{"productId": "p-mug", "quantity": 1}],
        "shippingAddress": {"name": "B", "line1": "1 Way", "city": "Austin", "postalCode": "78701", "country": "US"},
    }


def measure(bus: Bus, handler: Any, repeat: int = 100) -> WarmApi:
    read = ReadSide.of(bus)

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
        execution = schema.execute(query, variable_values=variables, context_value=new_context(bus))
        result = loop.run_until_complete(execution)
        assert result.errors is None, result.errors

    def order_and_timeline() -> object:
        return (
            read.tracking.order_for_shopper(order_vars["id"], order_vars["t"]),
            read.tracking.timeline(order_vars["id"]),
        )

    operations: dict[str, tuple[str, dict[str, Any], Callable[[], object]]] = {
        "products(first: 20)": (
            PRODUCTS,
            {},
            lambda: read.catalog.availability(read.catalog.page(category=None, limit=20, cursor=None).items),
        ),
        "order(...)": (ORDER, order_vars, order_and_timeline),
        "orderUpdates(...)": (UPDATES, order_vars, order_and_timeline),
    }

    def three_ways(query: str, variables: dict[str, Any], direct: Callable[[], object]) -> list[Callable[[], object]]:
        return [lambda: through_handler(query, variables), lambda: through_schema(query, variables), direct]

    latencies: list[Latency] = []
    overheads: list[Overhead] = []
    for name, (query, variables, direct) in operations.items():
        ways = three_ways(query, variables, direct)
        for _ in range(10):  # warm the parser and validation caches and the connection pools
            ways[0]()
        samples = _interleaved(ways, repeat)
        latencies += [Latency(name, path, times) for path, times in zip(PATHS, samples, strict=True)]
        with _answers_from_memory():
            _interleaved(ways, 3)  # fill the memory
            cached = _interleaved(ways, repeat)
        overheads.append(Overhead(name, _paired(cached[0], cached[2]), _paired(cached[1], cached[2])))
    placing = _interleaved([lambda: through_handler(PLACE, {"input": _place_input()})], max(20, repeat // 4))
    latencies.append(Latency("placeOrder", PATHS[0], placing[0]))
    return WarmApi(latencies, overheads)


def _interleaved(ways: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    samples: list[list[float]] = [[] for _ in ways]
    for _ in range(repeat):
        for way, times in zip(ways, samples, strict=True):
            started = time.perf_counter()
            way()
            times.append((time.perf_counter() - started) * 1000)
    return samples


def _paired(slower: list[float], faster: list[float]) -> float:
    return statistics.median(a - b for a, b in zip(slower, faster, strict=True))


@contextmanager
def _answers_from_memory() -> Iterator[None]:
    """The shopper reads answer what they answered last time, for every instance (the handler's own services too)."""
    originals = [(owner, name, owner.__dict__[name]) for owner, name in CACHED_METHODS]
    answers: dict[tuple[str, str], object] = {}

    def remembering(name: str, method: Callable[..., object]) -> Callable[..., object]:
        def answer(self: object, *args: Any, **kwargs: Any) -> object:
            key = (name, repr((args, sorted(kwargs.items()))))
            if key not in answers:
                answers[key] = method(self, *args, **kwargs)
            return answers[key]

        return answer

    for owner, name, method in originals:
        setattr(owner, name, remembering(name, method))
    try:
        yield
    finally:
        for owner, name, method in originals:
            setattr(owner, name, method)
