from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from commerce.admin import figures
from commerce.admin.analytics import AnalyticsPeriodError, AnalyticsQueries, AnalyticsRecorder
from commerce.admin.report import Revenue, report_of
from commerce.events import RecordingPublisher
from commerce.money import Money
from commerce.order_status import OrderStatus
from commerce.orders import Order, OrderLine
from commerce.repositories.memory import (
    InMemoryIdempotencyRepository,
    InMemoryOrderEventRepository,
    InMemoryOrderRepository,
)
from commerce.repositories.memory_admin import InMemoryAnalyticsRepository
from commerce.services.order_changes import Change, OrderChanges
from commerce.timeline import OrderEvent, OrderEventKind
from tests.unit.builders import an_order

S = OrderStatus
DAY = date(2026, 11, 24)
MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def nonzero(counters: dict[str, int]) -> dict[str, int]:
    """An order that moved on leaves its old status's counter at 0: present, but no figure."""
    return {name: value for name, value in counters.items() if value}


class Books:
    """Orders driven through OrderChanges with the analytics recorder observing, on a clock the test moves."""

    def __init__(self) -> None:
        self.now = MORNING
        self.events = InMemoryOrderEventRepository()
        self.orders = InMemoryOrderRepository(self.events, InMemoryIdempotencyRepository(lambda: self.now))
        self.store = InMemoryAnalyticsRepository()
        recorder = AnalyticsRecorder(self.store, self.events)
        self.changes = OrderChanges(self.orders, lambda: self.now, RecordingPublisher(), observers=[recorder.record])

    def place(self, order_id: str, lines: list[tuple[str, int, int]], currency: str = "USD") -> None:
        """Placed now; its payment intent opened a second later (placeOrder's first change)."""
        order_lines = tuple(OrderLine(pid, f"SKU-{pid}", pid, Money(price, currency), qty) for pid, qty, price in lines)
        total = sum((line.total for line in order_lines), start=Money.zero(currency))
        stamp = self.stamp()
        self.orders.orders[order_id] = replace(
            an_order(order_id=order_id),
            lines=order_lines,
            subtotal=total,
            shipping=Money.zero(currency),
            total=total,
            created_at=stamp,
            updated_at=stamp,
        )
        self.after(seconds=1)
        self.changes.apply(order_id, lambda o: Change(o.revised(self.now, payment=replace(o.payment, intent_id="pi"))))

    def move(self, order_id: str, *statuses: OrderStatus, captured: int = 0, refunded: int = 0) -> None:
        for status in statuses:
            self.after(seconds=1)

            def decide(order: Order, status: OrderStatus = status) -> Change:
                payment = order.payment
                if status is S.CAPTURED:
                    payment = replace(payment, captured=captured)
                if status in (S.FAILED, S.CANCELLED):
                    payment = replace(payment, refunded=refunded)
                moved = order.transitioned(status, self.now, payment=payment)
                kind = OrderEventKind.PAYMENT_AUTHORIZED if status is S.AUTHORIZED else OrderEventKind.STATUS_CHANGED
                return Change(moved, [OrderEvent.new(order.id, self.now, kind, status.value)])

            self.changes.apply(order_id, decide)

    def after(self, *, seconds: float = 0, minutes: float = 0) -> None:
        self.now += timedelta(seconds=seconds, minutes=minutes)

    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_figures_match_a_known_set_of_orders() -> None:
    books = Books()
    books.place("A", [("p-mug", 2, 1000)])
    books.move("A", S.AUTHORIZED)
    books.after(minutes=10)
    books.move("A", S.RESERVED, S.CAPTURED, captured=2000)
    books.move("A", S.SHIPPED, S.FULFILLED)

    books.place("B", [("p-tent", 1, 5000), ("p-mug", 1, 1000)])
    books.move("B", S.AUTHORIZED)
    books.after(minutes=30)
    books.move("B", S.RESERVED, S.CAPTURED, captured=6000)
    books.move("B", S.SHIPPED)

    books.place("C", [("p-mug", 3, 1000)])  # fails after capture: refunded
    books.move("C", S.AUTHORIZED, S.RESERVED, S.CAPTURED, captured=3000)
    books.move("C", S.COMPENSATING, S.FAILED, refunded=3000)

    books.place("D", [("p-mug", 1, 1000)])  # never paid
    books.move("D", S.EXPIRED)

    books.place("E", [("p-mug", 1, 1000)])  # cancelled by an admin before capture
    books.move("E", S.AUTHORIZED, S.COMPENSATING, S.CANCELLED)

    books.place("F", [("p-tent", 3, 4000)], currency="EUR")
    books.move("F", S.AUTHORIZED)
    books.after(minutes=60)
    books.move("F", S.RESERVED, S.CAPTURED, captured=12000)
    books.move("F", S.SHIPPED)

    report = AnalyticsQueries(books.store).report(DAY, DAY)
    assert report.placed == 6
    assert report.by_status == {S.SHIPPED: 2, S.FULFILLED: 1, S.FAILED: 1, S.CANCELLED: 1, S.EXPIRED: 1}
    assert report.revenue == [Revenue("EUR", 12000, 0), Revenue("USD", 11000, 3000)]
    assert [revenue.gross for revenue in report.revenue] == [12000, 8000]
    assert report.shipments == 3
    # Authorized → shipped: 10 min + 3 s, 30 min + 3 s, 60 min + 3 s.
    assert report.average_seconds_to_ship == pytest.approx((603 + 1803 + 3603) / 3)
    assert report.p95_seconds_to_ship is not None
    assert 3603 <= report.p95_seconds_to_ship <= 3603 * 1.1
    assert report.top_products(2) == [("p-tent", 4), ("p-mug", 3)]
    assert report.failures == 1 and report.failure_rate == pytest.approx(1 / 6)
    assert report.compensations == 2 and report.compensation_rate == pytest.approx(2 / 6)


