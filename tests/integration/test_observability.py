"""What ops see of an order on the local cloud: its business metrics, one X-Ray trace from payOrder to the last saga
step (real SDK, real daemon protocol), and log lines that carry its correlation keys and no secret."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from commerce import wiring
from commerce.adapters.log_format import QUIET_LIBRARIES, RedactingFormatter
from commerce.catalog import StockLevel
from commerce.order_status import OrderStatus
from commerce.payments import PaymentStatus
from infra.local.cloud import LocalCloud
from infra.local.console import ConsoleFormatter
from infra.local.metric_store import MetricPoint
from infra.local.observability import LocalObservability
from infra.local.secrets import LOCAL_ADMIN_PASSWORD, LOCAL_VALUES
from infra.local.trace_collector import Trace
from tests.integration.admin import Admin
from tests.integration.conftest import StockedProduct
from tests.integration.shop import PlacedOrder, Shop, intent_event, stripe_signature
from tests.integration.stripe_cards import AUTHORIZES, DECLINES, NEEDS_3D_SECURE
from tests.unit.log_capture import CapturedLogs, captured_logs

S = OrderStatus
SAGA_FUNCTIONS = ("reserve-inventory", "capture-payment", "allocate-shipment", "notify-customer", "mark-fulfilled")
ADMIN_ORDER = "query($id: ID!) { adminOrder(id: $id) { id status timeline { type message } } }"


@pytest.fixture
def logs() -> Iterator[CapturedLogs]:
    with captured_logs(*QUIET_LIBRARIES) as captured:  # quieted as the Lambdas and the local console quiet them
        yield captured


def summaries(logs: CapturedLogs, order_id: str) -> list[logging.LogRecord]:
    return [r for r in logs.messages("invocation finished") if r.__dict__.get("order_id") == order_id]


@pytest.fixture(scope="module")
def shop(local_cloud: LocalCloud) -> Shop:
    return Shop(local_cloud)


@pytest.fixture(scope="module")
def observed(local_cloud: LocalCloud) -> LocalObservability:
    assert local_cloud.observability is not None
    return local_cloud.observability


def metrics_of(observed: LocalObservability, order: PlacedOrder) -> dict[str, list[MetricPoint]]:
    found: dict[str, list[MetricPoint]] = {}
    for point in observed.metrics.points():
        if point.metadata.get("order_id") == order.id:
            found.setdefault(point.name, []).append(point)
    return found


def trace_ending_with(observed: LocalObservability, order: PlacedOrder, last_segment: str) -> Trace:
    def pick(traces: list[Trace]) -> Trace | None:
        return next(
            (t for t in traces if t.annotations().get("order_id") == order.id and last_segment in names(t)), None
        )

    return observed.traces.wait_for(pick, timeout=15)


def eventually(lines: Callable[[], list[logging.LogRecord]], timeout: float = 5.0) -> list[logging.LogRecord]:
    """The lines once both webhook invocations have logged their summaries (just after their responses)."""
    deadline = time.monotonic() + timeout
    while len([r for r in lines() if r.getMessage() == "invocation finished"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    return lines()


def names(trace: Trace) -> set[str]:
    return {segment["name"] for segment in trace.segments()}


def segment(trace: Trace, name: str) -> dict[str, Any]:
    (found,) = [s for s in trace.segments() if s["name"] == name]
    return found


def subsegments(entity: dict[str, Any]) -> list[dict[str, Any]]:
    children = entity.get("subsegments", [])
    return [entity for child in children for entity in [child, *subsegments(child)]]


def handler_annotations(entity: dict[str, Any]) -> dict[str, Any]:
    (handler,) = [child for child in entity.get("subsegments", []) if child["name"].startswith("## ")]
    annotations: dict[str, Any] = handler["annotations"]
    return annotations


def operations(entity: dict[str, Any]) -> set[str]:
    """`dynamodb TransactWriteItems`, `Stripe POST /v1/payment_intents/{id}/capture`, ... of an entity's subtree."""
    found = set()
    for child in subsegments(entity):
        if "aws" in child and "operation" in child["aws"]:
            found.add(f"{child['name']} {child['aws']['operation']}")
        if "stripe_operation" in child.get("annotations", {}):
            found.add(f"{child['name']} {child['annotations']['stripe_operation']}")
    return found


