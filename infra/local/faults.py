"""Faults injected into local Lambda invocations, for tests that prove what the saga survives."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Fault:
    function_name: str
    make_error: Callable[[], Exception]
    remaining: int | None  # None: every invocation fails


class Faults:
    def __init__(self) -> None:
        self._faults: dict[str, Fault] = {}
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()

    def inject(self, function_name: str, make_error: Callable[[], Exception], times: int | None = None) -> None:
        """Fail the next `times` invocations of the function (all of them when None) with `make_error()`."""
        with self._lock:
            self._faults[function_name] = Fault(function_name, make_error, times)

    def take(self, function_name: str) -> Exception | None:
        with self._lock:
            fault = self._faults.get(function_name)
            if fault is None:
                return None
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[function_name]
            self.injected[function_name] += 1
            return fault.make_error()

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
