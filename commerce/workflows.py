"""Starting the fulfillment saga: the port, whatever runs it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class SagaStarter(ABC):
    @abstractmethod
    def start(self, order_id: str, saga_input: dict[str, Any]) -> bool:
        """Start the order's saga; False if it was already started (one saga per order, whoever asks twice)."""

    @abstractmethod
    def status(self, order_id: str) -> str | None:
        """RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED; None if the order's saga never started."""


class RecordingSagaStarter(SagaStarter):
    """For unit tests of the domain."""

    def __init__(self) -> None:
        self.started: dict[str, dict[str, Any]] = {}

    def start(self, order_id: str, saga_input: dict[str, Any]) -> bool:
        if order_id in self.started:
            return False
        self.started[order_id] = saga_input
        return True

    def status(self, order_id: str) -> str | None:
        return "RUNNING" if order_id in self.started else None
