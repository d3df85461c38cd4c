"""The saga end to end on the local cloud: real moto Step Functions, real localstripe, the real SDK."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
import stripe
from botocore.exceptions import EndpointConnectionError
from moto.stepfunctions.parser.backend.execution import Execution as InterpretedExecution
from moto.stepfunctions.parser.models import stepfunctions_parser_backends
from requests.structures import CaseInsensitiveDict

from commerce import wiring, wiring_services
from commerce.catalog import StockLevel
from commerce.events import PaymentAuthorized, PaymentFailed
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.payments import PaymentStatus
from handlers.compensation import bus as compensation_bus
from handlers.expiry import bus as scheduled_bus
from handlers.runtime import TransientStepError
from infra.local.cloud import LocalCloud
from infra.local.lambda_handlers import LambdaRuntimeError
from infra.local.mailbox import sent_mail
from infra.local.secrets import LOCAL_VALUES
from tests.integration.conftest import StockedProduct
from tests.integration.shop import PlacedOrder, Shop, intent_event, stripe_signature
from tests.integration.stripe_cards import AUTHORIZES, DECLINES, NEEDS_3D_SECURE
from tests.unit.builders import a_product

S = OrderStatus
TERMINAL = (S.FULFILLED, S.FAILED, S.CANCELLED, S.EXPIRED)


class PermanentStepError(Exception):
    """Not in the saga's Retry list: caught at once."""


def run_expiry(cloud: LocalCloud) -> list[str]:
    """The scheduled expiry, run as its function (and role), counting every unpaid order as overdue."""
    expiry = scheduled_bus.dependencies.build(wiring_services.expiry)
    expiry.unpaid_for, saved = timedelta(0), expiry.unpaid_for
    try:
        expired: list[str] = cloud.runtime.invoke(cloud.function_name("expire-unpaid-orders"), {})["expired"]
    finally:
        expiry.unpaid_for = saved
    return expired


def run_redrive(cloud: LocalCloud) -> dict[str, list[str]]:
    """The scheduled recovery sweep, run as its function (and role), counting every order as stuck."""
    recovery = scheduled_bus.dependencies.build(wiring_services.recovery)
    recovery.stuck_after, saved = timedelta(0), recovery.stuck_after
    try:
        redriven: dict[str, list[str]] = cloud.runtime.invoke(cloud.function_name("redrive-stuck-orders"), {})[
            "redriven"
        ]
    finally:
        recovery.stuck_after = saved
    return redriven


def time_out(execution_arn: str) -> None:
    """End a running execution as Step Functions does at its time limit: whatever its state is doing, no Retry or
    Catch runs after it. moto enforces no limit on an Express execution, and AWS refuses StopExecution for one."""
    _, _, _, region, account, *_ = execution_arn.split(":")
    backend = stepfunctions_parser_backends[account][region]
    # moto's interpreter keeps its own Execution (with the worker running the definition) under the base type.
    executions: list[Any] = [e for machine in backend.state_machines for e in machine.executions]
    (execution,) = [e for e in executions if isinstance(e, InterpretedExecution) and e.exec_arn == execution_arn]
    assert execution.exec_worker is not None and execution.exec_worker.env is not None, "not running"
    execution.exec_worker.env.set_timed_out()


@pytest.fixture(scope="module")
def shop(local_cloud: LocalCloud) -> Iterator[Shop]:
    yield Shop(local_cloud)
    local_cloud.runtime.faults.clear()


@pytest.fixture
def product(local_cloud: LocalCloud) -> str:
    """A product of its own per test, 2 + 3 + 4 units over the three warehouses, so tests never share stock."""
    product = a_product(f"p-saga-{secrets.token_hex(4)}", price=2500, category="saga-tests")
    repositories = local_cloud.repositories
    repositories.products.add(product)
    for warehouse, available in (("wh-east", 2), ("wh-central", 3), ("wh-west", 4)):
        repositories.inventory.put(StockLevel(product.id, warehouse, available=available))
    return product.id


