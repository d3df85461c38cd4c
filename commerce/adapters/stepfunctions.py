from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from commerce.workflows import SagaStarter

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

logger = logging.getLogger(__name__)


class StepFunctionsSagaStarter(SagaStarter):
    def __init__(self, client: SFNClient, state_machine_arn: str) -> None:
        self.client = client
        self.state_machine_arn = state_machine_arn

    def start(self, order_id: str, saga_input: dict[str, Any]) -> bool:
        # The execution name is the order id: Step Functions refuses a second execution of that name
        # (ExecutionAlreadyExists), and answers a repeat of a running one with the same execution.
        try:
            self.client.start_execution(
                stateMachineArn=self.state_machine_arn,
                name=order_id,
                input=json.dumps(saga_input, sort_keys=True),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
                logger.info("saga already started", extra={"order_id": order_id})
                return False
            raise
        return True

    def status(self, order_id: str) -> str | None:
        execution_arn = self.state_machine_arn.replace(":stateMachine:", ":execution:", 1) + f":{order_id}"
        try:
            return self.client.describe_execution(executionArn=execution_arn)["status"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
                return None
            raise
