"""Stateful property test: shoppers, the saga, Stripe, admins and time act in any order; the books always balance.

Hypothesis's RuleBasedStateMachine drives the real services (DynamoDB on moto, Stripe on localstripe; tables of
their own, tests/proof/isolated.py) one synchronous step at a time, with the bus, Step Functions and Stripe's
webhook outbox played by tests/proof/stand_ins.py. Rules: place, pay (authorized, declined, 3-D Secure, paying
again after it), run a saga step, fail a step for good (before or after its work), start a duplicate execution,
deliver a bus event late, deliver a webhook 1-3 times, cancel, expire, re-drive, adjust stock. After every step
(tests/proof/books.py):

- stock is conserved: available + reserved + shipped per item and warehouse is what was stocked and adjusted,
  none negative, and `reserved` is exactly what HELD and RESERVED reservations hold;
- no capture without a reservation, no refund without a capture, captured - refunded <= the order's total;
- a fulfilled order keeps exactly its total and shipped its units; a failed, cancelled or expired one keeps
  nothing, holds no authorization and no stock; one saga launch per order.

At the end of every example (teardown) everything still pending is delivered or run, time moves past the expiry
and re-drive cut-offs, and every order must be terminal with the same checks holding.
"""

from __future__ import annotations

import json
import secrets
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx2
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from commerce.admin.cancellation import OrderNotCancellableError
from commerce.admin.stock import NegativeStockError
from commerce.catalog import StockLevel
from commerce.commands import AdjustStock, PlaceOrder
from commerce.errors import OutOfStockError
from commerce.hold_limits import HoldLimitReachedError
from commerce.order_status import TERMINAL, OrderStatus
from commerce.payments import PaymentError, PaymentStatus
from commerce.services.payments import PaymentNotAllowedError, PaymentOutcome
from commerce.validation import OrderRejectedError
from commerce.webhooks import WebhookOutcome
from infra.local.cloud import LocalCloud
from infra.local.seed import WAREHOUSES
from tests.integration.stripe_cards import AUTHORIZES, DECLINES, NEEDS_3D_SECURE, payment_method
from tests.proof.books import Books
from tests.proof.isolated import IsolatedServices, isolated_services
from tests.proof.stand_ins import Execution, Executions, StandIns
from tests.unit.builders import AN_ADDRESS, a_product

WAREHOUSE_IDS = [warehouse.id for warehouse in WAREHOUSES]
TIME_PASSES_AFTER = 8  # steps
CARDS = {"authorizes": AUTHORIZES, "declines": DECLINES, "3-D Secure": NEEDS_3D_SECURE, "again, no card": None}


@dataclass
class StatefulResult:
    examples: int
    steps: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    invariant_checks: int = 0
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


@dataclass
class ShopperOrder:
    id: str
    access_token: str
    total: int
    client_secret: str | None = None