def stock(cloud: LocalCloud, product_id: str) -> dict[str, tuple[int, int, int]]:
    return {
        level.warehouse_id: (level.available, level.reserved, level.shipped)
        for level in cloud.repositories.inventory.levels(product_id)
    }


def conserved(levels: dict[str, tuple[int, int, int]]) -> dict[str, int]:
    return {warehouse: sum(counts) for warehouse, counts in levels.items()}


def intent_of(cloud: LocalCloud, order: PlacedOrder) -> tuple[str, PaymentStatus, int, int]:
    stored = cloud.repositories.orders.get(order.id)
    assert stored is not None and stored.payment.intent_id is not None
    intent = cloud.bus.dependencies.build(wiring.gateway).retrieve(stored.payment.intent_id)
    return intent.id, intent.status, intent.amount_received, intent.amount_refunded


def timeline(cloud: LocalCloud, order: PlacedOrder) -> list[str]:
    return [event.type for event in cloud.repositories.events.list(order.id)]


def in_order(expected: list[str], actual: list[str]) -> bool:
    remaining = iter(actual)
    return all(kind in remaining for kind in expected)


def failed_order_at(shop: Shop, product: str, function: str) -> tuple[PlacedOrder, Order]:
    """Place and pay an order of two units while `function` fails permanently; return it once terminal."""
    shop.cloud.runtime.faults.inject(shop.cloud.function_name(function), lambda: PermanentStepError("injected"))
    try:
        order = shop.place([(product, 2)])
        shop.pay(order, AUTHORIZES)
        return order, shop.wait_until(order, *TERMINAL)
    finally:
        shop.cloud.runtime.faults.clear()


def test_a_paid_order_is_reserved_captured_shipped_announced_and_fulfilled(shop: Shop, product: str) -> None:
    before = stock(shop.cloud, product)
    order = shop.place([(product, 3)], email="saga@example.com")
    paid = shop.pay(order, AUTHORIZES)
    assert paid["errors"] == [] and paid["outcome"] == "AUTHORIZED"
    assert paid["order"]["status"] == "AUTHORIZED"

    fulfilled = shop.wait_until(order, *TERMINAL)
    assert fulfilled.status is S.FULFILLED
    assert shop.wait_for_saga(order) == "SUCCEEDED"
    assert in_order(
        [
            "ORDER_PLACED",
            "PAYMENT_AUTHORIZED",
            "INVENTORY_RESERVED",
            "PAYMENT_CAPTURED",
            "SHIPPED",
            "CUSTOMER_NOTIFIED",
            "FULFILLED",
        ],
        timeline(shop.cloud, order),
    ), timeline(shop.cloud, order)
    _, status, received, refunded = intent_of(shop.cloud, order)
    assert (status, received, refunded) == (PaymentStatus.SUCCEEDED, order.total, 0)
    after = stock(shop.cloud, product)
    assert conserved(after) == conserved(before)
    assert sum(shipped for _, _, shipped in after.values()) == 3
    assert sum(reserved for _, reserved, _ in after.values()) == 0
    assert fulfilled.shipments and all(s.tracking_number for s in fulfilled.shipments)
    updates = shop.updates(order)
    assert updates["terminal"] and updates["status"] == "FULFILLED"
    assert updates["shipments"][0]["trackingUrl"].startswith("https://")
    shop.cloud.wait_idle()
    mail = shop.http.get("/_local/mail").json()
    assert any(
        order.id in (message["text"] or message["html"]) and "saga@example.com" in message["to"] for message in mail
    )


def test_polling_with_a_cursor_returns_only_newer_events(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])
    first = shop.updates(order)
    assert [event["type"] for event in first["events"]] == ["ORDER_PLACED"]
    shop.pay(order, AUTHORIZES)
    shop.wait_until(order, *TERMINAL)
    later = shop.updates(order, after=first["cursor"])
    kinds = [event["type"] for event in later["events"]]
    assert "ORDER_PLACED" not in kinds and "FULFILLED" in kinds
    assert shop.updates(order, after=later["cursor"])["events"] == []


