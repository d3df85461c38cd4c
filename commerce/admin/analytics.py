"""Analytics kept as per-day counters: updated on every committed order change, read by days, never by scanning."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from commerce import timeline
from commerce.admin.figures import counted
from commerce.admin.report import AnalyticsReport, report_of, summed
from commerce.errors import DomainError
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.ports import OrderEventRepository

logger = logging.getLogger(__name__)

MAX_DAYS = 366


class AnalyticsRepository(ABC):
    @abstractmethod
    def add(self, day: str, counters: Mapping[str, int]) -> None:
        """Add to the day's counters atomically (concurrent adds all count)."""

    @abstractmethod
    def days(self, days: Sequence[str]) -> list[dict[str, int]]:
        """The counters of each day that has any."""


class AnalyticsPeriodError(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message)


class AnalyticsRecorder:
    """The OrderChanges observer. Best effort: a lost update skews a counter, it never fails an order."""

    def __init__(self, store: AnalyticsRepository, events: OrderEventRepository) -> None:
        self.store = store
        self.events = events

    def record(self, before: Order, after: Order) -> None:
        authorized_at = None
        if after.status is OrderStatus.SHIPPED and before.status is not OrderStatus.SHIPPED:
            authorized_at = timeline.authorized_at(after, self.events)
        for day in counted(before, after, authorized_at=authorized_at):
            self.store.add(day.day, day.counters)


class AnalyticsQueries:
    def __init__(self, store: AnalyticsRepository) -> None:
        self.store = store

    def report(self, first_day: date, last_day: date) -> AnalyticsReport:
        """Raises AnalyticsPeriodError for a period that ends before it starts or is longer than MAX_DAYS."""
        if last_day < first_day:
            raise AnalyticsPeriodError("the period ends before it starts")
        length = (last_day - first_day).days + 1
        if length > MAX_DAYS:
            raise AnalyticsPeriodError(f"a period is at most {MAX_DAYS} days")
        days = [(first_day + timedelta(days=offset)).isoformat() for offset in range(length)]
        return report_of(first_day, last_day, summed(self.store.days(days)))