def test_a_fulfilled_order_leaves_its_metrics_one_connected_trace_and_correlated_logs(
    shop: Shop, observed: LocalObservability, stocked_product: StockedProduct, logs: CapturedLogs
) -> None:
    order = shop.place([(stocked_product("observed", {"wh-east": 3}), 2)])
    assert shop.pay(order, AUTHORIZES)["outcome"] == "AUTHORIZED"
    shop.wait_until(order, S.FULFILLED)
    trace = trace_ending_with(observed, order, "local-mark-fulfilled")

    # Metrics: each milestone once, dimensionless, found by the order id they carry as metadata.
    observed.metrics.wait_for(lambda _: "OrdersFulfilled" in metrics_of(observed, order))
    metrics = metrics_of(observed, order)
    milestones = (
        "OrdersPlaced",
        "PaymentsAuthorized",
        "PaymentsCaptured",
        "PaymentToShipmentDuration",
        "OrdersFulfilled",
    )
    assert {name: len(metrics.get(name, [])) for name in milestones} == dict.fromkeys(milestones, 1)
    assert not {"PaymentsFailed", "Compensations", "SagaStepFailed"} & set(metrics)
    (waited,) = metrics["PaymentToShipmentDuration"]
    assert waited.unit == "Milliseconds" and 0 < waited.value < 60_000
    points = [point for recorded in metrics.values() for point in recorded]
    assert all(point.dimensions == {} and point.namespace == "OrderFulfillment" for point in points)

    # One trace from payOrder through the bus and the saga: every function's segment, each hanging off its caller.
    functions = {shop.cloud.function_name(name) for name in ("api", "payment-authorized", *SAGA_FUNCTIONS)}
    assert functions <= names(trace)
    ids = {entity["id"] for entity in trace.entities()}
    api = segment(trace, shop.cloud.function_name("api"))
    callers = {s["name"]: s.get("parent_id") for s in trace.segments() if s["name"] != api["name"]}
    assert all(caller in ids for caller in callers.values()), f"a segment lost its caller: {callers}"
    paid_at = handler_annotations(api)
    assert (paid_at["graphql_operation"], paid_at["order_id"], paid_at["service"]) == (
        "payOrder",
        order.id,
        api["name"],
    )
    assert {"Stripe POST /v1/payment_intents/{id}/confirm", "events PutEvents"} <= operations(api)
    assert "states StartExecution" in operations(segment(trace, shop.cloud.function_name("payment-authorized")))
    capture = segment(trace, shop.cloud.function_name("capture-payment"))
    assert "Stripe POST /v1/payment_intents/{id}/capture" in operations(capture)
    assert "dynamodb TransactWriteItems" in operations(segment(trace, shop.cloud.function_name("reserve-inventory")))
    assert "email SendEmail" in operations(segment(trace, shop.cloud.function_name("notify-customer")))
    assert handler_annotations(capture)["step"] == "CapturePayment"
    assert handler_annotations(capture)["execution"].startswith("arn:aws:states:")

    # Logs: every invocation about the order ends with a summary line that carries its keys.
    ended = {record.__dict__["service"]: record for record in summaries(logs, order.id)}
    assert functions <= set(ended)
    for function in SAGA_FUNCTIONS:
        fields = ended[shop.cloud.function_name(function)].__dict__
        assert fields["outcome"] == "ok" and fields["request_id"]
        assert fields["execution"] == handler_annotations(capture)["execution"]
        assert fields["xray_trace_id"] == trace.trace_id
    paid = ended[shop.cloud.function_name("api")].__dict__
    assert (paid["graphql_operation"], paid["http_status"], paid["xray_trace_id"]) == ("payOrder", 200, trace.trace_id)


