"""The deployment description's functions as the local cloud names and runs them."""

from __future__ import annotations

from infra.deployment import Deployment, Function
from infra.local.aws import REGION
from infra.local.lambda_runtime import MOTO_ACCOUNT_ID, LocalFunction


def physical_name(prefix: str, function: Function) -> str:
    return f"{prefix}-{function.name}"


def function_arn(prefix: str, function: Function, region: str = REGION, account_id: str = MOTO_ACCOUNT_ID) -> str:
    return f"arn:aws:lambda:{region}:{account_id}:function:{physical_name(prefix, function)}"


def function_arns(deployment: Deployment, prefix: str) -> dict[str, str]:
    """Logical function name to ARN, the shape `create_bus_and_rules` takes."""
    return {function.name: function_arn(prefix, function) for function in deployment.functions}


def local_functions(deployment: Deployment, prefix: str) -> list[LocalFunction]:
    return [
        LocalFunction(
            name=physical_name(prefix, function),
            handler=function.handler,
            memory_mb=function.memory_mb,
            timeout_s=function.timeout_s,
        )
        for function in deployment.functions
    ]
