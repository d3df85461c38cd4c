"""Create the deployment description's event bus, rules and rule targets on the local cloud."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from infra.deployment import Deployment, Rule

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient


def create_bus_and_rules(
    events_client: EventBridgeClient,
    deployment: Deployment,
    state_machine_arns: Mapping[str, str],
    function_arns: Mapping[str, str],
) -> None:
    """`state_machine_arns` and `function_arns` map the deployment's logical names to the ARNs created locally."""
    bus = deployment.bus_name
    if bus != "default":
        events_client.create_event_bus(Name=bus)
    for rule in deployment.rules:
        events_client.put_rule(
            Name=rule.name,
            EventBusName=bus,
            EventPattern=json.dumps(rule.pattern),
            Description=rule.description,
            State="ENABLED",
        )
        events_client.put_targets(
            Rule=rule.name,
            EventBusName=bus,
            Targets=[{"Id": rule.name, "Arn": _target_arn(rule, state_machine_arns, function_arns)}],
        )


def _target_arn(rule: Rule, state_machine_arns: Mapping[str, str], function_arns: Mapping[str, str]) -> str:
    if rule.target_function is not None:
        return function_arns[rule.target_function]
    if rule.target_state_machine is not None:
        return state_machine_arns[rule.target_state_machine]
    raise ValueError(f"rule {rule.name} has no target")
