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
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import StateTaskService
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda
from moto.stepfunctions.parser.asl.eval.environment import Environment

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
    def __init__(
        self,
        policies: Mapping[str, Mapping[str, Any]],
        mapper: RequestMapper,
        state_machine_roles: Mapping[str, str] | None = None,
    ) -> None:
        """`policies`: principal → its policy; `state_machine_roles`: a state machine's role ARN → its principal.

        State machines whose role is not listed (a test's own machines) act as nobody, like the local cloud's
        plumbing: only what the deployment description creates has a policy to judge it by.
        """
        for principal, policy in policies.items():
            unknown = condition_keys(policy) - CONDITION_KEYS
            if unknown:
                raise PolicyNotUnderstoodError(f"{principal}: condition keys the local cloud cannot supply: {unknown}")
        for role_arn, principal in (state_machine_roles or {}).items():
            if principal not in policies:
                raise ValueError(f"no policy for the state machine role {role_arn} ({principal})")
        self.policies = dict(policies)
        self.mapper = mapper
        self.state_machine_roles = dict(state_machine_roles or {})
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
        principal = _acting_as.get()
        if principal is not None:
            enforcer.check(principal, self.meta.service_model.signing_name, operation_name, api_params)
    return _ORIGINAL_MAKE_API_CALL(self, operation_name, api_params)


def install(enforcer: IamEnforcer) -> IamEnforcer:
    _installed.append(enforcer)
    setattr(BaseClient, "_make_api_call", _checked_make_api_call)  # noqa: B010 - mypy forbids assigning to a method
    _patch_states_tasks(on=True)
    return enforcer


def uninstall() -> None:
    if _installed:
        _installed.pop()
    if not _installed:
        setattr(BaseClient, "_make_api_call", _ORIGINAL_MAKE_API_CALL)  # noqa: B010
        _patch_states_tasks(on=False)


def installed() -> IamEnforcer | None:
    return _installed[-1] if _installed else None


# The task states of moto's Step Functions interpreter that call AWS: Lambda tasks, and the service integrations
# (`events:putEvents`, `dynamodb:*`, ...). Each runs `_eval_execution` on a thread of its own (for its timeout), so
# the role is taken from the execution the state belongs to, on that thread.
_STATES_TASKS = (StateTaskLambda, StateTaskService)
_ORIGINAL_EVAL_EXECUTION = {task: vars(task)["_eval_execution"] for task in _STATES_TASKS}


def _as_state_machine_role(original: Callable[[Any, Environment], None]) -> Callable[[Any, Environment], None]:
    def eval_execution(self: Any, env: Environment) -> None:
        enforcer = installed()
        role_arn = env.states.context_object.context_object_data["Execution"]["RoleArn"]
        principal = enforcer.state_machine_roles.get(role_arn) if enforcer is not None else None
        if principal is None:
            original(self, env)
            return
        with acting_as(principal):
            original(self, env)

    return eval_execution


def _patch_states_tasks(on: bool) -> None:
    for task, original in _ORIGINAL_EVAL_EXECUTION.items():
        setattr(task, "_eval_execution", _as_state_machine_role(original) if on else original)  # noqa: B010
