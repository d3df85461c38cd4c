"""The IAM documents of `infra/policies.py`, with Pulumi values: ARNs that are Outputs are extended as Outputs.

The documents themselves are built in `infra.policies`, which the local cloud also reads to enforce them.
"""

from __future__ import annotations

from typing import Any

import pulumi

from infra.deployment import Deployment, Function
from infra.policies import (
    DYNAMODB_ACTIONS,
    DYNAMODB_SCAN,
    LAMBDA_TRACING,
    POLICY_VERSION,
    STATES_LOG_DELIVERY,
    STATES_TRACING,
    WILDCARD_RESOURCE_ACTIONS,
    FunctionGrants,
    allow,
    document,
    saga_policy,
    service_grant,
    trust,
)
from infra.policies import function_policy as _function_policy

__all__ = [
    "DYNAMODB_ACTIONS",
    "DYNAMODB_SCAN",
    "LAMBDA_TRACING",
    "POLICY_VERSION",
    "STATES_LOG_DELIVERY",
    "STATES_TRACING",
    "WILDCARD_RESOURCE_ACTIONS",
    "FunctionGrants",
    "allow",
    "document",
    "function_policy",
    "saga_policy",
    "service_grant",
    "suffixed",
    "trust",
]


def suffixed(arn: pulumi.Input[str], suffix: str) -> pulumi.Input[str]:
    if isinstance(arn, str):
        return arn + suffix
    return pulumi.Output.concat(arn, suffix)


def function_policy(function: Function, deployment: Deployment, grants: FunctionGrants) -> dict[str, Any]:
    return _function_policy(function, deployment, grants, suffixed)
