"""The business metrics the handlers publish are on the dashboard and behind alarms, beside AWS's own metrics."""

from __future__ import annotations

import json
from typing import Any

import pytest

from commerce.metrics import NAMESPACE, Metric
from sagas.fulfillment import STEPS
from tests.infra.program import Program, Resource

APP = "fulfillment-test"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
BUSINESS_ALARMS = (
    "payment-failure-rate",
    "saga-step-failures",
    "compensations",
    "stock-conflicts",
    "payment-to-shipment-p95",
)


def dashboard_metrics(program: Program) -> list[list[Any]]:
    body = json.loads(program.one("aws:cloudwatch/dashboard:Dashboard", f"{APP}-overview").inputs["dashboardBody"])
    return [metric for widget in body["widgets"] for metric in widget["properties"]["metrics"]]


def ours(metrics: list[list[Any]]) -> list[list[Any]]:
    return [metric for metric in metrics if metric[0] == NAMESPACE]


def dimensions_of(metric: list[Any]) -> dict[str, str]:
    names_and_values = [part for part in metric[2:] if isinstance(part, str)]
    return dict(zip(names_and_values[::2], names_and_values[1::2], strict=True))


def business_alarm(program: Program, key: str) -> Resource:
    return program.one(ALARM, f"{APP}-{key}")


def test_every_business_metric_the_code_records_is_on_the_dashboard(program: Program) -> None:
    shown = {metric[1] for metric in ours(dashboard_metrics(program))}
    assert shown == {metric.value for metric in Metric}


def test_saga_step_failures_are_shown_per_step_of_the_saga_and_nothing_per_order(program: Program) -> None:
    business = ours(dashboard_metrics(program))
    by_step = [dimensions_of(m) for m in business if m[1] == Metric.SAGA_STEP_FAILED.value]
    assert by_step == [{"step": step} for step in STEPS]
    assert all(set(dimensions_of(metric)) <= {"step"} for metric in business), business


def test_payment_to_shipment_is_shown_as_percentiles(program: Program) -> None:
    durations = [m for m in ours(dashboard_metrics(program)) if m[1] == Metric.PAYMENT_TO_SHIPMENT.value]
    assert [metric[-1]["stat"] for metric in durations] == ["p50", "p95", "p99"]


@pytest.mark.parametrize("key", BUSINESS_ALARMS)
def test_every_business_alarm_reads_our_namespace_and_mails_ops(program: Program, key: str) -> None:
    inputs = business_alarm(program, key).inputs
    topic = program.one("aws:sns/topic:Topic", f"{APP}-alarms").state["arn"]
    assert inputs["alarmActions"] == [topic] and inputs["treatMissingData"] == "notBreaching"
    metrics = [query["metric"] for query in inputs["metricQueries"] if "metric" in query]
    assert metrics and {metric["namespace"] for metric in metrics} == {NAMESPACE}
    assert [query["id"] for query in inputs["metricQueries"] if query.get("returnData")] == ["alarmed"]


def test_the_payment_failure_rate_compares_declines_with_all_attempts_once_there_are_enough(program: Program) -> None:
    inputs = business_alarm(program, "payment-failure-rate").inputs
    metrics = {q["id"]: q["metric"]["metricName"] for q in inputs["metricQueries"] if "metric" in q}
    assert metrics == {"a": "PaymentsAuthorized", "f": "PaymentsFailed"}
    (expression,) = [q["expression"] for q in inputs["metricQueries"] if "expression" in q]
    assert expression.startswith("IF((FILL(a, 0) + FILL(f, 0)) >= 10, 100 * FILL(f, 0) /")
    assert (inputs["threshold"], inputs["comparisonOperator"]) == (50, "GreaterThanThreshold")


def test_saga_step_failures_alarm_on_every_step_together(program: Program) -> None:
    queries = business_alarm(program, "saga-step-failures").inputs["metricQueries"]
    steps = [q["metric"]["dimensions"]["step"] for q in queries if "metric" in q]
    assert steps == list(STEPS)
    assert {q["metric"]["metricName"] for q in queries if "metric" in q} == {"SagaStepFailed"}


def test_slow_shipping_alarms_on_the_p95_of_payment_to_shipment(program: Program) -> None:
    inputs = business_alarm(program, "payment-to-shipment-p95").inputs
    (query,) = [q["metric"] for q in inputs["metricQueries"] if "metric" in q]
    assert (query["metricName"], query["stat"]) == ("PaymentToShipmentDuration", "p95")
    assert inputs["threshold"] == 120_000 and inputs["evaluationPeriods"] == 3


@pytest.mark.parametrize(
    ("key", "metric"), [("saga-timed-out", "ExecutionsTimedOut"), ("saga-aborted", "ExecutionsAborted")]
)
def test_a_saga_that_ends_without_its_catch_raises_an_alarm_on_the_deployed_state_machine(
    program: Program, key: str, metric: str
) -> None:
    """Express emits no status-change event for these: the metric is the only way anyone hears of them."""
    inputs = program.one(ALARM, f"{APP}-{key}").inputs
    assert (inputs["namespace"], inputs["metricName"], inputs["statistic"]) == ("AWS/States", metric, "Sum")
    assert inputs["dimensions"] == {"StateMachineArn": program.outputs["stateMachineArn"]}
    assert inputs["threshold"] == 1 and inputs["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
    topic = program.one("aws:sns/topic:Topic", f"{APP}-alarms").state["arn"]
    assert inputs["alarmActions"] == [topic] and inputs["treatMissingData"] == "notBreaching"
