"""EventBridge rule targets moto does not deliver to: Lambda functions and Step Functions state machines.

Every PutEvents that reaches moto (from our clients and from Step Functions' `events:putEvents` task alike) ends in
moto's `Rule.send_to_targets` for each rule of the bus, which raises NotImplementedError for Lambda and state
machine targets. This wraps it: moto keeps the targets it supports, and matching events for ours are queued and
delivered on worker threads. EventBridge answers PutEvents before any target runs, and a failing target never
fails PutEvents; delivering inline, inside moto's request, would let the caller depend on both.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moto.events.models import Rule

from infra.local.background import Failure
from infra.local.event_envelope import envelope, target_input
from infra.local.lambda_runtime import LocalLambdaRuntime
from infra.local.xray import incoming_header

if TYPE_CHECKING:
    from moto.events.utils import EventMessageType
    from mypy_boto3_stepfunctions import SFNClient

logger = logging.getLogger(__name__)

_LOCAL_TARGET_SERVICES = frozenset({"lambda", "states"})
_MOTO_SEND_TO_TARGETS = Rule.send_to_targets


@dataclass(frozen=True)
class Delivery:
    rule: str
    target_arn: str
    event_id: str
    detail_type: str


class EventDelivery:
    def __init__(self, runtime: LocalLambdaRuntime, states_client: SFNClient, *, history: int = 10_000) -> None:
        self._runtime = runtime
        self._states = states_client
        self._deliveries: deque[Delivery] = deque(maxlen=history)
        self._lock = threading.Lock()

    @property
    def deliveries(self) -> list[Delivery]:
        """Deliveries that reached their target."""
        with self._lock:
            return list(self._deliveries)

    @property
    def failures(self) -> list[Failure]:
        """Deliveries (and async invokes) that still failed after their retries."""
        return self._runtime.failures

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until no delivery is queued or running and no Lambda invocation is in flight."""
        self._runtime.wait_idle(timeout)

    def deliver_later(
        self,
        rule_name: str,
        targets: list[dict[str, Any]],
        moto_event: EventMessageType,
        trace_header: str | None = None,
    ) -> None:
        event = envelope(moto_event)
        for target in targets:
            # One execution name per delivery, kept across its retries, so a retry cannot start a second saga.
            attempt = functools.partial(self._deliver, rule_name, target, event, uuid.uuid4().hex, trace_header)
            self._runtime.work.submit(f"rule {rule_name} -> {target['Arn']} (event {event['id']})", attempt)

    def _deliver(
        self,
        rule_name: str,
        target: dict[str, Any],
        event: dict[str, Any],
        execution_name: str,
        trace_header: str | None = None,
    ) -> None:
        arn: str = target["Arn"]
        payload = target_input(target, event)
        if _service(arn) == "lambda":
            self._runtime.invoke(arn, payload, invocation_type="Event", trace_header=trace_header)
        else:
            if self._runtime.xray is not None:
                self._runtime.xray.remember_execution(execution_name, trace_header)
            try:
                self._states.start_execution(stateMachineArn=arn, name=execution_name, input=json.dumps(payload))
            except self._states.exceptions.ExecutionAlreadyExists:
                # Same name and input returns the execution while it runs, and this error once it has finished:
                # either way an earlier attempt of this delivery started it.
                logger.info("event %s had already started %s as %s", event["id"], arn, execution_name)
        with self._lock:
            self._deliveries.append(Delivery(rule_name, arn, event["id"], event["detail-type"]))
        logger.debug("delivered event %s to %s", event["id"], arn)


def _service(arn: str) -> str:
    return arn.split(":")[2] if arn.count(":") >= 2 else ""


def _fires_on_events(rule: Rule) -> bool:
    # moto hands every event to every rule of the bus: it ignores DISABLED, and a schedule rule has no pattern,
    # which moto's matcher treats as "match everything".
    if rule.state != "ENABLED":
        return False
    return not (rule.scheduled_expression and not rule.event_pattern.get_pattern())


def _send_to_targets(rule: Rule, event: EventMessageType, transform_input: bool = True) -> None:
    delivery = installed()
    if delivery is None:
        _MOTO_SEND_TO_TARGETS(rule, event, transform_input)
        return
    ours = [target for target in rule.targets if _is_local_target(target)]
    theirs = [target for target in rule.targets if not _is_local_target(target)]
    if ours and _fires_on_events(rule) and rule.event_pattern.matches_event(event):
        # EventBridge hands the PutEvents caller's trace on to the targets; moto serves the call on this thread.
        delivery.deliver_later(rule.name, ours, event, incoming_header())
    if theirs:
        moto_view = copy.copy(rule)
        moto_view.targets = theirs
        _MOTO_SEND_TO_TARGETS(moto_view, event, transform_input)


def _is_local_target(target: dict[str, Any]) -> bool:
    return _service(target["Arn"]) in _LOCAL_TARGET_SERVICES


# Installed deliveries, newest last: the newest serves, and uninstalling it restores the one before.
_installed: list[EventDelivery] = []


def install(runtime: LocalLambdaRuntime, states_client: SFNClient) -> EventDelivery:
    """Deliver matching events to Lambda and state machine targets from now on."""
    delivery = EventDelivery(runtime, states_client)
    _installed.append(delivery)
    setattr(Rule, "send_to_targets", _send_to_targets)  # noqa: B010 - mypy forbids assigning to a method
    return delivery


def uninstall() -> None:
    if _installed:
        _installed.pop()
    if not _installed:
        setattr(Rule, "send_to_targets", _MOTO_SEND_TO_TARGETS)  # noqa: B010


def installed() -> EventDelivery | None:
    return _installed[-1] if _installed else None
