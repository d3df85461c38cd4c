"""The CloudWatch dashboard body as data: saga, API, functions, tables and dead letters at a glance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from infra.components.business_monitoring import business_widgets

if TYPE_CHECKING:
    from infra.components.monitoring import MonitoringArgs

FIVE_MINUTES = 300


def dashboard(args: MonitoringArgs) -> dict[str, Any]:
    """Two widgets a row: sagas and API, Lambda errors and throttles, durations and latency, tables and queues,
    then the business: orders, what went wrong, saga step failures, payment to shipment."""

    def widget(title: str, metrics: list[list[Any]], *, stat: str = "Sum", y: int = 0, x: int = 0) -> dict[str, Any]:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": args.region,
                "stat": stat,
                "period": FIVE_MINUTES,
                "view": "timeSeries",
                "metrics": metrics,
            },
        }

    machine = args.state_machine_arn
    api = ["ApiId", args.api_id, "Stage", args.api_stage]
    functions = list(args.function_names.values())
    tables = list(args.table_names.values())
    return {
        "widgets": [
            widget(
                "Fulfillment sagas",
                [
                    ["AWS/States", metric, "StateMachineArn", machine]
                    for metric in (
                        "ExecutionsStarted",
                        "ExecutionsSucceeded",
                        "ExecutionsFailed",
                        "ExecutionsTimedOut",
                        "ExecutionsAborted",
                    )
                ],
            ),
            widget(
                "HTTP API",
                [["AWS/ApiGateway", "Count", *api], ["AWS/ApiGateway", "4xx", *api], ["AWS/ApiGateway", "5xx", *api]],
                x=12,
            ),
            widget("Lambda errors", [["AWS/Lambda", "Errors", "FunctionName", f] for f in functions], y=6),
            widget("Lambda throttles", [["AWS/Lambda", "Throttles", "FunctionName", f] for f in functions], y=6, x=12),
            widget(
                "Lambda duration p99",
                [["AWS/Lambda", "Duration", "FunctionName", f] for f in functions],
                stat="p99",
                y=12,
            ),
            widget("HTTP API latency p99", [["AWS/ApiGateway", "Latency", *api]], stat="p99", y=12, x=12),
            widget(
                "DynamoDB consumed capacity",
                [
                    ["AWS/DynamoDB", metric, "TableName", table]
                    for table in tables
                    for metric in ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits")
                ],
                y=18,
            ),
            widget(
                "Dead-letter queues",
                [
                    ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue]
                    for queue in args.dead_letter_queues.values()
                ],
                stat="Maximum",
                y=18,
                x=12,
            ),
            *business_widgets(widget, y=24),
        ]
    }
