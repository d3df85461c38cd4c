"""The admin's order list: newest first, filtered by status, customer and creation time, always from an index.

There is no index over all statuses; "any status" merges the by_status partitions (a fixed, small set), each
read newest first, and its cursor remembers where each partition stands. An order that changes status between
two pages moves partitions, so it may show twice or not at all across pages: fine for a dashboard.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from itertools import islice
from typing import Any

from commerce.clock import from_iso, to_iso
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.pagination import InvalidCursorError, Page, decode_cursor, encode_cursor
from commerce.ports import OrderEventRepository, OrderRepository
from commerce.timeline import OrderEvent
from commerce.validation import IssueCode, ValidationIssue


@dataclass(frozen=True, slots=True)
class OrderFilter:
    status: OrderStatus | None = None
    email: str | None = None
    created_from: str | None = None  # ISO-8601 instants, inclusive
    created_to: str | None = None


def normalized_filter(wanted: OrderFilter) -> tuple[OrderFilter, list[ValidationIssue]]:
    """The filter with instants in the stored form (UTC, milliseconds, Z), or the problems with it."""
    issues: list[ValidationIssue] = []
    bounds: dict[str, str | None] = {}
    for name, field in (("created_from", "createdFrom"), ("created_to", "createdTo")):
        text = getattr(wanted, name)
        try:
            bounds[name] = to_iso(from_iso(text)) if text else None
        except ValueError:
            issues.append(ValidationIssue(f"filter.{field}", IssueCode.INVALID, "is not an ISO-8601 instant"))
    email = wanted.email.strip().lower() if wanted.email and wanted.email.strip() else None
    return OrderFilter(wanted.status, email, bounds.get("created_from"), bounds.get("created_to")), issues


TIMELINE_PAGE = 100


class AdminOrderSearch:
    def __init__(self, orders: OrderRepository, events: OrderEventRepository) -> None:
        self.orders = orders
        self.events = events

    def order(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def timeline(self, order_id: str) -> list[OrderEvent]:
        """Every event of the order, however many retries and compensations it took (the shopper's is capped)."""
        found: list[OrderEvent] = []
        while True:
            batch = self.events.list(order_id, after=found[-1].id if found else None, limit=TIMELINE_PAGE)
            found += batch
            if len(batch) < TIMELINE_PAGE:
                return found

    def search(self, wanted: OrderFilter, *, limit: int, cursor: str | None) -> Page[Order]:
        """Raises InvalidCursorError for a cursor of another filter or none of ours."""
        if wanted.email:
            return self._of_customer(wanted, limit, _inner(cursor, "customer"))
        if wanted.status:
            page = self.orders.by_status(
                wanted.status,
                limit=limit,
                cursor=_inner(cursor, "status"),
                created_from=wanted.created_from,
                created_to=wanted.created_to,
            )
            return Page(page.items, [_outer("status", inner) for inner in page.cursors], page.has_next)
        return self._of_all_statuses(wanted, limit, _inner(cursor, "all"))

    def _of_all_statuses(self, wanted: OrderFilter, limit: int, positions: Any) -> Page[Order]:
        if positions is None:
            positions = {}
        if not isinstance(positions, dict) or not all(isinstance(inner, str) for inner in positions.values()):
            raise InvalidCursorError(str(positions))
        streams: list[list[tuple[str, str, str, Order, str]]] = []
        more = False
        for status in OrderStatus:
            page = self.orders.by_status(
                status,
                limit=limit,
                cursor=positions.get(status.value),
                created_from=wanted.created_from,
                created_to=wanted.created_to,
            )
            more = more or page.has_next
            streams.append(
                [(o.created_at, o.id, status.value, o, c) for o, c in zip(page.items, page.cursors, strict=True)]
            )
        # Each partition comes newest first, so merging their heads keeps the whole newest first.
        merged = heapq.merge(*streams, key=lambda entry: (entry[0], entry[1]), reverse=True)
        items: list[Order] = []
        cursors: list[str] = []
        for _, _, status_value, order, inner in islice(merged, limit + 1):
            if len(items) == limit:
                return Page(items, cursors, has_next=True)
            positions = {**positions, status_value: inner}
            items.append(order)
            cursors.append(_outer("all", positions))
        # Everything read was shown; a partition that had more than it gave still has it.
        return Page(items, cursors, has_next=more)

    def _of_customer(self, wanted: OrderFilter, limit: int, cursor: Any) -> Page[Order]:
        # A customer has few orders: the status and time filters are applied while reading their partition.
        if cursor is not None and not isinstance(cursor, str):
            raise InvalidCursorError(str(cursor))
        assert wanted.email is not None
        items: list[Order] = []
        cursors: list[str] = []
        while True:
            page = self.orders.by_customer(wanted.email, limit=max(limit, 25), cursor=cursor)
            for order, inner in zip(page.items, page.cursors, strict=True):
                if wanted.created_from and order.created_at < wanted.created_from:
                    return Page(items, cursors, has_next=False)  # newest first: the rest is older still
                if _matches(order, wanted):
                    if len(items) == limit:
                        return Page(items, cursors, has_next=True)
                    items.append(order)
                    cursors.append(_outer("customer", inner))
            if not page.has_next:
                return Page(items, cursors, has_next=False)
            cursor = page.end_cursor


def _matches(order: Order, wanted: OrderFilter) -> bool:
    if wanted.status and order.status is not wanted.status:
        return False
    return not (wanted.created_to and order.created_at > wanted.created_to)


def _outer(kind: str, inner: Any) -> str:
    return encode_cursor({"kind": kind, "after": inner})


def _inner(cursor: str | None, kind: str) -> Any:
    if cursor is None:
        return None
    position = decode_cursor(cursor)
    if position.get("kind") != kind or "after" not in position:
        raise InvalidCursorError(cursor)
    return position["after"]
