"""Failed admin logins in the idempotency table (its own key prefix; the table's TTL clears old windows)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from commerce.admin.lockout import DEFAULT_POLICY, LockoutPolicy, LoginFailureRepository, LoginFailures
from commerce.repositories.dynamo import DynamoTable, from_wire, is_condition_failure, to_wire


class DynamoLoginFailureRepository(LoginFailureRepository):
    def __init__(self, table: DynamoTable, policy: LockoutPolicy = DEFAULT_POLICY) -> None:
        super().__init__(policy)
        self.table = table

    def get(self, key: str) -> LoginFailures | None:
        item = self.table.get({"key": key})
        return _failures(item) if item else None

    def clear(self, key: str) -> None:
        self.table.client.delete_item(TableName=self.table.name, Key=to_wire({"key": key}))

    def _increment_open_window(self, key: str, now: int) -> LoginFailures | None:
        try:
            response = self.table.client.update_item(
                TableName=self.table.name,
                Key=to_wire({"key": key}),
                UpdateExpression="ADD failures :one",
                ConditionExpression="window_ends > :now",
                ExpressionAttributeValues=to_wire({":one": 1, ":now": now}),
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if is_condition_failure(exc):
                return None
            raise
        return _failures(from_wire(response["Attributes"]))

    def _open_window(self, key: str, failures: LoginFailures, now: int) -> bool:
        item = {"key": key, "failures": failures.count, "window_ends": failures.window_ends}
        return self._conditionally(
            self.table.client.put_item,
            Item=to_wire({**item, "expires_at": failures.expires_at}),
            ConditionExpression="attribute_not_exists(#key) OR window_ends <= :now",
            ExpressionAttributeNames={"#key": "key"},
            ExpressionAttributeValues=to_wire({":now": now}),
        )

    def _lock(self, key: str, until: int, expires_at: int, now: int) -> bool:
        return self._conditionally(
            self.table.client.update_item,
            Key=to_wire({"key": key}),
            UpdateExpression="SET locked_until = :until, expires_at = :expires",
            ConditionExpression="attribute_not_exists(locked_until) OR locked_until <= :now",
            ExpressionAttributeValues=to_wire({":until": until, ":expires": expires_at, ":now": now}),
        )

    def _conditionally(self, call: Any, **request: Any) -> bool:
        try:
            call(TableName=self.table.name, **request)
        except ClientError as exc:
            if is_condition_failure(exc):
                return False
            raise
        return True


def _failures(item: dict[str, Any]) -> LoginFailures:
    locked = item.get("locked_until")
    return LoginFailures(int(item["failures"]), int(item["window_ends"]), int(locked) if locked is not None else None)
