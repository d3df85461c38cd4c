"""Holds on DynamoDB (moto): taken all or nothing, converted or reclaimed exactly once, found by the sparse index,
re-taken after a lapse; throttled transactions retried; stock read strongly consistent."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from commerce.allocation import AllocationLine
from commerce.catalog import StockLevel
from commerce.clock import to_iso
from commerce.errors import ConcurrentUpdateError, OutOfStockError
from commerce.orders import Order
from commerce.repositories.catalog import DynamoInventoryRepository
from commerce.repositories.dynamo import DynamoTable, to_wire
from commerce.repositories.holds_index import HOLD_PARTITIONS, held_mark
from commerce.repositories.reservations import DynamoReservationRepository
from commerce.reservations import HOLD_TTL, HoldNotLiveError, Reservation, ReservationState, StockConflictError
from commerce.services.inventory import InventoryService
from infra.local.cloud import LocalCloud
from tests.integration.dynamodb_faults import CancellingClient
from tests.integration.test_reservations import NOW, WAREHOUSE_IDS, an_order_of, unique
from tests.unit.test_holds import MovableClock

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class Shelf:
    """The DynamoDB adapters on the session's tables, a clock of the test's own, and what the retries waited."""

    def __init__(self, local_cloud: LocalCloud, client: DynamoDBClient | None = None) -> None:
        self.client: DynamoDBClient = client or boto3.client("dynamodb", config=Config(max_pool_connections=32))
        self.tables = local_cloud.settings.tables
        self.clock = MovableClock(NOW)
        self.pauses: list[float] = []
        self.inventory = DynamoInventoryRepository(DynamoTable(self.client, self.tables.inventory))
        self.reservations = DynamoReservationRepository(
            DynamoTable(self.client, self.tables.inventory),
            DynamoTable(self.client, self.tables.reservations),
            pause=self.pauses.append,
        )
        self.service = InventoryService(
            self.inventory, local_cloud.repositories.warehouses, self.reservations, self.clock
        )

    def stock(self, east: int, central: int, west: int) -> str:
        product_id = unique("p")
        for warehouse_id, available in zip(WAREHOUSE_IDS, (east, central, west), strict=True):
            self.inventory.put(StockLevel(product_id, warehouse_id, available=available))
        return product_id

    def levels(self, product_id: str) -> dict[str, tuple[int, int]]:
        return {lv.warehouse_id: (lv.available, lv.reserved) for lv in self.inventory.levels(product_id)}

    def held(self, order_id: str, *lines: tuple[str, str, int], ttl: timedelta = HOLD_TTL) -> Reservation:
        now = self.clock()
        return Reservation(
            order_id,
            tuple(AllocationLine(*line) for line in lines),
            ReservationState.HELD,
            to_iso(now),
            to_iso(now + ttl),
        )

    def state(self, order_id: str) -> ReservationState | None:
        stored = self.reservations.get(order_id)
        return stored.state if stored else None


@pytest.fixture
def shelf(local_cloud: LocalCloud) -> Shelf:
    return Shelf(local_cloud)


def test_a_hold_that_cannot_be_met_writes_nothing(shelf: Shelf) -> None:
    mug, tent = shelf.stock(5, 5, 5), shelf.stock(1, 1, 1)
    order_id = unique("ord")
    with pytest.raises(StockConflictError) as raised:
        shelf.reservations.hold(shelf.held(order_id, (mug, "wh-east", 2), (tent, "wh-central", 2)))
    assert (raised.value.product_id, raised.value.warehouse_id) == (tent, "wh-central")
    assert shelf.levels(mug)["wh-east"] == (5, 0)
    assert shelf.reservations.get(order_id) is None


def test_a_hold_is_stored_with_its_expiry_and_holding_again_takes_nothing_more(shelf: Shelf) -> None:
    mug = shelf.stock(5, 5, 5)
    order = an_order_of(mug, 2)
    hold = shelf.service.hold_for(order)
    assert (hold.state, hold.expires_at) == (ReservationState.HELD, to_iso(NOW + HOLD_TTL))
    assert shelf.reservations.get(order.id) == hold
    shelf.clock.advance(timedelta(minutes=3))
    renewed = shelf.service.hold_for(order)
    assert renewed.expires_at == to_iso(shelf.clock() + HOLD_TTL)
    assert shelf.reservations.get(order.id) == renewed
    assert sum(reserved for _, reserved in shelf.levels(mug).values()) == 2


def test_two_holds_racing_for_the_last_unit_take_it_once(shelf: Shelf) -> None:
    lamp = shelf.stock(0, 1, 0)
    orders = [an_order_of(lamp, 1) for _ in range(8)]
    start = threading.Barrier(len(orders))

    def hold(order: Order) -> bool:
        start.wait()
        try:
            shelf.service.hold_for(order)
        except OutOfStockError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=len(orders)) as pool:
        outcomes = list(pool.map(hold, orders))
    assert outcomes.count(True) == 1
    assert shelf.levels(lamp) == {"wh-east": (0, 0), "wh-central": (0, 1), "wh-west": (0, 0)}


def test_a_conversion_racing_a_reclaim_lets_exactly_one_win(shelf: Shelf) -> None:
    # Two processes whose clocks straddle the expiry: the converter still sees the hold live, the sweep sees it lapsed.
    mug = shelf.stock(20, 0, 0)
    expiry = NOW + HOLD_TTL
    for _ in range(10):
        order_id = unique("ord")
        shelf.reservations.hold(shelf.held(order_id, (mug, "wh-east", 1)))
        start = threading.Barrier(2)

        def convert(order_id: str = order_id, start: threading.Barrier = start) -> bool:
            start.wait()
            try:
                shelf.reservations.convert(order_id, expiry - timedelta(milliseconds=1))
            except HoldNotLiveError:
                return False
            return True

        def reclaim(order_id: str = order_id, start: threading.Barrier = start) -> bool:
            start.wait()
            return shelf.reservations.reclaim(order_id, expiry)

        with ThreadPoolExecutor(max_workers=2) as pool:
            converted, reclaimed = pool.submit(convert), pool.submit(reclaim)
            outcome = (converted.result(), reclaimed.result())
        assert outcome in {(True, False), (False, True)}
        assert shelf.state(order_id) is (ReservationState.RESERVED if outcome[0] else ReservationState.LAPSED)
    available, reserved = shelf.levels(mug)["wh-east"]
    assert available + reserved == 20
    conversions = 10 - (available - 10)
    assert reserved == conversions


def test_a_lapsed_hold_gives_its_units_back_once_however_many_sweeps_race(shelf: Shelf) -> None:
    mug = shelf.stock(5, 0, 0)
    order_id = unique("ord")
    shelf.reservations.hold(shelf.held(order_id, (mug, "wh-east", 4)))
    assert shelf.reservations.reclaim(order_id, NOW) is False  # live
    later = NOW + HOLD_TTL
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: shelf.reservations.reclaim(order_id, later), range(6)))
    assert outcomes.count(True) == 1
    assert shelf.levels(mug)["wh-east"] == (5, 0)
    with pytest.raises(HoldNotLiveError):
        shelf.reservations.convert(order_id, later)


def test_the_sparse_index_lists_lapsed_holds_only(shelf: Shelf) -> None:
    mug = shelf.stock(9, 0, 0)
    # A moment of the test's own, years before NOW, so other tests' holds (all from NOW on) do not answer.
    shelf.clock.moment = NOW - timedelta(days=3650, minutes=secrets.randbelow(500_000))
    lapsing, paid, released, later = (unique("ord") for _ in range(4))
    for order_id in (lapsing, paid, released):
        shelf.reservations.hold(shelf.held(order_id, (mug, "wh-east", 1)))
    shelf.reservations.hold(shelf.held(later, (mug, "wh-east", 1), ttl=HOLD_TTL * 2))
    shelf.reservations.convert(paid, shelf.clock())
    shelf.reservations.release(released)
    due = shelf.clock() + HOLD_TTL
    assert shelf.reservations.lapsed(due) == [lapsing]
    assert shelf.service.reclaim_lapsed() == 0  # the service's clock: not lapsed yet
    assert shelf.reservations.reclaim(lapsing, due) is True
    assert shelf.reservations.lapsed(due) == []
    assert shelf.reservations.lapsed(due + HOLD_TTL) == [later]


def orders_in_partition(partition: int, count: int) -> list[str]:
    """Order ids whose holds land in the index partition "HELD#<partition>"."""
    found: list[str] = []
    while len(found) < count:
        order_id = unique("ord")
        if held_mark(order_id) == f"HELD#{partition}":
            found.append(order_id)
    return found


def a_moment_of_its_own(shelf: Shelf) -> None:
    """Decades before NOW, so the holds other tests leave (all from NOW on, or NOW - 10 years) are not lapsed yet."""
    shelf.clock.moment = NOW - timedelta(days=7300, minutes=secrets.randbelow(500_000))


def test_holds_are_spread_over_the_index_partitions_by_order_id(shelf: Shelf) -> None:
    a_moment_of_its_own(shelf)
    mug = shelf.stock(64, 0, 0)
    order_ids = [unique("ord") for _ in range(64)]
    for order_id in order_ids:
        shelf.reservations.hold(shelf.held(order_id, (mug, "wh-east", 1)))
    marks = Counter(
        shelf.client.get_item(TableName=shelf.tables.reservations, Key=to_wire({"order_id": order_id}))["Item"]["held"][
            "S"
        ]
        for order_id in order_ids
    )
    assert set(marks) <= {f"HELD#{n}" for n in range(HOLD_PARTITIONS)}
    assert len(marks) >= HOLD_PARTITIONS // 2  # 64 random ids over 16 partitions: all 64 on 8 or fewer is ~1e-12
    assert max(marks.values()) <= 16
    assert all(shelf.reservations.release(order_id) for order_id in order_ids)  # none left for other tests' sweeps


def test_the_sweep_reclaims_lapsed_holds_from_every_partition(shelf: Shelf) -> None:
    a_moment_of_its_own(shelf)
    mug = shelf.stock(HOLD_PARTITIONS, 0, 0)
    order_ids = [orders_in_partition(n, 1)[0] for n in range(HOLD_PARTITIONS)]
    for order_id in order_ids:
        shelf.reservations.hold(shelf.held(order_id, (mug, "wh-east", 1)))
    shelf.clock.advance(HOLD_TTL)

    assert shelf.service.reclaim_lapsed() == HOLD_PARTITIONS
    assert {shelf.state(order_id) for order_id in order_ids} == {ReservationState.LAPSED}
    assert shelf.levels(mug)["wh-east"] == (HOLD_PARTITIONS, 0)


def test_a_partitions_backlog_does_not_keep_an_older_lapse_elsewhere_waiting(shelf: Shelf) -> None:
    a_moment_of_its_own(shelf)
    mug = shelf.stock(31, 0, 0)
    oldest = orders_in_partition(1, 1)[0]
    shelf.reservations.hold(shelf.held(oldest, (mug, "wh-east", 1)))
    backlog = orders_in_partition(0, 30)
    for order_id in backlog:
        shelf.clock.advance(timedelta(seconds=1))
        shelf.reservations.hold(shelf.held(order_id, (mug, "wh-east", 1)))
    due = shelf.clock() + HOLD_TTL

    assert shelf.reservations.lapsed(due, limit=10) == [oldest, *backlog[:9]]
    assert shelf.service.reclaim_lapsed(limit=5) == 0  # the service's clock: nothing lapsed yet
    shelf.clock.moment = due
    assert shelf.service.reclaim_lapsed(limit=5) == 5
    assert shelf.reservations.lapsed(due, limit=100) == backlog[4:]
    assert shelf.service.reclaim_lapsed(limit=100) == 26


def test_a_hold_stored_before_the_index_was_sharded_is_still_reclaimed_by_the_sweep(shelf: Shelf) -> None:
    a_moment_of_its_own(shelf)
    mug = shelf.stock(3, 0, 0)
    order_id = unique("ord")
    shelf.inventory.put(StockLevel(mug, "wh-east", available=1, reserved=2))
    taken = shelf.clock()
    old = {  # as the code before the sharded key wrote it: one partition key value for every hold
        "order_id": order_id,
        "state": "HELD",
        "created_at": to_iso(taken),
        "expires_at": to_iso(taken + HOLD_TTL),
        "held": "HELD",
        "generation": 1,
        "lines": [{"product_id": mug, "warehouse_id": "wh-east", "quantity": 2}],
    }
    shelf.client.put_item(TableName=shelf.tables.reservations, Item=to_wire(old))
    shelf.clock.advance(HOLD_TTL)

    assert shelf.reservations.lapsed(shelf.clock()) == [order_id]
    assert shelf.service.reclaim_lapsed() == 1
    assert shelf.state(order_id) is ReservationState.LAPSED
    assert shelf.levels(mug)["wh-east"] == (3, 0)
    assert shelf.reservations.lapsed(shelf.clock()) == []


def test_paying_after_a_lapse_holds_again_and_a_release_then_gives_back_the_new_hold_only(shelf: Shelf) -> None:
    mug = shelf.stock(5, 5, 5)
    order = an_order_of(mug, 2)
    shelf.service.hold_for(order)
    shelf.clock.advance(HOLD_TTL + timedelta(minutes=1))
    assert shelf.reservations.reclaim(order.id, shelf.clock()) is True
    again = shelf.service.hold_for(order)
    assert (again.state, again.created_at) == (ReservationState.HELD, to_iso(shelf.clock()))
    assert sum(reserved for _, reserved in shelf.levels(mug).values()) == 2
    assert shelf.service.release_for(order.id) is True
    assert shelf.levels(mug) == {"wh-east": (5, 0), "wh-central": (5, 0), "wh-west": (5, 0)}


class BeforeFirstTransaction:
    """The real client, except that something else happens just before its first TransactWriteItems."""

    def __init__(self, client: DynamoDBClient, meanwhile: Callable[[], None]) -> None:
        self.client = client
        self.meanwhile: Callable[[], None] | None = meanwhile

    def transact_write_items(self, **request: Any) -> Any:
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()
        return self.client.transact_write_items(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_a_release_that_read_a_hold_since_replaced_gives_back_the_replacement_not_the_old_lines(
    local_cloud: LocalCloud, shelf: Shelf
) -> None:
    mug = shelf.stock(5, 5, 5)
    order_id = unique("ord")
    shelf.reservations.hold(shelf.held(order_id, (mug, "wh-east", 1)))
    lapsed = NOW + HOLD_TTL

    def lapse_and_hold_elsewhere() -> None:
        assert shelf.reservations.reclaim(order_id, lapsed) is True
        shelf.clock.moment = lapsed
        shelf.reservations.hold(shelf.held(order_id, (mug, "wh-west", 2)))

    racing = Shelf(local_cloud, cast("DynamoDBClient", BeforeFirstTransaction(shelf.client, lapse_and_hold_elsewhere)))
    assert racing.reservations.release(order_id) is True
    assert shelf.levels(mug) == {"wh-east": (5, 0), "wh-central": (5, 0), "wh-west": (5, 0)}
    assert shelf.state(order_id) is ReservationState.RELEASED


def test_a_reservation_stored_before_holds_reads_and_settles_as_before(shelf: Shelf) -> None:
    mug = shelf.stock(3, 0, 0)
    order_id = unique("ord")
    shelf.inventory.put(StockLevel(mug, "wh-east", available=1, reserved=2))
    old = {  # as the code before holds wrote it: no expiry, no generation, no index key
        "order_id": order_id,
        "state": "RESERVED",
        "created_at": "2026-01-02T03:04:05.678Z",
        "lines": [{"product_id": mug, "warehouse_id": "wh-east", "quantity": 2}],
    }
    shelf.client.put_item(TableName=shelf.tables.reservations, Item=to_wire(old))
    stored = shelf.reservations.get(order_id)
    assert stored == Reservation(
        order_id, (AllocationLine(mug, "wh-east", 2),), ReservationState.RESERVED, "2026-01-02T03:04:05.678Z"
    )
    assert shelf.reservations.convert(order_id, NOW) == stored
    assert order_id not in shelf.reservations.lapsed(NOW + timedelta(days=3650))
    assert shelf.reservations.release(order_id) is True
    assert shelf.reservations.release(order_id) is False
    assert shelf.levels(mug)["wh-east"] == (3, 0)


@pytest.mark.parametrize("reason", ["ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict"])
def test_a_hold_cancelled_for_throttling_is_retried_with_growing_jittered_pauses_and_succeeds(
    local_cloud: LocalCloud, reason: str
) -> None:
    throttled = CancellingClient(boto3.client("dynamodb"), times=4, reason=reason)
    shelf = Shelf(local_cloud, cast("DynamoDBClient", throttled))
    mug = shelf.stock(5, 5, 5)
    order = an_order_of(mug, 2)
    hold = shelf.service.hold_for(order)
    assert hold.state is ReservationState.HELD
    assert throttled.attempts == 5
    assert len(shelf.pauses) == 4
    assert all(0 <= pause <= cap for pause, cap in zip(shelf.pauses, (0.05, 0.1, 0.2, 0.4), strict=True))
    assert sum(reserved for _, reserved in shelf.levels(mug).values()) == 2


def test_the_sagas_reservation_cancelled_for_throttling_is_retried_not_failed(local_cloud: LocalCloud) -> None:
    # Before: ThrottlingError reasons were re-raised as a permanent error, and the saga compensated a paid order.
    throttled = CancellingClient(boto3.client("dynamodb"), times=2)
    shelf = Shelf(local_cloud, cast("DynamoDBClient", throttled))
    mug = shelf.stock(5, 5, 5)
    order_id = unique("ord")
    reservation = Reservation(order_id, (AllocationLine(mug, "wh-east", 2),), ReservationState.RESERVED, "t0")
    assert shelf.reservations.reserve(reservation) == reservation
    assert shelf.levels(mug)["wh-east"] == (3, 2)


def test_lasting_throttling_gives_up_with_a_retryable_error_and_writes_nothing(local_cloud: LocalCloud) -> None:
    throttled = CancellingClient(boto3.client("dynamodb"), times=99)
    shelf = Shelf(local_cloud, cast("DynamoDBClient", throttled))
    mug = shelf.stock(5, 5, 5)
    order = an_order_of(mug, 2)
    with pytest.raises(ConcurrentUpdateError):  # named in the saga's Retry, never its Catch
        shelf.service.hold_for(order)
    assert throttled.attempts == 6
    assert sum(shelf.pauses) <= 0.05 + 0.1 + 0.2 + 0.4 + 0.8
    assert shelf.levels(mug) == {"wh-east": (5, 0), "wh-central": (5, 0), "wh-west": (5, 0)}
    assert shelf.reservations.get(order.id) is None


def test_a_failed_condition_beside_a_throttled_item_is_a_stock_conflict_not_a_retry(local_cloud: LocalCloud) -> None:
    class ShortAndThrottled(CancellingClient):
        def transact_write_items(self, **request: Any) -> Any:
            self.attempts += 1
            reasons = [{"Code": "ConditionalCheckFailed"}, {"Code": "ThrottlingError"}]
            response: dict[str, Any] = {
                "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                "CancellationReasons": [{"Code": "None"}, *reasons],
            }
            raise ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]

    client = ShortAndThrottled(boto3.client("dynamodb"), times=0)
    shelf = Shelf(local_cloud, cast("DynamoDBClient", client))
    mug = shelf.stock(5, 5, 5)
    with pytest.raises(StockConflictError):
        shelf.reservations.hold(shelf.held(unique("ord"), (mug, "wh-east", 1), (mug, "wh-west", 1)))
    assert client.attempts == 1


def test_a_throttled_settlement_is_retried_too(local_cloud: LocalCloud, shelf: Shelf) -> None:
    mug = shelf.stock(5, 0, 0)
    order_id = unique("ord")
    shelf.reservations.hold(shelf.held(order_id, (mug, "wh-east", 2)))
    throttled = Shelf(local_cloud, cast("DynamoDBClient", CancellingClient(boto3.client("dynamodb"), times=2, on=0)))
    assert throttled.reservations.release(order_id) is True
    assert shelf.levels(mug)["wh-east"] == (5, 0)


class RecordingClient:
    def __init__(self, client: DynamoDBClient) -> None:
        self.client = client
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        call = getattr(self.client, name)

        def recorded(**request: Any) -> Any:
            self.requests.append((name, request))
            return call(**request)

        return recorded


def test_the_stock_an_allocation_reads_is_read_strongly_consistent(local_cloud: LocalCloud, shelf: Shelf) -> None:
    products = [shelf.stock(1, 2, 3) for _ in range(3)]
    recording = RecordingClient(boto3.client("dynamodb"))
    inventory = DynamoInventoryRepository(
        DynamoTable(cast("DynamoDBClient", recording), shelf.tables.inventory), local_cloud.repositories.warehouses
    )
    assert [lv.available for lv in inventory.levels(products[0])] == [2, 1, 3]  # central, east, west
    assert {len(levels) for levels in inventory.levels_for_many(products).values()} == {3}
    assert inventory.levels_for_many(products[:1]) == {products[0]: inventory.levels(products[0])}
    calls = [name for name, _ in recording.requests]
    assert calls == ["query", "batch_get_item", "query", "query"]
    for name, request in recording.requests:
        if name == "query":
            assert request["ConsistentRead"] is True
        else:
            assert request["RequestItems"][shelf.tables.inventory]["ConsistentRead"] is True
