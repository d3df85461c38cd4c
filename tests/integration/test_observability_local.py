"""The local cloud's own observability parts: the X-Ray daemon stand-in, the metric store and the console lines."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commerce.adapters import invocation
from commerce.adapters.emf_metrics import documents
from commerce.metrics import Metric, MetricRecord
from infra.local.console import ConsoleFormatter
from infra.local.metric_store import MetricStore
from infra.local.trace_collector import Trace, TraceCollector

ROOT = Path(__file__).resolve().parents[2]
HEADER = b'{"format": "json", "version": 1}\n'
TRACE = "1-6b058443-0254bb583436155e898ce3fa"


@pytest.fixture
def collector() -> Iterator[TraceCollector]:
    collector = TraceCollector(capacity=2)
    yield collector
    collector.stop()


def send(collector: TraceCollector, *documents: dict[str, Any] | bytes) -> None:
    host, port = collector.address.split(":")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        for document in documents:
            body = document if isinstance(document, bytes) else HEADER + json.dumps(document).encode()
            udp.sendto(body, (host, int(port)))


def an_entity(entity_id: str, name: str, start: float, **fields: Any) -> dict[str, Any]:
    return {"trace_id": TRACE, "id": entity_id, "name": name, "start_time": start, "end_time": start + 0.5, **fields}


def test_streamed_subsegments_are_put_back_under_their_parents_in_one_trace(collector: TraceCollector) -> None:
    handler = an_entity("b", "## handler", 10.1, type="subsegment", parent_id="a")
    send(
        collector,
        b"not a segment document",
        an_entity("d", "dynamodb", 10.2, type="subsegment", parent_id="b", aws={"operation": "GetItem"}),
        handler,
        an_entity("a", "local-api", 10.0, subsegments=[an_entity("c", "secretsmanager", 10.05)]),
        an_entity("e", "local-reserve-inventory", 11.0, parent_id="d"),
    )
    trace = collector.wait_for(lambda traces: next((t for t in traces if len(t.documents) == 4), None))
    assert [segment["name"] for segment in trace.segments()] == ["local-api", "local-reserve-inventory"]
    assert trace.names() == ["local-api", "secretsmanager", "## handler", "dynamodb", "local-reserve-inventory"]
    assert (trace.started_at, trace.ended_at) == (10.0, 11.5)


def test_the_oldest_traces_make_room_for_new_ones(collector: TraceCollector) -> None:
    for number in range(3):
        send(collector, {**an_entity("a", "local-api", 1.0), "trace_id": f"1-0000000{number}-x"})
    collector.wait_for(lambda traces: next((t for t in traces if t.trace_id == "1-00000002-x"), None))
    assert [trace.trace_id for trace in collector.traces()] == ["1-00000002-x", "1-00000001-x"]


def test_a_trace_is_found_by_an_annotation_of_any_of_its_entities() -> None:
    annotated = an_entity("b", "## handler", 1.1, type="subsegment", parent_id="a", annotations={"order_id": "ord_1"})
    trace = Trace(TRACE, (an_entity("a", "local-api", 1.0), annotated))
    assert trace.annotations() == {"order_id": "ord_1"}


def test_the_metric_store_reads_values_and_dimensions_as_cloudwatch_extracts_them() -> None:
    store = MetricStore()
    records = [
        MetricRecord(Metric.PAYMENT_TO_SHIPMENT, 900.0),
        MetricRecord(Metric.PAYMENT_TO_SHIPMENT, 100.0),
        MetricRecord(Metric.SAGA_STEP_FAILED, 1, step="AllocateShipment"),
    ]
    for document in documents(records, metadata={"order_id": "ord_1"}):
        store.add(document)
    (failed,) = store.points("SagaStepFailed", step="AllocateShipment")
    assert (failed.value, failed.dimensions, failed.metadata["order_id"]) == (
        1.0,
        {"step": "AllocateShipment"},
        "ord_1",
    )
    durations = next(row for row in store.summary() if row["metric"] == "PaymentToShipmentDuration")
    assert (durations["count"], durations["sum"], durations["p50"], durations["max"]) == (2, 1000.0, 100.0, 900.0)


def summary_record(**fields: Any) -> logging.LogRecord:
    record = logging.LogRecord(invocation.__name__, logging.INFO, __file__, 1, "invocation finished", None, None)
    record.__dict__.update(fields)
    return record


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {"http_method": "POST", "http_path": "/graphql", "graphql_operation": "placeOrder", "http_status": 200},
            "POST /graphql placeOrder 200 34ms order=ord_1",
        ),
        ({"step": "ReserveInventory", "service": "local-reserve-inventory"}, "saga ord_1 ReserveInventory ok 34ms"),
        ({"service": "local-payment-authorized"}, "local-payment-authorized ok 34ms order=ord_1"),
    ],
)
def test_the_console_shows_each_request_and_saga_step_as_one_line(fields: dict[str, Any], line: str) -> None:
    record = summary_record(duration_ms=34.2, outcome="ok", order_id="ord_1", **fields)
    assert re.fullmatch(rf"\d\d:\d\d:\d\d {re.escape(line)}", ConsoleFormatter().format(record))


def test_other_console_lines_keep_level_logger_and_message_with_the_order() -> None:
    record = logging.LogRecord("commerce.webhooks", logging.WARNING, __file__, 1, "refused: %s", ("stale",), None)
    record.__dict__["order_id"] = "ord_2"
    assert ConsoleFormatter().format(record).endswith(" WARNING commerce.webhooks: refused: stale order=ord_2")


_LAMBDA_PROBE = """
from types import SimpleNamespace
import boto3
from commerce.adapters.invocation import observed

