"""One pipeline run as plain JSON: figures per order, so runs of any size can be compared and combined."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from bench.order_usage import per_unit
from bench.pipeline import PipelineRun
from bench.sampler import Samples
from bench.usage_model import OrderUsage


def summarize(
    run: PipelineRun,
    *,
    express_memory_mb: float,
    poll: OrderUsage | None = None,
    page_view: OrderUsage | None = None,
) -> dict[str, Any]:
    usage, orders = run.usage, run.orders
    dynamodb = usage.dynamodb
    durations: dict[str, list[float]] = {}
    for lambda_run in usage.lambdas:
        durations.setdefault(lambda_run.function, []).append(lambda_run.seconds * 1000)
    assert usage.cpu is not None
    return {
        "orders": orders,
        "shoppers": run.shoppers,
        "fulfilled": len(run.fulfilled),
        "seconds": run.seconds,
        "orders_per_second": run.orders_per_second,
        "refused_webhooks": run.refused_webhooks,
        "payment_to_shipped_s": run.payment_to("shipped"),
        "payment_to_fulfilled_s": run.payment_to("finished"),
        "usage": per_unit(usage, orders, run.executions, express_memory_mb).as_json(),
        "poll": poll.as_json() if poll else None,
        "page_view": page_view.as_json() if page_view else None,
        "dynamodb_tables": {
            name: {
                "requests": table.requests / orders,
                "read_units": table.read_units / orders,
                "write_units": table.write_units / orders,
                "index_write_units": table.index_write_units / orders,
                "mean_item_bytes": table.mean_item_bytes,
            }
            for name, table in sorted(dynamodb.tables.items())
        },
        "dynamodb_lock": {
            "wait_s_per_order": dynamodb.lock_wait_s / orders,
            "hold_s_per_order": dynamodb.lock_hold_s / orders,
            "held_share": dynamodb.lock_hold_s / usage.seconds if usage.seconds else 0.0,
        },
        "calls_per_order": {
            **_per(Counter({f"aws {name}": n for name, n in usage.aws.calls.items()}), orders),
            **_per(Counter({f"stripe {name}": n for name, n in usage.stripe.calls.items()}), orders),
            **_per(Counter(f"http {r.function}: {r.operation}" for r in usage.http), orders),
        },
        "stripe_seconds_per_order": usage.stripe.seconds / orders,
        "lambda_ms": {
            name: {"invocations": len(values), "p50": statistics.median(values), "max": max(values)}
            for name, values in sorted(durations.items())
        },
        "executions": {
            "count": len(run.executions),
            "statuses": dict(Counter(e.status for e in run.executions)),
            "transitions": dict(Counter(str(e.transitions) for e in run.executions)),
            "retries": sum(e.retries for e in run.executions),
            "seconds": [e.seconds for e in run.executions],
        },
        "cpu": usage.cpu.as_json(),
        "cpu_ms_per_order": {name: seconds * 1000 / orders for name, seconds in usage.cpu_seconds.items()},
        "samples": _samples(run.samples) if run.samples else None,
    }


def _per(counts: Counter[str], orders: int) -> dict[str, float]:
    return {name: n / orders for name, n in sorted(counts.items())}


def _samples(samples: Samples) -> dict[str, Any]:
    return {
        "ticks": samples.ticks,
        "busy_threads": samples.busy_threads,
        "busy_shares": dict(samples.shares()),
        "threads_waiting_for": dict(samples.waiting_threads()),
    }
