"""FulfillmentWorkflow: the saga's state machine, its definition exactly what `sagas.fulfillment.render` returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.account import Account
from infra.components.iam import saga_policy, trust
from infra.policies import invoked_functions
from sagas import fulfillment
from sagas.fulfillment import STATE_MACHINE


@dataclass(frozen=True)
class FulfillmentWorkflowArgs:
    function_arns: Mapping[str, pulumi.Input[str]]  # logical function name → ARN, as `render` takes them
    bus_name: pulumi.Input[str]
    bus_arn: pulumi.Input[str]
    account: Account
    log_retention_days: int = 30
    log_level: str = "ERROR"  # ALL logs every state transition with its data: useful, and costly at volume


def state_machine_name(prefix: str) -> str:
    """Named in advance: the functions that start the saga are told its ARN before it exists (the saga invokes
    some of them, so one of the two must be known by name)."""
    return f"{prefix}-{STATE_MACHINE}"


class FulfillmentWorkflow(pulumi.ComponentResource):
    def __init__(self, name: str, args: FulfillmentWorkflowArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fulfillment:index:FulfillmentWorkflow", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        machine_name = state_machine_name(name)
        inputs = pulumi.Output.all(pulumi.Output.all(**args.function_arns), args.bus_name)
        self.definition: pulumi.Output[str] = inputs.apply(lambda values: fulfillment.render(values[0], values[1]))
        invoked = inputs.apply(lambda values: invoked_functions(fulfillment.definition(values[0], values[1])))
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-{STATE_MACHINE}",
            # /aws/vendedlogs/ keeps log delivery clear of the CloudWatch Logs resource-policy size limit.
            name=f"/aws/vendedlogs/states/{machine_name}",
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-{STATE_MACHINE}",
            description=f"Step Functions {machine_name}: invoke the saga's steps, request compensation",
            assume_role_policy=pulumi.Output.json_dumps(trust("states.amazonaws.com", source_account=args.account.id)),
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-{STATE_MACHINE}",
            role=role.id,
            # Only the functions the definition names, read from the definition itself.
            policy=pulumi.Output.json_dumps(saga_policy(invoked, args.bus_arn)),
            opts=child,
        )
        self.state_machine = aws.sfn.StateMachine(
            f"{name}-{STATE_MACHINE}",
            name=machine_name,
            # The type, and why it is safe for every step, is the saga's own business: sagas/fulfillment.py.
            type=fulfillment.WORKFLOW_TYPE,
            role_arn=role.arn,
            definition=self.definition,
            logging_configuration={
                "log_destination": pulumi.Output.concat(log_group.arn, ":*"),
                "include_execution_data": True,
                "level": args.log_level,
            },
            tracing_configuration={"enabled": True},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy], delete_before_replace=True),
        )
        self.arn = self.state_machine.arn
        self.register_outputs({"arn": self.arn, "definition": self.definition})