def test_an_authorization_reported_only_by_the_webhook_starts_the_saga(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])
    placed = shop.cloud.repositories.orders.get(order.id)
    assert placed is not None
    stored = shop.cloud.bus.dependencies.build(wiring_services.payments).ensure_intent(placed)
    assert stored.payment.intent_id
    # The card is confirmed without payOrder (as if the browser's request was lost): only Stripe knows.
    gateway = shop.cloud.bus.dependencies.build(wiring.gateway)
    gateway.confirm_with_payment_method(stored.payment.intent_id, shop.card(AUTHORIZES), "k1")
    secret = LOCAL_VALUES["stripe"]["webhook_secret"]
    event = intent_event("payment_intent.amount_capturable_updated", stored.payment.intent_id)
    assert shop.post_webhook(event, secret) == 200
    assert shop.wait_until(order, *TERMINAL).status is S.FULFILLED
    assert shop.executions_of(order) == 1


def test_an_order_authorized_without_a_hold_has_its_stock_reserved_by_the_saga(
    shop: Shop, stocked_product: StockedProduct
) -> None:
    # As an order authorized before payOrder held stock: no hold, so ReserveInventory reserves (three products: the
    # stock of all of them in one BatchGetItem).
    products = [stocked_product("saga-legacy", {"wh-east": 2}) for _ in range(3)]
    order = shop.place([(product, 1) for product in products])
    placed = shop.cloud.repositories.orders.get(order.id)
    assert placed is not None
    stored = shop.cloud.bus.dependencies.build(wiring_services.payments).ensure_intent(placed)
    assert stored.payment.intent_id
    gateway = shop.cloud.bus.dependencies.build(wiring.gateway)
    shop.cloud.bus.dependencies.build(wiring_services.payments).apply_intent(
        gateway.confirm_with_payment_method(stored.payment.intent_id, shop.card(AUTHORIZES), "legacy-1")
    )
    assert shop.wait_until(order, *TERMINAL).status is S.FULFILLED
    assert "STOCK_HELD" not in timeline(shop.cloud, order)
    for product in products:
        assert stock(shop.cloud, product)["wh-east"] == (1, 0, 1)


def test_a_declined_card_starts_no_saga_and_another_card_then_succeeds(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])
    declined = shop.pay(order, DECLINES)
    assert declined["outcome"] == "DECLINED" and declined["declineReason"]
    assert declined["order"]["status"] == "PAYMENT_FAILED"
    assert declined["order"]["payment"]["failureReason"] == declined["declineReason"]
    shop.cloud.wait_idle()
    assert shop.executions_of(order) == 0

    retried = shop.pay(order, AUTHORIZES)
    assert retried["outcome"] == "AUTHORIZED"
    assert shop.wait_until(order, *TERMINAL).status is S.FULFILLED
    assert in_order(["PAYMENT_FAILED", "PAYMENT_AUTHORIZED", "FULFILLED"], timeline(shop.cloud, order))


def test_a_3d_secure_card_asks_for_action_and_succeeds_after_authentication(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])
    challenged = shop.pay(order, NEEDS_3D_SECURE)
    assert challenged["outcome"] == "REQUIRES_ACTION" and challenged["clientSecret"]
    assert challenged["order"]["status"] == "PENDING_PAYMENT"
    intent_id = challenged["clientSecret"].split("_secret_")[0]
    shop.authenticate_3ds(intent_id, challenged["clientSecret"])
    rechecked = shop.pay(order, None)
    assert rechecked["outcome"] == "AUTHORIZED"
    assert shop.wait_until(order, *TERMINAL).status is S.FULFILLED


def test_stock_gone_before_payment_is_refused_at_pay_order_and_the_card_never_authorized(
    shop: Shop, product: str
) -> None:
    order = shop.place([(product, 5)])
    inventory = shop.cloud.repositories.inventory
    for warehouse in ("wh-east", "wh-central", "wh-west"):  # sold elsewhere in the meantime
        inventory.put(StockLevel(product, warehouse, available=1))
    drained = stock(shop.cloud, product)
    refused = shop.pay(order, AUTHORIZES)
    # payOrder holds first (issue 19): before, the card was authorized here and the saga then failed the order.
    assert [error["code"] for error in refused["errors"]] == ["OUT_OF_STOCK"]
    stored = shop.cloud.repositories.orders.get(order.id)
    assert stored is not None and stored.status is S.PENDING_PAYMENT and stored.payment.intent_id is None
    assert shop.executions_of(order) == 0
    assert stock(shop.cloud, product) == drained


