"""What the local cloud keeps of its traces and metrics, to read back: on /_local/traces and /_local/metrics, and
in tests. The handlers are those that run on AWS; only the destinations are local (a UDP collector for the X-Ray
SDK, a store for the embedded-metric-format documents that Lambda would print to CloudWatch Logs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from commerce.adapters import emf_metrics
from infra.local.lambda_runtime import LocalLambdaRuntime
from infra.local.metric_store import MetricStore
from infra.local.trace_collector import Trace, TraceCollector
from infra.local.xray import LocalXRay


@dataclass
class LocalObservability:
    traces: TraceCollector
    xray: LocalXRay
    metrics: MetricStore

    def stop(self) -> None:
        emf_metrics.stop_emitting_to(self.metrics.add)
        self.xray.uninstall()

    def routes(self) -> list[Route]:
        async def traces(request: Request) -> JSONResponse:
            """The newest traces, or those of one order (`?order=ord_…`); `?limit=` (default 20)."""
            order = request.query_params.get("order")
            asked = request.query_params.get("limit", "")
            found = self.traces.traces(
                int(asked) if asked.isdigit() else 20, annotated={"order_id": order} if order else None
            )
            return JSONResponse([trace_view(trace) for trace in found])

        async def metrics(_: Request) -> JSONResponse:
            """Per metric and dimensions: count and sum (and percentiles of durations), then the newest values."""
            points = self.metrics.points()[-100:]
            recent = [
                {"metric": p.name, "value": p.value, "unit": p.unit, "dimensions": p.dimensions, **p.metadata}
                | {"at": _iso(p.timestamp_ms / 1000)}
                for p in reversed(points)
            ]
            return JSONResponse({"summary": self.metrics.summary(), "recent": recent})

        return [Route("/_local/traces", traces), Route("/_local/metrics", metrics)]


def start_observability(runtime: LocalLambdaRuntime) -> LocalObservability:
    traces = TraceCollector()
    xray = LocalXRay(traces)
    xray.install()
    runtime.xray = xray
    metrics = MetricStore()
    emf_metrics.emit_to(metrics.add)
    return LocalObservability(traces, xray, metrics)


def trace_view(trace: Trace) -> dict[str, Any]:
    """A trace as X-Ray's console shows it: segments and subsegments with durations, annotations and errors."""
    started = trace.started_at
    segments = [_entity_view(segment, started) for segment in trace.segments()]
    return {
        "trace_id": trace.trace_id,
        "started_at": _iso(started),
        "duration_ms": round((trace.ended_at - started) * 1000, 1),
        "annotations": trace.annotations(),
        "outline": [line for segment in segments for line in _outline(segment)],
        "segments": segments,
    }


def _entity_view(entity: dict[str, Any], trace_start: float) -> dict[str, Any]:
    view: dict[str, Any] = {
        "name": entity["name"],
        "offset_ms": round((entity.get("start_time", trace_start) - trace_start) * 1000, 1),
        "duration_ms": round((entity.get("end_time", 0) - entity.get("start_time", 0)) * 1000, 1),
    }
    for key in ("annotations", "http"):
        if entity.get(key):
            view[key] = entity[key]
    if "aws" in entity and "operation" in entity["aws"]:
        view["operation"] = entity["aws"]["operation"]
    flags = [flag for flag in ("error", "fault", "throttle") if entity.get(flag)]
    if flags:
        view["flags"] = flags
        causes = entity.get("cause", {}).get("exceptions", [])
        view["exceptions"] = [f"{cause.get('type')}: {cause.get('message')}" for cause in causes]
    children = [_entity_view(child, trace_start) for child in entity.get("subsegments", [])]
    if children:
        view["subsegments"] = children
    return view


def _outline(view: dict[str, Any], depth: int = 0) -> list[str]:
    detail = view.get("operation") or view.get("annotations", {}).get("stripe_operation", "")
    flags = f" [{', '.join(view['flags'])}]" if "flags" in view else ""
    line = "  " * depth + " ".join(part for part in (view["name"], detail, f"{view['duration_ms']}ms") if part)
    return [line + flags, *(text for child in view.get("subsegments", []) for text in _outline(child, depth + 1))]


def _iso(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
