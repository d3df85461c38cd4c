"""Everything the running local cloud does in a window of time, counted as AWS and Stripe would bill it.

Install before the local cloud starts (the boto3 hook and the HTTP wrappers must be in place before its clients and
its app are built), attach once it runs (the DynamoDB wrapper sits on top of the cloud's own), then `start()` and
`stop()` around what should be counted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bench.aws_calls import AwsCallCounter, AwsCalls
from bench.cpu import CpuUse, CpuWindow
from bench.cpu_budget import METERING, CpuBudget
from bench.dynamodb_meter import DynamoDBMeter, DynamoDBUsage
from bench.http_meter import HttpApiMeter, HttpRequest
from bench.log_volume import LogVolume
from bench.stripe_calls import StripeCallCounter, StripeCalls
from infra.deployment import DEPLOYMENT, Deployment

if TYPE_CHECKING:
    from infra.local.cloud import LocalCloud


@dataclass(frozen=True)
class LambdaRun:
    function: str  # the logical name in infra/deployment.py
    seconds: float
    memory_mb: int
    failed: bool = False


@dataclass
class Usage:
    seconds: float = 0.0
    dynamodb: DynamoDBUsage = field(default_factory=DynamoDBUsage)
    aws: AwsCalls = field(default_factory=AwsCalls)
    stripe: StripeCalls = field(default_factory=StripeCalls)
    http: list[HttpRequest] = field(default_factory=list)
    lambdas: list[LambdaRun] = field(default_factory=list)
    log_bytes: int = 0  # application log lines and EMF lines; Lambda's own lines are added per invocation later
    cpu: CpuUse | None = None
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # by where it was spent (bench/cpu_budget.py)


class Meter:
    def __init__(self, deployment: Deployment = DEPLOYMENT, prefix: str = "local", *, count_logs: bool = False) -> None:
        self._deployment = deployment
        self._prefix = f"{prefix}-"
        self.dynamodb = DynamoDBMeter(table_names=self._logical)
        self.aws = AwsCallCounter()
        self.stripe = StripeCallCounter()
        self.http = HttpApiMeter()
        self.budget = CpuBudget()
        self.logs = LogVolume() if count_logs else None
        self._cloud: LocalCloud | None = None
        self._cpu: CpuWindow | None = None
        self._started_at = datetime.now(UTC)
        self._started = time.perf_counter()

    def install(self) -> None:
        if self.logs is not None:
            self.logs.install()
        self.aws.install()
        self.stripe.install()
        self.http.install()

    def attach(self, cloud: LocalCloud) -> None:
        """Once the cloud runs: it installs its own DynamoDB wrapper at start, which these wrap in turn."""
        self._cloud = cloud
        self.dynamodb.install()
        self.budget.install()
        self.dynamodb.overhead = lambda: self.budget.clock(METERING)

    def uninstall(self) -> None:
        self.budget.uninstall()
        self.dynamodb.uninstall()
        self.http.uninstall()
        self.stripe.uninstall()
        self.aws.uninstall()
        if self.logs is not None:
            self.logs.uninstall()

    def start(self) -> None:
        self._take()
        self._started_at = datetime.now(UTC)
        self._started = time.perf_counter()
        assert self._cloud is not None, "attach the meter to the running cloud first"
        self._cpu = CpuWindow(self._cloud.stripe.process.pid)
        self.budget.start()
        self._set_active(True)

    def stop(self) -> Usage:
        self._set_active(False)
        seconds = time.perf_counter() - self._started
        usage = self._take()
        usage.seconds = seconds
        assert self._cpu is not None
        usage.cpu = self._cpu.stop()
        usage.cpu_seconds = self.budget.stop(usage.cpu.process_cores * usage.cpu.seconds)
        usage.lambdas = self._runtime_runs() + [
            LambdaRun(request.function, request.seconds, self._memory(request.function)) for request in usage.http
        ]
        return usage

    def _take(self) -> Usage:
        return Usage(
            dynamodb=self.dynamodb.take(),
            aws=self.aws.take(),
            stripe=self.stripe.take(),
            http=self.http.take(),
            log_bytes=self.logs.take() if self.logs is not None else 0,
        )

    def _set_active(self, active: bool) -> None:
        for part in (self.dynamodb, self.aws, self.stripe, self.http, self.logs):
            if part is not None:
                part.active = active

    def _runtime_runs(self) -> list[LambdaRun]:
        assert self._cloud is not None, "attach the meter to the running cloud first"
        return [
            LambdaRun(
                name := self._logical(invocation.function_name),
                invocation.duration_ms / 1000,
                self._memory(name),
                invocation.error_type is not None,
            )
            for invocation in self._cloud.runtime.invocations
            if invocation.started_at >= self._started_at
        ]

    def _logical(self, physical: str) -> str:
        return physical.removeprefix(self._prefix)

    def _memory(self, function: str) -> int:
        return self._deployment.function(function).memory_mb
