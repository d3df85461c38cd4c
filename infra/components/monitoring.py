"""Monitoring: an SNS topic for alarm mail, the alarms that mean someone should look, and one dashboard.

AWS's service metrics (Lambda, Step Functions, API Gateway, DynamoDB, SQS) and the business metrics the handlers
publish (infra.components.business_monitoring) side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from commerce.metrics import NAMESPACE
from infra.components.business_monitoring import BusinessAlarm, BusinessThresholds, business_alarms
from infra.components.dashboard import FIVE_MINUTES, dashboard

# ThrottledRequests is published per table *and operation* only: the alarm adds up the operations the code uses.
DYNAMODB_OPERATIONS = (
    "BatchGetItem",
    "BatchWriteItem",
    "DeleteItem",
    "GetItem",
    "PutItem",
    "Query",
    "TransactWriteItems",
    "UpdateItem",
)


@dataclass(frozen=True)
class MonitoringArgs:
    region: pulumi.Input[str]
    state_machine_arn: pulumi.Input[str]
    function_names: Mapping[str, pulumi.Input[str]]  # logical → physical
    api_id: pulumi.Input[str]
    api_stage: pulumi.Input[str]
    table_names: Mapping[str, pulumi.Input[str]]
    dead_letter_queues: Mapping[str, pulumi.Input[str]]  # target → queue name
    alarm_email: str | None = None
    api_p99_latency_ms: int = 3000
    business: BusinessThresholds = field(default_factory=BusinessThresholds)


class Monitoring(pulumi.ComponentResource):
    alarms: dict[str, aws.cloudwatch.MetricAlarm]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fulfillment:index:Monitoring", name, None, opts)
        self._name = name
        child = pulumi.ResourceOptions(parent=self)
        self.topic = aws.sns.Topic(f"{name}-alarms", display_name=f"{name} alarms", opts=child)
        if args.alarm_email:
            # AWS mails a confirmation link first: alarms reach the address once it is confirmed.
            aws.sns.TopicSubscription(
                f"{name}-alarms-email", topic=self.topic.arn, protocol="email", endpoint=args.alarm_email, opts=child
            )
        else:
            pulumi.log.warn("alarmEmail is not set: alarms go to an SNS topic nobody reads", resource=self)
        self.alarms = {}
        # An Express execution that times out or is aborted runs no Catch, asks for no compensation and, unlike a
        # Standard one, emits no status-change event and cannot be redriven: only the recovery sweep
        # (redrive-stuck-orders) finishes its order, and someone should know why it had to.
        for alarm, description, metric_name in (
            (
                "saga-failed",
                "A fulfillment saga failed: its order was compensated (out of stock, payment, carrier) or a step broke",
                "ExecutionsFailed",
            ),
            (
                "saga-timed-out",
                "A fulfillment saga outlived Express's five minutes: its order waits for the recovery sweep",
                "ExecutionsTimedOut",
            ),
            (
                "saga-aborted",
                "A fulfillment saga was aborted by Step Functions: its order waits for the recovery sweep",
                "ExecutionsAborted",
            ),
        ):
            self._alarm(
                alarm,
                description,
                namespace="AWS/States",
                metric_name=metric_name,
                dimensions={"StateMachineArn": args.state_machine_arn},
            )
        for logical, function_name in args.function_names.items():
            for metric in ("Errors", "Throttles"):
                self._alarm(
                    f"{logical}-{metric.lower()}",
                    f"Lambda {logical}: {metric} in the last five minutes",
                    namespace="AWS/Lambda",
                    metric_name=metric,
                    dimensions={"FunctionName": function_name},
                )
        api_dimensions = {"ApiId": args.api_id, "Stage": args.api_stage}
        self._alarm(
            "api-5xx",
            "The HTTP API answered 5xx (a function failed or timed out)",
            namespace="AWS/ApiGateway",
            metric_name="5xx",
            dimensions=api_dimensions,
        )
        self._alarm(
            "api-p99-latency",
            f"The HTTP API's p99 latency stayed above {args.api_p99_latency_ms} ms for 15 minutes",
            namespace="AWS/ApiGateway",
            metric_name="Latency",
            dimensions=api_dimensions,
            statistic=None,
            extended_statistic="p99",
            threshold=args.api_p99_latency_ms,
            comparison_operator="GreaterThanThreshold",
            evaluation_periods=3,
        )
        for logical, table_name in args.table_names.items():
            self._table_throttles(logical, table_name)
        for target, queue_name in args.dead_letter_queues.items():
            self._alarm(
                f"{target}-dlq",
                f"Events for {target} are waiting in its dead-letter queue: look, fix, replay",
                namespace="AWS/SQS",
                metric_name="ApproximateNumberOfMessagesVisible",
                dimensions={"QueueName": queue_name},
                statistic="Maximum",
                threshold=0,
                comparison_operator="GreaterThanThreshold",
            )
        for business_alarm in business_alarms(args.business):
            self._business_alarm(business_alarm)
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-overview",
            dashboard_name=f"{name}-overview",
            dashboard_body=pulumi.Output.json_dumps(dashboard(args)),
            opts=child,
        )
        self.register_outputs({"topicArn": self.topic.arn, "dashboard": self.dashboard.dashboard_name})

    def _alarm(
        self,
        key: str,
        description: str,
        *,
        namespace: str,
        metric_name: str,
        dimensions: Mapping[str, pulumi.Input[str]],
        statistic: str | None = "Sum",
        extended_statistic: str | None = None,
        threshold: float = 1,
        comparison_operator: str = "GreaterThanOrEqualToThreshold",
        evaluation_periods: int = 1,
    ) -> None:
        self.alarms[key] = aws.cloudwatch.MetricAlarm(
            f"{self._name}-{key}",
            alarm_description=description,
            namespace=namespace,
            metric_name=metric_name,
            dimensions=dict(dimensions),
            statistic=statistic,
            extended_statistic=extended_statistic,
            period=FIVE_MINUTES,
            evaluation_periods=evaluation_periods,
            threshold=threshold,
            comparison_operator=comparison_operator,
            treat_missing_data="notBreaching",  # no traffic is not an incident
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _business_alarm(self, spec: BusinessAlarm) -> None:
        queries = [
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id=query_id,
                return_data=False,
                metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                    namespace=NAMESPACE,
                    metric_name=query.metric.value,
                    dimensions=dict(query.dimensions) or None,
                    period=FIVE_MINUTES,
                    stat=query.stat,
                ),
            )
            for query_id, query in spec.queries.items()
        ]
        queries.append(
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="alarmed", expression=spec.expression, label=spec.key, return_data=True
            )
        )
        self.alarms[spec.key] = aws.cloudwatch.MetricAlarm(
            f"{self._name}-{spec.key}",
            alarm_description=spec.description,
            metric_queries=queries,
            evaluation_periods=spec.evaluation_periods,
            threshold=spec.threshold,
            comparison_operator=spec.comparison,
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _table_throttles(self, logical: str, table_name: pulumi.Input[str]) -> None:
        queries = [
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id=f"m{index}",
                return_data=False,
                metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                    namespace="AWS/DynamoDB",
                    metric_name="ThrottledRequests",
                    dimensions={"TableName": table_name, "Operation": operation},
                    period=FIVE_MINUTES,
                    stat="Sum",
                ),
            )
            for index, operation in enumerate(DYNAMODB_OPERATIONS)
        ]
        queries.append(
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="throttled", expression="SUM(METRICS())", label="Throttled requests", return_data=True
            )
        )
        self.alarms[f"{logical}-throttled"] = aws.cloudwatch.MetricAlarm(
            f"{self._name}-{logical}-throttled",
            alarm_description=f"DynamoDB throttled requests on {logical}",
            metric_queries=queries,
            evaluation_periods=1,
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
        )