def test_an_order_placed_one_day_and_shipped_the_next_counts_where_each_happened() -> None:
    books = Books()
    books.now = datetime(2026, 11, 24, 23, 59, tzinfo=UTC)
    books.place("A", [("p-mug", 1, 1000)])
    books.move("A", S.AUTHORIZED)
    books.after(minutes=5)
    books.move("A", S.RESERVED, S.CAPTURED, captured=1000)
    books.move("A", S.SHIPPED)
    first, second = (nonzero(day) for day in books.store.days(["2026-11-24", "2026-11-25"]))
    assert first == {"placed": 1, "status#SHIPPED": 1}
    assert second == {
        "captured#USD": 1000,
        "shipments": 1,
        "ship_ms": 303_000,
        f"ship_bucket#{figures.bucket_of(303)}": 1,
        "units#p-mug": 1,
    }
    assert AnalyticsQueries(books.store).report(DAY, DAY + timedelta(days=1)).placed == 1


def test_nothing_is_counted_twice_when_a_change_is_decided_again_after_a_concurrent_write() -> None:
    books = Books()
    books.place("A", [("p-mug", 1, 1000)])
    real_save = books.orders.save
    raced = False

    def save_after_a_racing_revision(order: Order, expected_version: int, events: object = ()) -> None:
        nonlocal raced
        if not raced:
            raced = True
            current = books.orders.orders[order.id]
            books.orders.orders[order.id] = replace(current, version=current.version + 1)
        real_save(order, expected_version, events)  # type: ignore[arg-type]

    books.orders.save = save_after_a_racing_revision  # type: ignore[method-assign]
    books.move("A", S.AUTHORIZED)
    assert [nonzero(day) for day in books.store.days(["2026-11-24"])] == [{"placed": 1, "status#AUTHORIZED": 1}]


def test_a_capture_the_order_never_recorded_counts_as_captured_when_it_is_refunded() -> None:
    before = an_order(status=S.RESERVED)
    cancelled = replace(
        before,
        status=S.COMPENSATING,
        version=before.version + 1,
        updated_at=before.created_at,
        payment=replace(before.payment, refunded=4199),
    )
    (day,) = figures.counted(replace(before, version=3), replace(cancelled, version=4))
    assert day.counters["captured#USD"] == 4199 and day.counters["refunded#USD"] == 4199


def test_an_observer_that_fails_does_not_undo_or_fail_the_committed_change() -> None:
    books = Books()

    def broken(before: Order, after: Order) -> None:
        raise RuntimeError("analytics store down")

    books.changes.observers = (broken,)
    books.place("A", [("p-mug", 1, 1000)])
    books.move("A", S.AUTHORIZED)
    assert books.orders.orders["A"].status is S.AUTHORIZED


def test_the_p95_of_a_hundred_durations_is_known_to_within_ten_percent() -> None:
    counters: dict[str, int] = {"shipments": 100, "ship_ms": sum(range(1, 101)) * 1000}
    for seconds in range(1, 101):
        name = figures.SHIP_BUCKET + str(figures.bucket_of(seconds))
        counters[name] = counters.get(name, 0) + 1
    report = report_of(DAY, DAY, counters)
    assert report.average_seconds_to_ship == pytest.approx(50.5)
    assert report.p95_seconds_to_ship is not None and 95 <= report.p95_seconds_to_ship <= 95 * 1.1


def test_a_period_that_ends_before_it_starts_or_spans_years_is_refused() -> None:
    queries = AnalyticsQueries(InMemoryAnalyticsRepository())
    with pytest.raises(AnalyticsPeriodError):
        queries.report(DAY, DAY - timedelta(days=1))
    with pytest.raises(AnalyticsPeriodError):
        queries.report(DAY, DAY + timedelta(days=400))
    assert queries.report(DAY, DAY).placed == 0