def test_a_permanent_failure_at_capture_releases_the_stock_and_cancels_the_authorization(
    shop: Shop, product: str
) -> None:
    before = stock(shop.cloud, product)
    order, failed = failed_order_at(shop, product, "capture-payment")
    assert failed.status is S.FAILED
    assert intent_of(shop.cloud, order)[1:] == (PaymentStatus.CANCELED, 0, 0)  # never captured, nothing refunded
    assert stock(shop.cloud, product) == before
    assert in_order(
        # The money settled before the stock is released (the reverse of how they were taken).
        ["INVENTORY_RESERVED", "COMPENSATION_STARTED", "AUTHORIZATION_CANCELLED", "INVENTORY_RELEASED", "FAILED"],
        timeline(shop.cloud, order),
    )


def test_transient_failures_at_capture_are_retried_to_success(shop: Shop, product: str) -> None:
    shop.cloud.runtime.faults.inject(
        shop.cloud.function_name("capture-payment"), lambda: TransientStepError("throttled"), times=2
    )
    order = shop.place([(product, 1)])
    shop.pay(order, AUTHORIZES)
    assert shop.wait_until(order, *TERMINAL, timeout=60).status is S.FULFILLED
    assert intent_of(shop.cloud, order)[1:] == (PaymentStatus.SUCCEEDED, order.total, 0)


def test_stripe_rate_limiting_the_capture_is_retried_by_the_saga_with_backoff_to_success(
    shop: Shop, product: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stripe answers 429 to the first two captures, at the HTTP level under the real SDK: the step fails at once
    # (the SDK retries a 429 only when Stripe says Stripe-Should-Retry) with PaymentProviderUnavailableError, which
    # the state machine's Retry names, so the backoff happens between attempts, never inside a step's 8 s.
    limited: list[str] = []
    answer = stripe.RequestsClient.request

    def rate_limited(
        client: stripe.RequestsClient, method: str, url: str, headers: Any, post_data: Any = None
    ) -> tuple[bytes, int, Any]:
        if method.lower() == "post" and url.endswith("/capture") and len(limited) < 2:
            limited.append(url)
            error = {"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests"}}
            return json.dumps(error).encode(), 429, CaseInsensitiveDict({"request-id": f"req_429_{len(limited)}"})
        return answer(client, method, url, headers, post_data)

    monkeypatch.setattr(stripe.RequestsClient, "request", rate_limited)
    order = shop.place([(product, 1)])
    shop.pay(order, AUTHORIZES)
    assert shop.wait_until(order, *TERMINAL, timeout=60).status is S.FULFILLED
    assert len(limited) == 2
    assert intent_of(shop.cloud, order)[1:] == (PaymentStatus.SUCCEEDED, order.total, 0)
    failures = [
        event.detail
        for event in shop.cloud.repositories.events.list(order.id, limit=1000)
        if event.type == "STEP_FAILED" and event.step == "CapturePayment"
    ]
    assert [failure["error"] for failure in failures] == ["PaymentProviderUnavailableError"] * 2


def test_a_permanent_failure_at_shipment_refunds_the_capture_and_releases_the_stock(shop: Shop, product: str) -> None:
    before = stock(shop.cloud, product)
    order, failed = failed_order_at(shop, product, "allocate-shipment")
    assert failed.status is S.FAILED
    assert intent_of(shop.cloud, order)[1:] == (PaymentStatus.SUCCEEDED, order.total, order.total)
    assert failed.payment.refunded == order.total
    assert stock(shop.cloud, product) == before
    kinds = timeline(shop.cloud, order)
    assert in_order(
        ["PAYMENT_CAPTURED", "COMPENSATION_STARTED", "PAYMENT_REFUNDED", "INVENTORY_RELEASED", "FAILED"], kinds
    ), kinds


