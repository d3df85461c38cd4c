from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from commerce.workflows import SagaStarter

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient


class StepFunctionsSagaStarter(SagaStarter):
    def __init__(self, client: SFNClient, state_machine_arn: str) -> None:
        self.client = client
        self.state_machine_arn = state_machine_arn

    def start(self, order_id: str, saga_input: dict[str, Any]) -> str:
        # Named after the order, so its executions are found by prefix in the logs; the suffix keeps a re-run
        # (recovery) apart from the first run.
        name = f"{order_id}-{secrets.token_hex(4)}"
        self.client.start_execution(
            stateMachineArn=self.state_machine_arn, name=name, input=json.dumps(saga_input, sort_keys=True)
        )
        return name
