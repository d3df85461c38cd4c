from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from commerce.clock import Clock
from commerce.idempotency import IdempotencyRecord
from commerce.ports import IdempotencyRepository
from commerce.repositories.dynamo import DynamoTable, is_condition_failure, to_wire


class DynamoIdempotencyRepository(IdempotencyRepository):
    def __init__(self, table: DynamoTable, clock: Clock) -> None:
        super().__init__(clock)
        self.table = table

    def get(self, key: str) -> IdempotencyRecord | None:
        item = self.table.get({"key": key})
        if item is None:
            return None
        record = IdempotencyRecord(
            key=item["key"],
            request_hash=item["request_hash"],
            result_id=item["result_id"],
            expires_at=int(item["expires_at"]),
        )
        return record if self.is_live(record) else None

    def claim(self, record: IdempotencyRecord) -> bool:
        try:
            self.table.client.put_item(**self.claim_request(record))
        except ClientError as exc:
            if is_condition_failure(exc):
                return False
            raise
        return True

    def release(self, key: str) -> None:
        self.table.client.delete_item(TableName=self.table.name, Key=to_wire({"key": key}))

    def claim_request(self, record: IdempotencyRecord) -> dict[str, Any]:
        """A conditional Put that succeeds only for a new or expired key (also usable inside a transaction)."""
        return {
            "TableName": self.table.name,
            "Item": to_wire(
                {
                    "key": record.key,
                    "request_hash": record.request_hash,
                    "result_id": record.result_id,
                    "expires_at": record.expires_at,
                }
            ),
            "ConditionExpression": "attribute_not_exists(#key) OR expires_at <= :now",
            "ExpressionAttributeNames": {"#key": "key"},
            "ExpressionAttributeValues": to_wire({":now": self.now()}),
        }
