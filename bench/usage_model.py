"""What one order uses, as the cost model reads it: plain figures per order (fractions allowed), JSON both ways."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class FunctionUse:
    """One Lambda function's share of an order: invocations, and their durations each rounded up to 1 ms."""

    function: str
    invocations: float
    billed_ms: float
    memory_mb: int

    @property
    def gb_seconds(self) -> float:
        return self.billed_ms / 1000 * self.memory_mb / 1024

    def plus(self, other: FunctionUse, times: float = 1.0) -> FunctionUse:
        return replace(
            self,
            invocations=self.invocations + times * other.invocations,
            billed_ms=self.billed_ms + times * other.billed_ms,
        )


@dataclass(frozen=True)
class OrderUsage:
    """What one order uses (or one request, for the SPA's polls)."""

    read_units: float = 0.0
    write_units: float = 0.0
    functions: tuple[FunctionUse, ...] = ()
    http_api_requests: float = 0.0
    events: float = 0.0
    emails: float = 0.0
    executions: float = 0.0
    transitions: float = 0.0  # what a Standard workflow bills
    express_gb_seconds: float = 0.0  # what an Express workflow bills besides its requests
    stripe_calls: float = 0.0
    traces: float = 0.0  # X-Ray traces begun: one per HTTP API request, one per saga
    log_bytes: float = 0.0  # sent to CloudWatch Logs

    @property
    def lambda_requests(self) -> float:
        return sum(f.invocations for f in self.functions)

    @property
    def lambda_gb_seconds(self) -> float:
        return sum(f.gb_seconds for f in self.functions)

    def plus(self, other: OrderUsage, times: float = 1.0) -> OrderUsage:
        """This usage with `times` x `other` added (e.g. the SPA's polls of one order)."""
        functions = {f.function: f for f in self.functions}
        for extra in other.functions:
            none = FunctionUse(extra.function, 0, 0, extra.memory_mb)
            functions[extra.function] = functions.get(extra.function, none).plus(extra, times)
        figures = {
            field.name: getattr(self, field.name) + times * getattr(other, field.name)
            for field in fields(self)
            if field.name != "functions"
        }
        return OrderUsage(functions=tuple(functions.values()), **figures)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrderUsage:
        functions = tuple(FunctionUse(**f) for f in data.get("functions", ()))
        return cls(**{**data, "functions": functions})
