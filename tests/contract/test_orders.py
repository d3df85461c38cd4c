"""OrderRepository and OrderEventRepository: conditional creates and saves, all or nothing, and the listings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commerce.errors import ConcurrentUpdateError
from commerce.idempotency import DuplicateRequestError, IdempotencyRecord
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.timeline import OrderEvent
from tests.contract.conftest import Stores
from tests.unit.builders import an_order

TABLES = {"orders", "order_events", "idempotency"}
S = OrderStatus


def an_event(order_id: str, event_id: str, message: str = "happened") -> OrderEvent:
    return OrderEvent(order_id, event_id, "2026-11-24T09:00:00.000Z", "STATUS", message)


def a_claim(stores: Stores, key: str, result_id: str = "ord_1") -> IdempotencyRecord:
    expires = int(stores.clock().timestamp()) + 3600
    return IdempotencyRecord(key=key, request_hash="h1", result_id=result_id, expires_at=expires)


def placed(
    stores: Stores, order_id: str, *, status: OrderStatus = S.PENDING_PAYMENT, minute: int = 0, email: str = "a@x.io"
) -> Order:
    order = replace(
        an_order(order_id=order_id, status=status), email=email, created_at=f"2026-11-24T09:{minute:02d}:00.000Z"
    )
    stores.orders.create(order, an_event(order_id, "e-000"), a_claim(stores, f"key-{order_id}", order_id))
    return order


def every_page(list_page: object, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = list_page(limit=limit, cursor=cursor)  # type: ignore[operator]
        pages.append([order.id for order in page.items])
        if not page.has_next:
            return pages
        cursor = page.end_cursor


def test_a_created_order_reads_back_with_its_first_event_and_its_claim(stores: Stores) -> None:
    order = placed(stores, "ord_1")

    assert stores.orders.get("ord_1") == order
    assert [event.id for event in stores.events.list("ord_1")] == ["e-000"]
    claim = stores.idempotency.get("key-ord_1")
    assert claim is not None and claim.result_id == "ord_1"


def test_an_unknown_order_reads_absent(stores: Stores) -> None:
    assert stores.orders.get("ord_nobody") is None


def test_creating_with_a_taken_key_is_refused_naming_the_first_use_and_writes_nothing(stores: Stores) -> None:
    placed(stores, "ord_1")

    with pytest.raises(DuplicateRequestError) as refused:
        stores.orders.create(an_order(order_id="ord_2"), an_event("ord_2", "e-000"), a_claim(stores, "key-ord_1"))

    assert refused.value.existing.result_id == "ord_1"
    assert stores.orders.get("ord_2") is None
    assert stores.events.list("ord_2") == []


def test_creating_with_an_expired_key_takes_the_key_over(stores: Stores) -> None:
    stale = IdempotencyRecord("key-1", "h0", "ord_0", expires_at=int(stores.clock().timestamp()))
    assert stores.idempotency.claim(stale)

    stores.orders.create(an_order(order_id="ord_1"), an_event("ord_1", "e-000"), a_claim(stores, "key-1"))

    claim = stores.idempotency.get("key-1")
    assert claim is not None and claim.result_id == "ord_1"


def test_creating_over_a_taken_order_id_is_refused_and_writes_nothing(stores: Stores) -> None:
    order = placed(stores, "ord_1")

    with pytest.raises(ConcurrentUpdateError):
        stores.orders.create(
            replace(order, email="other@x.io"), an_event("ord_1", "e-001"), a_claim(stores, "key-other")
        )

    assert stores.orders.get("ord_1") == order
    assert [event.id for event in stores.events.list("ord_1")] == ["e-000"]
    assert stores.idempotency.get("key-other") is None


def test_saving_at_the_stored_version_replaces_the_order_and_appends_its_events(stores: Stores) -> None:
    order = placed(stores, "ord_1")
    paid = replace(order, status=S.AUTHORIZED, version=order.version + 1)

    stores.orders.save(paid, order.version, [an_event("ord_1", "e-001"), an_event("ord_1", "e-002")])

    assert stores.orders.get("ord_1") == paid
    assert [event.id for event in stores.events.list("ord_1")] == ["e-000", "e-001", "e-002"]


def test_saving_at_a_stale_version_is_refused_and_writes_neither_order_nor_events(stores: Stores) -> None:
    order = placed(stores, "ord_1")
    stores.orders.save(replace(order, version=order.version + 1), order.version)

    with pytest.raises(ConcurrentUpdateError):
        stores.orders.save(
            replace(order, status=S.CANCELLED, version=order.version + 1), order.version, [an_event("ord_1", "e-009")]
        )

    stored = stores.orders.get("ord_1")
    assert stored is not None and (stored.status, stored.version) == (S.PENDING_PAYMENT, order.version + 1)
    assert [event.id for event in stores.events.list("ord_1")] == ["e-000"]


def test_saving_an_order_that_was_never_created_is_refused(stores: Stores) -> None:
    with pytest.raises(ConcurrentUpdateError):
        stores.orders.save(an_order(order_id="ord_ghost"), 0, [an_event("ord_ghost", "e-001")])

    assert stores.orders.get("ord_ghost") is None
    assert stores.events.list("ord_ghost") == []


def test_a_customers_orders_are_listed_newest_first_page_by_page(stores: Stores) -> None:
    for minute in range(5):
        placed(stores, f"ord_{minute}", minute=minute, email="ada@x.io")
    placed(stores, "ord_other", minute=9, email="bob@x.io")

    pages = every_page(lambda **page: stores.orders.by_customer("Ada@X.io", **page), limit=2)

    assert pages == [["ord_4", "ord_3"], ["ord_2", "ord_1"], ["ord_0"]]


def test_a_full_last_page_says_there_is_nothing_after_it(stores: Stores) -> None:
    for minute in range(4):
        placed(stores, f"ord_{minute}", minute=minute)

    pages = every_page(lambda **page: stores.orders.by_customer("a@x.io", **page), limit=2)

    assert pages == [["ord_3", "ord_2"], ["ord_1", "ord_0"]]


def test_orders_are_listed_by_status_newest_first_within_the_creation_range(stores: Stores) -> None:
    for minute in range(6):
        placed(stores, f"ord_{minute}", minute=minute, status=S.PENDING_PAYMENT if minute % 2 else S.CANCELLED)

    every = every_page(lambda **page: stores.orders.by_status(S.PENDING_PAYMENT, **page), limit=2)
    ranged = stores.orders.by_status(
        S.PENDING_PAYMENT,
        limit=10,
        cursor=None,
        created_from="2026-11-24T09:01:00.000Z",
        created_to="2026-11-24T09:03:00.000Z",
    )
    up_to = stores.orders.by_status(S.CANCELLED, limit=10, cursor=None, created_to="2026-11-24T09:02:00.000Z")
    from_ = stores.orders.by_status(S.CANCELLED, limit=10, cursor=None, created_from="2026-11-24T09:02:00.000Z")

    assert every == [["ord_5", "ord_3"], ["ord_1"]]
    assert [order.id for order in ranged.items] == ["ord_3", "ord_1"]
    assert [order.id for order in up_to.items] == ["ord_2", "ord_0"]
    assert [order.id for order in from_.items] == ["ord_4", "ord_2"]


def test_an_order_that_leaves_the_status_goes_from_its_listing(stores: Stores) -> None:
    order = placed(stores, "ord_1")
    stores.orders.save(replace(order, status=S.EXPIRED, version=order.version + 1), order.version)

    assert stores.orders.by_status(S.PENDING_PAYMENT, limit=10, cursor=None).items == []
    assert [o.id for o in stores.orders.by_status(S.EXPIRED, limit=10, cursor=None).items] == ["ord_1"]


def test_a_listing_resumes_after_its_cursor_when_the_order_there_has_left_it(stores: Stores) -> None:
    for minute in range(4):
        placed(stores, f"ord_{minute}", minute=minute)
    first = stores.orders.by_status(S.PENDING_PAYMENT, limit=2, cursor=None)
    last = first.items[-1]
    # A sweep changes the orders it lists (expiry): the cursor's order is gone from the status before the next page.
    stores.orders.save(replace(last, status=S.EXPIRED, version=last.version + 1), last.version)

    second = stores.orders.by_status(S.PENDING_PAYMENT, limit=2, cursor=first.end_cursor)

    assert [order.id for order in first.items] == ["ord_3", "ord_2"]
    assert [order.id for order in second.items] == ["ord_1", "ord_0"]


def test_a_sweep_that_changes_every_order_it_lists_sees_each_once(stores: Stores) -> None:
    for minute in range(7):
        placed(stores, f"ord_{minute}", minute=minute)

    swept = []
    for order in stores.orders.each_by_status(S.PENDING_PAYMENT, batch=3):
        stores.orders.save(replace(order, status=S.EXPIRED, version=order.version + 1), order.version)
        swept.append(order.id)

    assert swept == [f"ord_{minute}" for minute in reversed(range(7))]


def test_events_are_listed_in_id_order_after_a_cursor_up_to_a_limit(stores: Stores) -> None:
    for event_id in ["e-3", "e-1", "e-2", "e-4"]:
        stores.events.append(an_event("ord_1", event_id))
    stores.events.append(an_event("ord_2", "e-0"))

    assert [e.id for e in stores.events.list("ord_1")] == ["e-1", "e-2", "e-3", "e-4"]
    assert [e.id for e in stores.events.list("ord_1", after="e-2")] == ["e-3", "e-4"]
    assert [e.id for e in stores.events.list("ord_1", after="e-1", limit=2)] == ["e-2", "e-3"]
    assert [e.id for e in stores.events.list("ord_1", after="")] == ["e-1", "e-2", "e-3", "e-4"]
    assert stores.events.list("ord_nobody") == []


def test_an_event_appended_again_under_its_id_is_kept_once_as_last_written(stores: Stores) -> None:
    stores.events.append(an_event("ord_1", "e-1", "first"))

    stores.events.append(an_event("ord_1", "e-1", "again"))

    assert [(e.id, e.message) for e in stores.events.list("ord_1")] == [("e-1", "again")]


def test_an_event_reads_back_as_it_was_written(stores: Stores) -> None:
    event = OrderEvent(
        "ord_1",
        "e-1",
        "2026-11-24T09:00:00.000Z",
        "STEP",
        "tried",
        status="PAID",
        step="capture",
        attempt=2,
        detail={"amount": 4990, "ratio": 0.5, "nested": {"by": "admin"}, "list": [1, "a"]},
    )

    stores.events.append(event)

    assert stores.events.list("ord_1") == [event]
