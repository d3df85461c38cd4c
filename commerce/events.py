"""Domain events that cross process boundaries on the event bus. Past tense, plain data."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

SOURCE = "fulfillment"


@dataclass(frozen=True, slots=True)
class DomainEvent:
    detail_type: ClassVar[str]

    order_id: str

    def detail(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PaymentAuthorized(DomainEvent):
    detail_type: ClassVar[str] = "PaymentAuthorized"

    intent_id: str
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class PaymentFailed(DomainEvent):
    detail_type: ClassVar[str] = "PaymentFailed"

    intent_id: str
    reason: str
    attempt_id: str  # one per declined confirmation: the same decline reported twice is recorded once


@dataclass(frozen=True, slots=True)
class PaymentRefunded(DomainEvent):
    """Stripe reports the intent refunded, in part or in full, by us or in its Dashboard."""

    detail_type: ClassVar[str] = "PaymentRefunded"

    intent_id: str
    refunded: int  # the intent's whole refunded amount so far, not one refund's: a report heard twice adds nothing
    currency: str


@dataclass(frozen=True, slots=True)
class PaymentCanceled(DomainEvent):
    """Stripe reports the intent canceled, by us or in its Dashboard: it can no longer be paid or captured."""

    detail_type: ClassVar[str] = "PaymentCanceled"

    intent_id: str


@dataclass(frozen=True, slots=True)
class CompensationRequested(DomainEvent):
    detail_type: ClassVar[str] = "CompensationRequested"

    reason: str
    failed_step: str | None = None
    requested_by: str = "saga"
    cancel: bool = False  # an admin's cancellation ends CANCELLED, a failure FAILED


@dataclass(frozen=True, slots=True)
class OrderStatusChanged(DomainEvent):
    detail_type: ClassVar[str] = "OrderStatusChanged"

    status: str
    previous: str
    reason: str | None = None


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.detail_type: cls
    for cls in (
        PaymentAuthorized,
        PaymentFailed,
        PaymentRefunded,
        PaymentCanceled,
        CompensationRequested,
        OrderStatusChanged,
    )
}


def event_from(detail_type: str, detail: dict[str, Any]) -> DomainEvent:
    """The event an EventBridge envelope carries; KeyError for a type this code does not know."""
    cls = EVENT_TYPES[detail_type]
    return cls(**detail)


class EventPublisher(ABC):
    @abstractmethod
    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Put the events on the bus; raises if any of them was not accepted."""


class EventPublishError(Exception):
    def __init__(self, failed: list[str]) -> None:
        super().__init__(f"the bus refused {len(failed)} event(s): {'; '.join(failed)}")
        self.failed = failed


class RecordingPublisher(EventPublisher):
    """For unit tests of the domain: keeps what was published."""

    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    def publish(self, events: Sequence[DomainEvent]) -> None:
        self.published.extend(events)
