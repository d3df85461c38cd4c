"""What IAM authorizes an AWS API call as: one or more (action, resource ARN, condition context) to check.

Follows the Service Authorization Reference for the calls our code makes. Batch and transaction calls are several
requests to IAM: `TransactWriteItems` is authorized item by item as `PutItem`/`UpdateItem`/`DeleteItem`/
`ConditionCheckItem` on each item's table and `TransactGetItems` as `GetItem` (there is no `Transact*` action), while
`BatchGetItem` and `BatchWriteItem` are actions of their own, authorized on every table the request names
("DynamoDB API permissions reference"). A call this module cannot map raises `UnmappedRequestError`, and the
enforcer refuses it: a checker that waved through what it does not know would prove nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from infra.local.iam_policy import Context


@dataclass(frozen=True)
class Authorization:
    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)


class UnmappedRequestError(LookupError):
    def __init__(self, service: str, operation: str, why: str = "no mapping to IAM actions and resources") -> None:
        super().__init__(f"{service}:{operation}: {why}")
        self.service = service
        self.operation = operation


# The condition keys this mapper puts in a request's context: a policy that reads another one cannot be judged.
CONDITION_KEYS = frozenset({"ses:fromaddress"})

_TRANSACT_WRITE_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}
_DYNAMODB_TABLE_OPERATIONS = frozenset(
    {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable", "DescribeTimeToLive"}
)


@dataclass(frozen=True)
class RequestMapper:
    region: str
    account: str
    secret_arn: Callable[[str], str]  # a SecretId (name or ARN) → the secret's full ARN, as IAM sees it
    ses_identities: Collection[str] = ()  # verified SES identities (addresses and domains)

    def authorizations(self, service: str, operation: str, params: Mapping[str, Any]) -> list[Authorization]:
        """`service` is the IAM prefix (botocore's signing name: dynamodb, events, states, lambda, ...)."""
        mapper = getattr(self, f"_{service}", None)
        if mapper is None:
            raise UnmappedRequestError(service, operation, "service not mapped")
        mapped: list[Authorization] = mapper(operation, params)
        if not mapped:
            raise UnmappedRequestError(service, operation, "the request names no resource")
        return mapped

    def _arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"

    def _table(self, name: str) -> str:
        return name if name.startswith("arn:") else self._arn("dynamodb", f"table/{name}")

    def _dynamodb(self, operation: str, params: Mapping[str, Any]) -> list[Authorization]:
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [Authorization(f"dynamodb:{operation}", self._table(t)) for t in params.get("RequestItems", {})]
        if operation == "TransactWriteItems":
            return [self._transact_write(item) for item in params.get("TransactItems", [])]
        if operation == "TransactGetItems":
            return [
                Authorization("dynamodb:GetItem", self._table(item["Get"]["TableName"]))
                for item in params.get("TransactItems", [])
            ]
        if operation in _DYNAMODB_TABLE_OPERATIONS and "TableName" in params:
            resource = self._table(params["TableName"])
            if operation in ("Query", "Scan") and params.get("IndexName"):
                resource = f"{resource}/index/{params['IndexName']}"
            return [Authorization(f"dynamodb:{operation}", resource)]
        raise UnmappedRequestError("dynamodb", operation)

    def _transact_write(self, item: Mapping[str, Any]) -> Authorization:
        ((kind, request),) = item.items()
        if kind not in _TRANSACT_WRITE_ACTIONS:
            raise UnmappedRequestError("dynamodb", f"TransactWriteItems.{kind}")
        return Authorization(_TRANSACT_WRITE_ACTIONS[kind], self._table(request["TableName"]))

    def _events(self, operation: str, params: Mapping[str, Any]) -> list[Authorization]:
        if operation != "PutEvents":
            raise UnmappedRequestError("events", operation)
        buses = dict.fromkeys(entry.get("EventBusName") or "default" for entry in params.get("Entries", []))
        return [
            Authorization(
                "events:PutEvents", bus if bus.startswith("arn:") else self._arn("events", f"event-bus/{bus}")
            )
            for bus in buses
        ]

    def _states(self, operation: str, params: Mapping[str, Any]) -> list[Authorization]:
        for key in ("stateMachineArn", "executionArn"):
            if key in params:
                return [Authorization(f"states:{operation}", params[key])]
        raise UnmappedRequestError("states", operation)

    def _lambda(self, operation: str, params: Mapping[str, Any]) -> list[Authorization]:
        if operation != "Invoke":
            raise UnmappedRequestError("lambda", operation)
        name: str = params["FunctionName"]
        arn = name if name.startswith("arn:") else self._arn("lambda", f"function:{name}")
        if params.get("Qualifier"):
            arn = f"{arn}:{params['Qualifier']}"
        return [Authorization("lambda:InvokeFunction", arn)]

    def _secretsmanager(self, operation: str, params: Mapping[str, Any]) -> list[Authorization]:
        if "SecretId" not in params:
            raise UnmappedRequestError("secretsmanager", operation)
        return [Authorization(f"secretsmanager:{operation}", self.secret_arn(params["SecretId"]))]

    def _ses(self, operation: str, params: Mapping[str, Any]) -> list[Authorization]:
        if operation not in ("SendEmail", "SendRawEmail") or not params.get("Source"):
            raise UnmappedRequestError("ses", operation)
        address = parseaddr(params["Source"])[1]
        # SES authorizes against the identity that covers the From address: the address itself when it is an
        # identity, else its domain ("Sending authorization", SES developer guide).
        identity = address if address in self.ses_identities else address.rpartition("@")[2]
        context: Context = {"ses:FromAddress": address}
        return [Authorization(f"ses:{operation}", self._arn("ses", f"identity/{identity}"), context)]
