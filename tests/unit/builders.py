"""Test data with sensible defaults: name only what a test is about."""

from __future__ import annotations

from datetime import UTC, datetime

from commerce.catalog import Product
from commerce.clock import Clock
from commerce.money import Money
from commerce.order_status import OrderStatus
from commerce.orders import Address, Order, OrderLine


def fixed_clock(moment: datetime) -> Clock:
    return lambda: moment


def epoch_clock(seconds: int) -> Clock:
    """A clock stopped at `seconds` after the epoch: for tests that speak in DynamoDB TTLs and Stripe timestamps."""
    return fixed_clock(datetime.fromtimestamp(seconds, UTC))


AN_ADDRESS = Address(name="Ada Lovelace", line1="1 Analytical Way", city="Austin", postal_code="78701", country="US")


def a_product(
    product_id: str = "p-mug", *, price: int = 1800, currency: str = "USD", active: bool = True, category: str = "home"
) -> Product:
    return Product(
        id=product_id,
        sku=f"SKU-{product_id}",
        name=f"Product {product_id}",
        description="",
        category=category,
        price=Money(price, currency),
        image_url=f"/images/{product_id}.svg",
        active=active,
    )


def an_order(*, order_id: str = "ord_1", status: OrderStatus = OrderStatus.PENDING_PAYMENT) -> Order:
    line = OrderLine("p-mug", "SKU-p-mug", "Mug", Money(1800, "USD"), 2)
    return Order(
        id=order_id,
        email="ada@example.com",
        lines=(line,),
        shipping_address=AN_ADDRESS,
        subtotal=line.total,
        shipping=Money(599, "USD"),
        total=line.total + Money(599, "USD"),
        status=status,
        access_token_hash="0" * 64,
        idempotency_key="key-12345678",
        created_at="2026-11-24T09:00:00.000Z",
        updated_at="2026-11-24T09:00:00.000Z",
    )
