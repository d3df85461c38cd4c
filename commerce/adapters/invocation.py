"""The boundary of one invocation (a Lambda call; locally, also one HTTP request): what ops read about it afterwards.

Inside it, every log line carries the invocation's correlation keys (service, request id, and what `bind` adds:
order id, saga execution, Stripe event id, GraphQL operation), the work is one X-Ray subsegment annotated with the
same keys, business metrics are flushed once at the end, and one summary line says how it ended and how long it
took. State lives in a ContextVar, not in Powertools' process-wide keys: the local cloud runs many invocations at
once in one process, and a ContextVar follows an invocation into `asyncio.to_thread` and nowhere else.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from commerce.adapters import emf_metrics, tracing

logger = logging.getLogger(__name__)

E = TypeVar("E")
C = TypeVar("C")
R = TypeVar("R")
Correlate = Callable[[Any], Mapping[str, object]]

_MAX_KEY_LENGTH = 200  # a key is an id, never a document; X-Ray annotations stop at 1,000 characters


@dataclass
class Invocation:
    service: str
    request_id: str
    cold_start: bool
    keys: dict[str, str] = field(default_factory=dict)
    http: dict[str, str | int] = field(default_factory=dict)
    trace: Any = None  # the invocation's X-Ray subsegment, when traced

    def correlation(self) -> dict[str, object]:
        return {"service": self.service, "request_id": self.request_id, "cold_start": self.cold_start, **self.keys}


_current: ContextVar[Invocation | None] = ContextVar("invocation", default=None)
_warm: set[str] = set()
_logging_lock = threading.Lock()
_lambda_logging: list[bool] = []


def current() -> Invocation | None:
    return _current.get()


def bind(**keys: object) -> None:
    """From now on this invocation's log lines carry `keys` and its trace is annotated with them."""
    found = _current.get()
    if found is None:
        return
    clean = {key: str(value)[:_MAX_KEY_LENGTH] for key, value in keys.items() if value is not None and value != ""}
    found.keys.update(clean)
    if found.trace is not None:
        tracing.annotate(found.trace, dict(clean))


@contextmanager
def invocation(
    service: str,
    *,
    request_id: str | None = None,
    handler: str = "handler",
    keys: Mapping[str, object] | None = None,
    http: Mapping[str, str | int] | None = None,
) -> Iterator[Invocation]:
    cold_start = service not in _warm
    _warm.add(service)
    found = Invocation(service, request_id or str(uuid.uuid4()), cold_start, http=dict(http or {}))
    token = _current.set(found)
    started = time.perf_counter()
    outcome = "ok"
    try:
        with tracing.subsegment(f"## {handler}") as trace, emf_metrics.collecting(lambda: _metric_metadata(found)):
            if trace is not None:
                found.trace = trace
                found.keys["xray_trace_id"] = trace.trace_id
                tracing.annotate(trace, {"service": service, "ColdStart": cold_start})
            bind(**(keys or {}))
            yield found
    except BaseException as exc:
        outcome = type(exc).__name__
        raise
    finally:
        _summarize(found, outcome, (time.perf_counter() - started) * 1000)
        _current.reset(token)


def observed(correlate: Correlate | None = None) -> Callable[[Callable[[E, C], R]], Callable[[E, C], R]]:
    """A Lambda handler as one invocation; `correlate(event)` names the keys the event carries (e.g. its order id)."""

    def decorate(handler: Callable[[E, C], R]) -> Callable[[E, C], R]:
        name = getattr(handler, "__name__", "handler")

        @functools.wraps(handler)
        def run(event: E, context: C) -> R:
            _configure_lambda_logging()
            # POWERTOOLS_SERVICE_NAME on AWS; the local cloud runs every function in one process, so there the
            # function's own name (the context's) tells them apart.
            service = os.environ.get("POWERTOOLS_SERVICE_NAME") or getattr(context, "function_name", None) or name
            request_id = getattr(context, "aws_request_id", None)
            with invocation(
                service, request_id=request_id, handler=name, keys=_keys(event, correlate), http=_http_of(event)
            ) as found:
                result = handler(event, context)
                if found.http and isinstance(result, dict) and "statusCode" in result:
                    found.http["status"] = int(result["statusCode"])
                return result

        return run

    return decorate


def _keys(event: Any, correlate: Correlate | None) -> Mapping[str, object]:
    if correlate is None:
        return {}
    try:
        return correlate(event)
    except (KeyError, TypeError, AttributeError, ValueError):
        return {}  # a malformed event fails in the handler itself, with the handler's own error


def _http_of(event: Any) -> dict[str, str | int]:
    """Method and path of an API Gateway HTTP API (payload v2) event."""
    if not isinstance(event, dict):
        return {}
    http = (event.get("requestContext") or {}).get("http") or {}
    if not isinstance(http, dict) or "method" not in http:
        return {}
    return {"method": str(http["method"]), "path": str(http.get("path", ""))}


def _metric_metadata(found: Invocation) -> dict[str, object]:
    # Not dimensions: searchable in CloudWatch Logs Insights, free of metric cardinality.
    return {
        "service": found.service,
        "request_id": found.request_id,
        "order_id": found.keys.get("order_id"),
        "xray_trace_id": found.keys.get("xray_trace_id"),
    }


def _summarize(found: Invocation, outcome: str, duration_ms: float) -> None:
    extra: dict[str, object] = {"duration_ms": round(duration_ms, 1), "outcome": outcome}
    extra |= {f"http_{key}": value for key, value in found.http.items()}
    logger.log(logging.INFO if outcome == "ok" else logging.WARNING, "invocation finished", extra=extra)


def _configure_lambda_logging() -> None:
    """On Lambda only: the local cloud formats its own console, and tests their captures."""
    if _lambda_logging or not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return
    with _logging_lock:
        if not _lambda_logging:
            from commerce.adapters.log_format import configure_lambda_logging

            configure_lambda_logging()
            _lambda_logging.append(True)