def test_duplicate_out_of_order_webhooks_racing_pay_order_run_one_saga_and_capture_once(
    shop: Shop, product: str
) -> None:
    order = shop.place([(product, 1)])
    placed = shop.cloud.repositories.orders.get(order.id)
    assert placed is not None
    # The intent exists before payOrder (a first attempt opened it), so Stripe's webhooks can race the next one.
    intent_id = shop.cloud.bus.dependencies.build(wiring_services.payments).ensure_intent(placed).payment.intent_id
    assert intent_id
    secret = LOCAL_VALUES["stripe"]["webhook_secret"]
    authorized = intent_event("payment_intent.amount_capturable_updated", intent_id)
    stale_failure = intent_event("payment_intent.payment_failed", intent_id)
    token = shop.card(AUTHORIZES)
    statuses: list[int] = []

    def deliver() -> None:
        for event in (authorized, stale_failure, authorized, authorized):
            statuses.append(shop.post_webhook(event, secret))

    racer = threading.Thread(target=deliver)
    racer.start()
    paid = shop.graphql(
        "mutation($id: ID!, $t: String!, $c: String) { payOrder(orderId: $id, accessToken: $t, paymentMethodId: $c) "
        "{ outcome errors { code } } }",
        {"id": order.id, "t": order.token, "c": token},
    )["payOrder"]
    racer.join()
    assert paid["errors"] == [] and paid["outcome"] == "AUTHORIZED"
    assert shop.post_webhook(authorized, "whsec_wrong") == 400
    assert shop.post_webhook(authorized, None) == 400
    assert shop.wait_until(order, *TERMINAL).status is S.FULFILLED
    shop.cloud.wait_idle()
    assert set(statuses) == {200}
    assert shop.executions_of(order) == 1
    assert intent_of(shop.cloud, order)[1:] == (PaymentStatus.SUCCEEDED, order.total, 0)
    captures = [event for event in timeline(shop.cloud, order) if event == "PAYMENT_CAPTURED"]
    assert len(captures) == 1


