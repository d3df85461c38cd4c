from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from commerce.admin.order_search import AdminOrderSearch, OrderFilter, normalized_filter
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.pagination import InvalidCursorError
from commerce.repositories.memory import (
    InMemoryIdempotencyRepository,
    InMemoryOrderEventRepository,
    InMemoryOrderRepository,
)
from commerce.timeline import OrderEvent, OrderEventKind
from tests.unit.builders import an_order, fixed_clock

S = OrderStatus
STATUSES = [S.FULFILLED, S.CANCELLED, S.PENDING_PAYMENT, S.FULFILLED, S.FAILED, S.SHIPPED, S.FULFILLED, S.AUTHORIZED]


@dataclass
class Listing:
    search: AdminOrderSearch
    orders: InMemoryOrderRepository
    placed: list[Order]


@pytest.fixture
def shop() -> Listing:
    events = InMemoryOrderEventRepository()
    orders = InMemoryOrderRepository(
        events, InMemoryIdempotencyRepository(fixed_clock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC)))
    )
    placed = []
    for minute, status in enumerate(STATUSES):
        email = "ada@example.com" if minute % 2 else "grace@example.com"
        order = replace(
            an_order(order_id=f"ord_{minute:02d}", status=status),
            email=email,
            created_at=f"2026-11-24T09:{minute:02d}:00.000Z",
        )
        orders.orders[order.id] = order
        placed.append(order)
    return Listing(AdminOrderSearch(orders, events), orders, placed)


def every_page(search: AdminOrderSearch, wanted: OrderFilter, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = search.search(wanted, limit=limit, cursor=cursor)
        pages.append([order.id for order in page.items])
        if not page.has_next:
            return pages
        cursor = page.end_cursor


def test_all_statuses_come_newest_first_across_pages_without_gaps_or_repeats(shop: Listing) -> None:
    search, placed = shop.search, shop.placed
    pages = every_page(search, OrderFilter(), limit=3)
    assert [order_id for page in pages for order_id in page] == [o.id for o in reversed(placed)]
    assert [len(page) for page in pages] == [3, 3, 2]


def test_a_page_exactly_as_long_as_whats_left_says_there_is_no_more(shop: Listing) -> None:
    search = shop.search
    assert [len(page) for page in every_page(search, OrderFilter(), limit=4)] == [4, 4]


def test_a_status_filter_lists_only_that_status(shop: Listing) -> None:
    search = shop.search
    assert every_page(search, OrderFilter(status=S.FULFILLED), limit=2) == [["ord_06", "ord_03"], ["ord_00"]]


def test_the_creation_window_bounds_the_listing(shop: Listing) -> None:
    search = shop.search
    wanted = OrderFilter(created_from="2026-11-24T09:02:00.000Z", created_to="2026-11-24T09:05:00.000Z")
    assert every_page(search, wanted, limit=10) == [["ord_05", "ord_04", "ord_03", "ord_02"]]


def test_a_customer_filter_combines_with_status_and_time(shop: Listing) -> None:
    search = shop.search
    wanted, issues = normalized_filter(OrderFilter(email=" ADA@example.com ", created_to="2026-11-24T09:06:00Z"))
    assert issues == []
    assert every_page(search, wanted, limit=2) == [["ord_05", "ord_03"], ["ord_01"]]
    wanted = replace(wanted, status=S.FULFILLED)
    assert every_page(search, wanted, limit=5) == [["ord_03"]]


def test_a_cursor_of_one_filter_is_refused_by_another(shop: Listing) -> None:
    search = shop.search
    cursor = search.search(OrderFilter(), limit=2, cursor=None).end_cursor
    with pytest.raises(InvalidCursorError):
        search.search(OrderFilter(status=S.FULFILLED), limit=2, cursor=cursor)
    with pytest.raises(InvalidCursorError):
        search.search(OrderFilter(), limit=2, cursor="bm90IGEgY3Vyc29y")


def test_instants_are_read_in_any_iso_form_and_nonsense_is_named(shop: Listing) -> None:
    wanted, issues = normalized_filter(OrderFilter(created_from="2026-11-24T10:00:00+01:00", created_to="noon"))
    assert wanted.created_from == "2026-11-24T09:00:00.000Z"
    assert [issue.field for issue in issues] == ["filter.createdTo"]


def test_the_admin_timeline_is_complete_however_long(shop: Listing) -> None:
    search, orders = shop.search, shop.orders
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    for second in range(250):
        orders.events.append(
            OrderEvent.new("ord_00", start + timedelta(seconds=second), OrderEventKind.STEP_FAILED, "retry")
        )
    assert len(search.timeline("ord_00")) == 250
