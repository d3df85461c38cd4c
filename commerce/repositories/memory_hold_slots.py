"""Hold slots in memory, each change atomic under one lock as DynamoDB's conditional writes are per item."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from commerce.hold_limits import HoldSlot, HoldSlotRepository


class InMemoryHoldSlotRepository(HoldSlotRepository):
    def __init__(self) -> None:
        self.slots: dict[str, HoldSlot] = {}
        self.orders: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def _read(self, names: Sequence[str]) -> dict[str, HoldSlot]:
        with self._lock:
            return {name: self.slots[name] for name in names if name in self.slots}

    def _take(self, name: str, order_id: str, until: str, now: str) -> HoldSlot | None:
        with self._lock:
            stored = self.slots.get(name)
            if stored is not None and stored.holder != order_id and stored.until > now:
                return stored
            self.slots[name] = HoldSlot(name, order_id, until)
            return None

    def _set_until(self, name: str, order_id: str, until: str) -> None:
        with self._lock:
            stored = self.slots.get(name)
            if stored is not None and stored.holder == order_id:
                self.slots[name] = HoldSlot(name, order_id, until)

    def _free(self, name: str, order_id: str) -> bool:
        with self._lock:
            stored = self.slots.get(name)
            if stored is None or stored.holder != order_id:
                return False
            del self.slots[name]
            return True

    def _remember(self, order_id: str, names: Sequence[str], until: datetime) -> None:
        with self._lock:
            self.orders.setdefault(order_id, set()).update(names)

    def _remembered(self, order_id: str) -> list[str]:
        with self._lock:
            return sorted(self.orders.get(order_id, ()))

    def _forget(self, order_id: str) -> None:
        with self._lock:
            self.orders.pop(order_id, None)