def test_compensation_delivered_again_and_concurrently_changes_nothing_more(shop: Shop, product: str) -> None:
    before = stock(shop.cloud, product)
    order, _ = failed_order_at(shop, product, "allocate-shipment")
    shop.cloud.wait_idle()
    compensation = shop.cloud.function_name("compensation")
    event = {"detail": {"order_id": order.id, "reason": "again", "failed_step": "AllocateShipment"}}
    threads = [threading.Thread(target=shop.cloud.runtime.invoke, args=(compensation, event)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stock(shop.cloud, product) == before
    assert intent_of(shop.cloud, order)[1:] == (PaymentStatus.SUCCEEDED, order.total, order.total)
    kinds = timeline(shop.cloud, order)
    assert kinds.count("PAYMENT_REFUNDED") == 1 and kinds.count("INVENTORY_RELEASED") == 1


def test_an_order_left_unpaid_after_a_decline_expires_and_its_intent_is_cancelled(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])
    never_paid = shop.place([(product, 1)])
    assert shop.pay(order, DECLINES)["outcome"] == "DECLINED"  # opens the order's intent
    expired = run_expiry(shop.cloud)
    assert {order.id, never_paid.id} <= set(expired)
    assert shop.wait_until(order, S.EXPIRED).status is S.EXPIRED
    assert intent_of(shop.cloud, order)[1] is PaymentStatus.CANCELED
    # An order never paid never had an intent: it expires without a Stripe call.
    unpaid = shop.wait_until(never_paid, S.EXPIRED)
    assert (unpaid.status, unpaid.payment.intent_id) == (S.EXPIRED, None)
    refused = shop.pay(order, AUTHORIZES)
    assert [error["code"] for error in refused["errors"]] == ["PAYMENT_NOT_ALLOWED"]


def opened_intent(cloud: LocalCloud, order: PlacedOrder) -> Order:
    """The order with its PaymentIntent open, as the first payOrder leaves it before confirming a card."""
    placed = cloud.repositories.orders.get(order.id)
    assert placed is not None
    return cloud.bus.dependencies.build(wiring_services.payments).ensure_intent(placed)


def test_a_decline_heard_only_from_the_bus_is_recorded_and_the_shopper_told(shop: Shop, product: str) -> None:
    """Stripe's webhook can report a decline payOrder never saw (the shopper closed the page): the consumer records
    it and announces it, and the notifications function emails the shopper."""
    cloud = shop.cloud
    email = f"declined-{secrets.token_hex(4)}@example.com"
    order = shop.place([(product, 1)], email=email)
    stored = opened_intent(cloud, order)
    assert stored.payment.intent_id is not None
    failed = PaymentFailed(order.id, stored.payment.intent_id, reason="card_declined", attempt_id="ch_bus_only")
    recorded = cloud.runtime.invoke(cloud.function_name("payment-failed"), {"detail": failed.detail()})
    assert recorded == {"order_id": order.id, "status": "PAYMENT_FAILED"}
    cloud.wait_idle()
    told = [mail for mail in sent_mail() if email in mail.to and "did not go through" in mail.subject]
    assert len(told) == 1


def test_an_authorization_arriving_after_the_order_expired_starts_no_saga(shop: Shop, product: str) -> None:
    cloud = shop.cloud
    order = shop.place([(product, 1)])
    opened_intent(cloud, order)  # the shopper's payOrder got as far as opening it, then the page closed
    assert order.id in run_expiry(cloud)
    stored = cloud.repositories.orders.get(order.id)
    assert stored is not None and stored.payment.intent_id is not None
    late = PaymentAuthorized(order.id, stored.payment.intent_id, amount=stored.total.amount, currency="eur")
    handled = cloud.runtime.invoke(cloud.function_name("payment-authorized"), {"detail": late.detail()})
    assert handled == {"order_id": order.id, "saga_started": False}
    assert shop.execution_arns(order) == []
    after = cloud.repositories.orders.get(order.id)
    assert after is not None and after.status is S.EXPIRED
    assert intent_of(cloud, order)[1] is PaymentStatus.CANCELED


def test_an_authorization_the_expiry_sweep_finds_is_recorded_and_fulfilled_never_voided(
    shop: Shop, product: str
) -> None:
    order = shop.place([(product, 1)])
    # Authorized at Stripe, but neither payOrder's answer nor a webhook reached the order before the sweep.
    stored = opened_intent(shop.cloud, order)
    assert stored.payment.intent_id is not None
    gateway = shop.cloud.bus.dependencies.build(wiring.gateway)
    gateway.confirm_with_payment_method(stored.payment.intent_id, shop.card(AUTHORIZES), f"{order.id}:confirm")
    expired = run_expiry(shop.cloud)
    assert order.id not in expired
    assert shop.wait_until(order, *TERMINAL).status is S.FULFILLED
    assert intent_of(shop.cloud, order)[1] is PaymentStatus.SUCCEEDED


@pytest.mark.parametrize(
    ("body", "signed_at_offset"),
    [
        (b'{"id": "evt_x", "type": "payment_intent.amount_capturable_updated"', 0),  # malformed JSON
        (b'{"id": "evt_y", "type": "payment_intent.amount_capturable_updated", "data": {}}', -3600),  # stale
        (b"[]", 0),  # not an event
    ],
)
def test_malformed_or_stale_webhooks_get_400(shop: Shop, body: bytes, signed_at_offset: int) -> None:
    secret = LOCAL_VALUES["stripe"]["webhook_secret"]
    signature = stripe_signature(body, secret, int(time.time()) + signed_at_offset)
    response = shop.http.post("/webhooks/stripe", content=body, headers={"stripe-signature": signature})
    assert response.status_code == 400


def test_a_local_hold_pauses_the_saga_at_a_step_until_released(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])
    held = shop.http.post("/_local/holds", json={"function": "allocate-shipment", "orderId": order.id})
    assert held.status_code == 204
    shop.pay(order, AUTHORIZES)
    assert shop.wait_until(order, S.CAPTURED).status is S.CAPTURED
    time.sleep(1.5)
    stored = shop.cloud.repositories.orders.get(order.id)
    assert stored is not None and stored.status is S.CAPTURED
    assert shop.http.delete("/_local/holds", params={"orderId": order.id}).status_code == 204
    assert shop.wait_until(order, *TERMINAL).status is S.FULFILLED


