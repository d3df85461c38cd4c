"""IAM documents as Python data: trust policies, statements, each function's and the saga's least-privilege policy.

Pulumi-free on purpose: the Pulumi program deploys these documents (`infra/components/iam.py` adds what Pulumi
values need) and the local cloud enforces the very same ones (`infra/local/iam_enforcement.py`), where Pulumi is not
installed. The builders take ARNs as plain strings or as whatever the caller's `suffixed` can extend (Pulumi
Outputs), so the rules they follow can be read here and tested without either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from infra.deployment import Deployment, DynamoAction, Function

POLICY_VERSION = "2012-10-17"

# What a function may be granted on a table's items (`Function.tables`); on an index, Query only. No BatchWriteItem:
# no function batches writes (the local IAM check records every call the tests make).
DYNAMODB_ACTIONS = tuple(f"dynamodb:{action}" for action in get_args(DynamoAction))
# Scan only where a function is described to scan a table (`Function.scans`): every other listing is a Query.
DYNAMODB_SCAN = "dynamodb:Scan"
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

# An ARN: a str, or a deferred value (a Pulumi Output) that the caller's `suffixed` knows how to extend.
Arn = Any
Suffixed = Callable[[Arn, str], Arn]


def document(*statements: Mapping[str, Any]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def allow(
    sid: str, actions: Sequence[str], resources: Any, condition: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`resources`: a sequence of ARNs, or one deferred value that resolves to the list (a Pulumi Output)."""
    listed = list(resources) if isinstance(resources, list | tuple) else resources
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": listed}
    if condition:
        statement["Condition"] = dict(condition)
    return statement


def service_grant(sid: str, service: str, action: str, resource: Arn, *, source_arn: Arn) -> dict[str, Any]:
    """A resource-policy statement: `service` may do `action` on `resource`, on behalf of `source_arn` only."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": action,
        "Resource": resource,
        "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}},
    }


def trust(service: str, *, source_account: Arn | None = None) -> dict[str, Any]:
    """A role only `service` may assume; with `source_account`, only on behalf of this account (confused deputy)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return document(statement)


def concatenated(arn: str, suffix: str) -> str:
    return arn + suffix


@dataclass(frozen=True)
class FunctionGrants:
    """The ARNs a function's policy may name, by the description's logical names."""

    tables: Mapping[str, Arn]
    bus: Arn
    state_machine: Arn
    secrets: Mapping[str, Arn]
    log_group: Arn
    email_from: str
    send_identities: Sequence[Arn]


def function_policy(
    function: Function, deployment: Deployment, grants: FunctionGrants, suffixed: Suffixed = concatenated
) -> dict[str, Any]:
    """Exactly what `function` is described to use: its actions per table and index, the bus, the saga, its secrets."""
    statements: list[dict[str, Any]] = [
        allow("WriteOwnLogs", ("logs:CreateLogStream", "logs:PutLogEvents"), [suffixed(grants.log_group, ":*")]),
        allow("Tracing", LAMBDA_TRACING, ["*"]),
    ]
    for table_name, use in sorted(function.tables.items()):
        arn = grants.tables[table_name]
        sid = _statement_id(table_name)
        statements.append(allow(sid, [f"dynamodb:{action}" for action in use.actions], [arn]))
        if use.indexes:
            indexes = [suffixed(arn, f"/index/{index}") for index in use.indexes]
            statements.append(allow(f"{sid}Indexes", ("dynamodb:Query",), indexes))
    if function.scans:
        statements.append(allow("ScanTables", (DYNAMODB_SCAN,), [grants.tables[name] for name in function.scans]))
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


def _statement_id(table_name: str) -> str:
    """`order_events` → "OrderEventsTable": a Sid is alphanumeric."""
    return "".join(part.capitalize() for part in table_name.split("_")) + "Table"


def saga_policy(invoked_functions: Any, bus: Arn) -> dict[str, Any]:
    """The state machine's role: invoke the steps its definition names (`invoked_functions`, ARNs), put the
    compensation request on the bus, deliver its logs, trace."""
    return document(
        allow("InvokeSteps", ("lambda:InvokeFunction",), invoked_functions),
        allow("RequestCompensation", ("events:PutEvents",), [bus]),
        allow("DeliverLogs", STATES_LOG_DELIVERY, ["*"]),
        allow("Tracing", STATES_TRACING, ["*"]),
    )


def invoked_functions(machine: dict[str, Any]) -> list[str]:
    """Every `FunctionName` a Task of the definition invokes, once each, in order of appearance."""
    return list(dict.fromkeys(_function_names(machine)))


def _function_names(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("FunctionName"), str):
            yield node["FunctionName"]
        for value in node.values():
            yield from _function_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _function_names(value)
