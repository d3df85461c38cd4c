"""Starting the fulfillment saga: the port, whatever runs it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class SagaStarter(ABC):
    @abstractmethod
    def start(self, order_id: str, saga_input: dict[str, Any]) -> str:
        """Start one execution of the order's saga and name it. The engine does not de-duplicate starts (an
        Express workflow runs every one it is given): `SagaLauncher` decides whether to start."""


class RecordingSagaStarter(SagaStarter):
    """For unit tests of the domain."""

    def __init__(self) -> None:
        self.started: list[tuple[str, dict[str, Any]]] = []

    def start(self, order_id: str, saga_input: dict[str, Any]) -> str:
        self.started.append((order_id, saga_input))
        return f"{order_id}-{len(self.started)}"

    def starts_of(self, order_id: str) -> int:
        return sum(1 for started, _ in self.started if started == order_id)