def test_a_hold_for_an_unknown_function_is_refused(shop: Shop) -> None:
    assert shop.http.post("/_local/holds", json={"function": "nope", "orderId": "ord_x"}).status_code == 400


def test_the_redrive_emails_and_fulfils_a_shipped_order_whose_last_steps_never_ran(shop: Shop, product: str) -> None:
    cloud = shop.cloud
    email = f"redrive-{secrets.token_hex(4)}@example.com"
    order = shop.place([(product, 1)], email=email)
    for function in ("notify-customer", "mark-fulfilled"):
        cloud.runtime.faults.inject(
            cloud.function_name(function), lambda: PermanentStepError("injected"), order_id=order.id
        )
    shop.pay(order, AUTHORIZES)
    assert shop.wait_for_saga(order) == "FAILED"
    assert shop.wait_until(order, OrderStatus.SHIPPED).status is OrderStatus.SHIPPED
    cloud.runtime.faults.clear(order.id)

    first = run_redrive(cloud)
    again = run_redrive(cloud)

    assert order.id in first.get("SHIPPED", [])
    assert order.id not in again.get("SHIPPED", [])
    assert shop.wait_until(order, OrderStatus.FULFILLED).status is OrderStatus.FULFILLED
    shipped_mail = [mail for mail in sent_mail() if email in mail.to and "has shipped" in mail.subject]
    assert len(shipped_mail) == 1


def _paid_with_allocation_held(shop: Shop, product: str) -> tuple[PlacedOrder, str]:
    """A paid order whose saga is captured and now hangs in AllocateShipment; with its execution's ARN."""
    order = shop.place([(product, 2)])
    assert (
        shop.http.post("/_local/holds", json={"function": "allocate-shipment", "orderId": order.id}).status_code == 204
    )
    shop.pay(order, AUTHORIZES)
    assert shop.wait_until(order, S.CAPTURED).status is S.CAPTURED
    (execution,) = shop.execution_arns(order)
    return order, execution


def test_an_execution_ended_mid_step_by_the_express_limit_is_finished_by_the_recovery_sweep(
    shop: Shop, product: str
) -> None:
    """AllocateShipment hangs past the limit: the execution ends with no Catch (no compensation is asked for, no
    later step runs), while the attempt it abandoned goes on and ships, as a Lambda outliving its execution does."""
    cloud = shop.cloud
    before = stock(cloud, product)
    order, execution = _paid_with_allocation_held(shop, product)
    time.sleep(1)  # AllocateShipment's first attempt is now held: the step hangs
    time_out(execution)
    assert shop.http.delete("/_local/holds", params={"orderId": order.id}).status_code == 204
    sfn = boto3.client("stepfunctions")
    deadline = time.monotonic() + 30
    while (status := sfn.describe_execution(executionArn=execution)["status"]) == "RUNNING":
        assert time.monotonic() < deadline, "the timed-out execution never ended"
        time.sleep(0.1)
    assert status == "TIMED_OUT"
    cloud.wait_idle()
    stranded = cloud.repositories.orders.get(order.id)
    assert stranded is not None and stranded.status is S.SHIPPED
    assert "COMPENSATION_STARTED" not in timeline(cloud, order) and "CUSTOMER_NOTIFIED" not in timeline(cloud, order)

    swept = run_redrive(cloud)

    assert order.id in swept.get("SHIPPED", [])
    assert shop.wait_until(order, *TERMINAL).status is S.FULFILLED
    assert intent_of(cloud, order)[1:] == (PaymentStatus.SUCCEEDED, order.total, 0)
    kinds = timeline(cloud, order)
    assert kinds.count("PAYMENT_CAPTURED") == 1 and kinds.count("SHIPPED") == 1
    assert kinds.count("CUSTOMER_NOTIFIED") == 1
    after = stock(cloud, product)
    assert conserved(after) == conserved(before)
    assert sum(shipped for _, _, shipped in after.values()) == 2
    assert sum(reserved for _, reserved, _ in after.values()) == 0


