from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from commerce.clock import to_iso


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One entry of an order's timeline: a status change, a saga step attempt, a compensation.

    `id` sorts in time order (timestamp first, then a random suffix for events of the same millisecond),
    so it doubles as the polling cursor of `orderUpdates`.
    """

    order_id: str
    id: str
    at: str
    type: str
    message: str
    status: str | None = None
    step: str | None = None
    attempt: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(
        cls,
        order_id: str,
        at: datetime,
        type: str,
        message: str,
        *,
        status: str | None = None,
        step: str | None = None,
        attempt: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> OrderEvent:
        stamp = to_iso(at)
        return cls(
            order_id=order_id,
            id=f"{stamp}#{secrets.token_hex(4)}",
            at=stamp,
            type=type,
            message=message,
            status=status,
            step=step,
            attempt=attempt,
            detail=detail or {},
        )
