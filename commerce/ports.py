"""Repository ports: the DynamoDB adapters implement them for real, the in-memory ones for domain unit tests."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from commerce.catalog import DEFAULT_LOW_STOCK_THRESHOLD, Product, StockLevel, Warehouse
from commerce.clock import Clock, epoch_seconds
from commerce.idempotency import IdempotencyRecord
from commerce.order_status import OrderStatus
from commerce.orders import Order
from commerce.pagination import Page
from commerce.timeline import OrderEvent


class ProductRepository(ABC):
    @abstractmethod
    def add(self, product: Product) -> None: ...

    @abstractmethod
    def create(self, product: Product) -> None:
        """Save a new product; raises ConcurrentUpdateError if its id is taken."""

    @abstractmethod
    def replace(self, product: Product, expected_version: int) -> None:
        """Save an edited product if its stored version is still `expected_version`; ConcurrentUpdateError otherwise."""

    @abstractmethod
    def get(self, product_id: str) -> Product | None: ...

    @abstractmethod
    def get_many(self, product_ids: Iterable[str]) -> dict[str, Product]: ...

    @abstractmethod
    def page(self, *, category: str | None, limit: int, cursor: str | None, active: bool = True) -> Page[Product]:
        """Products sorted by category then SKU; active ones, or (for admins) the deactivated ones."""


class WarehouseRepository(ABC):
    @abstractmethod
    def add(self, warehouse: Warehouse) -> None:
        """Write the warehouse as it is (seeding, tests); admins create warehouses through `create`."""

    @abstractmethod
    def create(self, warehouse: Warehouse) -> None:
        """Save a new warehouse; raises DuplicateWarehouseError, having written nothing, if its id is taken."""

    @abstractmethod
    def all(self) -> list[Warehouse]:
        """Every warehouse, a just-created one included (allocation and stock checks rely on it)."""


class InventoryRepository(ABC):
    @abstractmethod
    def put(self, level: StockLevel, low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD) -> None:
        """Write the level as it is (seeding, tests); admins change stock through the StockLedger instead."""

    @abstractmethod
    def levels(self, product_id: str) -> list[StockLevel]: ...

    def levels_for_many(self, product_ids: Iterable[str]) -> dict[str, list[StockLevel]]:
        return {product_id: self.levels(product_id) for product_id in dict.fromkeys(product_ids)}


class OrderRepository(ABC):
    @abstractmethod
    def create(self, order: Order, event: OrderEvent, claim: IdempotencyRecord) -> None:
        """Save a new order, its first timeline event and the idempotency claim, all or nothing.

        Raises DuplicateRequestError when the claim's key is already taken.
        """

    @abstractmethod
    def get(self, order_id: str) -> Order | None: ...

    @abstractmethod
    def save(self, order: Order, expected_version: int, events: Iterable[OrderEvent] = ()) -> None:
        """Replace the order if its stored version is still `expected_version`, with its timeline events.

        Raises ConcurrentUpdateError otherwise.
        """

    @abstractmethod
    def by_customer(self, email: str, *, limit: int, cursor: str | None) -> Page[Order]: ...

    @abstractmethod
    def by_status(
        self,
        status: OrderStatus,
        *,
        limit: int,
        cursor: str | None,
        created_from: str | None = None,
        created_to: str | None = None,
    ) -> Page[Order]: ...

    def each_by_status(self, status: OrderStatus, *, created_to: str | None = None, batch: int = 50) -> Iterator[Order]:
        """Every order in `status` created up to `created_to`, newest first, page by page from the index."""
        cursor: str | None = None
        while True:
            page = self.by_status(status, limit=batch, cursor=cursor, created_to=created_to)
            yield from page.items
            if not page.has_next:
                return
            cursor = page.end_cursor


class OrderEventRepository(ABC):
    @abstractmethod
    def append(self, event: OrderEvent) -> None: ...

    @abstractmethod
    def list(self, order_id: str, *, after: str | None = None, limit: int = 100) -> list[OrderEvent]:
        """Events of the order in time order, only those after the cursor `after` (an event id) if given."""


class IdempotencyRepository(ABC):
    """Owns the expiry judgement: a record counts until its `expires_at`, by the clock it is given.

    DynamoDB's TTL deletes expired items up to days late, so an expired record must read as absent, and a new claim
    may take its key; both implementations ask `now()` here, never the machine's clock.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def now(self) -> int:
        return epoch_seconds(self.clock)

    def is_live(self, record: IdempotencyRecord) -> bool:
        return record.expires_at > self.now()

    @abstractmethod
    def get(self, key: str) -> IdempotencyRecord | None:
        """The live record under `key`, or None when there is none or it has expired."""

    @abstractmethod
    def claim(self, record: IdempotencyRecord) -> bool:
        """Claim the key; False if it was already claimed (the first claim stands)."""

    @abstractmethod
    def release(self, key: str) -> None:
        """Give the key up again, when the work it guarded did not happen."""
