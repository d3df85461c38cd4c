"""The fulfillment saga as Amazon States Language, rendered from Python.

ReserveInventory → CapturePayment → AllocateShipment → NotifyCustomer → MarkFulfilled. ReserveInventory converts
the stock hold payOrder took into a reservation (its name kept: running executions, alarms and grants name it), and
reserves only for an order authorized before holds existed; CapturePayment requires that reservation. Transient
errors are retried with exponential backoff and full jitter; any other failure of the first three steps is recorded
and turned into a CompensationRequested event on the bus (the compensation handler undoes what was done), then the
execution fails. Once shipped, an order is never compensated: NotifyCustomer cannot fail the order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from commerce.events import SOURCE, CompensationRequested

STATE_MACHINE = "fulfillment"

# Express, not Standard: a Standard execution bills every state transition ($25 per million; this saga makes at
# least six), about $150 per million orders before anything else runs; an Express execution bills its requests
# and duration, cents per million (docs/performance.md). What Express gives up, and why each is safe here:
# - at-least-once: an execution, or a step, may run twice. Every step is idempotent (commerce/services/
#   fulfillment.py), a reservation made twice for one order is made once, the capture carries an idempotency key.
# - no de-duplication of starts by name: SagaLauncher claims "saga:<order>" in the idempotency table first.
# - five minutes at most, no DescribeExecution, no status-change events, no redrive: the budgets below keep the
#   worst case well inside it (tests/infra/test_time_budget.py walks the rendered definition), and recovery
#   (redrive-stuck-orders) re-runs the saga for an order unchanged for longer, instead of asking the execution.
WORKFLOW_TYPE: Final = "EXPRESS"
EXPRESS_LIMIT_SECONDS: Final = 300  # "Maximum duration: 5 minutes" (Step Functions, Standard vs. Express)

# Step name → the logical function (infra/deployment.py) that runs it.
STEPS: dict[str, str] = {
    "ReserveInventory": "reserve-inventory",
    "CapturePayment": "capture-payment",
    "AllocateShipment": "allocate-shipment",
    "NotifyCustomer": "notify-customer",
    "MarkFulfilled": "mark-fulfilled",
}
COMPENSABLE = ("ReserveInventory", "CapturePayment", "AllocateShipment")

# Errors worth another attempt; everything else is a decision (out of stock, declined) or a bug.
TRANSIENT_ERRORS = [
    "TransientStepError",
    "PaymentProviderUnavailableError",
    "ConcurrentUpdateError",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    # A timed-out attempt may have done part of its work; every step is idempotent, so another attempt is safe.
    "Sandbox.Timedout",
    "States.Timeout",
]

# RequestCompensation is the saga's last word: if it fails the execution fails with nobody told, and only the
# recovery sweep finds the order. So it retries everything EventBridge may answer: `EventBridge.FailedEntry` is
# what the optimized integration raises when PutEvents reports a failed entry (Step Functions developer guide,
# "Add EventBridge events"), service errors arrive as `EventBridge.<exception>`; `States.TaskFailed` matches
# every task error but a timeout, which `States.Timeout` adds.
EVENTBRIDGE_ERRORS = [
    "EventBridge.FailedEntry",
    "EventBridge.EventBridgeException",
    "States.TaskFailed",
    "States.Timeout",
]

# Each saga step's Lambda timeout, and its Task's TimeoutSeconds: one number, so Step Functions never starts a
# retry while the attempt it gave up on still runs (a shorter task timeout), nor waits for nothing (a longer one).
# Eight seconds is generous for what a step does (a DynamoDB transaction, one Stripe call, one SES send) and
# small enough for four attempts of all five steps to fit the Express limit (docs/reliability.md, "The saga's time
# budget").
STEP_TIMEOUT_SECONDS: Final = 8


@dataclass(frozen=True)
class TaskBudget:
    """How long one Task may take: every attempt's timeout, and how many retries after how long a pause.

    Worst case: (1 + max_attempts) * timeout_seconds plus every pause at its cap, since full jitter waits a
    random time up to min(interval * rate^(n-1), max_delay) before retry n.
    """

    errors: tuple[str, ...]
    timeout_seconds: int
    max_attempts: int
    interval_seconds: int = 1
    backoff_rate: float = 2.0
    max_delay_seconds: int = 4

    def as_asl(self) -> dict[str, Any]:
        return {
            "TimeoutSeconds": self.timeout_seconds,
            "Retry": [
                {
                    "ErrorEquals": list(self.errors),
                    "IntervalSeconds": self.interval_seconds,
                    "MaxAttempts": self.max_attempts,
                    "BackoffRate": self.backoff_rate,
                    "MaxDelaySeconds": self.max_delay_seconds,
                    # Full jitter spreads retries of many orders hitting the same outage (AWS Architecture Blog).
                    "JitterStrategy": "FULL",
                }
            ],
        }


STEP_BUDGET = TaskBudget(tuple(TRANSIENT_ERRORS), timeout_seconds=STEP_TIMEOUT_SECONDS, max_attempts=3)
# PutEvents answers in milliseconds; five seconds is a stuck call, not a slow one.
COMPENSATION_REQUEST_BUDGET = TaskBudget(tuple(EVENTBRIDGE_ERRORS), timeout_seconds=5, max_attempts=4)


def definition(function_arns: Mapping[str, str], bus_name: str) -> dict[str, Any]:
    """The state machine; `function_arns` maps each logical function name to the ARN deployed for it."""
    names = list(STEPS)
    states: dict[str, Any] = {}
    for index, step in enumerate(names):
        is_last = index == len(names) - 1
        task: dict[str, Any] = {
            "Type": "Task",
            "Comment": f"Runs the {STEPS[step]} function",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {
                "FunctionName": function_arns[STEPS[step]],
                "Payload": {
                    "order_id.$": "$.order_id",
                    "step": step,
                    "execution.$": "$$.Execution.Id",
                    "attempt.$": "$$.State.RetryCount",
                },
            },
            "ResultSelector": {"result.$": "$.Payload"},
            "ResultPath": f"$.steps.{step}",
            **STEP_BUDGET.as_asl(),
        }
        if step in COMPENSABLE:
            task["Catch"] = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": f"{step}Failed"}]
            states[f"{step}Failed"] = {
                "Type": "Pass",
                "Result": step,
                "ResultPath": "$.failed_step",
                "Next": "RequestCompensation",
            }
        elif step == "NotifyCustomer":
            # A failed email never fails a shipped order: go on to mark it fulfilled.
            task["Catch"] = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.notify_error", "Next": names[index + 1]}]
        if is_last:
            task["End"] = True
        else:
            task["Next"] = names[index + 1]
        states[step] = task
    states["RequestCompensation"] = {
        "Type": "Task",
        "Comment": "The compensation handler undoes exactly what was done, in reverse",
        "Resource": "arn:aws:states:::events:putEvents",
        "Parameters": {
            "Entries": [
                {
                    "EventBusName": bus_name,
                    "Source": SOURCE,
                    "DetailType": CompensationRequested.detail_type,
                    "Detail": {
                        "order_id.$": "$.order_id",
                        "failed_step.$": "$.failed_step",
                        "reason.$": "$.error.Cause",
                        "requested_by": "saga",
                        "cancel": False,
                    },
                }
            ]
        },
        "ResultPath": None,
        **COMPENSATION_REQUEST_BUDGET.as_asl(),
        "Next": "SagaFailed",
    }
    states["SagaFailed"] = {"Type": "Fail", "Error": "FulfillmentFailed", "Cause": "compensation requested"}
    return {
        "Comment": "Order fulfillment saga: convert the hold, capture, ship, notify; compensate on failure",
        "StartAt": names[0],
        "States": states,
    }


def render(function_arns: Mapping[str, str], bus_name: str) -> str:
    """The JSON deployed by Pulumi and run by the local cloud: deterministic for the same inputs."""
    return json.dumps(definition(function_arns, bus_name), indent=2, sort_keys=True)