class FulfillmentMachine(RuleBasedStateMachine):
    # Set by `machine_for`: one world (tables, stand-ins' clock) for every example of a run.
    world: IsolatedServices
    executions: Executions
    result: StatefulResult

    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.s = self.world.parts
        self.stand_ins = StandIns(self.s, self.executions)
        self.executions.all.clear()
        self.seen_published = len(self.world.publisher.published)
        self.known: dict[str, ShopperOrder] = {}
        self.books = Books(self.s)
        self.products = self.books.products
        self.stocked = self.books.stocked
        self.since_time_passed = 0
        self.result.examples += 1

    # --- the catalog ---------------------------------------------------------------------------------------
    @initialize(units=st.lists(st.integers(0, 3), min_size=6, max_size=6))
    def stock_two_products(self, units: list[int]) -> None:
        for index in range(2):
            product = a_product(f"p-prop-{secrets.token_hex(4)}", price=1000 + 500 * index, category="proof")
            self.s.repositories.products.add(product)
            for warehouse, available in zip(WAREHOUSE_IDS, units[index * 3 : index * 3 + 3], strict=True):
                self.s.repositories.inventory.put(StockLevel(product.id, warehouse, available=available))
                self.stocked[(product.id, warehouse)] = available
            self.products.append(product.id)

    @rule(product=st.integers(0, 1), warehouse=st.sampled_from(WAREHOUSE_IDS), delta=st.integers(-3, 3).filter(bool))
    def adjust_stock(self, product: int, warehouse: str, delta: int) -> None:
        product_id = self.products[product]
        level = next(level for level in self.s.stock.levels(product_id) if level.warehouse_id == warehouse)
        command = AdjustStock(product_id, warehouse, expected_version=level.version, by="proof", delta=delta)
        try:
            after, _ = self.s.stock.adjust(command)
        except NegativeStockError:
            return self._ran("adjust stock: refused below zero")
        self.stocked[(product_id, warehouse)] += after.available - level.available
        return self._ran("adjust stock")

    # --- the shopper ---------------------------------------------------------------------------------------
    @rule(
        target=orders,
        lines=st.lists(st.tuples(st.integers(0, 1), st.integers(1, 3)), min_size=1, max_size=2),
        then_pay=st.sampled_from([None, "authorizes", "authorizes", "authorizes", "declines", "3-D Secure"]),
    )
    def place(self, lines: list[tuple[int, int]], then_pay: str | None) -> Any:
        wanted = dict((self.products[index], quantity) for index, quantity in lines)  # one line per product
        command = PlaceOrder(f"prop-{secrets.token_hex(8)}", "prop@example.com", list(wanted.items()), AN_ADDRESS)
        try:
            placed = self.s.placement.place(command)
        except OrderRejectedError:
            self._ran("place: refused")
            return multiple()
        order = ShopperOrder(placed.order.id, placed.access_token, placed.order.total.amount)
        self.known[order.id] = order
        self._ran("place")
        if then_pay:
            self.pay(order.id, then_pay)
        return order.id

    @rule(order_id=orders, card=st.sampled_from(sorted(CARDS)))
    def pay(self, order_id: str, card: str) -> None:
        order = self.known[order_id]
        number = CARDS[card]
        token = payment_method(self.s.settings.stripe.api_base or "", number) if number else None
        try:
            paid = self.s.payments.pay(order_id, order.access_token, token)
        except (PaymentNotAllowedError, PaymentError, OutOfStockError, HoldLimitReachedError) as refused:
            return self._ran(f"pay: refused ({type(refused).__name__})")
        if paid.outcome is PaymentOutcome.REQUIRES_ACTION:
            order.client_secret = paid.client_secret
        intent_id = paid.order.payment.intent_id
        if intent_id and paid.outcome is PaymentOutcome.AUTHORIZED and number:
            self.stand_ins.owe("payment_intent.amount_capturable_updated", intent_id)
        if intent_id and paid.outcome is PaymentOutcome.DECLINED:
            self.stand_ins.owe("payment_intent.payment_failed", intent_id)
        return self._ran(f"pay: {paid.outcome.value}")

    @precondition(lambda self: any(order.client_secret for order in self.known.values()))
    @rule(order_id=orders)
    def pass_3d_secure(self, order_id: str) -> None:
        """What the fake Stripe.js does when the shopper approves the challenge; Stripe then owes the webhook."""
        order = self.known[order_id]
        stored = self.s.repositories.orders.get(order_id)
        if not order.client_secret or stored is None or stored.payment.intent_id is None:
            return self._ran("3-D Secure: nothing to approve")
        intent_id = stored.payment.intent_id
        answer = httpx2.post(
            f"{self.s.settings.stripe.api_base}/v1/payment_intents/{intent_id}/_authenticate?success=true",
            content=json.dumps({"key": self.s.settings.stripe.publishable_key, "client_secret": order.client_secret}),
        )
        order.client_secret = None
        authorized = self.s.payments.gateway.retrieve(intent_id).status is PaymentStatus.REQUIRES_CAPTURE
        if answer.status_code == 200 and authorized:
            self.stand_ins.owe("payment_intent.amount_capturable_updated", intent_id)
        return self._ran("3-D Secure approved" if authorized else "3-D Secure: refused")

    # --- the saga ------------------------------------------------------------------------------------------
    @precondition(lambda self: bool(self.executions.running()))
    @rule(pick=st.integers(0, 10**6), steps=st.integers(1, 5))
    def run_saga_steps(self, pick: int, steps: int) -> None:
        execution = self._running(pick)
        for _ in range(steps):
            self._ran(f"saga: {self.stand_ins.step(execution)}")
            if execution.ended:
                return

    @precondition(lambda self: bool(self.executions.running()))
    @rule(pick=st.integers(0, 10**6), after_work=st.booleans())
    def fail_a_saga_step(self, pick: int, after_work: bool) -> None:
        """The next step fails for good (its retries spent): before doing anything, or after doing its work (a
        timeout once the capture went through)."""
        what = self.stand_ins.step(self._running(pick), fails=True, after_work=after_work)
        self._ran(f"saga: {what} ({'after' if after_work else 'before'} its work)")

    @precondition(lambda self: bool(self.executions.running()))
    @rule(pick=st.integers(0, 10**6))
    def start_a_duplicate_execution(self, pick: int) -> None:
        """Express workflows run at least once: the same saga may run twice at the same time."""
        self.executions.start(self._running(pick).order_id, {})
        self._ran("saga: duplicate execution")

    # --- the bus and Stripe's webhooks ---------------------------------------------------------------------
    @precondition(lambda self: bool(self.stand_ins.bus))
    @rule(picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=3))
    def deliver_bus_events(self, picks: list[int]) -> None:
        for pick in picks:
            if not self.stand_ins.bus:
                return
            event = self.stand_ins.bus.pop(pick % len(self.stand_ins.bus))
            self.stand_ins.deliver(event)
            self._ran(f"bus: {type(event).__name__} delivered")

    @precondition(lambda self: bool(self.stand_ins.outbox))
    @rule(pick=st.integers(0, 10**6), copies=st.integers(1, 3))
    def deliver_a_webhook(self, pick: int, copies: int) -> None:
        owed = self.stand_ins.outbox[pick % len(self.stand_ins.outbox)]
        outcomes = [self.stand_ins.send_webhook(owed, self._now()) for _ in range(copies)]
        published = [outcome for outcome in outcomes if outcome is WebhookOutcome.PUBLISHED]
        assert len(published) <= 1, f"event {owed.event_id} published {len(published)} times"
        self._ran(f"webhook: {owed.kind.rsplit('.', 1)[-1]} x{copies}")

    # --- the admin and time --------------------------------------------------------------------------------
    @rule(order_id=orders)
    def cancel(self, order_id: str) -> None:
        try:
            self.s.cancellation.cancel(order_id, "changed their mind", by="proof")
        except OrderNotCancellableError:
            return self._ran("cancel: refused")
        return self._ran("cancel")

    # Time jumps end every unpaid order and every running execution: only now and then, or little else happens.
    @precondition(lambda self: self.since_time_passed >= TIME_PASSES_AFTER)
    @rule()
    def time_passes_and_unpaid_orders_expire(self) -> None:
        self._skip_ahead(self.s.expiry.unpaid_for)
        self._ran(f"expire: {len(self.s.expiry.expire_unpaid())} expired")

    @precondition(lambda self: self.since_time_passed >= TIME_PASSES_AFTER)
    @rule()
    def time_passes_and_stuck_orders_are_redriven(self) -> None:
        self._skip_ahead(self.s.recovery.stuck_after)
        acted = self.s.recovery.redrive()
        self._ran(f"re-drive: {sum(len(ids) for ids in acted.values())} acted upon")

    # --- what must always hold -----------------------------------------------------------------------------
    @invariant()
    def the_books_balance(self) -> None:
        self._collect_published()
        self.result.invariant_checks += 1
        problems = self.problems(final=False)
        assert not problems, problems

    def teardown(self) -> None:
        try:
            self._settle()
            problems = self.problems(final=True)
            for order_id in self.known:
                stored = self.s.repositories.orders.get(order_id)
                assert stored is not None
                self.result.outcomes[stored.status.value] += 1
            assert not problems, problems
        finally:
            self.executions.all.clear()

    def problems(self, *, final: bool) -> list[str]:
        found = self.books.problems({order.id: order.total for order in self.known.values()}, final=final)
        return found + [f"{order_id} launched {n} sagas" for order_id, n in self.stand_ins.launches.items() if n > 1]

    # --- helpers -------------------------------------------------------------------------------------------
    def _settle(self, rounds: int = 6) -> None:
        """Whatever is pending happens; time moves past the cut-offs; the scheduled functions run, until quiet."""
        for _ in range(rounds):
            for owed in list(self.stand_ins.outbox):  # Stripe delivers every event at least once
                self.stand_ins.send_webhook(owed, self._now())
            self.stand_ins.outbox.clear()
            self._collect_published()
            while self.stand_ins.bus or self.executions.running():
                while self.stand_ins.bus:
                    self.stand_ins.deliver(self.stand_ins.bus.pop(0))
                for execution in self.executions.running():
                    while not execution.ended:
                        self.stand_ins.step(execution)
                self._collect_published()
            if all(self._status(order_id) in TERMINAL for order_id in self.known):
                return
            self._skip_ahead(max(self.s.expiry.unpaid_for, self.s.recovery.stuck_after))
            self.s.expiry.expire_unpaid()
            self.s.recovery.redrive()
            self._collect_published()

    def _running(self, pick: int) -> Execution:
        running = self.executions.running()
        return running[pick % len(running)]

    def _status(self, order_id: str) -> OrderStatus:
        stored = self.s.repositories.orders.get(order_id)
        assert stored is not None
        return stored.status

    def _skip_ahead(self, cut_off: timedelta) -> None:
        self.since_time_passed = -1  # _ran counts the jump itself
        self.world.clock.advance(cut_off + timedelta(minutes=1))
        self.stand_ins.time_out_executions()

    def _now(self) -> int:
        return int(self.world.clock().timestamp())

    def _collect_published(self) -> None:
        published = self.world.publisher.published
        self.stand_ins.publish(published[self.seen_published :])
        self.seen_published = len(published)

    def _ran(self, what: str) -> None:
        self._collect_published()
        self.result.steps += 1
        self.result.rules[what] += 1
        self.since_time_passed += 1


def machine_for(world: IsolatedServices, executions: Executions, result: StatefulResult) -> type[FulfillmentMachine]:
    return type("FulfillmentProof", (FulfillmentMachine,), {"world": world, "executions": executions, "result": result})


def run_stateful(cloud: LocalCloud, *, examples: int, steps: int, explore: bool = False) -> StatefulResult:
    """`examples` random programs of up to `steps` rules each, on one set of isolated tables: the same programs
    every run (`make test`), or new ones each time with `explore` (`make proof`)."""
    executions = Executions()
    world = isolated_services(cloud, sagas=executions)
    for warehouse in WAREHOUSES:
        world.parts.repositories.warehouses.add(warehouse)
    result = StatefulResult(examples=0)
    machine = machine_for(world, executions, result)
    started = time.monotonic()
    configured = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        derandomize=not explore,
        suppress_health_check=list(HealthCheck),
    )
    try:
        run_state_machine_as_test(machine, settings=configured)
    except Exception as failure:
        notes = "\n".join(getattr(failure, "__notes__", []))
        result.violations.append("".join(traceback.format_exception_only(failure)).strip() + "\n" + notes)
    result.seconds = time.monotonic() - started
    return result