def test_a_step_that_fails_counts_by_step_and_its_compensation_counts_once(
    shop: Shop, observed: LocalObservability, stocked_product: StockedProduct
) -> None:
    product = stocked_product("observed", {"wh-west": 2})
    order = shop.place([(product, 2)])
    step = shop.cloud.function_name("reserve-inventory")
    shop.cloud.runtime.faults.hold(step, order.id)  # the saga waits at ReserveInventory
    shop.pay(order, AUTHORIZES)  # payOrder holds the 2 units, the card is authorized
    # Meanwhile the hold lapses and is reclaimed, and a unit is sold elsewhere: the conversion finds 1 of 2.
    repositories = shop.cloud.repositories
    assert repositories.reservations.reclaim(order.id, datetime.now(UTC) + timedelta(hours=1))
    repositories.inventory.put(StockLevel(product, "wh-west", available=1))
    shop.cloud.runtime.faults.release(order.id)
    assert shop.wait_until(order, S.FAILED).status is S.FAILED
    intent = shop.cloud.bus.dependencies.build(wiring.gateway).retrieve(shop.intent_id(order))
    assert (intent.status, intent.amount_received) == (PaymentStatus.CANCELED, 0)  # cancelled, never captured
    observed.metrics.wait_for(lambda _: "Compensations" in metrics_of(observed, order))
    metrics = metrics_of(observed, order)
    (failed,) = metrics["SagaStepFailed"]
    assert failed.dimensions == {"step": "ReserveInventory"}
    assert len(metrics["Compensations"]) == 1
    assert "PaymentsCaptured" not in metrics and "OrdersFulfilled" not in metrics
    trace = trace_ending_with(observed, order, shop.cloud.function_name("reserve-inventory"))
    reserve = segment(trace, shop.cloud.function_name("reserve-inventory"))
    (handler,) = [child for child in reserve["subsegments"] if child["name"].startswith("## ")]
    assert handler.get("fault") or handler.get("error")
    assert handler["cause"]["exceptions"][0]["type"] == "OutOfStockError"


def test_a_webhook_delivered_twice_counts_one_duplicate_and_its_lines_name_the_stripe_event(
    shop: Shop, observed: LocalObservability, stocked_product: StockedProduct, logs: CapturedLogs
) -> None:
    order = shop.place([(stocked_product("observed", {"wh-east": 1}), 1)])
    assert shop.pay(order, DECLINES)["outcome"] == "DECLINED"
    stored = shop.cloud.repositories.orders.get(order.id)
    assert stored is not None and stored.payment.intent_id
    event = intent_event("payment_intent.payment_failed", stored.payment.intent_id)
    secret = LOCAL_VALUES["stripe"]["webhook_secret"]
    duplicates_before = len(observed.metrics.points("WebhookDuplicates"))
    assert [shop.post_webhook(event, secret) for _ in range(2)] == [200, 200]
    # The invocation flushes its metrics as it ends, which is just after its response went out.
    observed.metrics.wait_for(lambda store: len(store.points("WebhookDuplicates")) > duplicates_before)
    assert len(observed.metrics.points("WebhookDuplicates")) == duplicates_before + 1
    expected = {"webhook published", "duplicate webhook dropped", "invocation finished"}
    lines = eventually(lambda: [r for r in logs.records if r.__dict__.get("stripe_event_id") == event["id"]])
    assert {r.getMessage() for r in lines} >= expected
    assert {r.__dict__["service"] for r in lines} == {shop.cloud.function_name("stripe-webhook")}
    assert metrics_of(observed, order)["PaymentsFailed"]


