"""In-memory repositories with the same contracts as the DynamoDB ones, for unit tests of the domain."""

from __future__ import annotations

import builtins
import threading
from collections.abc import Iterable

from commerce.admin.warehouses import DuplicateWarehouseError
from commerce.catalog import DEFAULT_LOW_STOCK_THRESHOLD, Product, StockItem, StockLevel, Warehouse
from commerce.clock import Clock
from commerce.errors import ConcurrentUpdateError
from commerce.idempotency import DuplicateRequestError, IdempotencyRecord
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.pagination import InvalidCursorError, Page, decode_cursor, encode_cursor
from commerce.ports import (
    IdempotencyRepository,
    InventoryRepository,
    OrderEventRepository,
    OrderRepository,
    ProductRepository,
    WarehouseRepository,
)
from commerce.stock_shards import item_key, shard_ids, summed
from commerce.timeline import OrderEvent


def _page[T](
    ordered: list[T], positions: Iterable[tuple[str, ...]], limit: int, cursor: str | None, *, descending: bool = False
) -> Page[T]:
    """A page of `ordered`, which is sorted by `positions` (descending: newest first).

    A cursor is a position, as DynamoDB's ExclusiveStartKey is: the next page starts after it even when the item
    that was there has left the listing since (a sweep that expires the orders it lists moves each out of it).
    """
    keys = list(positions)
    start = 0
    if cursor:
        after = decode_cursor(cursor).get("after")
        if not isinstance(after, list) or not all(isinstance(part, str) for part in after):
            raise InvalidCursorError(cursor)
        position = tuple(after)
        start = next((i for i, key in enumerate(keys) if (key < position if descending else key > position)), len(keys))
    window = slice(start, start + limit)
    return Page(
        ordered[window],
        [encode_cursor({"after": list(key)}) for key in keys[window]],
        has_next=start + limit < len(ordered),
    )


