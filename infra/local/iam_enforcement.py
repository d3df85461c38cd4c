"""Least privilege, enforced in the local cloud: every AWS call made as a role is checked against that role's policy.

Who is calling is the role currently executing: a function while the local Lambda runtime runs its handler or the
local HTTP server serves its route (`acting_as`, a ContextVar, so concurrent invocations on other threads keep their
own), and the state machine's role for the calls moto's Step Functions interpreter makes itself (its clients are
marked when it builds them). Calls made as nobody are the local cloud's own plumbing and the tests' setup, as an
operator's would be: they are not checked. A refused call raises the `AccessDeniedException` ClientError AWS
answers with, before any request is sent.

The check wraps `BaseClient._make_api_call` rather than registering a botocore event hook: a session's hooks are
copied into a client when the client is made, so a client made before the hook (Powertools' Secrets Manager client,
services cached by an earlier test) would escape it unseen.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from infra.local.iam_policy import (
    PolicyNotUnderstoodError,
    action_matches,
    condition_keys,
    evaluate,
    resource_matches,
    statements,
)
from infra.local.iam_requests import CONDITION_KEYS, RequestMapper, UnmappedRequestError

logger = logging.getLogger(__name__)

_acting_as: ContextVar[str | None] = ContextVar("local_iam_principal", default=None)
_STATES_INTERPRETER = "_local_iam_states_interpreter"  # set on the clients moto's interpreter builds


@contextmanager
def acting_as(principal: str) -> Iterator[None]:
    """AWS calls made on this thread (and in tasks it starts with a copied context) are made as `principal`."""
    token = _acting_as.set(principal)
    try:
        yield
    finally:
        _acting_as.reset(token)


def current_principal() -> str | None:
    return _acting_as.get()


@dataclass(frozen=True, order=True)
class Use:
    """One allowed request: `principal` did `action` on `resource`."""

    principal: str
    action: str
    resource: str


@dataclass(frozen=True, order=True)
class Grant:
    """One (action pattern, resource pattern) pair of an Allow statement of `principal`'s policy."""

    principal: str
    sid: str
    action: str
    resource: str

    def used_by(self, use: Use) -> bool:
        return (
            use.principal == self.principal
            and action_matches(self.action, use.action)
            and resource_matches(self.resource, use.resource)
        )


@dataclass(frozen=True)
class Refusal:
    principal: str
    service: str
    operation: str
    reason: str


