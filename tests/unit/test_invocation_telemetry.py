"""One invocation's telemetry: correlation keys on its own log lines, EMF metrics flushed once, a summary line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from commerce.adapters import emf_metrics
from commerce.adapters.invocation import bind, invocation, observed
from commerce.adapters.log_format import REDACTED, redact
from commerce.metrics import NAMESPACE, Metric
from tests.unit.log_capture import CapturedLogs, captured_logs

ROOT = Path(__file__).resolve().parents[2]
logger = logging.getLogger("tests.telemetry")


@pytest.fixture
def captured() -> Iterator[CapturedLogs]:
    with captured_logs() as handler:
        yield handler


@pytest.fixture
def documents() -> Iterator[list[dict[str, Any]]]:
    sink: list[dict[str, Any]] = []
    emf_metrics.emit_to(sink.append)
    yield sink
    emf_metrics.stop_emitting_to(sink.append)


def test_metrics_of_an_invocation_are_published_once_at_its_end_as_embedded_metric_format(
    documents: list[dict[str, Any]],
) -> None:
    metrics = emf_metrics.EmfMetrics()
    with invocation("capture-payment", request_id="req-1", keys={"order_id": "ord_1"}):
        metrics.record(Metric.PAYMENTS_CAPTURED)
        metrics.record(Metric.SAGA_STEP_FAILED, step="CapturePayment")
        metrics.record(Metric.PAYMENT_TO_SHIPMENT, 1250.5)
        assert documents == []
    plain, by_step = documents
    directive = plain["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == NAMESPACE == "OrderFulfillment"
    assert directive["Dimensions"] == [[]]  # no order ids, no per-function split
    assert {m["Name"]: m["Unit"] for m in directive["Metrics"]} == {
        "PaymentsCaptured": "Count",
        "PaymentToShipmentDuration": "Milliseconds",
    }
    assert (plain["PaymentsCaptured"], plain["PaymentToShipmentDuration"]) == ([1.0], [1250.5])
    assert (plain["order_id"], plain["request_id"], plain["service"]) == ("ord_1", "req-1", "capture-payment")
    assert by_step["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["step"]]
    assert (by_step["step"], by_step["SagaStepFailed"]) == ("CapturePayment", [1.0])


def test_metrics_are_published_also_when_the_invocation_fails(documents: list[dict[str, Any]]) -> None:
    with pytest.raises(RuntimeError), invocation("reserve-inventory"):
        emf_metrics.EmfMetrics().record(Metric.STOCK_CONFLICTS)
        raise RuntimeError("boom")
    assert [document["StockConflicts"] for document in documents] == [[1.0]]


def test_a_metric_recorded_outside_any_invocation_is_published_at_once(documents: list[dict[str, Any]]) -> None:
    emf_metrics.EmfMetrics().record(Metric.ORDERS_PLACED)
    assert [document["OrdersPlaced"] for document in documents] == [[1.0]]


def test_concurrent_invocations_each_log_with_their_own_keys(captured: CapturedLogs) -> None:
    both_inside = threading.Barrier(2)

    def run(order_id: str) -> None:
        with invocation("payment-authorized", keys={"order_id": order_id}):
            both_inside.wait(timeout=5)
            logger.info("working")

    threads = [threading.Thread(target=run, args=(f"ord_{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    working = captured.messages("working")
    assert sorted(record.__dict__["order_id"] for record in working) == ["ord_0", "ord_1"]
    assert len({record.__dict__["request_id"] for record in working}) == 2


def test_keys_bound_later_and_in_a_worker_thread_reach_the_whole_invocation(captured: CapturedLogs) -> None:
    async def request() -> None:
        with invocation("api", keys={"graphql_operation": "payOrder"}):
            await asyncio.to_thread(bind, order_id="ord_7")  # a resolver's blocking work runs on a thread
            logger.info("paid")

    loop = asyncio.new_event_loop()  # not asyncio.run: it leaves the main thread without a loop for later tests
    loop.run_until_complete(request())
    loop.close()
    (paid,) = captured.messages("paid")
    assert (paid.__dict__["graphql_operation"], paid.__dict__["order_id"]) == ("payOrder", "ord_7")
    assert captured.messages("invocation finished")[0].__dict__["order_id"] == "ord_7"
    logger.info("outside")
    assert "order_id" not in captured.messages("outside")[0].__dict__


def test_a_key_given_with_the_log_call_wins_over_the_bound_one(captured: CapturedLogs) -> None:
    with invocation("compensation", keys={"order_id": "ord_1"}):
        logger.info("about another order", extra={"order_id": "ord_2"})
    assert captured.messages("about another order")[0].__dict__["order_id"] == "ord_2"


def api_event(method: str = "POST", path: str = "/graphql") -> dict[str, Any]:
    return {"requestContext": {"http": {"method": method, "path": path}}, "body": "{}"}


def test_an_observed_handler_ends_with_one_summary_of_its_outcome_duration_and_http_status(
    captured: CapturedLogs,
) -> None:
    @observed(lambda event: {"order_id": event["order_id"]})
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 201, "body": ""}

    context = SimpleNamespace(function_name="local-api", aws_request_id="req-42")
    assert handler({**api_event(), "order_id": "ord_9"}, context) == {"statusCode": 201, "body": ""}
    (summary,) = captured.messages("invocation finished")
    fields = summary.__dict__
    assert (summary.levelno, fields["outcome"], fields["service"], fields["request_id"]) == (
        logging.INFO,
        "ok",
        "local-api",
        "req-42",
    )
    assert (fields["http_method"], fields["http_path"], fields["http_status"]) == ("POST", "/graphql", 201)
    assert fields["order_id"] == "ord_9" and fields["duration_ms"] >= 0


def test_a_failing_handler_raises_as_before_and_its_summary_names_the_error(captured: CapturedLogs) -> None:
    @observed(lambda event: {"order_id": event["detail"]["order_id"]})
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise LookupError("no such order")

    with pytest.raises(LookupError):
        handler({"detail": {"order_id": "ord_3"}}, None)
    (summary,) = captured.messages("invocation finished")
    assert (summary.levelno, summary.__dict__["outcome"], summary.__dict__["order_id"]) == (
        logging.WARNING,
        "LookupError",
        "ord_3",
    )


def test_an_event_without_the_keys_is_still_handled_and_logged_without_them(captured: CapturedLogs) -> None:
    @observed(lambda event: {"order_id": event["detail"]["order_id"]})
    def handler(event: dict[str, Any], context: Any) -> str:
        return "handled"

    assert handler({"detail-type": "Scheduled Event"}, None) == "handled"
    assert "order_id" not in captured.messages("invocation finished")[0].__dict__


def test_only_the_first_invocation_of_a_function_is_a_cold_start(captured: CapturedLogs) -> None:
    for _ in range(2):
        with invocation("cold-start-probe-function"):
            pass
    assert [r.__dict__["cold_start"] for r in captured.messages("invocation finished")] == [True, False]


@pytest.mark.parametrize(
    "secret",
    [
        "sk_test_51HxYzAbC",
        "sk_live_abcDEF123",
        "whsec_local_fake_not_a_secret",
        "pi_3Nx9AbCdEf_secret_Gh1JkLmN",
        "tok_1NaBcDeF",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl",
        "Bearer abc.def.ghi",
        "v1=" + "0123456789abcdef" * 4,
        "4242424242424242",
        "4000 0000 0000 3220",
    ],
)
def test_secrets_and_card_numbers_are_redacted_from_log_lines(secret: str) -> None:
    line = redact(f'{{"message": "saw {secret} here"}}')
    assert secret not in line and REDACTED in line


def test_ordinary_ids_numbers_and_timestamps_are_left_alone() -> None:
    line = "order ord_1a2b intent pi_3Nx9AbCd at 1795523265277 for 123456789012345 cents, 4242424242424241"
    assert redact(line) == line


_LAMBDA_PROBE = """
import logging, sys
from types import SimpleNamespace
from commerce.adapters import emf_metrics
from commerce.adapters.invocation import bind, observed
from commerce.metrics import Metric