def test_no_log_line_holds_a_card_a_token_a_client_secret_a_key_or_a_password(
    shop: Shop, stocked_product: StockedProduct, logs: CapturedLogs
) -> None:
    product = stocked_product("observed", {"wh-central": 5})
    paid = shop.place([(product, 1)])
    payment_method = shop.card(AUTHORIZES)
    assert (
        shop.graphql(
            "mutation($id: ID!, $t: String!, $c: String) "
            "{ payOrder(orderId: $id, accessToken: $t, paymentMethodId: $c) { outcome } }",
            {"id": paid.id, "t": paid.token, "c": payment_method},
        )["payOrder"]["outcome"]
        == "AUTHORIZED"
    )
    challenged_order = shop.place([(product, 1)])
    challenged = shop.pay(challenged_order, NEEDS_3D_SECURE)
    client_secret = challenged["clientSecret"]
    shop.authenticate_3ds(client_secret.split("_secret_")[0], client_secret)
    assert shop.pay(challenged_order, None)["outcome"] == "AUTHORIZED"
    webhook = intent_event("payment_intent.amount_capturable_updated", client_secret.split("_secret_")[0])
    signature = stripe_signature(json.dumps(webhook).encode(), LOCAL_VALUES["stripe"]["webhook_secret"], 1)
    assert shop.post_webhook(webhook, LOCAL_VALUES["stripe"]["webhook_secret"]) == 200
    admin = Admin(shop)
    assert admin.data(ADMIN_ORDER, {"id": paid.id})["adminOrder"]["id"] == paid.id
    shop.wait_until(paid, S.FULFILLED)
    shop.wait_until(challenged_order, S.FULFILLED)
    shop.cloud.wait_idle()

    secrets = {
        "card number": AUTHORIZES,
        "3-D Secure card number": NEEDS_3D_SECURE,
        "payment method": payment_method,
        "order access token": paid.token,
        "client secret": client_secret,
        "admin password": LOCAL_ADMIN_PASSWORD,
        "admin JWT": admin.token,
        "Stripe secret key": LOCAL_VALUES["stripe"]["secret_key"],
        "webhook signing secret": LOCAL_VALUES["stripe"]["webhook_secret"],
        "webhook signature": signature.split("v1=")[1],
        "order token key": LOCAL_VALUES["app-keys"]["order_token_key"],
        "JWT signing key": LOCAL_VALUES["app-keys"]["jwt_signing_key"],
    }
    assert len(logs.records) > 30, "the flow logged too little to prove anything"
    json_lines = RedactingFormatter(LambdaPowertoolsFormatter(service="test", utc=True))
    console_lines = RedactingFormatter(ConsoleFormatter())
    for record in logs.records:
        # Unredacted first: redaction is the last line of defence, not how secrets stay out of the logs.
        raw = f"{record.getMessage()} {record.__dict__} {record.exc_text or ''}"
        for text in (raw, json_lines.format(record), console_lines.format(record)):
            leaked = [name for name, value in secrets.items() if value in text]
            assert not leaked, f"{leaked} in a line of {record.name}: {text[:300]}"


def test_the_local_pages_show_an_orders_traces_and_the_metrics(
    shop: Shop, observed: LocalObservability, stocked_product: StockedProduct
) -> None:
    order = shop.place([(stocked_product("observed", {"wh-east": 1}), 1)])
    shop.pay(order, AUTHORIZES)
    shop.wait_until(order, S.FULFILLED)
    trace_ending_with(observed, order, shop.cloud.function_name("mark-fulfilled"))
    base = shop.cloud.http.base_url if shop.cloud.http else ""
    traces = httpx2.get(f"{base}/_local/traces", params={"order": order.id}).json()
    assert traces and all(trace["annotations"]["order_id"] == order.id for trace in traces)
    outline = "\n".join(line for trace in traces for line in trace["outline"])
    assert f"{shop.cloud.function_name('capture-payment')} " in outline
    assert "Stripe POST /v1/payment_intents/{id}/capture" in outline
    summary = httpx2.get(f"{base}/_local/metrics").json()["summary"]
    fulfilled = next(row for row in summary if row["metric"] == "OrdersFulfilled")
    assert fulfilled["count"] >= 1 and fulfilled["dimensions"] == {}
    durations = next(row for row in summary if row["metric"] == "PaymentToShipmentDuration")
    assert durations["unit"] == "Milliseconds" and durations["p95"] >= durations["p50"] > 0
