"""X-Ray tracing through Powertools Tracer, set up on the first traced invocation and only when tracing is on.

Tracing is on where an X-Ray daemon listens: Lambda sets AWS_XRAY_DAEMON_ADDRESS when the function's tracing is
Active, and the local cloud sets it to its own collector. Off (POWERTOOLS_TRACE_DISABLED, AWS_XRAY_SDK_ENABLED=false
or no daemon), nothing is imported or patched: constructing a Tracer imports the X-Ray SDK, about 0.35 s here, so
handler modules never do it at import time, and a cold start without tracing never pays for it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_FALSE = frozenset({"0", "false", "no", "off"})

_setup_lock = threading.Lock()
_tracer: list[Any] = []


def enabled() -> bool:
    if os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").lower() not in _FALSE:
        return False
    if os.environ.get("AWS_XRAY_SDK_ENABLED", "true").lower() in _FALSE:
        return False
    return bool(os.environ.get("AWS_XRAY_DAEMON_ADDRESS"))


def _provider() -> Any:
    """The X-Ray recorder, with botocore (every AWS call), requests (HTTP) and Stripe's client patched once."""
    with _setup_lock:
        if not _tracer:
            import wrapt
            from aws_lambda_powertools.tracing import Tracer

            tracer = Tracer(disabled=False, auto_patch=True, patch_modules=("botocore", "requests"))
            # Stripe's SDK is imported only on payment paths: patch it when (and if) that happens.
            wrapt.when_imported("stripe")(_patch_stripe)
            _tracer.append(tracer)
    return _tracer[0].provider


@contextmanager
def subsegment(name: str) -> Iterator[Any | None]:
    """A subsegment of the current trace, or None when tracing is off or nothing is being traced here."""
    if not enabled():
        yield None
        return
    provider = _provider()
    entity = provider.get_trace_entity()
    if entity is None or not entity.sampled:
        yield None
        return
    with provider.in_subsegment(name) as opened:
        yield opened


def annotate(entity: Any, annotations: dict[str, str | bool | float]) -> None:
    """X-Ray indexes annotations: `annotation.order_id = "ord_…"` finds an order's traces."""
    for key, value in annotations.items():
        entity.put_annotation(key, value)


def stripe_operation(method: str, url: str) -> str:
    """`POST /v1/payment_intents/{id}/capture`: one value per operation, whatever the object, so it can be searched.

    Stripe's paths alternate collection and object id after the version (/v1/customers/cus_1/sources/card_2).
    """
    path = url.split("://", 1)[-1].split("?", 1)[0]
    parts = path.split("/")[1:]
    masked = ["{id}" if index >= 2 and index % 2 == 0 else part for index, part in enumerate(parts)]
    return f"{method.upper()} /{'/'.join(masked)}"


def _patch_stripe(stripe: Any) -> None:
    import wrapt

    def traced(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        method = args[0] if args else kwargs.get("method", "")
        url = args[1] if len(args) > 1 else kwargs.get("url", "")
        with subsegment("Stripe") as opened:
            if opened is not None:
                opened.put_annotation("stripe_operation", stripe_operation(str(method), str(url)))
            return wrapped(*args, **kwargs)

    wrapt.wrap_function_wrapper(stripe.HTTPClient, "request_with_retries", traced)
