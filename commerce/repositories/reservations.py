"""Reservations in DynamoDB: each change of a reservation and of the stock it holds is one TransactWriteItems.

A HELD reservation carries `held` and `expires_at`, the keys of the sparse `holds_by_expiry` index
(commerce/repositories/holds_index.py: `held` names one of the index's partitions): every change out of HELD removes
`held`, so the index lists exactly the holds not settled yet, by expiry, and the sweep's Queries for lapsed ones read
nothing else.

Each record also carries a `generation`, counted up when a new hold replaces a LAPSED record of the same order (the
lines may differ then). Settling reads the lines first and writes on the condition that the generation read is still
the stored one, so it never moves the stock of a hold that has since been replaced. Records stored before holds have
no generation: they count as generation 0.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from commerce.allocation import AllocationLine
from commerce.clock import to_iso
from commerce.errors import ConcurrentUpdateError
from commerce.repositories.dynamo import (
    TRANSACT_RETRIES,
    TRANSIENT_CANCELLATIONS,
    DynamoTable,
    Item,
    cancellation_codes,
    from_wire,
    is_condition_failure,
    to_wire,
    transact,
)
from commerce.repositories.holds_index import held_mark, lapsed_holds
from commerce.reservations import (
    HoldNotLiveError,
    Reservation,
    ReservationRepository,
    ReservationState,
    StockConflictError,
    StockContendedError,
)
from commerce.stock_shards import item_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import PutTypeDef, TransactWriteItemTypeDef, UpdateTypeDef

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
# Shard items carry no `headroom`: the low-stock Scan finds a split level by its base item and sums the shards.
_ON_SHARD = {
    _TAKE: "SET available = available - :quantity, reserved = reserved + :quantity, version = version + :one",
    _RELEASE: "SET available = available + :quantity, reserved = reserved - :quantity, version = version + :one",
    _SHIP: _SHIP,
}

_SETTLE_ATTEMPTS = 3  # a settlement re-reads when the reservation changed between its read and its write

_STATE = {"#state": "state"}  # STATE is a DynamoDB reserved word


class DynamoReservationRepository(ReservationRepository):
    def __init__(
        self,
        inventory: DynamoTable,
        reservations: DynamoTable,
        *,
        transient_retries: int = TRANSACT_RETRIES,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inventory = inventory
        self.reservations = reservations
        self.transient_retries = transient_retries
        self.pause = pause

    def _reserve(self, reservation: Reservation) -> Reservation:
        stored = self._take(reservation, generation=1, replacing=None)
        return reservation if stored is None else reservation_from_item(stored)

    def _hold(self, reservation: Reservation) -> Reservation:
        replacing: int | None = None
        for _ in range(_SETTLE_ATTEMPTS):
            stored = self._take(reservation, generation=(replacing or 0) + 1, replacing=replacing)
            if stored is None:
                return reservation
            if stored["state"] != ReservationState.LAPSED.value:
                logger.info("order %s already has a reservation; nothing taken again", reservation.order_id)
                return reservation_from_item(stored)
            replacing = _generation(stored)  # a hold that ran out: take its place
        raise ConcurrentUpdateError("reservation", reservation.order_id)

    def _take(self, reservation: Reservation, *, generation: int, replacing: int | None) -> Item | None:
        """Record the reservation and take its stock; the stored record instead when the order has one already
        (other than the LAPSED one of generation `replacing`, which is replaced)."""
        condition = "attribute_not_exists(order_id)"
        values: Item = {}
        if replacing is not None:
            condition = "#state = :lapsed AND generation = :replacing"
            values = {":lapsed": ReservationState.LAPSED.value, ":replacing": replacing}
        put: PutTypeDef = {
            "TableName": self.reservations.name,
            "Item": to_wire({**reservation_to_item(reservation), "generation": generation}),
            "ConditionExpression": condition,
            # The stored reservation comes back with the cancellation, so a duplicate needs no second read.
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if values:
            put["ExpressionAttributeNames"] = _STATE
            put["ExpressionAttributeValues"] = to_wire(values)
        record: TransactWriteItemTypeDef = {"Put": put}
        takes = [self._stock_update(line, _TAKE, condition="available >= :quantity") for line in reservation.lines]
        try:
            self._transact([record, *takes], reservation.order_id)
        except ConcurrentUpdateError as exc:
            raise _contended(exc, reservation.lines) from exc.__cause__
        except ClientError as exc:
            # CancellationReasons has one entry per action, in request order: [record, *lines].
            reasons = exc.response.get("CancellationReasons", [])
            if not reasons:
                raise
            if reasons[0].get("Code") == "ConditionalCheckFailed":
                stored = reasons[0].get("Item")
                existing = (
                    from_wire(dict(stored)) if stored else self.reservations.get({"order_id": reservation.order_id})
                )
                if existing is None:  # records are never deleted, so this is a bug, not a race
                    raise
                return existing
            for line, reason in zip(reservation.lines, reasons[1:], strict=False):
                if reason.get("Code") == "ConditionalCheckFailed":
                    raise StockConflictError(line.product_id, line.warehouse_id) from exc
            raise
        return None

    def get(self, order_id: str) -> Reservation | None:
        item = self.reservations.get({"order_id": order_id})
        return reservation_from_item(item) if item else None

    def extend(self, order_id: str, expected: str, expires_at: str) -> bool:
        return None is not self._update_record(
            order_id,
            "SET expires_at = :expires_at",
            "#state = :held AND expires_at = :expected",
            {":expires_at": expires_at, ":held": ReservationState.HELD.value, ":expected": expected},
        )

    def convert(self, order_id: str, now: datetime) -> Reservation:
        converted = self._update_record(
            order_id,
            "SET #state = :reserved REMOVE held, expires_at",
            "#state = :held AND expires_at > :now",
            {":reserved": ReservationState.RESERVED.value, ":held": ReservationState.HELD.value, ":now": to_iso(now)},
        )
        if converted is not None:
            return reservation_from_item(converted)
        current = self.get(order_id)
        if current is not None and current.state in (ReservationState.RESERVED, ReservationState.SHIPPED):
            return current  # converted by an earlier attempt of the same step
        raise HoldNotLiveError(order_id, current.state if current else None)

    def reclaim(self, order_id: str, now: datetime) -> bool:
        return self._settle(order_id, ReservationState.LAPSED, _RELEASE, (ReservationState.HELD,), lapsed_by=now)

    def lapsed(self, now: datetime, limit: int = 100) -> list[str]:
        return lapsed_holds(self.reservations, now, limit)

    def release(self, order_id: str) -> bool:
        return self._settle(
            order_id, ReservationState.RELEASED, _RELEASE, (ReservationState.HELD, ReservationState.RESERVED)
        )

    def ship(self, order_id: str) -> bool:
        return self._settle(order_id, ReservationState.SHIPPED, _SHIP, (ReservationState.RESERVED,))

    def _settle(
        self,
        order_id: str,
        target: ReservationState,
        stock_change: str,
        sources: tuple[ReservationState, ...],
        *,
        lapsed_by: datetime | None = None,
    ) -> bool:
        merged: set[str] = set()  # shards of the reservation merged into their base item since it was taken
        for _ in range(_SETTLE_ATTEMPTS + 1):  # one more: the attempt that finds shards merged
            # Reading first tells us which items to touch; the condition on the state and generation read is what
            # makes two concurrent settlements (or a settlement and a conversion) move the stock once.
            item = self.reservations.get({"order_id": order_id})
            if item is None or item["state"] not in sources:
                return False
            if lapsed_by is not None and item.get("expires_at", "") > to_iso(lapsed_by):
                return False
            current = reservation_from_item(item)
            generation = _generation(item)
            condition = "#state = :current AND " + (
                "generation = :generation" if generation else "attribute_not_exists(generation)"
            )
            values: Item = {":target": target.value, ":current": current.state.value}
            if generation:
                values[":generation"] = generation
            if lapsed_by is not None:
                condition += " AND expires_at <= :now"
                values[":now"] = to_iso(lapsed_by)
            record: TransactWriteItemTypeDef = {
                "Update": {
                    "TableName": self.reservations.name,
                    "Key": to_wire({"order_id": order_id}),
                    "UpdateExpression": "SET #state = :target REMOVE held",
                    "ConditionExpression": condition,
                    "ExpressionAttributeNames": _STATE,
                    "ExpressionAttributeValues": to_wire(values),
                }
            }
            lines = _settled_lines(current.lines, merged)
            stock = [self._stock_update(line, stock_change) for line in lines]
            try:
                self._transact([record, *stock], order_id)
            except ClientError as exc:
                codes = cancellation_codes(exc)
                if codes[:1] == ["ConditionalCheckFailed"]:
                    continue  # changed between our read and our write: look again
                gone = {
                    line.shard for line, code in zip(lines, codes[1:], strict=False) if code == "ConditionalCheckFailed"
                }
                if gone:
                    merged |= gone  # their units are on the base item now (commerce/stock_shards.py)
                    continue
                raise
            return True
        raise ConcurrentUpdateError("reservation", order_id)

    def _update_record(self, order_id: str, update: str, condition: str, values: Item) -> Item | None:
        """One conditional UpdateItem of the record alone (no stock moves): the item as written, or None when the
        condition failed. A throttled UpdateItem is retried by botocore itself."""
        try:
            response = self.reservations.client.update_item(
                TableName=self.reservations.name,
                Key=to_wire({"order_id": order_id}),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeNames=_STATE,
                ExpressionAttributeValues=to_wire(values),
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if is_condition_failure(exc):
                return None
            raise
        return from_wire(dict(response["Attributes"]))

    def _stock_update(
        self, line: AllocationLine, expression: str, *, condition: str | None = None
    ) -> TransactWriteItemTypeDef:
        if line.shard:
            expression = _ON_SHARD[expression]
            # An UpdateItem of a missing item would create it: a shard merged away must fail instead, so the units
            # go to the base item that took the shard's over.
            condition = "attribute_exists(product_id)" + (f" AND {condition}" if condition else "")
        update: UpdateTypeDef = {
            "TableName": self.inventory.name,
            "Key": to_wire({"product_id": item_key(line.product_id, line.shard), "warehouse_id": line.warehouse_id}),
            "UpdateExpression": expression,
            "ExpressionAttributeValues": to_wire({":quantity": line.quantity, ":one": 1}),
        }
        if condition is not None:
            update["ConditionExpression"] = condition
        return {"Update": update}

    def _transact(self, writes: list[TransactWriteItemTypeDef], order_id: str) -> None:
        """TransactWriteItems, retried while cancelled for transient reasons only (dynamo.transact). moto never
        produces those reasons itself: the local cloud throttles partitions when told to
        (infra/local/moto_throttling.py), and tests inject them."""
        transact(
            self.inventory.client,
            writes,
            entity="reservation",
            key=order_id,
            retries=self.transient_retries,
            pause=self.pause,
        )


def _contended(exc: ConcurrentUpdateError, lines: Sequence[AllocationLine]) -> ConcurrentUpdateError:
    """The stock item DynamoDB's last cancellation named for contention, when it named one ([record, *lines])."""
    codes = cancellation_codes(exc.__cause__) if isinstance(exc.__cause__, Exception) else []
    for line, code in zip(lines, codes[1:], strict=False):
        if code in TRANSIENT_CANCELLATIONS:
            return StockContendedError(line.product_id, line.warehouse_id)
    return exc


