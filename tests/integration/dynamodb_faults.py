"""What AWS's DynamoDB does and moto does not: transactions cancelled for contention on a hot item."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class ConflictingClient:
    """The real client, except that TransactWriteItems first meets `conflicts` TransactionConflicts (AWS only)."""

    def __init__(self, client: DynamoDBClient, conflicts: int) -> None:
        self.client = client
        self.conflicts = conflicts

    def transact_write_items(self, **request: Any) -> Any:
        if self.conflicts:
            self.conflicts -= 1
            reasons = [{"Code": "None"}] * (len(request["TransactItems"]) - 1) + [{"Code": "TransactionConflict"}]
            response: dict[str, Any] = {
                "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                "CancellationReasons": reasons,
            }
            raise ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]
        return self.client.transact_write_items(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)
