"""The fulfillment saga as Amazon States Language, rendered from Python.

ReserveInventory → CapturePayment → AllocateShipment → NotifyCustomer → MarkFulfilled. Transient errors are
retried with exponential backoff and full jitter; any other failure of the first three steps is recorded and
turned into a CompensationRequested event on the bus (the compensation handler undoes what was done), then the
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
# and duration, cents per million (README, Performance). What Express gives up, and why each is safe here:
# - at-least-once: an execution, or a step, may run twice. Every step is idempotent (commerce/services/
#   fulfillment.py), a reservation made twice for one order is made once, the capture carries an idempotency key.
# - no de-duplication of starts by name: SagaLauncher claims "saga:<order>" in the idempotency table first.
# - five minutes at most, no DescribeExecution: the retries below fit in it many times over, and recovery
#   (redrive-stuck-orders) re-runs the saga for an order unchanged for longer, instead of asking the execution.
WORKFLOW_TYPE: Final = "EXPRESS"

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


@dataclass(frozen=True)
class RetryPolicy:
    interval_seconds: int = 1
    max_attempts: int = 4
    backoff_rate: float = 2.0
    max_delay_seconds: int = 20

    def as_asl(self) -> list[dict[str, Any]]:
        return [
            {
                "ErrorEquals": TRANSIENT_ERRORS,
                "IntervalSeconds": self.interval_seconds,
                "MaxAttempts": self.max_attempts,
                "BackoffRate": self.backoff_rate,
                "MaxDelaySeconds": self.max_delay_seconds,
                # Full jitter spreads retries of many orders hitting the same outage (AWS Architecture Blog).
                "JitterStrategy": "FULL",
            }
        ]


def definition(function_arns: Mapping[str, str], bus_name: str, retry: RetryPolicy = RetryPolicy()) -> dict[str, Any]:
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
            "Retry": retry.as_asl(),
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
        "Retry": retry.as_asl(),
        "Next": "SagaFailed",
    }
    states["SagaFailed"] = {"Type": "Fail", "Error": "FulfillmentFailed", "Cause": "compensation requested"}
    return {
        "Comment": "Order fulfillment saga: reserve, capture, ship, notify; compensate on failure",
        "StartAt": names[0],
        "States": states,
    }


def render(function_arns: Mapping[str, str], bus_name: str, retry: RetryPolicy = RetryPolicy()) -> str:
    """The JSON deployed by Pulumi and run by the local cloud: deterministic for the same inputs."""
    return json.dumps(definition(function_arns, bus_name, retry), indent=2, sort_keys=True)
