"""What one order costs on AWS, from what it was measured to use locally, at public list prices.

Prices: us-east-1, on-demand DynamoDB, arm64 Lambda, first pricing tier, no free tier, from the AWS pricing pages
(aws.amazon.com/<service>/pricing). PRICES_IN_EFFECT_SINCE is the latest change among them that we know of
(DynamoDB on-demand halved on 2024-11-01); they were compiled on PRICES_COMPILED on a machine without internet
access, so check them before quoting a bill.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from bench.usage_model import OrderUsage

PRICES_IN_EFFECT_SINCE = "2024-11-01"
PRICES_COMPILED = "2026-11-24"

WorkflowType = Literal["STANDARD", "EXPRESS"]

PER_MILLION = 1_000_000


@dataclass(frozen=True)
class Price:
    usd: float
    per: float  # units the price is quoted for
    unit: str
    source: str

    @property
    def each(self) -> float:
        return self.usd / self.per


PRICES: dict[str, Price] = {
    "dynamodb_write": Price(0.625, 1e6, "write request units", "aws.amazon.com/dynamodb/pricing/on-demand"),
    "dynamodb_read": Price(0.125, 1e6, "read request units", "aws.amazon.com/dynamodb/pricing/on-demand"),
    "lambda_request": Price(0.20, 1e6, "requests", "aws.amazon.com/lambda/pricing"),
    "lambda_arm_gb_second": Price(0.0000133334, 1, "GB-seconds (arm64)", "aws.amazon.com/lambda/pricing"),
    "standard_transition": Price(0.025, 1e3, "state transitions", "aws.amazon.com/step-functions/pricing"),
    "express_request": Price(1.00, 1e6, "executions", "aws.amazon.com/step-functions/pricing"),
    "express_gb_second": Price(0.00001667, 1, "GB-seconds", "aws.amazon.com/step-functions/pricing"),
    "eventbridge_event": Price(1.00, 1e6, "custom events (64 KB chunks)", "aws.amazon.com/eventbridge/pricing"),
    "http_api_request": Price(1.00, 1e6, "HTTP API requests (512 KB chunks)", "aws.amazon.com/api-gateway/pricing"),
    "ses_email": Price(0.10, 1e3, "emails (per recipient)", "aws.amazon.com/ses/pricing"),
    "xray_trace": Price(5.00, 1e6, "traces recorded", "aws.amazon.com/xray/pricing"),
    "logs_ingested": Price(0.50, 2**30, "bytes of logs ingested", "aws.amazon.com/cloudwatch/pricing"),
}

# Express bills duration rounded up to 100 ms, and memory in 64 MB chunks: 50 MB plus the definition plus the
# execution's data (aws.amazon.com/step-functions/pricing, "Express Workflows", pricing examples 3 and 4).
EXPRESS_DURATION_STEP_S = 0.1
EXPRESS_MEMORY_CHUNK_MB = 64
EXPRESS_BASE_MEMORY_MB = 50

# X-Ray's default sampling rule records the first request each second and 5% of the rest; at volume, 5%.
XRAY_SAMPLED = 0.05


def express_gb_seconds(duration_s: float, memory_mb: float = EXPRESS_BASE_MEMORY_MB) -> float:
    """One Express execution's billed GB-seconds: duration up to the next 100 ms, memory up to the next 64 MB."""
    billed_s = math.ceil(round(duration_s / EXPRESS_DURATION_STEP_S, 9)) * EXPRESS_DURATION_STEP_S
    billed_mb = max(1, math.ceil(memory_mb / EXPRESS_MEMORY_CHUNK_MB)) * EXPRESS_MEMORY_CHUNK_MB
    return billed_s * billed_mb / 1024


def express_memory_mb(definition_bytes: int, data_bytes: int) -> float:
    return EXPRESS_BASE_MEMORY_MB + (definition_bytes + data_bytes) / 1e6


@dataclass(frozen=True)
class CostLine:
    item: str
    quantity: float  # per order
    unit: str
    usd_per_million_orders: float
    in_target: bool = True


@dataclass(frozen=True)
class CostTable:
    workflow: WorkflowType
    lines: tuple[CostLine, ...] = field(default_factory=tuple)

    @property
    def target_total(self) -> float:
        return sum(line.usd_per_million_orders for line in self.lines if line.in_target)

    @property
    def total(self) -> float:
        return sum(line.usd_per_million_orders for line in self.lines)


def cost_table(usage: OrderUsage, workflow: WorkflowType, prices: dict[str, Price] = PRICES) -> CostTable:
    """$ per million orders, line by line. SES is its own line, outside the target (docs/performance.md)."""

    def line(item: str, quantity: float, price: str, *, in_target: bool = True) -> CostLine:
        chosen = prices[price]
        return CostLine(item, quantity, chosen.unit, quantity * chosen.each * PER_MILLION, in_target)

    lines = [
        line("DynamoDB writes", usage.write_units, "dynamodb_write"),
        line("DynamoDB reads", usage.read_units, "dynamodb_read"),
        line("Lambda requests", usage.lambda_requests, "lambda_request"),
        line("Lambda compute", usage.lambda_gb_seconds, "lambda_arm_gb_second"),
    ]
    if workflow == "STANDARD":
        lines.append(line("Step Functions Standard transitions", usage.transitions, "standard_transition"))
    else:
        lines.append(line("Step Functions Express executions", usage.executions, "express_request"))
        lines.append(line("Step Functions Express duration", usage.express_gb_seconds, "express_gb_second"))
    lines += [
        line("EventBridge events", usage.events, "eventbridge_event"),
        line("API Gateway HTTP API requests", usage.http_api_requests, "http_api_request"),
        line("X-Ray traces (5% sampled, estimate)", usage.traces * XRAY_SAMPLED, "xray_trace"),
        line("CloudWatch Logs ingestion", usage.log_bytes, "logs_ingested"),
        line("SES emails", usage.emails, "ses_email", in_target=False),
    ]
    return CostTable(workflow, tuple(lines))
