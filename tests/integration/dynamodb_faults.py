"""What AWS's DynamoDB does and moto does not: transactions cancelled for throttling or contention on a hot item."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class CancellingClient:
    """The real client, except that TransactWriteItems is first cancelled `times` times with `reason` on the action
    at index `on` (the last by default), "None" on the others, in request order as AWS does (moto has no partitions
    to throttle and serialises transactions). `times` may be set again between calls; `attempts` counts them."""

    def __init__(self, client: DynamoDBClient, times: int, reason: str = "ThrottlingError", *, on: int = -1) -> None:
        self.client = client
        self.times = times
        self.reason = reason
        self.on = on
        self.attempts = 0

    def transact_write_items(self, **request: Any) -> Any:
        self.attempts += 1
        if self.times:
            self.times -= 1
            reasons: list[dict[str, str]] = [{"Code": "None"} for _ in request["TransactItems"]]
            reasons[self.on] = {"Code": self.reason, "Message": "Transaction cancelled"}
            response: dict[str, Any] = {
                "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                "CancellationReasons": reasons,
            }
            raise ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]
        return self.client.transact_write_items(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def conflicting(client: DynamoDBClient, conflicts: int) -> CancellingClient:
    """TransactionConflict on the last action `conflicts` times: another transaction was writing that item."""
    return CancellingClient(client, conflicts, "TransactionConflict")
