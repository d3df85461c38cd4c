"""The stack's Stripe write budget: a spent window refuses with the wait, the next admits, and no burst gets past it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest

from commerce.adapters.aws_errors import is_transient
from commerce.money import Money
from commerce.payment_budget import BudgetedGateway, InMemoryStripeWriteBudget, PaymentsBusyError
from commerce.settings import Settings, TableNames
from tests.unit.fake_stripe import FakeStripe

START = datetime(2026, 11, 27, 9, 0, 0, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def spend(budget: InMemoryStripeWriteBudget, writes: int) -> None:
    for _ in range(writes):
        budget.take("confirm")


def test_a_spent_window_refuses_with_the_wait_until_the_next() -> None:
    clock = Clock()
    budget = InMemoryStripeWriteBudget(80, clock)  # 8 in each tenth of a second
    spend(budget, 8)
    clock.now = START + timedelta(milliseconds=30)

    with pytest.raises(PaymentsBusyError) as refused:
        budget.take("confirm", "pi_1")

    assert refused.value.retry_after_ms == 70
    assert refused.value.intent_id == "pi_1"


def test_the_next_window_admits_again() -> None:
    clock = Clock()
    budget = InMemoryStripeWriteBudget(80, clock)
    spend(budget, 8)
    clock.now = START + timedelta(milliseconds=100)

    spend(budget, 8)  # does not raise
    with pytest.raises(PaymentsBusyError):
        budget.take("confirm")


def test_a_burst_of_threads_never_gets_past_the_budget() -> None:
    budget = InMemoryStripeWriteBudget(100, Clock())

    def attempt(_: int) -> bool:
        try:
            budget.take("create_intent")
        except PaymentsBusyError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=16) as pool:
        admitted = sum(pool.map(attempt, range(200)))

    assert admitted == 10


def test_a_spent_budget_sends_nothing_to_stripe_and_leaves_reads_and_refunds_alone() -> None:
    stripe = FakeStripe()
    clock = Clock()
    gateway = BudgetedGateway(stripe, InMemoryStripeWriteBudget(10, clock))  # 1 in each tenth of a second
    intent = gateway.create_intent("ord_1", Money(1000, "USD"), "ord_1:intent")

    with pytest.raises(PaymentsBusyError):
        gateway.confirm_with_payment_method(intent.id, "pm_card_visa", "ord_1:confirm")

    assert gateway.retrieve(intent.id).status.value == "requires_payment_method"  # never confirmed
    assert gateway.cancel(intent.id, "ord_1:cancel").status.value == "canceled"  # compensation never waits


def test_a_capture_refused_by_the_budget_is_a_transient_failure_for_the_sagas_retry() -> None:
    assert is_transient(PaymentsBusyError("capture", "pi_1", 40))


_ENV = {TableNames.env_var(f.name): f"t-{f.name}" for f in fields(TableNames)} | {"EVENT_BUS_NAME": "orders"}


def test_the_budget_is_80_writes_a_second_unless_configured() -> None:
    assert Settings.from_env(_ENV).stripe_writes_per_second == 80
    assert Settings.from_env(_ENV | {"STRIPE_WRITES_PER_SECOND": "400"}).stripe_writes_per_second == 400
    with pytest.raises(RuntimeError, match="STRIPE_WRITES_PER_SECOND"):
        Settings.from_env(_ENV | {"STRIPE_WRITES_PER_SECOND": "5"})
