"""The stack's Stripe write budget: a spent window refuses with the wait, the next admits, no burst gets past it, and
captures get through a window that new payments have spent."""

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
        budget.take_for_new_payment("confirm")


def test_a_spent_window_refuses_with_the_wait_until_the_next() -> None:
    clock = Clock()
    budget = InMemoryStripeWriteBudget(80, clock)  # 8 in each tenth of a second, 5 of them for new payments
    spend(budget, 5)
    clock.now = START + timedelta(milliseconds=30)

    with pytest.raises(PaymentsBusyError) as refused:
        budget.take_for_new_payment("confirm", "pi_1")

    assert refused.value.retry_after_ms == 70
    assert refused.value.intent_id == "pi_1"


def test_the_next_window_admits_again() -> None:
    clock = Clock()
    budget = InMemoryStripeWriteBudget(80, clock)
    spend(budget, 5)
    clock.now = START + timedelta(milliseconds=100)

    spend(budget, 5)  # does not raise
    with pytest.raises(PaymentsBusyError):
        budget.take_for_new_payment("confirm")


def test_a_burst_of_threads_never_gets_past_the_budget() -> None:
    budget = InMemoryStripeWriteBudget(100, Clock())  # 10 in each tenth of a second, 6 of them for new payments

    def attempt(index: int) -> str | None:
        try:
            if index % 2:
                budget.take_for_capture(f"pi_{index}")
                return "capture"
            budget.take_for_new_payment("create_intent")
            return "new payment"
        except PaymentsBusyError:
            return None

    with ThreadPoolExecutor(max_workers=16) as pool:
        admitted = [kind for kind in pool.map(attempt, range(200)) if kind is not None]

    assert len(admitted) == 10
    assert admitted.count("new payment") <= 6


def test_a_window_spent_by_new_payments_still_captures_an_authorization() -> None:
    stripe = FakeStripe()
    gateway = BudgetedGateway(stripe, InMemoryStripeWriteBudget(80, Clock()))
    won = stripe.authorize(stripe.create_intent("ord_won", Money(1000, "USD"), "ord_won:intent").id)
    with pytest.raises(PaymentsBusyError):
        for attempt in range(20):  # a flood of payOrders, more than the window holds
            gateway.create_intent(f"ord_{attempt}", Money(1000, "USD"), f"ord_{attempt}:intent")

    captured = gateway.capture(won.id, "ord_won:capture")

    assert captured.status.value == "succeeded"


def test_captures_past_the_whole_window_wait_for_the_next() -> None:
    clock = Clock()
    budget = InMemoryStripeWriteBudget(80, clock)
    spend(budget, 5)
    for index in range(3):
        budget.take_for_capture(f"pi_{index}")

    with pytest.raises(PaymentsBusyError) as refused:
        budget.take_for_capture("pi_late")

    assert refused.value.retry_after_ms == 100
    clock.now = START + timedelta(milliseconds=100)
    budget.take_for_capture("pi_late")  # does not raise


def test_new_payments_are_refused_while_captures_alone_have_spent_the_window() -> None:
    budget = InMemoryStripeWriteBudget(80, Clock())
    for index in range(8):
        budget.take_for_capture(f"pi_{index}")

    with pytest.raises(PaymentsBusyError):
        budget.take_for_new_payment("create_intent")


@pytest.mark.parametrize(("writes_per_second", "new_payments", "captures_kept"), [(20, 1, 1), (80, 5, 3), (100, 6, 4)])
def test_new_payments_take_at_most_two_thirds_of_a_window_so_captures_keep_pace(
    writes_per_second: int, new_payments: int, captures_kept: int
) -> None:
    budget = InMemoryStripeWriteBudget(writes_per_second, Clock())

    assert budget.new_payments_per_window == new_payments
    assert budget.per_window - budget.new_payments_per_window == captures_kept
    # An order's two new-payment writes (create, confirm) owe one capture: what new payments admit, captures can take.
    assert captures_kept * 2 >= new_payments


def test_a_spent_budget_sends_nothing_to_stripe_and_leaves_reads_and_refunds_alone() -> None:
    stripe = FakeStripe()
    clock = Clock()
    gateway = BudgetedGateway(stripe, InMemoryStripeWriteBudget(20, clock))  # 1 new payment in each tenth of a second
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
        Settings.from_env(_ENV | {"STRIPE_WRITES_PER_SECOND": "15"})  # a window of 1: nothing left for captures
