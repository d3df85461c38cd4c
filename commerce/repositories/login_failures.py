"""Admin login attempts in the idempotency table (its own key prefix; the table's TTL clears old windows)."""

from __future__ import annotations

from typing import Any, cast

from botocore.exceptions import ClientError

from commerce.admin.lockout import DEFAULT_POLICY, LockoutPolicy, LoginFailureRepository, LoginFailures
from commerce.repositories.dynamo import DynamoTable, from_wire, is_condition_failure, to_wire

_UNLOCKED = "(attribute_not_exists(locked_until) OR locked_until <= :now)"


class DynamoLoginFailureRepository(LoginFailureRepository):
    def __init__(self, table: DynamoTable, policy: LockoutPolicy = DEFAULT_POLICY) -> None:
        super().__init__(policy)
        self.table = table

    def get(self, key: str) -> LoginFailures | None:
        item = self.table.get({"key": key})
        return _failures(item) if item else None

    def clear(self, key: str) -> None:
        self.table.client.delete_item(TableName=self.table.name, Key=to_wire({"key": key}))

    def _increment_below(self, key: str, now: int, limit: int) -> tuple[LoginFailures | None, LoginFailures | None]:
        try:
            response = self.table.client.update_item(
                TableName=self.table.name,
                Key=to_wire({"key": key}),
                UpdateExpression="ADD failures :one",
                ConditionExpression=f"window_ends > :now AND failures < :limit AND {_UNLOCKED}",
                ExpressionAttributeValues=to_wire({":one": 1, ":now": now, ":limit": limit}),
                ReturnValues="ALL_NEW",
                # The refusing record comes back with the refusal: its lock is the answer, with no second read.
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if is_condition_failure(exc):
                stored = cast("dict[str, Any] | None", exc.response.get("Item"))
                return None, _failures(from_wire(stored)) if stored else None
            raise
        return _failures(from_wire(response["Attributes"])), None

    def _open_window(self, key: str, failures: LoginFailures, now: int) -> bool:
        item = {"key": key, "failures": failures.count, "window_ends": failures.window_ends}
        return self._conditionally(
            self.table.client.put_item,
            Item=to_wire({**item, "expires_at": failures.expires_at}),
            ConditionExpression=f"attribute_not_exists(#key) OR (window_ends <= :now AND {_UNLOCKED})",
            ExpressionAttributeNames={"#key": "key"},
            ExpressionAttributeValues=to_wire({":now": now}),
        )

    def _lock(self, key: str, until: int, expires_at: int, now: int) -> bool:
        return self._conditionally(
            self.table.client.update_item,
            Key=to_wire({"key": key}),
            UpdateExpression="SET locked_until = :until, expires_at = :expires",
            # A success may have cleared the record meanwhile: an update would otherwise create a bare lock.
            ConditionExpression=f"attribute_exists(#key) AND {_UNLOCKED}",
            ExpressionAttributeNames={"#key": "key"},
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