def _settled_lines(lines: tuple[AllocationLine, ...], merged: set[str]) -> list[AllocationLine]:
    """The lines with merged shards' units moved to their base item, one line per item (a transaction may not
    touch an item twice)."""
    units: dict[tuple[str, str, str], int] = {}
    for line in lines:
        key = (line.product_id, line.warehouse_id, "" if line.shard in merged else line.shard)
        units[key] = units.get(key, 0) + line.quantity
    return [
        AllocationLine(product, warehouse, quantity, shard) for (product, warehouse, shard), quantity in units.items()
    ]


def _generation(item: Item) -> int:
    return int(item.get("generation", 0))


def reservation_to_item(reservation: Reservation) -> Item:
    item: Item = {
        "order_id": reservation.order_id,
        "state": reservation.state.value,
        "created_at": reservation.created_at,
        "lines": [
            {
                "product_id": line.product_id,
                "warehouse_id": line.warehouse_id,
                "quantity": line.quantity,
                **({"shard": line.shard} if line.shard else {}),
            }
            for line in reservation.lines
        ],
    }
    if reservation.expires_at is not None:
        item["expires_at"] = reservation.expires_at
    if reservation.state is ReservationState.HELD:
        item["held"] = held_mark(reservation.order_id)
    return item


def reservation_from_item(item: Item) -> Reservation:
    return Reservation(
        order_id=item["order_id"],
        state=ReservationState(item["state"]),
        created_at=item["created_at"],
        lines=tuple(
            AllocationLine(
                str(line["product_id"]), str(line["warehouse_id"]), int(line["quantity"]), str(line.get("shard", ""))
            )
            for line in item["lines"]
        ),
        expires_at=item.get("expires_at"),
    )
