"""Business metrics are recorded where the facts happen: placement, committed order changes, stock and webhooks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from commerce.errors import OutOfStockError
from commerce.events import RecordingPublisher
from commerce.metrics import Metric, RecordedMetrics
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.payments import PaymentStatus
from commerce.repositories.memory import InMemoryIdempotencyRepository, InMemoryOrderEventRepository
from commerce.services.order_metrics import OrderMetrics
from commerce.timeline import OrderEvent, OrderEventKind
from commerce.webhooks import WebhookIntake
from tests.unit.builders import an_order, epoch_clock
from tests.unit.test_inventory_service import AlwaysRaced, RacedOnce, Store, an_order_of
from tests.unit.test_placing_orders import Shop, a_command
from tests.unit.test_webhook_intake import StubGateway, TrustingVerifier, an_intent

S = OrderStatus
PLACED_AT = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


class Journey:
    """One order moved through its life by committed changes, with the metrics observer told of each."""

    def __init__(self) -> None:
        self.metrics = RecordedMetrics()
        self.events = InMemoryOrderEventRepository()
        self.observer = OrderMetrics(self.metrics, self.events)
        self.order = replace(an_order(), created_at="2026-11-24T09:30:00.000Z")
        self.now = PLACED_AT

    def move(self, status: OrderStatus, *, after: timedelta = timedelta(seconds=1), **changes: object) -> Order:
        self.now += after
        moved = self.order.transitioned(status, self.now)
        moved = replace(moved, **changes)  # type: ignore[arg-type]
        if status is S.AUTHORIZED:
            self.events.append(
                OrderEvent.new(moved.id, self.now, OrderEventKind.PAYMENT_AUTHORIZED, "Payment authorized")
            )
        self.observer.record(self.order, moved)
        self.order = moved
        return moved

    def declined(self, attempt: str) -> None:
        self.move(S.PAYMENT_FAILED, payment=replace(self.order.payment, last_failure_id=attempt))


def test_a_fulfilled_order_counts_once_at_each_milestone_and_times_payment_to_shipment() -> None:
    journey = Journey()
    journey.move(S.AUTHORIZED, after=timedelta(minutes=2))
    journey.move(S.RESERVED, after=timedelta(seconds=1))
    journey.move(S.CAPTURED, after=timedelta(seconds=2))
    journey.move(S.SHIPPED, after=timedelta(seconds=3, milliseconds=250))
    journey.move(S.FULFILLED)
    recorded = journey.metrics
    assert [r.metric for r in recorded.records] == [
        Metric.PAYMENTS_AUTHORIZED,
        Metric.PAYMENTS_CAPTURED,
        Metric.PAYMENT_TO_SHIPMENT,
        Metric.ORDERS_FULFILLED,
    ]
    # From the authorization, not from placing the order two minutes earlier.
    assert recorded.values(Metric.PAYMENT_TO_SHIPMENT) == [6250.0]
    assert Metric.PAYMENT_TO_SHIPMENT.unit == "Milliseconds" and Metric.ORDERS_FULFILLED.unit == "Count"


def test_every_declined_attempt_counts_but_a_repeated_report_of_one_does_not() -> None:
    journey = Journey()
    journey.declined("ch_1")
    journey.observer.record(journey.order, journey.order)  # the webhook reporting the same decline again
    journey.declined("ch_2")  # another card, declined too: the order was already PAYMENT_FAILED
    assert journey.metrics.total(Metric.PAYMENTS_FAILED) == 2


def test_a_compensation_counts_when_it_starts_not_again_when_it_finishes() -> None:
    journey = Journey()
    journey.move(S.AUTHORIZED)
    journey.move(S.COMPENSATING)
    journey.move(S.FAILED)
    assert journey.metrics.total(Metric.COMPENSATIONS) == 1
    assert journey.metrics.total(Metric.ORDERS_FULFILLED) == 0


def test_a_change_that_does_not_move_the_order_records_nothing() -> None:
    journey = Journey()
    journey.move(S.AUTHORIZED)
    before = len(journey.metrics.records)
    journey.observer.record(journey.order, replace(journey.order, version=journey.order.version + 1))
    assert len(journey.metrics.records) == before


def test_placing_an_order_counts_it_once_however_often_the_request_is_replayed() -> None:
    shop, metrics = Shop(), RecordedMetrics()
    shop.placement.metrics = metrics
    first = shop.placement.place(a_command())
    again = shop.placement.place(a_command())
    assert again.replayed and again.order.id == first.order.id
    assert metrics.total(Metric.ORDERS_PLACED) == 1


def test_a_reservation_that_loses_a_race_for_stock_counts_a_conflict_and_tries_again() -> None:
    store, metrics = Store(RacedOnce), RecordedMetrics()
    store.stock("p-mug", 5, 3, 4)
    store.service.metrics = metrics
    store.service.reserve_for(an_order_of("ord_1", ("p-mug", 2)))
    assert metrics.total(Metric.STOCK_CONFLICTS) == 1


def test_every_lost_race_counts_also_when_the_order_ends_out_of_stock() -> None:
    store, metrics = Store(AlwaysRaced), RecordedMetrics()
    store.stock("p-mug", 5, 3, 4)
    store.service.metrics = metrics
    with pytest.raises(OutOfStockError):
        store.service.reserve_for(an_order_of("ord_1", ("p-mug", 2)))
    assert metrics.total(Metric.STOCK_CONFLICTS) == store.service.max_attempts


def test_a_webhook_delivered_twice_counts_one_duplicate() -> None:
    metrics = RecordedMetrics()
    intake = WebhookIntake(
        verifier=TrustingVerifier(),
        gateway=StubGateway(an_intent(PaymentStatus.REQUIRES_CAPTURE)),
        idempotency=InMemoryIdempotencyRepository(clock=epoch_clock(1_800_000_000)),
        publisher=RecordingPublisher(),
        metrics=metrics,
    )
    body = b"payment_intent.amount_capturable_updated evt_1 pi_1"
    outcomes = [intake.receive(body, "good", received_at=1_800_000_000).value for _ in range(3)]
    assert outcomes == ["published", "duplicate", "duplicate"]
    assert metrics.total(Metric.WEBHOOK_DUPLICATES) == 2
