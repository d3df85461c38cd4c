"""No oversell: many shoppers at once buy a scarce SKU; exactly the stock is sold, the rest fail cleanly.

Cleanly means before their card is touched: payOrder holds the stock first, so a shopper who finds it gone is
refused OUT_OF_STOCK with no Stripe call, and no shopper whose hold was live is authorized and then failed for want
of stock (`authorized_then_failed_for_stock`, 14 of 200 before holds).
"""

from __future__ import annotations

import random
import secrets
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx2

from commerce import wiring
from commerce.catalog import StockLevel
from commerce.order_status import OrderStatus
from commerce.payments import PaymentStatus
from infra.local.cloud import LocalCloud
from tests.integration.shop import PlacedOrder, Shop
from tests.integration.stripe_cards import AUTHORIZES
from tests.unit.builders import a_product

WAREHOUSES = ("wh-east", "wh-central", "wh-west")
PATIENCE = 10  # payOrder attempts a shopper makes while payments or the stock are busy
BUSY = ("PAYMENTS_BUSY", "STOCK_BUSY")
TERMINAL = (OrderStatus.FULFILLED, OrderStatus.FAILED, OrderStatus.CANCELLED, OrderStatus.EXPIRED)


@dataclass
class ContentionResult:
    shoppers: int
    units: int
    outcomes: Counter[str] = field(default_factory=Counter)
    units_sold: int = 0
    # Shoppers whose card was authorized and whose order then failed because the stock was gone: the bank shows
    # such a hold for days. Payment-first (before issue 19) made it 14 of 200 shoppers for 50 units.
    authorized_then_failed_for_stock: int = 0
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


def shopper(cloud: LocalCloud, number: int) -> Shop:
    """A shop client for shopper `number`, calling from a loopback address of its own (127.x.y.z): the local API
    takes the peer as the caller's address, so a crowd is many addresses, as it is behind the edge."""
    client = Shop(cloud)
    assert cloud.http is not None
    high, low = divmod(number, 250)
    address = f"127.{1 + high // 250}.{high % 250}.{1 + low}"
    client.http = httpx2.Client(
        base_url=cloud.http.base_url, timeout=120, transport=httpx2.HTTPTransport(local_address=address)
    )
    return client


def pay_patiently(client: Shop, order: PlacedOrder, card: str | None, busy: Counter[str]) -> dict[str, Any]:
    """payOrder as the storefront calls it: PAYMENTS_BUSY (the Stripe write budget is spent; the hold is kept) and
    STOCK_BUSY (the stock too contended to hold; nothing held) are tried again after a pause, as the page does after
    `retryAfterMs`; `busy` counts the answers that said so."""
    for attempt in range(PATIENCE):
        paid = client.pay(order, card)
        codes = [error["code"] for error in paid["errors"]]
        said = next((code for code in BUSY if code in codes), None)
        if said is None:
            return paid
        busy[f"payOrder answered {said}, tried again"] += 1
        time.sleep(0.2 * (attempt + 1))
    return paid


def stock_product(cloud: LocalCloud, units_per_warehouse: tuple[int, int, int], price: int = 1500) -> str:
    product = a_product(f"p-proof-{secrets.token_hex(4)}", price=price, category="proof")
    cloud.repositories.products.add(product)
    for warehouse, units in zip(WAREHOUSES, units_per_warehouse, strict=True):
        cloud.repositories.inventory.put(StockLevel(product.id, warehouse, available=units))
    return product.id


def check_stock(cloud: LocalCloud, product_id: str, initial: dict[str, int], result: ContentionResult) -> int:
    """Invariants per item and warehouse; returns the units shipped."""
    shipped = 0
    for level in cloud.repositories.inventory.levels(product_id):
        if min(level.available, level.reserved, level.shipped) < 0:
            result.violations.append(f"{product_id}@{level.warehouse_id} went negative: {level}")
        if level.available + level.reserved + level.shipped != initial[level.warehouse_id]:
            result.violations.append(f"{product_id}@{level.warehouse_id} not conserved: {level}")
        if level.reserved:
            result.violations.append(f"{product_id}@{level.warehouse_id} still reserves {level.reserved}")
        shipped += level.shipped
    return shipped


