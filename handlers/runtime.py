"""What every handler shares: EventBridge correlation and the saga's transient-failure error."""

from __future__ import annotations

from typing import Any


class TransientStepError(Exception):
    """A failure that another attempt may not meet: named in the state machine's Retry."""


def from_bus(event: dict[str, Any]) -> dict[str, object]:
    """The correlation keys of an EventBridge event: the order it is about and its own id."""
    return {"order_id": event["detail"]["order_id"], "event_id": event.get("id")}