class IamEnforcer:
    def __init__(self, policies: Mapping[str, Mapping[str, Any]], mapper: RequestMapper, states_principal: str) -> None:
        for principal, policy in policies.items():
            unknown = condition_keys(policy) - CONDITION_KEYS
            if unknown:
                raise PolicyNotUnderstoodError(f"{principal}: condition keys the local cloud cannot supply: {unknown}")
        if states_principal not in policies:
            raise ValueError(f"no policy for the state machine's role {states_principal!r}")
        self.policies = dict(policies)
        self.mapper = mapper
        self.states_principal = states_principal
        self._uses: set[Use] = set()
        self._refusals: list[Refusal] = []
        self._lock = threading.Lock()

    @property
    def uses(self) -> set[Use]:
        with self._lock:
            return set(self._uses)

    @property
    def refusals(self) -> list[Refusal]:
        with self._lock:
            return list(self._refusals)

    def check(self, principal: str, service: str, operation: str, params: Mapping[str, Any]) -> None:
        """Return if `principal` may make this call, else raise AWS's AccessDeniedException."""
        policy = self.policies.get(principal)
        if policy is None:
            self._refuse(principal, service, operation, f"{principal} has no policy in the deployment description")
        try:
            authorizations = self.mapper.authorizations(service, operation, params)
        except (UnmappedRequestError, KeyError, TypeError, ValueError) as exc:
            self._refuse(principal, service, operation, f"the local cloud cannot authorize this call ({exc})")
        assert policy is not None
        for authorization in authorizations:
            if not evaluate(policy, authorization.action, authorization.resource, authorization.context):
                self._refuse(
                    principal,
                    service,
                    operation,
                    f"User: {_assumed_role(self.mapper.account, principal)} is not authorized to perform: "
                    f"{authorization.action} on resource: {authorization.resource} because no identity-based policy "
                    f"allows the {authorization.action} action",
                )
        with self._lock:
            self._uses.update(Use(principal, a.action, a.resource) for a in authorizations)

    def grants(self) -> list[Grant]:
        return sorted(
            Grant(principal, statement.get("Sid", ""), action, resource)
            for principal, policy in self.policies.items()
            for statement in statements(policy)
            if statement["Effect"] == "Allow" and "Action" in statement and "Resource" in statement
            for action in _as_list(statement["Action"])
            for resource in _as_list(statement["Resource"])
        )

    def _refuse(self, principal: str, service: str, operation: str, reason: str) -> None:
        with self._lock:
            self._refusals.append(Refusal(principal, service, operation, reason))
        logger.warning("IAM refused %s %s:%s: %s", principal, service, operation, reason)
        response: Any = {
            "Error": {"Code": "AccessDeniedException", "Message": reason},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        raise ClientError(response, operation)


def unused_grants(grants: list[Grant], uses: set[Use]) -> list[Grant]:
    return [grant for grant in grants if not any(grant.used_by(use) for use in uses)]


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _assumed_role(account: str, principal: str) -> str:
    return f"arn:aws:sts::{account}:assumed-role/{principal}/{principal}"


# Installed enforcers, newest last: the newest judges, and uninstalling it restores the one before.
_installed: list[IamEnforcer] = []
_ORIGINAL_MAKE_API_CALL = vars(BaseClient)["_make_api_call"]


def _checked_make_api_call(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
    enforcer = installed()
    if enforcer is not None:
        principal = enforcer.states_principal if getattr(self, _STATES_INTERPRETER, False) else _acting_as.get()
        if principal is not None:
            enforcer.check(principal, self.meta.service_model.signing_name, operation_name, api_params)
    return _ORIGINAL_MAKE_API_CALL(self, operation_name, api_params)


def install(enforcer: IamEnforcer) -> IamEnforcer:
    _installed.append(enforcer)
    setattr(BaseClient, "_make_api_call", _checked_make_api_call)  # noqa: B010 - mypy forbids assigning to a method
    return enforcer


def uninstall() -> None:
    if _installed:
        _installed.pop()
    if not _installed:
        setattr(BaseClient, "_make_api_call", _ORIGINAL_MAKE_API_CALL)  # noqa: B010


def installed() -> IamEnforcer | None:
    return _installed[-1] if _installed else None


ClientFactory = Callable[..., BaseClient]

# The modules of moto's Step Functions interpreter whose tasks call AWS with clients of their own (`boto_client_for`,
# bound by name at import): Lambda tasks, and the `events:putEvents` and `dynamodb:*` integrations.
_INTERPRETER_MODULES = (
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_events",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_dynamodb",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk",
)


def mark_states_interpreter_clients() -> None:
    """Every client moto's interpreter builds from now on acts as the state machine's role.

    Call after anything else that rebinds the interpreter's `boto_client_for` (`saga_task_clients`): this wraps
    whatever is bound, once.
    """
    import importlib

    for name in _INTERPRETER_MODULES:
        module: Any = sys.modules.get(name) or importlib.import_module(name)
        current = module.boto_client_for
        if getattr(current, _STATES_INTERPRETER, False):
            continue
        module.boto_client_for = _marking(current)


def _marking(factory: ClientFactory) -> ClientFactory:
    def make(*args: Any, **kwargs: Any) -> BaseClient:
        client = factory(*args, **kwargs)
        setattr(client, _STATES_INTERPRETER, True)
        return client

    setattr(make, _STATES_INTERPRETER, True)
    return make
