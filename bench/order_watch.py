"""The bench's own view of the orders it placed, read past the meters: when they finish, and their timelines.

Its DynamoDB client belongs to a session of its own (so the boto3 hook on the default session does not see it) and
marks its User-Agent (so the DynamoDB meter skips it): watching must not count as what the system does per order.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from bench.dynamodb_meter import UNMETERED
from commerce.bootstrap import Repositories, dynamodb_repositories
from commerce.clock import system_clock
from commerce.order_status import TERMINAL, OrderStatus
from commerce.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_BATCH_GET_LIMIT = 100  # BatchGetItem takes at most 100 keys


@dataclass(frozen=True)
class OrderTimes:
    order_id: str
    status: OrderStatus
    placed_at: datetime
    authorized_at: datetime | None
    shipped_at: datetime | None
    finished_at: datetime | None  # when it reached its terminal status


def unmetered_session() -> boto3.Session:
    return boto3.session.Session()


class OrderWatch:
    def __init__(self, settings: Settings) -> None:
        self._client: DynamoDBClient = unmetered_session().client("dynamodb", config=Config(user_agent_extra=UNMETERED))
        self._orders_table = settings.tables.orders
        self.repositories: Repositories = dynamodb_repositories(self._client, settings, system_clock)

    def wait_until_finished(self, order_ids: Collection[str], timeout_s: float, poll_s: float = 0.25) -> None:
        """Until every order is terminal; a few BatchGetItem calls a round, so watching costs the system little."""
        waiting = list(order_ids)
        deadline = time.monotonic() + timeout_s
        while waiting:
            statuses = self._statuses(waiting)
            waiting = [order_id for order_id in waiting if statuses.get(order_id) not in TERMINAL]
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(waiting)} orders not finished after {timeout_s} s, e.g. {waiting[:3]}")
            time.sleep(poll_s)

    def intent_of(self, order_id: str) -> str:
        order = self.repositories.orders.get(order_id)
        assert order is not None and order.payment.intent_id is not None, order_id
        return order.payment.intent_id

    def times(self, order_id: str) -> OrderTimes:
        events = self.repositories.events.list(order_id)

        def first(statuses: Collection[OrderStatus]) -> datetime | None:
            return next((_parse(event.at) for event in events if event.status in statuses), None)

        order = self.repositories.orders.get(order_id)
        assert order is not None, order_id
        return OrderTimes(
            order_id=order_id,
            status=order.status,
            placed_at=_parse(events[0].at),
            authorized_at=first({OrderStatus.AUTHORIZED}),
            shipped_at=first({OrderStatus.SHIPPED}),
            finished_at=first(TERMINAL),
        )

    def _statuses(self, order_ids: list[str]) -> dict[str, OrderStatus]:
        found: dict[str, OrderStatus] = {}
        for start in range(0, len(order_ids), _BATCH_GET_LIMIT):
            keys = [{"id": {"S": order_id}} for order_id in order_ids[start : start + _BATCH_GET_LIMIT]]
            request = {
                self._orders_table: {
                    "Keys": keys,
                    "ProjectionExpression": "id, #s",
                    "ExpressionAttributeNames": {"#s": "status"},
                }
            }
            while request:
                response = self._client.batch_get_item(RequestItems=request)  # type: ignore[arg-type]
                for item in response["Responses"].get(self._orders_table, []):
                    found[item["id"]["S"]] = OrderStatus(item["status"]["S"])
                request = response.get("UnprocessedKeys") or {}  # type: ignore[assignment]
        return found


def _parse(at: str) -> datetime:
    return datetime.fromisoformat(at)
