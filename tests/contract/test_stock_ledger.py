"""StockLedger: an admin's change of available units, conditional on the version they saw, with its audit record."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commerce.admin.stock import StockAdjustment
from commerce.allocation import AllocationLine
from commerce.catalog import StockLevel
from commerce.errors import ConcurrentUpdateError
from commerce.reservations import Reservation, ReservationState
from tests.contract.conftest import Stores

TABLES = {"inventory", "stock_adjustments", "reservations"}


def an_adjustment(before: StockLevel, after: int, adjustment_id: str = "a-1") -> StockAdjustment:
    return StockAdjustment(
        before.product_id,
        before.warehouse_id,
        adjustment_id,
        at="2026-11-24T09:00:00.000Z",
        by="admin",
        before=before.available,
        after=after,
        version=before.version + 1,
        note="recount",
    )


def level(stores: Stores, product: str = "mug", warehouse: str = "east") -> StockLevel | None:
    return next((lv for lv in stores.inventory.levels(product) if lv.warehouse_id == warehouse), None)


def test_an_adjustment_at_the_stored_version_sets_available_and_is_recorded(stores: Stores) -> None:
    before = StockLevel("mug", "east", available=5, reserved=2, shipped=1, version=3)
    stores.inventory.put(before)
    adjustment = an_adjustment(before, 8)

    stores.stock_ledger.record(before, adjustment, 5, exists=True)

    assert level(stores) == StockLevel("mug", "east", available=8, reserved=2, shipped=1, version=4)
    assert stores.stock_ledger.history("mug", limit=10, cursor=None).items == [adjustment]


def test_an_adjustment_at_a_stale_version_is_refused_and_writes_nothing(stores: Stores) -> None:
    seen = StockLevel("mug", "east", available=5, version=3)
    stores.inventory.put(replace(seen, available=4, reserved=1, version=4))  # an order reserved one since

    with pytest.raises(ConcurrentUpdateError):
        stores.stock_ledger.record(seen, an_adjustment(seen, 8), 5, exists=True)

    assert level(stores) == StockLevel("mug", "east", available=4, reserved=1, version=4)
    assert stores.stock_ledger.history("mug", limit=10, cursor=None).items == []


def test_a_first_stocking_of_an_item_creates_it(stores: Stores) -> None:
    nothing = StockLevel("mug", "east", available=0)

    stores.stock_ledger.record(nothing, an_adjustment(nothing, 7), 5, exists=False)

    assert level(stores) == StockLevel("mug", "east", available=7, version=1)


def test_a_first_stocking_of_an_item_someone_else_created_meanwhile_is_refused(stores: Stores) -> None:
    stores.inventory.put(StockLevel("mug", "east", available=3, version=0))
    nothing = StockLevel("mug", "east", available=0)

    with pytest.raises(ConcurrentUpdateError):
        stores.stock_ledger.record(nothing, an_adjustment(nothing, 7), 5, exists=False)

    assert level(stores) == StockLevel("mug", "east", available=3)
    assert stores.stock_ledger.history("mug", limit=10, cursor=None).items == []


def test_an_adjustment_of_an_item_that_is_gone_is_refused_and_creates_nothing(stores: Stores) -> None:
    seen = StockLevel("mug", "east", available=5, version=3)

    with pytest.raises(ConcurrentUpdateError):
        stores.stock_ledger.record(seen, an_adjustment(seen, 8), 5, exists=True)

    assert level(stores) is None


def test_the_history_is_newest_first_page_by_page_and_per_product(stores: Stores) -> None:
    current = StockLevel("mug", "east", available=0)
    stores.inventory.put(current)
    for index in range(5):
        stores.stock_ledger.record(current, an_adjustment(current, index + 1, f"a-{index}"), 5, exists=True)
        current = replace(current, available=index + 1, version=current.version + 1)
    other = StockLevel("pen", "east", available=0)
    stores.stock_ledger.record(other, an_adjustment(other, 1, "a-9"), 5, exists=False)

    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = stores.stock_ledger.history("mug", limit=2, cursor=cursor)
        pages.append([adjustment.id for adjustment in page.items])
        if not page.has_next:
            break
        cursor = page.end_cursor

    assert pages == [["a-4", "a-3"], ["a-2", "a-1"], ["a-0"]]


def test_low_stock_lists_the_items_at_or_below_their_products_threshold(stores: Stores) -> None:
    stores.inventory.put(StockLevel("mug", "east", available=5), low_stock_threshold=5)
    stores.inventory.put(StockLevel("mug", "west", available=6), low_stock_threshold=5)
    stores.inventory.put(StockLevel("pen", "east", available=0), low_stock_threshold=0)
    stores.inventory.put(StockLevel("cup", "east", available=9), low_stock_threshold=2)

    low = {(lv.product_id, lv.warehouse_id) for lv in stores.stock_ledger.low_stock()}

    assert low == {("mug", "east"), ("pen", "east")}


def test_low_stock_follows_adjustments_reservations_and_a_changed_threshold(stores: Stores) -> None:
    before = StockLevel("mug", "east", available=10)
    stores.inventory.put(before, low_stock_threshold=5)
    stores.inventory.put(StockLevel("mug", "west", available=10), low_stock_threshold=5)
    stores.stock_ledger.record(before, an_adjustment(before, 6), 5, exists=True)
    reservation = Reservation(
        "ord_1", (AllocationLine("mug", "east", 1),), ReservationState.RESERVED, "2026-11-24T09:00:00.000Z"
    )

    assert stores.stock_ledger.low_stock() == []
    stores.reservations.reserve(reservation)
    assert [(lv.warehouse_id, lv.available) for lv in stores.stock_ledger.low_stock()] == [("east", 5)]
    stores.stock_ledger.apply_threshold("mug", 10)
    assert sorted((lv.warehouse_id, lv.available) for lv in stores.stock_ledger.low_stock()) == [
        ("east", 5),
        ("west", 10),
    ]
    stores.stock_ledger.apply_threshold("mug", 4)
    assert stores.stock_ledger.low_stock() == []