@observed(lambda event: {"order_id": event["order_id"]})
def handler(event, context):
    try:
        boto3.client("sts", endpoint_url="http://127.0.0.1:9").get_caller_identity()  # nothing listens there
    except Exception as error:
        return type(error).__name__

print(handler({"order_id": "ord_L"}, SimpleNamespace(aws_request_id="r1", function_name="shop-capture-payment")))
"""


def test_on_lambda_the_handler_subsegment_reaches_the_daemon_in_the_functions_trace(collector: TraceCollector) -> None:
    """As Lambda runs it with Active tracing: a sampled trace header in the environment, the daemon's address."""
    root, parent = "1-6b058cba-5ed20faa678641c7282cce7b", "53995c3f42cd8ad8"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_XRAY", "_X_AMZN", "POWERTOOLS"))}
    environment |= {
        "LAMBDA_TASK_ROOT": str(ROOT),
        "AWS_LAMBDA_FUNCTION_NAME": "shop-capture-payment",
        "POWERTOOLS_SERVICE_NAME": "capture-payment",
        "_X_AMZN_TRACE_ID": f"Root={root};Parent={parent};Sampled=1",
        "AWS_XRAY_DAEMON_ADDRESS": collector.address,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_MAX_ATTEMPTS": "1",
    }
    completed = subprocess.run(  # noqa: S603 - our own interpreter running our own probe
        [sys.executable, "-c", _LAMBDA_PROBE], capture_output=True, text=True, check=True, cwd=ROOT, env=environment
    )
    assert completed.stdout.strip().splitlines()[-1] == "EndpointConnectionError"
    trace = collector.wait_for(lambda traces: next((t for t in traces if len(t.documents) == 2), None))
    assert trace.trace_id == root
    (handler,) = trace.segments()  # streamed: Lambda sends the function's own segment, not the SDK
    assert (handler["name"], handler["parent_id"]) == ("## handler", parent)
    assert (handler["annotations"]["order_id"], handler["annotations"]["service"]) == ("ord_L", "capture-payment")
    assert [child["name"] for child in handler["subsegments"]] == ["sts"]
