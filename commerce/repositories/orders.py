from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from commerce.errors import ConcurrentUpdateError
from commerce.idempotency import DuplicateRequestError, IdempotencyRecord
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.pagination import Page
from commerce.ports import OrderEventRepository, OrderRepository
from commerce.repositories import items
from commerce.repositories.dynamo import DynamoTable, cancellation_codes, is_condition_failure, to_wire, transact
from commerce.repositories.idempotency import DynamoIdempotencyRepository
from commerce.timeline import OrderEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


class DynamoOrderRepository(OrderRepository):
    def __init__(self, orders: DynamoTable, events: DynamoTable, idempotency: DynamoIdempotencyRepository) -> None:
        self.orders = orders
        self.events = events
        self.idempotency = idempotency

    def create(self, order: Order, event: OrderEvent, claim: IdempotencyRecord) -> None:
        writes: list[TransactWriteItemTypeDef] = [
            {"Put": self.idempotency.claim_request(claim)},  # type: ignore[typeddict-item]
            {
                "Put": {
                    "TableName": self.orders.name,
                    "Item": to_wire(items.order_to_item(order)),
                    "ConditionExpression": "attribute_not_exists(id)",
                }
            },
            self._event_put(event),
        ]
        try:
            # Retried while cancelled for transient reasons: two placeOrders of one key at once (a double click) meet
            # as a TransactionConflict on the claim, and the second then finds the first's order (DuplicateRequest).
            transact(self.orders.client, writes, entity="order", key=order.id)
        except ClientError as exc:
            if not is_condition_failure(exc):
                raise
            codes = cancellation_codes(exc)
            if codes[:1] != ["ConditionalCheckFailed"]:
                if codes[1:2] == ["ConditionalCheckFailed"]:  # a fresh claim, but the order id is taken
                    raise ConcurrentUpdateError("order", order.id) from exc
                raise
            existing = self.idempotency.get(claim.key)
            if existing is None:  # the claim expired between our write and this read: let the caller retry
                raise ConcurrentUpdateError("idempotency key", claim.key) from exc
            raise DuplicateRequestError(existing) from exc

    def get(self, order_id: str) -> Order | None:
        item = self.orders.get({"id": order_id})
        return items.order_from_item(item) if item else None

    def save(self, order: Order, expected_version: int, events: Iterable[OrderEvent] = ()) -> None:
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.orders.name,
                    "Item": to_wire(items.order_to_item(order)),
                    "ConditionExpression": "version = :expected",
                    "ExpressionAttributeValues": to_wire({":expected": expected_version}),
                }
            },
            *(self._event_put(event) for event in events),
        ]
        try:
            self.orders.client.transact_write_items(TransactItems=writes)
        except ClientError as exc:
            if is_condition_failure(exc):
                raise ConcurrentUpdateError("order", order.id) from exc
            raise

    def by_customer(self, email: str, *, limit: int, cursor: str | None) -> Page[Order]:
        return self._page(
            index="by_customer",
            cursor_keys=("id", "email", "created_at"),
            key_condition="email = :email",
            values={":email": email.lower()},
            limit=limit,
            cursor=cursor,
        )

    def by_status(
        self,
        status: OrderStatus,
        *,
        limit: int,
        cursor: str | None,
        created_from: str | None = None,
        created_to: str | None = None,
    ) -> Page[Order]:
        condition = "#status = :status"
        values: dict[str, Any] = {":status": status.value}
        if created_from and created_to:
            condition += " AND created_at BETWEEN :from AND :to"
            values |= {":from": created_from, ":to": created_to}
        elif created_from:
            condition += " AND created_at >= :from"
            values[":from"] = created_from
        elif created_to:
            condition += " AND created_at <= :to"
            values[":to"] = created_to
        return self._page(
            index="by_status",
            cursor_keys=("id", "status", "created_at"),
            key_condition=condition,
            values=values,
            names={"#status": "status"},
            limit=limit,
            cursor=cursor,
            still_listed=lambda order: order.status is status,
        )

    def _page(
        self,
        *,
        limit: int,
        cursor: str | None,
        still_listed: Callable[[Order], bool] = lambda order: True,
        **query: Any,
    ) -> Page[Order]:
        """A page of orders through a keys-only index: the index gives ids in its order, BatchGetItem the orders.

        The fetched order can be newer than its index entry (GSIs are updated asynchronously): one that has left
        the listing since (another status) is skipped and the index read on until the page is full, so a page
        never shows an order under a status it no longer has.
        """
        found: list[Order] = []
        cursors: list[str] = []
        while True:
            page = self.orders.query_page(limit=limit - len(found), cursor=cursor, forward=False, **query)
            fetched = {
                order.id: order
                for order in map(items.order_from_item, self.orders.batch_get([{"id": e["id"]} for e in page.items]))
            }
            for entry, position in zip(page.items, page.cursors, strict=True):
                order = fetched.get(entry["id"])
                if order is not None and still_listed(order):
                    found.append(order)
                    cursors.append(position)
            if not page.has_next or len(found) == limit:
                return Page(found, cursors, page.has_next)
            cursor = page.end_cursor

    def _event_put(self, event: OrderEvent) -> TransactWriteItemTypeDef:
        return {"Put": {"TableName": self.events.name, "Item": to_wire(items.event_to_item(event))}}


class DynamoOrderEventRepository(OrderEventRepository):
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def append(self, event: OrderEvent) -> None:
        self.table.put(items.event_to_item(event))

    def list(self, order_id: str, *, after: str | None = None, limit: int = 100) -> builtins.list[OrderEvent]:
        condition = "order_id = :order_id"
        values: dict[str, Any] = {":order_id": order_id}
        if after:  # "" is before every id, and DynamoDB refuses an empty string in a key condition
            condition += " AND id > :after"
            values[":after"] = after
        page = self.table.query_page(
            key_condition=condition, values=values, cursor_keys=("order_id", "id"), limit=limit, cursor=None
        )
        return [items.event_from_item(item) for item in page.items]
