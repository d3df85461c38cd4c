"""OrderEvents: the custom bus, the described rules and schedules, their targets, and a dead-letter queue each."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra.components.iam import allow, document, service_grant, trust
from infra.deployment import Deployment

DLQ_RETENTION_SECONDS = 14 * 24 * 3600  # SQS's maximum: two weeks to look at and replay what failed


@dataclass(frozen=True)
class DeliveryPolicy:
    """EventBridge retries delivery to a target, then dead-letters; Lambda then retries a failed async invocation."""

    max_event_age_seconds: int = 3600
    max_delivery_attempts: int = 20
    max_invocation_retries: int = 2


@dataclass(frozen=True)
class OrderEventsArgs:
    deployment: Deployment
    functions: Mapping[str, aws.lambda_.Function]
    function_roles: Mapping[str, aws.iam.Role]
    state_machine_arns: Mapping[str, pulumi.Input[str]]
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)


def bus_name(prefix: str, deployment: Deployment) -> str:
    """Named in advance: the functions that publish are given the bus before the rules that call them exist."""
    return f"{prefix}-{deployment.bus_name}"


@dataclass
class _Target:
    key: str  # unique among rules and schedules: names the rule's target, its queue and its permission
    rule: aws.cloudwatch.EventRule
    bus_name: pulumi.Input[str] | None  # None: the account's default bus
    function: str | None
    state_machine: str | None


class OrderEvents(pulumi.ComponentResource):
    rules: dict[str, aws.cloudwatch.EventRule]
    dead_letter_queues: dict[str, aws.sqs.Queue]

    def __init__(self, name: str, args: OrderEventsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fulfillment:index:OrderEvents", name, None, opts)
        self._name = name
        self._args = args
        child = pulumi.ResourceOptions(parent=self)
        deployment = args.deployment
        keys = [rule.name for rule in deployment.rules] + [f"{s.name}-schedule" for s in deployment.schedules]
        if len(set(keys)) != len(keys):
            raise ValueError(f"rule and schedule names must be unique: {sorted(keys)}")
        self.bus = aws.cloudwatch.EventBus(f"{name}-{deployment.bus_name}", name=bus_name(name, deployment), opts=child)
        self.rules = {}
        self.dead_letter_queues = {}
        targets: list[_Target] = []
        for rule in deployment.rules:
            self.rules[rule.name] = aws.cloudwatch.EventRule(
                f"{name}-{rule.name}",
                event_bus_name=self.bus.name,
                description=rule.description,
                event_pattern=json.dumps(rule.pattern, sort_keys=True),
                opts=child,
            )
            targets.append(
                _Target(
                    key=rule.name,
                    rule=self.rules[rule.name],
                    bus_name=self.bus.name,
                    function=rule.target_function,
                    state_machine=rule.target_state_machine,
                )
            )
        for schedule in deployment.schedules:
            key = f"{schedule.name}-schedule"
            # Schedules run on the account's default bus: EventBridge allows schedule expressions nowhere else.
            self.rules[key] = aws.cloudwatch.EventRule(
                f"{name}-{key}",
                description=f"Runs {schedule.target_function} {schedule.expression}",
                schedule_expression=schedule.expression,
                opts=child,
            )
            targets.append(_Target(key, self.rules[key], None, schedule.target_function, None))
        # Lambda keeps one async configuration per function: one targeted by several rules sends the events it
        # failed on to its first target's queue.
        failure_queues: dict[str, aws.sqs.Queue] = {}
        for target in targets:
            queue = self._target(target)
            if target.function is not None:
                failure_queues.setdefault(target.function, queue)
        for function, queue in failure_queues.items():
            self._async_failures(function, queue)
        self.register_outputs(
            {
                "busName": self.bus.name,
                "busArn": self.bus.arn,
                "deadLetterQueues": {key: queue.arn for key, queue in self.dead_letter_queues.items()},
            }
        )

    def _target(self, target: _Target) -> aws.sqs.Queue:
        name, delivery, child = self._name, self._args.delivery, pulumi.ResourceOptions(parent=self)
        queue = aws.sqs.Queue(
            f"{name}-{target.key}-dlq",
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            sqs_managed_sse_enabled=True,
            opts=child,
        )
        self.dead_letter_queues[target.key] = queue
        aws.sqs.QueuePolicy(
            f"{name}-{target.key}-dlq",
            queue_url=queue.url,
            policy=pulumi.Output.json_dumps(
                document(
                    service_grant(
                        "DeadLettersOfThisRule",
                        "events.amazonaws.com",
                        "sqs:SendMessage",
                        queue.arn,
                        source_arn=target.rule.arn,
                    )
                )
            ),
            opts=child,
        )
        arn, role_arn = self._target_arn(target)
        aws.cloudwatch.EventTarget(
            f"{name}-{target.key}",
            rule=target.rule.name,
            event_bus_name=target.bus_name,
            target_id=target.key,
            arn=arn,
            role_arn=role_arn,
            retry_policy={
                "maximum_event_age_in_seconds": delivery.max_event_age_seconds,
                "maximum_retry_attempts": delivery.max_delivery_attempts,
            },
            dead_letter_config={"arn": queue.arn},
            opts=child,
        )
        return queue

    def _target_arn(self, target: _Target) -> tuple[pulumi.Input[str], pulumi.Input[str] | None]:
        name, child = self._name, pulumi.ResourceOptions(parent=self)
        if target.function is not None:
            function = self._args.functions[target.function]
            aws.lambda_.Permission(
                f"{name}-{target.key}",
                action="lambda:InvokeFunction",
                function=function.name,
                principal="events.amazonaws.com",
                source_arn=target.rule.arn,
                opts=child,
            )
            return function.arn, None
        if target.state_machine is not None:
            machine_arn = self._args.state_machine_arns[target.state_machine]
            role = aws.iam.Role(
                f"{name}-{target.key}-target",
                assume_role_policy=pulumi.Output.json_dumps(trust("events.amazonaws.com")),
                opts=child,
            )
            start = allow("StartSaga", ("states:StartExecution",), [machine_arn])
            policy = pulumi.Output.json_dumps(document(start))
            aws.iam.RolePolicy(f"{name}-{target.key}-target", role=role.id, policy=policy, opts=child)
            return machine_arn, role.arn
        raise ValueError(f"rule {target.key} has no target")

    def _async_failures(self, function: str, queue: aws.sqs.Queue) -> None:
        """Events reach a function as async invocations: after Lambda's own retries, a failed event lands in the
        same queue as undeliverable ones, so one place holds everything to replay (sent with the function's role)."""
        name, delivery, child = self._name, self._args.delivery, pulumi.ResourceOptions(parent=self)
        permission = aws.iam.RolePolicy(
            f"{name}-{function}-failures",
            role=self._args.function_roles[function].id,
            policy=pulumi.Output.json_dumps(document(allow("DeadLetter", ("sqs:SendMessage",), [queue.arn]))),
            opts=child,
        )
        aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-{function}",
            function_name=self._args.functions[function].name,
            maximum_retry_attempts=delivery.max_invocation_retries,
            maximum_event_age_in_seconds=delivery.max_event_age_seconds,
            destination_config={"on_failure": {"destination": queue.arn}},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]),
        )
