"""`Metrics` as CloudWatch embedded-metric-format documents, serialized by Powertools' EMF provider.

Records are buffered per invocation (`collecting`) and flushed once at its end, as Powertools' `log_metrics` does;
a ContextVar rather than Powertools' class-level metric set keeps invocations apart when many run in one process
(the local cloud). Each document carries one dimension set, so SagaStepFailed (by step) gets a document of its own.
On Lambda a document is one line on stdout, which CloudWatch Logs turns into metrics; the local cloud sends them
to its metric store instead (`emit_to`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from commerce.metrics import NAMESPACE, Metric, MetricRecord, Metrics

Sink = Callable[[dict[str, Any]], None]


def _print_line(document: dict[str, Any]) -> None:
    # One line on stdout is what CloudWatch Logs reads EMF from.
    print(json.dumps(document, separators=(",", ":")), flush=True)


_sink: list[Sink] = [_print_line]
_buffer: ContextVar[list[MetricRecord] | None] = ContextVar("emf_buffer", default=None)


class EmfMetrics(Metrics):
    def record(self, metric: Metric, value: float = 1, *, step: str | None = None) -> None:
        record = MetricRecord(metric, value, step)
        buffer = _buffer.get()
        if buffer is None:
            # Outside any invocation (a script, the local cloud's own calls): publish at once rather than lose it.
            emit(documents([record]))
        else:
            buffer.append(record)


@contextmanager
def collecting(metadata: Callable[[], Mapping[str, Any]] = dict) -> Iterator[list[MetricRecord]]:
    """Buffer what is recorded inside; on leaving (also by an exception) publish it, with `metadata()` attached."""
    records: list[MetricRecord] = []
    token = _buffer.set(records)
    try:
        yield records
    finally:
        _buffer.reset(token)
        if records:
            emit(documents(records, metadata=metadata()))


def documents(records: Sequence[MetricRecord], *, metadata: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """EMF documents for the records: one per dimension set, values of a metric as a list (EMF allows 100)."""
    from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

    by_dimensions: dict[tuple[tuple[str, str], ...], list[MetricRecord]] = {}
    for record in records:
        by_dimensions.setdefault(tuple(sorted(record.dimensions.items())), []).append(record)
    result = []
    for dimensions, grouped in by_dimensions.items():
        # service="" keeps Powertools from adding POWERTOOLS_SERVICE_NAME (one per function) as a dimension: a fact
        # such as PaymentsAuthorized is reported by more than one function and must add up to one metric.
        provider = AmazonCloudWatchEMFProvider(namespace=NAMESPACE, service="", dimension_set=dict(dimensions))
        for record in grouped:
            provider.add_metric(name=record.metric.value, unit=record.metric.unit, value=record.value)
        for key, value in (metadata or {}).items():
            if value is not None:
                provider.add_metadata(key=key, value=value)
        result.append(dict(provider.serialize_metric_set()))
    return result


def emit(documents: Sequence[dict[str, Any]]) -> None:
    for document in documents:
        _sink[-1](document)


def emit_to(sink: Sink) -> None:
    """Send documents to `sink` from now on (the local cloud's metric store) until `stop_emitting_to(sink)`."""
    _sink.append(sink)


def stop_emitting_to(sink: Sink) -> None:
    if sink in _sink[1:]:
        _sink.remove(sink)
