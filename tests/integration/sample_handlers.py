"""Lambda handlers that exist only for the local runtime's tests; they remember what happened to them."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from infra.local.lambda_context import LambdaContext

_lock = threading.Lock()
attempts: Counter[str] = Counter()  # by the event's "key"
received: list[dict[str, Any]] = []


class TransientError(Exception):
    """A failure worth retrying, like a throttled downstream call."""


class PermanentError(Exception):
    """A failure no retry can fix, like a declined card."""


def echo(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {
        "echo": event,
        "function_name": context.function_name,
        "invoked_function_arn": context.invoked_function_arn,
        "request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }


def fails_twice_then_succeeds(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    attempt = _count_attempt(event["key"])
    if attempt <= 2:
        raise TransientError(f"downstream busy on attempt {attempt}")
    return {"attempts": attempt}


def always_fails(event: dict[str, Any], context: LambdaContext) -> None:
    body = _body(event)
    _count_attempt(body.get("key", "always_fails"))
    raise PermanentError(f"card declined for order {body.get('order_id')}")


def record(event: dict[str, Any], context: LambdaContext) -> None:
    with _lock:
        received.append(event)


def returns_unserialisable(event: dict[str, Any], context: LambdaContext) -> object:
    return object()


def received_with(key: str, value: Any) -> list[dict[str, Any]]:
    """Recorded events whose body has `key` equal to `value`."""
    with _lock:
        return [event for event in received if _body(event).get(key) == value]


def _body(event: dict[str, Any]) -> dict[str, Any]:
    """An EventBridge event's detail, or a direct invoke's whole payload."""
    detail: dict[str, Any] = event.get("detail", event)
    return detail


def _count_attempt(key: str) -> int:
    with _lock:
        attempts[key] += 1
        return attempts[key]