def run_contention(
    cloud: LocalCloud, *, shoppers: int, units: tuple[int, int, int], basket_skus: int = 1, seed: int = 7
) -> ContentionResult:
    """`shoppers` threads each place and pay an order at once; with basket_skus > 1, random baskets over SKUs."""
    rng = random.Random(seed)
    products = [stock_product(cloud, units) for _ in range(basket_skus)]
    initial = dict(zip(WAREHOUSES, units, strict=True))
    baskets = [
        [
            (product, rng.randint(1, 2) if basket_skus > 1 else 1)
            for product in rng.sample(products, rng.randint(1, basket_skus))
        ]
        for _ in range(shoppers)
    ]
    result = ContentionResult(shoppers=shoppers, units=sum(units) * basket_skus)
    busy: Counter[str] = Counter()
    shop = Shop(cloud)
    started = time.monotonic()

    def buy(numbered: tuple[int, list[tuple[str, int]]]) -> tuple[PlacedOrder, list[str]] | None:
        number, basket = numbered
        client = shopper(cloud, number)
        try:
            order = client.place(basket, email=f"shopper-{number}@example.com")
        except AssertionError:
            return None  # refused at placement (availability already gone): nothing was written or charged
        paid = pay_patiently(client, order, AUTHORIZES, busy)
        return order, [error["code"] for error in paid["errors"]]

    with ThreadPoolExecutor(max_workers=min(shoppers, 32)) as pool:
        answered = [outcome for outcome in pool.map(buy, enumerate(baskets)) if outcome is not None]
    result.outcomes["refused at placement"] = shoppers - len(answered)
    result.outcomes.update(busy)
    placed = [order for order, errors in answered if "OUT_OF_STOCK" not in errors]
    for order, errors in answered:
        if "OUT_OF_STOCK" not in errors:
            continue
        result.outcomes["refused at payOrder (OUT_OF_STOCK)"] += 1
        stored = cloud.repositories.orders.get(order.id)
        if stored is None or stored.payment.intent_id is not None:
            result.violations.append(f"{order.id} refused OUT_OF_STOCK but Stripe was asked (an intent was opened)")
    for order in placed:
        final = shop.wait_until(order, *TERMINAL, timeout=300)
        result.outcomes[final.status.value] += 1
        intent_id = final.payment.intent_id
        assert intent_id is not None
        intent = cloud.bus.dependencies.build(wiring.gateway).retrieve(intent_id)
        if final.status is OrderStatus.FULFILLED and intent.status is not PaymentStatus.SUCCEEDED:
            result.violations.append(f"{order.id} fulfilled but payment {intent.status}")
        if final.status is OrderStatus.FAILED and intent.status is not PaymentStatus.CANCELED:
            result.violations.append(f"{order.id} failed but its authorization is {intent.status}")
        if (
            final.status is OrderStatus.FAILED
            and final.payment.authorized
            and "OutOfStock" in (final.failure_reason or "")
        ):
            result.authorized_then_failed_for_stock += 1
    cloud.wait_idle()
    result.units_sold = sum(check_stock(cloud, product, initial, result) for product in products)
    fulfilled_units = sum(
        quantity
        for order in placed
        if (stored := cloud.repositories.orders.get(order.id)) and stored.status is OrderStatus.FULFILLED
        for quantity in (line.quantity for line in stored.lines)
    )
    if fulfilled_units != result.units_sold:
        result.violations.append(f"{fulfilled_units} units in fulfilled orders but {result.units_sold} shipped")
    if basket_skus == 1 and result.units_sold != result.units:
        result.violations.append(f"sold {result.units_sold} of {result.units}: stock left unsold while shoppers failed")
    result.seconds = time.monotonic() - started
    return result
