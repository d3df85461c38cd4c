"""The saga executions of a set of orders, from moto's Step Functions: how long each ran and the state transitions it
made, which is what a Standard workflow bills ("each time a step of your workflow is executed ... including
retries", aws.amazon.com/step-functions/pricing). moto keeps the history of Express executions too, which AWS does
not, so one run gives the figures for both workflow types.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient


@dataclass(frozen=True)
class Execution:
    name: str
    order_id: str
    status: str
    seconds: float
    states_entered: int
    retries: int

    @property
    def transitions(self) -> int:
        return self.states_entered + self.retries


def transitions_from_history(event_types: Collection[str]) -> tuple[int, int]:
    """(states entered, retries): a retry schedules a state's task again without entering the state again."""
    counts = Counter(event_types)
    entered = sum(n for kind, n in counts.items() if kind.endswith("StateEntered"))
    scheduled = counts["TaskScheduled"] + counts["LambdaFunctionScheduled"]
    retries = max(0, scheduled - counts["TaskStateEntered"])
    return entered, retries


def executions_of(client: SFNClient, state_machine_arn: str, order_ids: Collection[str]) -> list[Execution]:
    """Every execution named after one of the orders (`<order id>-<suffix>`, see StepFunctionsSagaStarter)."""
    wanted = set(order_ids)
    found = []
    for page in client.get_paginator("list_executions").paginate(stateMachineArn=state_machine_arn):
        for listed in page["executions"]:
            order_id = listed["name"].rsplit("-", 1)[0]
            if order_id not in wanted:
                continue
            described = client.describe_execution(executionArn=listed["executionArn"])
            history = client.get_execution_history(executionArn=listed["executionArn"], maxResults=1000)
            entered, retries = transitions_from_history([event["type"] for event in history["events"]])
            stopped = described.get("stopDate")
            seconds = (stopped - described["startDate"]).total_seconds() if stopped else 0.0
            found.append(Execution(listed["name"], order_id, described["status"], seconds, entered, retries))
    return found
