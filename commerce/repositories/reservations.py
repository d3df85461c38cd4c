"""Reservations in DynamoDB: each change of a reservation and of the stock it holds is one TransactWriteItems."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from commerce.allocation import AllocationLine
from commerce.errors import ConcurrentUpdateError
from commerce.repositories.dynamo import DynamoTable, Item, from_wire, to_wire
from commerce.reservations import Reservation, ReservationRepository, ReservationState, StockConflictError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef, UpdateTypeDef

logger = logging.getLogger(__name__)

# `headroom` (available minus the product's low-stock threshold, what the admin's low-stock Scan filters on) moves
# with `available`: same item, same write, no extra unit, and no index write since it keys none. An item written
# without it starts from `available`, as if its threshold were 0, rather than failing the reservation: a sale
# matters more than a low-stock flag.
_TAKE = (
    "SET available = available - :quantity, reserved = reserved + :quantity, version = version + :one,"
    " headroom = if_not_exists(headroom, available) - :quantity"
)
_RELEASE = (
    "SET available = available + :quantity, reserved = reserved - :quantity, version = version + :one,"
    " headroom = if_not_exists(headroom, available) + :quantity"
)
_SHIP = "SET reserved = reserved - :quantity, shipped = shipped + :quantity, version = version + :one"


class DynamoReservationRepository(ReservationRepository):
    def __init__(
        self,
        inventory: DynamoTable,
        reservations: DynamoTable,
        *,
        conflict_retries: int = 3,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inventory = inventory
        self.reservations = reservations
        self.conflict_retries = conflict_retries
        self.pause = pause

    def _reserve(self, reservation: Reservation) -> Reservation:
        record: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self.reservations.name,
                "Item": to_wire(reservation_to_item(reservation)),
                "ConditionExpression": "attribute_not_exists(order_id)",
                # The stored reservation comes back with the cancellation, so a duplicate needs no second read.
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        takes = [self._stock_update(line, _TAKE, condition="available >= :quantity") for line in reservation.lines]
        try:
            self._transact([record, *takes], reservation.order_id)
        except ClientError as exc:
            # CancellationReasons has one entry per action, in request order: [record, *lines].
            reasons = exc.response.get("CancellationReasons", [])
            if not reasons:
                raise
            if reasons[0].get("Code") == "ConditionalCheckFailed":
                stored = reasons[0].get("Item")
                existing = reservation_from_item(from_wire(dict(stored))) if stored else self.get(reservation.order_id)
                if existing is None:  # records are never deleted, so this is a bug, not a race
                    raise
                logger.info("order %s was already reserved; nothing taken again", reservation.order_id)
                return existing
            for line, reason in zip(reservation.lines, reasons[1:], strict=False):
                if reason.get("Code") == "ConditionalCheckFailed":
                    raise StockConflictError(line.product_id, line.warehouse_id) from exc
            raise
        return reservation

    def get(self, order_id: str) -> Reservation | None:
        item = self.reservations.get({"order_id": order_id})
        return reservation_from_item(item) if item else None

    def release(self, order_id: str) -> bool:
        return self._settle(order_id, ReservationState.RELEASED, _RELEASE)

    def ship(self, order_id: str) -> bool:
        return self._settle(order_id, ReservationState.SHIPPED, _SHIP)

    def _settle(self, order_id: str, target: ReservationState, stock_change: str) -> bool:
        # Reading first only tells us which items to touch (a reservation's lines never change); the
        # condition on the state is what makes two concurrent settlements move the stock once.
        current = self.get(order_id)
        if current is None or current.state is not ReservationState.RESERVED:
            return False
        record: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self.reservations.name,
                "Key": to_wire({"order_id": order_id}),
                "UpdateExpression": "SET #state = :target",
                "ConditionExpression": "#state = :reserved",
                "ExpressionAttributeNames": {"#state": "state"},  # STATE is a DynamoDB reserved word
                "ExpressionAttributeValues": to_wire(
                    {":target": target.value, ":reserved": ReservationState.RESERVED.value}
                ),
            }
        }
        try:
            self._transact([record, *(self._stock_update(line, stock_change) for line in current.lines)], order_id)
        except ClientError as exc:
            reasons = exc.response.get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False  # settled by someone else between our read and our write
            raise
        return True

    def _stock_update(
        self, line: AllocationLine, expression: str, *, condition: str | None = None
    ) -> TransactWriteItemTypeDef:
        update: UpdateTypeDef = {
            "TableName": self.inventory.name,
            "Key": to_wire({"product_id": line.product_id, "warehouse_id": line.warehouse_id}),
            "UpdateExpression": expression,
            "ExpressionAttributeValues": to_wire({":quantity": line.quantity, ":one": 1}),
        }
        if condition is not None:
            update["ConditionExpression"] = condition
        return {"Update": update}

    def _transact(self, writes: list[TransactWriteItemTypeDef], order_id: str) -> None:
        """TransactWriteItems, retried while DynamoDB cancels it only for a conflict with another transaction.

        A TransactionConflict cancellation wrote nothing and says nothing about our conditions, so the same
        request may simply be sent again (AWS advises retrying with backoff; botocore does not). moto never
        produces it, since it serialises requests.
        """
        for attempt in range(self.conflict_retries + 1):
            try:
                self.inventory.client.transact_write_items(TransactItems=writes)
                return
            except ClientError as exc:
                reasons = exc.response.get("CancellationReasons", [])
                codes = {reason.get("Code", "None") for reason in reasons} - {"None"}
                if codes != {"TransactionConflict"}:
                    raise
                if attempt == self.conflict_retries:
                    raise ConcurrentUpdateError("reservation", order_id) from exc
                self.pause(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not cryptography


def reservation_to_item(reservation: Reservation) -> Item:
    return {
        "order_id": reservation.order_id,
        "state": reservation.state.value,
        "created_at": reservation.created_at,
        "lines": [
            {"product_id": line.product_id, "warehouse_id": line.warehouse_id, "quantity": line.quantity}
            for line in reservation.lines
        ],
    }


def reservation_from_item(item: Item) -> Reservation:
    return Reservation(
        order_id=item["order_id"],
        state=ReservationState(item["state"]),
        created_at=item["created_at"],
        lines=tuple(
            AllocationLine(str(line["product_id"]), str(line["warehouse_id"]), int(line["quantity"]))
            for line in item["lines"]
        ),
    )
