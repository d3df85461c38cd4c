"""The local CloudWatch for business metrics: keeps the embedded-metric-format documents the handlers flush and
reads them the way CloudWatch Logs extracts them (each metric value with its directive's dimensions)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MetricPoint:
    namespace: str
    name: str
    unit: str
    value: float
    dimensions: dict[str, str]
    timestamp_ms: int
    metadata: dict[str, Any] = field(default_factory=dict)  # the document's other members: service, order_id, ...


class MetricStore:
    def __init__(self, capacity: int = 20_000) -> None:
        self._points: deque[MetricPoint] = deque(maxlen=capacity)
        self._changed = threading.Condition()

    def add(self, document: dict[str, Any]) -> None:
        points = extracted(document)
        with self._changed:
            self._points.extend(points)
            self._changed.notify_all()

    def points(self, name: str | None = None, **dimensions: str) -> list[MetricPoint]:
        with self._changed:
            points = list(self._points)
        return [p for p in points if (name is None or p.name == name) and dimensions.items() <= p.dimensions.items()]

    def wait_for(self, test: Callable[[MetricStore], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not test(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"metrics did not arrive within {timeout} s")
                self._changed.wait(remaining)

    def summary(self) -> list[dict[str, Any]]:
        """Per metric and dimension set: how many values, their sum, and percentiles for durations."""
        groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[MetricPoint]] = {}
        for point in self.points():
            groups.setdefault((point.name, tuple(sorted(point.dimensions.items()))), []).append(point)
        rows = []
        for (name, dimensions), points in sorted(groups.items()):
            values = sorted(point.value for point in points)
            row: dict[str, Any] = {
                "metric": name,
                "dimensions": dict(dimensions),
                "unit": points[0].unit,
                "count": len(values),
                "sum": sum(values),
            }
            if points[0].unit != "Count":
                row |= {"p50": _percentile(values, 50), "p95": _percentile(values, 95), "max": values[-1]}
            rows.append(row)
        return rows


def extracted(document: dict[str, Any]) -> list[MetricPoint]:
    aws = document.get("_aws", {})
    directives = aws.get("CloudWatchMetrics", [])
    members = {key: value for key, value in document.items() if key != "_aws" and not _is_metric(key, directives)}
    points = []
    for directive in directives:
        for dimension_set in directive.get("Dimensions", [[]]):
            dimensions = {key: str(document[key]) for key in dimension_set}
            metadata = {key: value for key, value in members.items() if key not in dimension_set}
            for definition in directive.get("Metrics", []):
                raw = document.get(definition["Name"], [])
                for value in raw if isinstance(raw, list) else [raw]:
                    points.append(
                        MetricPoint(
                            namespace=directive.get("Namespace", ""),
                            name=definition["Name"],
                            unit=definition.get("Unit", "None"),
                            value=float(value),
                            dimensions=dimensions,
                            timestamp_ms=int(aws.get("Timestamp", 0)),
                            metadata=metadata,
                        )
                    )
    return points


def _is_metric(key: str, directives: list[dict[str, Any]]) -> bool:
    return any(definition["Name"] == key for directive in directives for definition in directive.get("Metrics", []))


def _percentile(values: list[float], percentile: float) -> float:
    """Nearest rank, as CloudWatch's pNN of a small sample is."""
    return values[max(0, math.ceil(percentile / 100 * len(values)) - 1)]
