"""Each role's policy in the local cloud: the documents `infra/policies.py` builds for Pulumi, over local ARNs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.deployment import Deployment
from infra.local.aws import REGION
from infra.local.functions import function_arns, physical_name
from infra.local.lambda_runtime import MOTO_ACCOUNT_ID
from infra.local.tables import physical_name as table_name
from infra.policies import FunctionGrants, function_policy, invoked_functions, saga_policy
from sagas import fulfillment
from sagas.fulfillment import STATE_MACHINE


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{MOTO_ACCOUNT_ID}:{resource}"


def saga_principal(prefix: str) -> str:
    """The state machine's role, named as the local cloud names the state machine."""
    return f"{prefix}-{STATE_MACHINE}"


def local_policies(
    deployment: Deployment,
    prefix: str,
    *,
    state_machine_arn: str,
    secret_arns: Mapping[str, str],  # logical secret name → ARN
    email_from: str,
) -> dict[str, dict[str, Any]]:
    """Principal (a function's physical name, or `saga_principal`) → the policy document its role has."""
    bus = arn("events", f"event-bus/{deployment.bus_name}")
    tables = {table.name: arn("dynamodb", f"table/{table_name(prefix, table)}") for table in deployment.tables}
    policies: dict[str, dict[str, Any]] = {}
    for function in deployment.functions:
        physical = physical_name(prefix, function)
        grants = FunctionGrants(
            tables=tables,
            bus=bus,
            state_machine=state_machine_arn,
            secrets=secret_arns,
            log_group=arn("logs", f"log-group:/aws/lambda/{physical}"),
            email_from=email_from,
            # The local sender is verified as an address (infra/local/mailbox.py), the identity SES authorizes.
            send_identities=[arn("ses", f"identity/{email_from}")],
        )
        policies[physical] = function_policy(function, deployment, grants)
    steps = invoked_functions(fulfillment.definition(function_arns(deployment, prefix), deployment.bus_name))
    policies[saga_principal(prefix)] = saga_policy(steps, bus)
    return policies