class InMemoryProductRepository(ProductRepository):
    def __init__(self) -> None:
        self.products: dict[str, Product] = {}

    def add(self, product: Product) -> None:
        self.products[product.id] = product

    def create(self, product: Product) -> None:
        if product.id in self.products:
            raise ConcurrentUpdateError("product", product.id)
        self.products[product.id] = product

    def replace(self, product: Product, expected_version: int) -> None:
        stored = self.products.get(product.id)
        if stored is None or stored.version != expected_version:
            raise ConcurrentUpdateError("product", product.id)
        self.products[product.id] = product

    def get(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    def get_many(self, product_ids: Iterable[str]) -> dict[str, Product]:
        return {pid: self.products[pid] for pid in product_ids if pid in self.products}

    def page(self, *, category: str | None, limit: int, cursor: str | None, active: bool = True) -> Page[Product]:
        listed = sorted(
            (p for p in self.products.values() if p.active == active and category in (None, p.category)),
            key=_catalog_position,
        )
        return _page(listed, map(_catalog_position, listed), limit, cursor)


def _catalog_position(product: Product) -> tuple[str, str]:
    # The DynamoDB index's sort key is the string "category#sku", which sorts "home decor#…" before "home#…".
    return (f"{product.category}#{product.sku}", product.id)


class InMemoryWarehouseRepository(WarehouseRepository):
    def __init__(self) -> None:
        self.warehouses: dict[str, Warehouse] = {}
        self._lock = threading.Lock()  # check and write as one step, as DynamoDB's condition does

    def add(self, warehouse: Warehouse) -> None:
        self.warehouses[warehouse.id] = warehouse

    def create(self, warehouse: Warehouse) -> None:
        with self._lock:
            if warehouse.id in self.warehouses:
                raise DuplicateWarehouseError(warehouse.id)
            self.warehouses[warehouse.id] = warehouse

    def all(self) -> list[Warehouse]:
        return sorted(self.warehouses.values(), key=lambda w: w.id)


class InMemoryInventoryRepository(InventoryRepository):
    """Items keyed as in DynamoDB: (product id, warehouse id), a shard's product id being `item_key`'s."""

    def __init__(self) -> None:
        self.stock: dict[tuple[str, str], StockLevel] = {}
        self.thresholds: dict[str, int] = {}  # what the DynamoDB items carry as headroom, per product
        # DynamoDB's transactions: every in-memory store that writes stock checks and writes under this one lock.
        self.lock = threading.RLock()

    def put(self, level: StockLevel, low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD) -> None:
        self.stock[(level.product_id, level.warehouse_id)] = level
        self.thresholds[level.product_id] = low_stock_threshold

    def levels(self, product_id: str) -> list[StockLevel]:
        with self.lock:
            bases = sorted(
                (lv for (pid, _), lv in self.stock.items() if pid == product_id), key=lambda lv: lv.warehouse_id
            )
            return [summed(base, self._shards(base)) for base in bases]

    def _shards(self, base: StockLevel) -> list[StockItem]:
        found = []
        for shard in shard_ids(base.split, base.shards):
            item = self.stock.get((item_key(base.product_id, shard), base.warehouse_id))
            if item is not None:
                found.append(StockItem(shard, item.available, item.reserved, item.shipped, item.version))
        return found


class InMemoryOrderEventRepository(OrderEventRepository):
    def __init__(self) -> None:
        self.events: list[OrderEvent] = []

    def append(self, event: OrderEvent) -> None:
        # A put: an event written again under its id replaces the stored one, as DynamoDB's PutItem does.
        self.events[:] = [e for e in self.events if (e.order_id, e.id) != (event.order_id, event.id)]
        self.events.append(event)

    def list(self, order_id: str, *, after: str | None = None, limit: int = 100) -> builtins.list[OrderEvent]:
        mine = sorted(
            (e for e in self.events if e.order_id == order_id and (after is None or e.id > after)), key=lambda e: e.id
        )
        return mine[:limit]


class InMemoryIdempotencyRepository(IdempotencyRepository):
    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.records: dict[str, IdempotencyRecord] = {}

    def get(self, key: str) -> IdempotencyRecord | None:
        record = self.records.get(key)
        return record if record and self.is_live(record) else None

    def claim(self, record: IdempotencyRecord) -> bool:
        if self.get(record.key) is not None:
            return False
        self.records[record.key] = record
        return True

    def release(self, key: str) -> None:
        self.records.pop(key, None)


class InMemoryOrderRepository(OrderRepository):
    def __init__(self, events: InMemoryOrderEventRepository, idempotency: InMemoryIdempotencyRepository) -> None:
        self.orders: dict[str, Order] = {}
        self.events = events
        self.idempotency = idempotency

    def create(self, order: Order, event: OrderEvent, claim: IdempotencyRecord) -> None:
        existing = self.idempotency.get(claim.key)
        if existing is not None:
            raise DuplicateRequestError(existing)
        if order.id in self.orders:
            raise ConcurrentUpdateError("order", order.id)
        self.idempotency.claim(claim)
        self.orders[order.id] = order
        self.events.append(event)

    def get(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def save(self, order: Order, expected_version: int, events: Iterable[OrderEvent] = ()) -> None:
        stored = self.orders.get(order.id)
        if stored is None or stored.version != expected_version:
            raise ConcurrentUpdateError("order", order.id)
        self.orders[order.id] = order
        for event in events:
            self.events.append(event)

    def by_customer(self, email: str, *, limit: int, cursor: str | None) -> Page[Order]:
        return self._newest_first([o for o in self.orders.values() if o.email == email.lower()], limit, cursor)

    def by_status(
        self,
        status: OrderStatus,
        *,
        limit: int,
        cursor: str | None,
        created_from: str | None = None,
        created_to: str | None = None,
    ) -> Page[Order]:
        matching = [
            o
            for o in self.orders.values()
            if o.status == status
            and (created_from is None or o.created_at >= created_from)
            and (created_to is None or o.created_at <= created_to)
        ]
        return self._newest_first(matching, limit, cursor)

    @staticmethod
    def _newest_first(orders: builtins.list[Order], limit: int, cursor: str | None) -> Page[Order]:
        ordered = sorted(orders, key=lambda o: (o.created_at, o.id), reverse=True)
        return _page(ordered, ((o.created_at, o.id) for o in ordered), limit, cursor, descending=True)
