"""Faults injected into local Lambda invocations, for tests that prove what the saga survives."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Fault:
    function_name: str
    make_error: Callable[[], Exception]
    remaining: int | None  # None: every matching invocation fails
    order_id: str | None  # None: every order


def order_of(payload: bytes) -> str | None:
    """The order an invocation is about: a saga step's `order_id`, or an EventBridge event's `detail.order_id`."""
    try:
        event: Any = json.loads(payload or b"{}")
    except ValueError:
        return None
    if not isinstance(event, dict):
        return None
    detail = event.get("detail")
    found = event.get("order_id") or (detail.get("order_id") if isinstance(detail, dict) else None)
    return found if isinstance(found, str) else None


class Faults:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._holds: dict[tuple[str, str], threading.Event] = {}
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()

    def hold(self, function_name: str, order_id: str) -> None:
        """Keep the function's invocations for this order waiting until `release` (a saga paused mid-way)."""
        with self._lock:
            self._holds.setdefault((function_name, order_id), threading.Event())

    def release(self, order_id: str | None = None, function_name: str | None = None) -> None:
        """Let held invocations go on: every one, or an order's, or an order's at one function."""
        with self._lock:
            for key in [
                key
                for key in self._holds
                if (order_id is None or key[1] == order_id) and (function_name is None or key[0] == function_name)
            ]:
                self._holds.pop(key).set()

    def wait_if_held(self, function_name: str, payload: bytes, timeout: float = 300.0) -> None:
        with self._lock:
            if not self._holds:
                return
            held = self._holds.get((function_name, order_of(payload) or ""))
        if held is not None:
            held.wait(timeout)

    def inject(
        self,
        function_name: str,
        make_error: Callable[[], Exception],
        times: int | None = None,
        *,
        order_id: str | None = None,
    ) -> None:
        """Fail the next `times` invocations of the function (all when None), only for `order_id` if given."""
        with self._lock:
            self._faults.append(Fault(function_name, make_error, times, order_id))

    def take(self, function_name: str, payload: bytes = b"{}") -> Exception | None:
        with self._lock:
            if not any(fault.function_name == function_name for fault in self._faults):
                return None
            order_id = order_of(payload)
            for fault in self._faults:
                if fault.function_name == function_name and fault.order_id in (None, order_id):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    self.injected[function_name] += 1
                    return fault.make_error()
            return None

    def clear(self, order_id: str | None = None) -> None:
        """Remove every fault, or only those of one order."""
        with self._lock:
            self._faults = [f for f in self._faults if order_id is not None and f.order_id != order_id]
