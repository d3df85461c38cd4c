"""Commands: what a caller asks the system to do, one handler each (commerce/handlers.py); `R` is what it answers.

Plain dataclasses, cheap to import: every function imports this module, whichever of them it sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the answers, named as strings in Command["..."] (ruff does not see those as uses)
    from commerce.admin.login import LoggedIn  # noqa: F401
    from commerce.admin.products import ProductChanges
    from commerce.admin.stock import StockAdjustment  # noqa: F401
    from commerce.catalog import Product, StockLevel, Warehouse  # noqa: F401
    from commerce.orders import Address, Order  # noqa: F401
    from commerce.services.ordering import PlacedOrder  # noqa: F401
    from commerce.services.payments import PaymentResult  # noqa: F401
    from commerce.webhooks import WebhookOutcome  # noqa: F401


class Command[R]:
    __slots__ = ()


@dataclass(frozen=True, slots=True)
class PlaceOrder(Command["PlacedOrder"]):
    idempotency_key: str
    email: str
    lines: list[tuple[str, int]]
    shipping_address: Address


@dataclass(frozen=True, slots=True)
class PayOrder(Command["PaymentResult"]):
    """Confirm with a new PaymentMethod, or (None) re-read the intent after 3-D Secure."""

    order_id: str
    access_token: str
    payment_method_id: str | None = None
    source: str | None = None  # the caller's address as the edge saw it: holds are capped per address


@dataclass(frozen=True, slots=True)
class SagaStep[R](Command[R]):
    """One Task of the fulfillment saga; `attempt` counts from 1, as the timeline shows it."""

    order_id: str
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class ReserveInventory(SagaStep["Order"]):
    pass


@dataclass(frozen=True, slots=True)
class CapturePayment(SagaStep["Order"]):
    pass


@dataclass(frozen=True, slots=True)
class AllocateShipment(SagaStep["Order"]):
    pass


@dataclass(frozen=True, slots=True)
class NotifyCustomer(SagaStep[bool]):
    pass


@dataclass(frozen=True, slots=True)
class MarkFulfilled(SagaStep["Order"]):
    pass


@dataclass(frozen=True, slots=True)
class CancelOrder(Command["Order"]):
    order_id: str
    reason: str
    by: str


@dataclass(frozen=True, slots=True)
class ExpireUnpaidOrders(Command[list[str]]):
    pass


@dataclass(frozen=True, slots=True)
class RedriveStuckOrders(Command[dict[str, list[str]]]):
    pass


@dataclass(frozen=True, slots=True)
class ReceiveStripeWebhook(Command["WebhookOutcome"]):
    body: bytes
    signature: str | None


@dataclass(frozen=True, slots=True)
class LogIn(Command["LoggedIn"]):
    username: str
    password: str
    source: str | None


@dataclass(frozen=True, slots=True)
class AdjustStock(Command["tuple[StockLevel, StockAdjustment]"]):
    """Set the available units (`quantity`) or change them (`delta`): exactly one of the two."""

    product_id: str
    warehouse_id: str
    expected_version: int
    by: str
    quantity: int | None = None
    delta: int | None = None
    note: str = ""
    # The client's key for this change, the same on every retry of it; "" gives each call a key of its own.
    idempotency_key: str = ""


@dataclass(frozen=True, slots=True)
class SplitStock(Command["StockLevel"]):
    """Split a product's stock in a warehouse over `shards` items for a hot sale (commerce/admin/shards.py)."""

    product_id: str
    warehouse_id: str
    by: str
    shards: int = 12  # commerce.stock_shards.DEFAULT_HOT_SHARDS


@dataclass(frozen=True, slots=True)
class MergeStock(Command["StockLevel"]):
    """Fold a split stock's shards back into its one item."""

    product_id: str
    warehouse_id: str
    by: str


@dataclass(frozen=True, slots=True)
class CreateProduct(Command["Product"]):
    changes: ProductChanges


@dataclass(frozen=True, slots=True)
class UpdateProduct(Command["Product"]):
    product_id: str
    changes: ProductChanges


@dataclass(frozen=True, slots=True)
class SetProductActive(Command["Product"]):
    product_id: str
    active: bool


@dataclass(frozen=True, slots=True)
class CreateWarehouse(Command["Warehouse"]):
    id: str
    name: str
    latitude: float
    longitude: float
    region: str
