"""The business side of monitoring: widgets and alarms on the metrics the handlers publish (commerce.metrics, as
CloudWatch embedded metric format), beside the AWS service metrics of the rest of the dashboard.

The metrics have no dimensions but a saga step's: a fact such as PaymentsAuthorized is counted by whichever
function saw it first (payOrder's API or the webhook's consumer), so one metric adds them up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from commerce.metrics import NAMESPACE, Metric
from sagas.fulfillment import STEPS


@dataclass(frozen=True)
class BusinessThresholds:
    payment_failure_percent: float = 50  # of payment attempts, over ten minutes with at least `min_attempts`
    min_attempts: int = 10
    saga_step_failures: int = 5  # in five minutes, every step together (a retried attempt counts)
    compensations: int = 5  # in five minutes (failed sagas and admin cancellations)
    stock_conflicts: int = 25  # in five minutes: shoppers racing for the same units
    payment_to_shipment_p95_ms: int = 120_000  # for fifteen minutes


@dataclass(frozen=True)
class Query:
    metric: Metric
    stat: str = "Sum"
    dimensions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class BusinessAlarm:
    key: str
    description: str
    queries: dict[str, Query]  # metric math ids → metrics
    expression: str
    threshold: float
    comparison: str = "GreaterThanOrEqualToThreshold"
    evaluation_periods: int = 1


def business_alarms(limits: BusinessThresholds) -> list[BusinessAlarm]:
    steps = {
        f"s{index}": Query(Metric.SAGA_STEP_FAILED, dimensions=(("step", step),)) for index, step in enumerate(STEPS)
    }
    attempts = "(FILL(a, 0) + FILL(f, 0))"
    return [
        BusinessAlarm(
            "payment-failure-rate",
            f"Over {limits.payment_failure_percent:g}% of payment attempts declined (Stripe trouble? card testing?)",
            {"a": Query(Metric.PAYMENTS_AUTHORIZED), "f": Query(Metric.PAYMENTS_FAILED)},
            f"IF({attempts} >= {limits.min_attempts}, 100 * FILL(f, 0) / {attempts}, 0)",
            limits.payment_failure_percent,
            comparison="GreaterThanThreshold",
            evaluation_periods=2,
        ),
        BusinessAlarm(
            "saga-step-failures",
            "Saga steps keep failing: see SagaStepFailed by step on the dashboard, then the step's logs and traces",
            steps,
            "SUM(METRICS())",
            limits.saga_step_failures,
        ),
        BusinessAlarm(
            "compensations",
            "Many orders are being undone (failed sagas or admin cancellations)",
            {"c": Query(Metric.COMPENSATIONS)},
            "FILL(c, 0)",
            limits.compensations,
        ),
        BusinessAlarm(
            "stock-conflicts",
            "Reservations keep losing races for the same stock: a hot product, or stock that is nearly gone",
            {"k": Query(Metric.STOCK_CONFLICTS)},
            "FILL(k, 0)",
            limits.stock_conflicts,
        ),
        BusinessAlarm(
            "payment-to-shipment-p95",
            f"Paid orders take longer than {limits.payment_to_shipment_p95_ms / 1000:g} s to ship (p95)",
            {"d": Query(Metric.PAYMENT_TO_SHIPMENT, stat="p95")},
            "d",
            limits.payment_to_shipment_p95_ms,
            comparison="GreaterThanThreshold",
            evaluation_periods=3,
        ),
    ]


class Widget(Protocol):
    def __call__(self, title: str, metrics: list[list[Any]], *, stat: str = ..., y: int = ..., x: int = ...) -> Any: ...


def business_widgets(widget: Widget, *, y: int) -> list[Any]:
    """Orders through their milestones, what went wrong, which saga step fails, how long shipping takes."""
    milestones = (Metric.ORDERS_PLACED, Metric.PAYMENTS_AUTHORIZED, Metric.PAYMENTS_CAPTURED, Metric.ORDERS_FULFILLED)
    trouble = (
        Metric.PAYMENTS_FAILED,
        Metric.COMPENSATIONS,
        Metric.STOCK_CONFLICTS,
        Metric.STOCK_AUTO_SPLITS,  # a contended item split itself (commerce/hot_stock.py): merge it after the rush
        Metric.WEBHOOK_DUPLICATES,
        Metric.WEBHOOK_UNKNOWN_OBJECTS,
    )
    duration = Metric.PAYMENT_TO_SHIPMENT.value
    return [
        widget("Orders", [[NAMESPACE, metric.value] for metric in milestones], y=y),
        widget(
            "Declines, compensations, conflicts, duplicate and unknown webhooks",
            [[NAMESPACE, m.value] for m in trouble],
            y=y,
            x=12,
        ),
        widget(
            "Saga step failures by step",
            [[NAMESPACE, Metric.SAGA_STEP_FAILED.value, "step", step] for step in STEPS],
            y=y + 6,
        ),
        widget(
            "Payment to shipment (ms)",
            [[NAMESPACE, duration, {"stat": stat, "label": stat}] for stat in ("p50", "p95", "p99")],
            stat="p95",
            y=y + 6,
            x=12,
        ),
    ]
