"""IAM documents as Python data: trust policies, statements, and each function's least-privilege policy.

The function policy is a pure function of the deployment description and the ARNs it may name, so the rules it
follows can be read here and tested without Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from infra.deployment import Deployment, Function

POLICY_VERSION = "2012-10-17"

DYNAMODB_READ = ("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:Query")
# Scan only where a function is described to scan a table (`Function.scans`): every other listing is a Query.
DYNAMODB_SCAN = "dynamodb:Scan"
DYNAMODB_WRITE = ("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
LAMBDA_TRACING = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")
STATES_TRACING = (*LAMBDA_TRACING, "xray:GetSamplingRules", "xray:GetSamplingTargets")
# What Step Functions needs to deliver execution logs to CloudWatch Logs ("IAM policies for logging to CloudWatch
# Logs", Step Functions developer guide): log delivery is configured through these account-level actions.
STATES_LOG_DELIVERY = (
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:GetLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:UpdateLogDelivery",
)
# The one documented exception to "no `*` resource": these actions name no resource, so AWS authorizes them only
# against "*" (Service Authorization Reference, X-Ray and CloudWatch Logs). None of them reads or writes our data.
WILDCARD_RESOURCE_ACTIONS = frozenset({*STATES_TRACING, *STATES_LOG_DELIVERY})


def document(*statements: Mapping[str, Any]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


Resources = Sequence[pulumi.Input[str]] | pulumi.Output[list[str]]


def allow(
    sid: str, actions: Sequence[str], resources: Resources, condition: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    listed = resources if isinstance(resources, pulumi.Output) else list(resources)
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": listed}
    if condition:
        statement["Condition"] = dict(condition)
    return statement


def service_grant(
    sid: str, service: str, action: str, resource: pulumi.Input[str], *, source_arn: pulumi.Input[str]
) -> dict[str, Any]:
    """A resource-policy statement: `service` may do `action` on `resource`, on behalf of `source_arn` only."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": action,
        "Resource": resource,
        "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}},
    }


def trust(service: str, *, source_account: pulumi.Input[str] | None = None) -> dict[str, Any]:
    """A role only `service` may assume; with `source_account`, only on behalf of this account (confused deputy)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return document(statement)


def suffixed(arn: pulumi.Input[str], suffix: str) -> pulumi.Input[str]:
    if isinstance(arn, str):
        return arn + suffix
    return pulumi.Output.concat(arn, suffix)


@dataclass(frozen=True)
class FunctionGrants:
    """The ARNs a function's policy may name, by the description's logical names."""

    tables: Mapping[str, pulumi.Input[str]]
    bus: pulumi.Input[str]
    state_machine: pulumi.Input[str]
    secrets: Mapping[str, pulumi.Input[str]]
    log_group: pulumi.Input[str]
    email_from: str
    send_identities: Sequence[pulumi.Input[str]]


def function_policy(function: Function, deployment: Deployment, grants: FunctionGrants) -> dict[str, Any]:
    """Exactly what `function` is described to use: its tables (and their indexes), the bus, the saga, its secrets."""
    statements: list[dict[str, Any]] = [
        allow("WriteOwnLogs", ("logs:CreateLogStream", "logs:PutLogEvents"), [suffixed(grants.log_group, ":*")]),
        allow("Tracing", LAMBDA_TRACING, ["*"]),
    ]
    accessed = sorted(function.tables)
    if accessed:
        read_resources: list[pulumi.Input[str]] = []
        for table_name in accessed:
            read_resources.append(grants.tables[table_name])
            if deployment.table(table_name).indexes:
                read_resources.append(suffixed(grants.tables[table_name], "/index/*"))
        statements.append(allow("ReadTables", DYNAMODB_READ, read_resources))
    if function.scans:
        statements.append(allow("ScanTables", (DYNAMODB_SCAN,), [grants.tables[name] for name in function.scans]))
    written = [table_name for table_name in accessed if function.tables[table_name] == "write"]
    if written:
        statements.append(allow("WriteTables", DYNAMODB_WRITE, [grants.tables[name] for name in written]))
    if function.publishes_events:
        statements.append(allow("PublishEvents", ("events:PutEvents",), [grants.bus]))
    if function.starts_workflows:
        statements.append(allow("StartSaga", ("states:StartExecution",), [grants.state_machine]))
    secrets = deployment.secrets_of(function)
    if secrets:
        statements.append(
            allow("ReadSecrets", ("secretsmanager:GetSecretValue",), [grants.secrets[s.name] for s in secrets])
        )
    if function.sends_email:
        statements.append(
            allow(
                "SendCustomerEmail",
                ("ses:SendEmail",),
                list(grants.send_identities),
                {"StringEquals": {"ses:FromAddress": grants.email_from}},
            )
        )
    return document(*statements)
