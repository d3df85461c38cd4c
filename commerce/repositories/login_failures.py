"""Admin login attempts in the idempotency table (their own key prefixes; the table's TTL clears quiet keys).

Every change is conditional on the record as it stood (commerce/admin/lockout.py owns the protocol); a refused
write returns that record (ReturnValuesOnConditionCheckFailure), so a refusal costs no second read.
"""

from __future__ import annotations

from typing import Any, cast

from botocore.exceptions import ClientError

from commerce.admin.lockout import DEFAULT_POLICY, LoginAttempts, LoginFailureRepository, LoginPolicy
from commerce.repositories.dynamo import DynamoTable, from_wire, is_condition_failure, to_wire


class DynamoLoginFailureRepository(LoginFailureRepository):
    def __init__(self, table: DynamoTable, policy: LoginPolicy = DEFAULT_POLICY) -> None:
        super().__init__(policy)
        self.table = table

    def get(self, key: str) -> LoginAttempts | None:
        item = self.table.get({"key": key})
        return _attempts(item) if item and "last_at" in item else None

    def clear(self, key: str) -> None:
        self.table.client.delete_item(TableName=self.table.name, Key=to_wire({"key": key}))

    def _add_if_below(
        self, key: str, limit: int, now: int, stale_before: int, expires_at: int
    ) -> tuple[LoginAttempts | None, LoginAttempts | None]:
        try:
            response = self.table.client.update_item(
                TableName=self.table.name,
                Key=to_wire({"key": key}),
                UpdateExpression="ADD attempts :one SET last_at = :now, expires_at = :expires",
                ConditionExpression="attribute_exists(#key) AND attempts < :limit AND last_at > :stale_before",
                ExpressionAttributeNames={"#key": "key"},
                ExpressionAttributeValues=to_wire(
                    {":one": 1, ":now": now, ":limit": limit, ":stale_before": stale_before, ":expires": expires_at}
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if is_condition_failure(exc):
                stored = cast("dict[str, Any] | None", exc.response.get("Item"))
                return None, _attempts(from_wire(stored)) if stored else None
            raise
        return _attempts(from_wire(response["Attributes"])), None

    def _create(self, key: str, attempts: LoginAttempts, expires_at: int) -> bool:
        return self._conditionally(
            Item=to_wire(_item(key, attempts, expires_at)),
            ConditionExpression="attribute_not_exists(#key)",
            ExpressionAttributeNames={"#key": "key"},
        )

    def _replace(self, key: str, expected: LoginAttempts, attempts: LoginAttempts, expires_at: int) -> bool:
        return self._conditionally(
            Item=to_wire(_item(key, attempts, expires_at)),
            # Every admission changes the count or the time, so the pair names one version of the record.
            ConditionExpression="attempts = :count AND last_at = :last_at",
            ExpressionAttributeValues=to_wire({":count": expected.count, ":last_at": expected.last_at}),
        )

    def _put(self, key: str, attempts: LoginAttempts, expires_at: int) -> None:
        self.table.client.put_item(TableName=self.table.name, Item=to_wire(_item(key, attempts, expires_at)))

    def _conditionally(self, **request: Any) -> bool:
        try:
            self.table.client.put_item(TableName=self.table.name, **request)
        except ClientError as exc:
            if is_condition_failure(exc):
                return False
            raise
        return True


def _item(key: str, attempts: LoginAttempts, expires_at: int) -> dict[str, Any]:
    return {
        "key": key,
        "attempts": attempts.count,
        "last_at": attempts.last_at,
        "known_until": attempts.known_until,
        "expires_at": expires_at,
    }


def _attempts(item: dict[str, Any]) -> LoginAttempts:
    return LoginAttempts(int(item["attempts"]), int(item["last_at"]), int(item.get("known_until", 0)))
