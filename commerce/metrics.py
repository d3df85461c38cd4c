"""Business metrics: the port services record facts through, whatever publishes them (CloudWatch EMF on AWS).

Dimensions stay low-cardinality on purpose: a metric is one number per fact, never per order (an order id belongs
in logs and traces). The only dimension is the saga step of SagaStepFailed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

NAMESPACE = "OrderFulfillment"


class Metric(StrEnum):
    ORDERS_PLACED = "OrdersPlaced"
    PAYMENTS_AUTHORIZED = "PaymentsAuthorized"
    PAYMENTS_CAPTURED = "PaymentsCaptured"
    PAYMENTS_FAILED = "PaymentsFailed"
    ORDERS_FULFILLED = "OrdersFulfilled"
    SAGA_STEP_FAILED = "SagaStepFailed"
    COMPENSATIONS = "Compensations"
    STOCK_CONFLICTS = "StockConflicts"
    STOCK_AUTO_SPLITS = "StockAutoSplits"
    WEBHOOK_DUPLICATES = "WebhookDuplicates"
    WEBHOOK_UNKNOWN_OBJECTS = "WebhookUnknownObjects"
    PAYMENT_TO_SHIPMENT = "PaymentToShipmentDuration"

    @property
    def unit(self) -> str:
        """CloudWatch's unit name."""
        return "Milliseconds" if self is Metric.PAYMENT_TO_SHIPMENT else "Count"


@dataclass(frozen=True, slots=True)
class MetricRecord:
    metric: Metric
    value: float
    step: str | None = None

    @property
    def dimensions(self) -> dict[str, str]:
        return {"step": self.step} if self.step else {}


class Metrics(ABC):
    @abstractmethod
    def record(self, metric: Metric, value: float = 1, *, step: str | None = None) -> None:
        """Best effort: recording a metric never fails the business operation that reports it."""


class NoMetrics(Metrics):
    def record(self, metric: Metric, value: float = 1, *, step: str | None = None) -> None:
        return None


class RecordedMetrics(Metrics):
    """For tests: keeps every record in order."""

    def __init__(self) -> None:
        self.records: list[MetricRecord] = []

    def record(self, metric: Metric, value: float = 1, *, step: str | None = None) -> None:
        self.records.append(MetricRecord(metric, value, step))

    def total(self, metric: Metric, *, step: str | None = None) -> float:
        return sum(r.value for r in self.records if r.metric is metric and (step is None or r.step == step))

    def values(self, metric: Metric) -> list[float]:
        return [r.value for r in self.records if r.metric is metric]