@observed(lambda event: {"order_id": event["order_id"], "execution": event["execution"]})
def handler(event, context):
    bind(stripe_event_id="evt_1")
    logging.getLogger("commerce.services.payments").info("captured with sk_test_never_logged")
    emf_metrics.EmfMetrics().record(Metric.PAYMENTS_CAPTURED)
    return {"ok": True}

handler({"order_id": "ord_5", "execution": "arn:exec:1"}, SimpleNamespace(aws_request_id="req-5"))
print("xray imported:", "aws_xray_sdk" in sys.modules)
"""


def test_on_lambda_every_line_is_json_with_the_correlation_keys_and_tracing_off_imports_nothing() -> None:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("AWS_XRAY", "POWERTOOLS", "_X_AMZN"))
    }
    environment |= {"AWS_LAMBDA_FUNCTION_NAME": "shop-capture-payment", "POWERTOOLS_SERVICE_NAME": "capture-payment"}
    completed = subprocess.run(  # noqa: S603 - our own interpreter running our own probe
        [sys.executable, "-c", _LAMBDA_PROBE], capture_output=True, text=True, check=True, cwd=ROOT, env=environment
    )
    lines = completed.stdout.strip().splitlines()
    assert lines[-1] == "xray imported: False"
    parsed = [json.loads(line) for line in lines[:-1]]
    (captured,) = [line for line in parsed if line.get("message", "").startswith("captured")]
    assert captured["message"] == f"captured with {REDACTED}"
    assert captured["level"] == "INFO" and captured["timestamp"].startswith("20")
    keys = ("service", "request_id", "order_id", "execution", "stripe_event_id")
    assert [captured[key] for key in keys] == ["capture-payment", "req-5", "ord_5", "arn:exec:1", "evt_1"]
    (summary,) = [line for line in parsed if line.get("message") == "invocation finished"]
    assert (summary["outcome"], summary["order_id"], summary["cold_start"]) == ("ok", "ord_5", True)
    (metric,) = [line for line in parsed if "_aws" in line]
    assert (metric["PaymentsCaptured"], metric["order_id"]) == ([1.0], "ord_5")
