"""The Stripe write budget's counters in the idempotency table: one item per window ("stripe-writes#<window>"),
cleared by the table's TTL. Windows are tenths of a second, so a window's item takes at most a tenth of the budget's
writes (8 at the default) and each second's load is spread over ten keys: far below a partition's 1,000 writes."""

from __future__ import annotations

from botocore.exceptions import ClientError

from commerce.clock import Clock
from commerce.payment_budget import StripeWriteBudget
from commerce.repositories.dynamo import DynamoTable, is_condition_failure, to_wire

KEY_PREFIX = "stripe-writes#"


class DynamoStripeWriteBudget(StripeWriteBudget):
    def __init__(self, table: DynamoTable, writes_per_second: int, clock: Clock) -> None:
        super().__init__(writes_per_second, clock)
        self.table = table

    def _take_one(self, window: int, limit: int, expires_at: int) -> bool:
        # One conditional ADD: concurrent takers from any number of functions never pass the limit together. The
        # limit is the caller's (a new payment's share of the window, or the whole of it for a capture), so captures
        # coming first costs no second write.
        try:
            self.table.client.update_item(
                TableName=self.table.name,
                Key=to_wire({"key": f"{KEY_PREFIX}{window}"}),
                UpdateExpression="ADD writes :one SET expires_at = :expires",
                ConditionExpression="attribute_not_exists(writes) OR writes < :limit",
                ExpressionAttributeValues=to_wire({":one": 1, ":limit": limit, ":expires": expires_at}),
            )
        except ClientError as exc:
            if is_condition_failure(exc):
                return False
            raise
        return True
