from __future__ import annotations

import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest

from commerce.admin.lockout import LoginThrottledError, name_and_source_key
from commerce.catalog import StockLevel
from commerce.errors import ConcurrentUpdateError
from commerce.idempotency import DuplicateRequestError, IdempotencyRecord
from commerce.order_status import OrderStatus
from commerce.pagination import InvalidCursorError, Page
from commerce.repositories.analytics import DynamoAnalyticsRepository, shard_key
from commerce.repositories.catalog import DynamoInventoryRepository
from commerce.repositories.dynamo import DynamoTable, Item
from commerce.repositories.orders import DynamoOrderRepository
from commerce.timeline import OrderEvent, OrderEventKind
from infra.local.cloud import LocalCloud
from infra.local.seed import WAREHOUSES
from tests.integration.dynamodb_faults import conflicting
from tests.unit.builders import a_product, an_order

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def a_claim(key: str, result_id: str = "ord_x") -> IdempotencyRecord:
    return IdempotencyRecord(key=key, request_hash="h1", result_id=result_id, expires_at=int(time.time()) + 3600)


def test_a_category_is_paged_in_sku_order_without_gaps_or_repeats(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.products
    category = unique("cat")
    for index in range(7):
        repo.add(replace(a_product(unique("p"), category=category), sku=f"SKU-{index:02d}"))
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = repo.page(category=category, limit=3, cursor=cursor)
        seen += [product.sku for product in page.items]
        pages += 1
        if not page.has_next:
            break
        cursor = page.end_cursor
    assert seen == [f"SKU-{index:02d}" for index in range(7)]
    assert pages == 3


def test_a_full_last_page_says_there_is_nothing_after_it(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.products
    category = unique("cat")
    for _ in range(4):
        repo.add(a_product(unique("p"), category=category))
    first = repo.page(category=category, limit=2, cursor=None)
    second = repo.page(category=category, limit=2, cursor=first.end_cursor)
    assert first.has_next and not second.has_next
    assert len(second.items) == 2


def test_inactive_products_leave_the_shop_listing_but_stay_readable(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.products
    category = unique("cat")
    product = a_product(unique("p"), category=category)
    repo.add(product)
    repo.add(replace(product, active=False))
    assert repo.page(category=category, limit=10, cursor=None).items == []
    assert [p.id for p in repo.page(category=category, limit=10, cursor=None, active=False).items] == [product.id]
    fetched = repo.get(product.id)
    assert fetched is not None and not fetched.active


def test_products_are_fetched_in_one_batch_and_unknown_ids_are_left_out(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.products
    ids = [unique("p") for _ in range(3)]
    for product_id in ids:
        repo.add(a_product(product_id))
    found = repo.get_many([*ids, "p-does-not-exist"])
    assert set(found) == set(ids)


def test_a_forged_cursor_is_refused_as_invalid(local_cloud: LocalCloud) -> None:
    with pytest.raises(InvalidCursorError):
        local_cloud.repositories.products.page(category=None, limit=2, cursor="bm90LWpzb24")
    with pytest.raises(InvalidCursorError):
        local_cloud.repositories.products.page(category=None, limit=2, cursor="eyJ4IjogMX0=")


def test_the_seed_has_three_warehouses_and_stock_of_a_product_in_each(local_cloud: LocalCloud) -> None:
    assert {w.id for w in local_cloud.repositories.warehouses.all()} == {w.id for w in WAREHOUSES}
    levels = local_cloud.repositories.inventory.levels("p-trail-runner")
    assert {(level.warehouse_id, level.available) for level in levels} == {
        ("wh-east", 8),
        ("wh-central", 4),
        ("wh-west", 10),
    }


def test_stock_of_many_products_comes_back_per_product(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.inventory
    product_id = unique("p")
    repo.put(StockLevel(product_id, "wh-east", available=4, reserved=1, shipped=2, version=3))
    levels = repo.levels_for_many([product_id, "p-mug"])
    assert levels[product_id] == [StockLevel(product_id, "wh-east", available=4, reserved=1, shipped=2, version=3)]
    assert len(levels["p-mug"]) == 3


def test_stock_of_a_page_of_products_is_two_requests_and_the_same_levels_as_a_query_each(
    local_cloud: LocalCloud,
) -> None:
    repo = local_cloud.repositories.inventory
    partly, unstocked = unique("p"), unique("p")
    repo.put(StockLevel(partly, "wh-west", available=2, reserved=1, version=1))
    repo.put(StockLevel(partly, "wh-east", available=5, version=2))
    page = [partly, "p-mug", unstocked, "p-trail-runner", partly]
    operations: list[str] = []

    def record(model: Any, **_: Any) -> None:
        operations.append(model.name)

    assert isinstance(repo, DynamoInventoryRepository)
    events = repo.table.client.meta.events
    events.register("before-call.dynamodb", record, unique_id="count-stock-reads")
    try:
        levels = repo.levels_for_many(page)
    finally:
        events.unregister("before-call.dynamodb", unique_id="count-stock-reads")
    assert operations == ["Query", "BatchGetItem"]  # the warehouses, then every product-and-warehouse key at once
    assert levels == {product: repo.levels(product) for product in dict.fromkeys(page)}
    assert [level.warehouse_id for level in levels[partly]] == ["wh-east", "wh-west"]
    assert levels[unstocked] == []


def test_an_order_round_trips_with_every_field(local_cloud: LocalCloud) -> None:
    order = replace(an_order(order_id=unique("ord")), email="round@trip.example")
    event = OrderEvent.new(order.id, NOW, OrderEventKind.ORDER_PLACED, "placed", status="PENDING_PAYMENT")
    local_cloud.repositories.orders.create(order, event, a_claim(unique("k"), order.id))
    assert local_cloud.repositories.orders.get(order.id) == order
    assert local_cloud.repositories.events.list(order.id) == [event]


def test_creating_with_a_taken_key_writes_nothing_and_names_the_first_use(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.orders
    key = unique("k")
    first = an_order(order_id=unique("ord"))
    repo.create(first, OrderEvent.new(first.id, NOW, OrderEventKind.ORDER_PLACED, "placed"), a_claim(key, first.id))
    second = an_order(order_id=unique("ord"))
    with pytest.raises(DuplicateRequestError) as raised:
        repo.create(
            second, OrderEvent.new(second.id, NOW, OrderEventKind.ORDER_PLACED, "placed"), a_claim(key, second.id)
        )
    assert raised.value.existing.result_id == first.id
    assert repo.get(second.id) is None
    assert local_cloud.repositories.events.list(second.id) == []


def test_placing_an_order_cancelled_for_contention_is_retried_and_a_lasting_one_is_a_conflict_not_a_crash(
    local_cloud: LocalCloud,
) -> None:
    """Two placeOrders of one key at once (a double click) meet on AWS as a TransactionConflict on the claim."""
    real = local_cloud.repositories.orders
    assert isinstance(real, DynamoOrderRepository)
    client = conflicting(real.orders.client, 2)
    repo = DynamoOrderRepository(
        DynamoTable(cast("DynamoDBClient", client), real.orders.name), real.events, real.idempotency
    )
    order = an_order(order_id=unique("ord"))
    placed = OrderEvent.new(order.id, NOW, OrderEventKind.ORDER_PLACED, "placed")

    repo.create(order, placed, a_claim(unique("k"), order.id))

    assert real.get(order.id) == order and client.attempts == 3
    client.times = 99
    other = an_order(order_id=unique("ord"))
    with pytest.raises(ConcurrentUpdateError):
        repo.create(
            other, OrderEvent.new(other.id, NOW, OrderEventKind.ORDER_PLACED, "p"), a_claim(unique("k"), other.id)
        )
    assert real.get(other.id) is None


def test_a_save_with_a_stale_version_is_refused_and_changes_nothing(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.orders
    order = an_order(order_id=unique("ord"))
    repo.create(
        order, OrderEvent.new(order.id, NOW, OrderEventKind.ORDER_PLACED, "placed"), a_claim(unique("k"), order.id)
    )
    later = NOW + timedelta(seconds=1)
    authorized = order.transitioned(OrderStatus.AUTHORIZED, later)
    repo.save(
        authorized,
        expected_version=order.version,
        events=[OrderEvent.new(order.id, later, OrderEventKind.PAYMENT_AUTHORIZED, "ok")],
    )
    failed = order.transitioned(OrderStatus.PAYMENT_FAILED, NOW)
    with pytest.raises(ConcurrentUpdateError):
        repo.save(
            failed,
            expected_version=order.version,
            events=[OrderEvent.new(order.id, NOW, OrderEventKind.PAYMENT_FAILED, "lost")],
        )
    stored = repo.get(order.id)
    assert stored is not None and stored.status is OrderStatus.AUTHORIZED
    assert [event.type for event in local_cloud.repositories.events.list(order.id)] == [
        "ORDER_PLACED",
        "PAYMENT_AUTHORIZED",
    ]


def test_orders_of_a_customer_come_newest_first_from_the_index(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.orders
    email = f"{unique('shopper')}@example.com"
    for day in (1, 3, 2):
        order = replace(an_order(order_id=unique("ord")), email=email, created_at=f"2026-11-0{day}T00:00:00.000Z")
        repo.create(
            order, OrderEvent.new(order.id, NOW, OrderEventKind.ORDER_PLACED, "placed"), a_claim(unique("k"), order.id)
        )
    first = repo.by_customer(email.upper(), limit=2, cursor=None)
    rest = repo.by_customer(email, limit=2, cursor=first.end_cursor)
    assert [o.created_at[:10] for o in first.items + rest.items] == ["2026-11-03", "2026-11-02", "2026-11-01"]


def test_orders_by_status_are_filtered_by_creation_time(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.orders
    status = OrderStatus.EXPIRED  # no other test creates expired orders
    for day in ("10", "11", "12", "13"):
        order = replace(an_order(order_id=unique("ord"), status=status), created_at=f"2026-10-{day}T12:00:00.000Z")
        repo.create(
            order, OrderEvent.new(order.id, NOW, OrderEventKind.ORDER_PLACED, "placed"), a_claim(unique("k"), order.id)
        )
    page = repo.by_status(
        status, limit=10, cursor=None, created_from="2026-10-11T00:00:00.000Z", created_to="2026-10-12T23:59:59.999Z"
    )
    assert [o.created_at[:10] for o in page.items] == ["2026-10-12", "2026-10-11"]


class RacedOrdersTable(DynamoTable):
    """The orders table with the race a keys-only index meets: between the index read and BatchGetItem, an order
    moves on to another status; and BatchGetItem answers in another order than asked, as AWS may."""

    def __init__(self, table: DynamoTable, moves: dict[str, OrderStatus]) -> None:
        super().__init__(table.client, table.name)
        self.moves = moves

    def query_page(self, **query: Any) -> Page[Item]:
        page = super().query_page(**query)
        for order_id, status in self.moves.items():
            stored = self.get({"id": order_id})
            assert stored is not None
            self.put({**stored, "status": status.value})
        self.moves = {}
        return page

    def batch_get(self, keys: list[Item], *, consistent: bool = False) -> list[Item]:
        return list(reversed(super().batch_get(keys, consistent=consistent)))


def raced(local_cloud: LocalCloud, moves: dict[str, OrderStatus]) -> DynamoOrderRepository:
    repo = local_cloud.repositories.orders
    assert isinstance(repo, DynamoOrderRepository)
    return DynamoOrderRepository(RacedOrdersTable(repo.orders, moves), repo.events, repo.idempotency)


def a_day_of_its_own() -> str:
    """A day in the 1900s no other test places orders on, so a status listing of that day holds only ours."""
    return (datetime(1900, 1, 1) + timedelta(days=secrets.randbelow(36_000))).date().isoformat()


def whole(day: str) -> dict[str, str]:
    return {"created_from": f"{day}T00:00:00.000Z", "created_to": f"{day}T23:59:59.999Z"}


def orders_placed(local_cloud: LocalCloud, status: OrderStatus, day: str, count: int) -> list[str]:
    repo = local_cloud.repositories.orders
    ids = []
    for minute in range(count):
        order = replace(an_order(order_id=unique("ord"), status=status), created_at=f"{day}T12:{minute:02d}:00.000Z")
        repo.create(
            order, OrderEvent.new(order.id, NOW, OrderEventKind.ORDER_PLACED, "placed"), a_claim(unique("k"), order.id)
        )
        ids.append(order.id)
    return ids


def test_orders_read_through_a_keys_only_index_come_whole_and_in_the_index_order(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.orders
    day = a_day_of_its_own()
    ids = orders_placed(local_cloud, OrderStatus.CANCELLED, day, 3)

    page = raced(local_cloud, {}).by_status(OrderStatus.CANCELLED, limit=3, cursor=None, **whole(day))

    assert [order.id for order in page.items] == list(reversed(ids))
    assert page.items == [repo.get(order_id) for order_id in reversed(ids)]


def test_an_order_that_left_the_status_after_the_index_read_is_skipped_and_the_page_still_filled(
    local_cloud: LocalCloud,
) -> None:
    day = a_day_of_its_own()
    oldest, middle, newest = orders_placed(local_cloud, OrderStatus.CANCELLED, day, 3)

    page = raced(local_cloud, {middle: OrderStatus.FAILED}).by_status(
        OrderStatus.CANCELLED, limit=2, cursor=None, **whole(day)
    )

    assert [order.id for order in page.items] == [newest, oldest]
    assert not page.has_next


def test_a_day_spread_over_analytics_shards_reads_back_as_one_sum(local_cloud: LocalCloud) -> None:
    shared = local_cloud.repositories.analytics
    assert isinstance(shared, DynamoAnalyticsRepository)
    next_shard = iter([0, 1, 2, 2])
    store = DynamoAnalyticsRepository(shared.table, shards=3, pick_shard=lambda shards: next(next_shard))
    day, other_day = a_day_of_its_own(), a_day_of_its_own()
    for counters in ({"placed": 1, "status#PENDING_PAYMENT": 1}, {"placed": 1}, {"status#PENDING_PAYMENT": -1}):
        store.add(day, counters)
    store.add(other_day, {"placed": 5})

    assert {shard_key(day, shard) for shard in range(3)} == {day, f"{day}#1", f"{day}#2"}
    assert all(shared.table.get({"day": shard_key(day, shard)}) for shard in range(3))
    assert store.days([day, other_day, "1899-12-31"]) == [{"placed": 2, "status#PENDING_PAYMENT": 0}, {"placed": 5}]


def test_timeline_events_come_in_time_order_and_after_a_cursor_only_newer_ones(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.events
    order_id = unique("ord")
    events = [
        # Kinds this code does not know (old or newer data) are stored and read as they were written.
        replace(
            OrderEvent.new(order_id, datetime(2026, 11, 24, 9, 30, second, tzinfo=UTC), OrderEventKind.OTHER, "m"),
            type=f"E{second}",
        )
        for second in (3, 1, 2)
    ]
    for event in events:
        repo.append(event)
    listed = repo.list(order_id)
    assert [event.type for event in listed] == ["E1", "E2", "E3"]
    assert [event.type for event in repo.list(order_id, after=listed[0].id)] == ["E2", "E3"]
    assert repo.list(order_id, after=listed[-1].id) == []


def test_an_idempotency_key_is_claimed_once_and_an_expired_one_can_be_claimed_again(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.idempotency
    key = unique("webhook")
    assert repo.claim(a_claim(key))
    assert not repo.claim(a_claim(key))
    expired_key = unique("webhook")
    assert repo.claim(replace(a_claim(expired_key), expires_at=int(time.time()) - 1))
    assert repo.get(expired_key) is None
    assert repo.claim(a_claim(expired_key))


def test_login_attempts_racing_in_dynamodb_are_admitted_only_up_to_the_free_attempts(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.login_failures
    allowance = repo.policy.per_name_and_source
    key = name_and_source_key(unique("burst"), "198.51.100.1")
    now = int(time.time())

    def attempt(at: int) -> tuple[str, int]:
        try:
            return "admitted as", repo.admit(key, allowance, at).count
        except LoginThrottledError as throttled:
            return "refused for", throttled.retry_after

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = sorted(pool.map(attempt, [now] * 20))
    assert answers == [("admitted as", n) for n in range(1, 6)] + [("refused for", 30)] * 15
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = sorted(pool.map(attempt, [now + 30] * 20))  # the wait is over: one more, then twice the wait
    assert answers == [("admitted as", 6)] + [("refused for", 60)] * 19
    record = repo.get(key)
    assert record is not None and (record.count, record.last_at) == (6, now + 30)


def test_a_login_success_in_dynamodb_restarts_the_count_and_vouches_for_the_source(local_cloud: LocalCloud) -> None:
    repo = local_cloud.repositories.login_failures
    allowance = repo.policy.per_name_and_source
    key = name_and_source_key(unique("known"), "198.51.100.2")
    now = int(time.time())
    for _ in range(5):
        repo.admit(key, allowance, now)
    repo.remember_success(key, now)
    counted = repo.admit(key, allowance, now)
    assert counted.count == 1 and counted.known_at(now + 29 * 24 * 3600)
    assert repo.admit(key, allowance, now + 2 * 24 * 3600).count == 1  # quiet for a day: afresh, still known