def test_a_saga_whose_hung_step_dies_after_the_express_limit_is_re_run_by_the_recovery_sweep(
    shop: Shop, product: str
) -> None:
    """The abandoned attempt of AllocateShipment ends at its Lambda timeout having done nothing: the order is left
    CAPTURED, and the sweep runs the saga again, which skips what is done."""
    cloud = shop.cloud
    before = stock(cloud, product)
    order, execution = _paid_with_allocation_held(shop, product)
    time.sleep(1)
    time_out(execution)
    hung = LambdaRuntimeError("Sandbox.Timedout", "Task timed out after 8.00 seconds")
    cloud.runtime.faults.inject(cloud.function_name("allocate-shipment"), lambda: hung, order_id=order.id)
    assert shop.http.delete("/_local/holds", params={"orderId": order.id}).status_code == 204
    sfn = boto3.client("stepfunctions")
    deadline = time.monotonic() + 30
    # moto reports the late error as FAILED where AWS has already said TIMED_OUT; either way no Catch ran.
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the timed-out execution never ended"
        time.sleep(0.1)
    cloud.wait_idle()
    cloud.runtime.faults.clear(order.id)
    stranded = cloud.repositories.orders.get(order.id)
    assert stranded is not None and stranded.status is S.CAPTURED
    assert "COMPENSATION_STARTED" not in timeline(cloud, order)

    swept = run_redrive(cloud)

    assert order.id in swept.get("CAPTURED", [])
    assert shop.wait_until(order, *TERMINAL).status is S.FULFILLED
    assert len(shop.execution_arns(order)) == 2
    assert intent_of(cloud, order)[1:] == (PaymentStatus.SUCCEEDED, order.total, 0)
    assert timeline(cloud, order).count("PAYMENT_CAPTURED") == 1
    after = stock(cloud, product)
    assert conserved(after) == conserved(before)
    assert sum(shipped for _, _, shipped in after.values()) == 2
    assert sum(reserved for _, reserved, _ in after.values()) == 0


def test_a_compensation_that_kept_failing_is_finished_by_the_recovery_sweep(
    shop: Shop, product: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DynamoDB unreachable for the compensation function's every attempt: the order is left COMPENSATING with its
    stock reserved and its money captured, and the sweep undoes both and tells the customer."""
    cloud = shop.cloud
    before = stock(cloud, product)
    email = f"stalled-{secrets.token_hex(4)}@example.com"
    order = shop.place([(product, 1)], email=email)

    def unreachable(order_id: str) -> bool:
        raise EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com")

    # The functions run in this process, each module on its own bus: only the compensation releases stock.
    release = compensation_bus.dependencies.build(wiring_services.inventory_service)
    monkeypatch.setattr(release, "release_for", unreachable)
    failing = lambda: PermanentStepError("injected")  # noqa: E731
    cloud.runtime.faults.inject(cloud.function_name("allocate-shipment"), failing, order_id=order.id)
    try:
        shop.pay(order, AUTHORIZES)
        assert shop.wait_until(order, S.COMPENSATING).status is S.COMPENSATING
        cloud.wait_idle()
    finally:
        cloud.runtime.faults.clear(order.id)
        monkeypatch.undo()
    stalled = cloud.repositories.orders.get(order.id)
    assert stalled is not None and stalled.status is S.COMPENSATING

    swept = run_redrive(cloud)

    assert order.id in swept.get("COMPENSATING", [])
    assert shop.wait_until(order, *TERMINAL).status is S.FAILED
    assert stock(cloud, product) == before
    assert intent_of(cloud, order)[1:] == (PaymentStatus.SUCCEEDED, order.total, order.total)
    told = [mail for mail in sent_mail() if email in mail.to and "could not complete" in mail.subject]
    assert len(told) == 1
