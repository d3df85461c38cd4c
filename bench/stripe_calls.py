"""Every request the product makes to Stripe (here localstripe, a child process over HTTP), and its wall time.

The gateway gives the SDK a `stripe.RequestsClient`; each HTTP attempt, retries included, goes through its
`request`, which this wraps at the class, so clients built before or after installing are both counted.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import stripe

# Stripe object ids are "<prefix>_<random>" (pi_3Nq…, tok_1A…), resource names are lower-case words
# (payment_intents): an id's random part has a capital or a digit. One template per kind of call.
_OBJECT_ID = re.compile(r"/[a-z]+_(?=[a-z]*[A-Z0-9])[A-Za-z0-9]+")


@dataclass
class StripeCalls:
    calls: Counter[str] = field(default_factory=Counter)  # "POST /v1/payment_intents/{id}/capture"
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.calls.values())


def call_name(method: str, url: str) -> str:
    return f"{method.upper()} {_OBJECT_ID.sub('/{id}', urlsplit(url).path)}"


class StripeCallCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls = StripeCalls()
        self._original: Callable[..., Any] | None = None
        self.active = False

    def install(self) -> None:
        original: Callable[..., Any] = stripe.RequestsClient.request
        counter = self

        def counted_request(client: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            if not counter.active:
                return original(client, method, url, *args, **kwargs)
            started = time.perf_counter()
            try:
                return original(client, method, url, *args, **kwargs)
            finally:
                counter._add(call_name(method, url), time.perf_counter() - started)

        self._original = original
        setattr(stripe.RequestsClient, "request", counted_request)  # noqa: B010 - mypy refuses assigning a method

    def uninstall(self) -> None:
        if self._original is not None:
            setattr(stripe.RequestsClient, "request", self._original)  # noqa: B010
            self._original = None

    def take(self) -> StripeCalls:
        with self._lock:
            calls, self._calls = self._calls, StripeCalls()
        return calls

    def _add(self, name: str, seconds: float) -> None:
        with self._lock:
            self._calls.calls[name] += 1
            self._calls.seconds += seconds
