"""From what the meters counted in a window to what one order (or one request) uses: the cost model's input."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from bench.cost import express_gb_seconds
from bench.executions import Execution
from bench.log_volume import PLATFORM_BYTES_PER_INVOCATION
from bench.meter import Usage
from bench.usage_model import FunctionUse, OrderUsage


def per_unit(
    usage: Usage, units: int, executions: Sequence[Execution] = (), express_memory_mb: float = 50
) -> OrderUsage:
    """`usage` divided by the `units` (orders, or requests) it served; Lambda billed per invocation, up to the ms."""
    if units <= 0:
        raise ValueError("usage is shared by at least one unit")
    invocations: dict[str, int] = defaultdict(int)
    billed_ms: dict[str, int] = defaultdict(int)
    memory: dict[str, int] = {}
    for run in usage.lambdas:
        invocations[run.function] += 1
        billed_ms[run.function] += math.ceil(run.seconds * 1000)
        memory[run.function] = run.memory_mb
    return OrderUsage(
        read_units=usage.dynamodb.read_units / units,
        write_units=usage.dynamodb.write_units / units,
        functions=tuple(
            FunctionUse(name, invocations[name] / units, billed_ms[name] / units, memory[name])
            for name in sorted(invocations)
        ),
        http_api_requests=len(usage.http) / units,
        events=usage.aws.events_published / units,
        emails=usage.aws.emails / units,
        executions=len(executions) / units,
        transitions=sum(execution.transitions for execution in executions) / units,
        express_gb_seconds=sum(express_gb_seconds(e.seconds, express_memory_mb) for e in executions) / units,
        stripe_calls=usage.stripe.total / units,
        traces=(len(usage.http) + len(executions)) / units,
        log_bytes=(usage.log_bytes + PLATFORM_BYTES_PER_INVOCATION * len(usage.lambdas)) / units,
    )
