"""What an Order method decides: the order as it is to be saved, its timeline entries and its domain events.

A method returns None when there is nothing to do (a repeat of what is already recorded), so a retried step or a
duplicate report saves nothing; it raises a DomainError for a request the life cycle refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from commerce.timeline import OrderEvent, OrderEventKind

if TYPE_CHECKING:
    from commerce.events import DomainEvent
    from commerce.orders import Order


@dataclass(frozen=True)
class Change:
    order: Order
    events: Sequence[OrderEvent] = ()  # appended to the timeline in the same write as the order
    publish: Sequence[DomainEvent] = field(default_factory=tuple)  # put on the bus once the write committed


def entry(
    order: Order,
    at: datetime,
    kind: OrderEventKind,
    message: str,
    *,
    step: str | None = None,
    detail: dict[str, Any] | None = None,
) -> OrderEvent:
    """A timeline entry about `order` as changed, stamped with its (new) status."""
    return OrderEvent.new(order.id, at, kind, message, status=order.status.value, step=step, detail=detail)


def amount_text(amount: int, currency: str) -> str:
    # Imported on use: the notifications module reads orders, and orders are built from these rules.
    from commerce.money import Money
    from commerce.notifications import format_amount

    return format_amount(Money(amount, currency))
