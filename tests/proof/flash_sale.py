"""A flash sale of one SKU: a crowd buys exactly the stock, with and without shards, while holds lapse and a hoarder
tries to hold the sale.

One product, its units in one warehouse (a sale's stock), optionally split over shards before the rush (SplitStock
through the message bus, as the admin API's splitStock sends it). Each shopper is one customer on an address of
their own (a loopback address per shopper: the local API sees the peer as the caller). The phases:

1. a hoarder (optional): one customer on one address places many orders and pays each with a declining card at once,
   so each order keeps its hold (a decline keeps the hold for the next card);
2. the first wave of the crowd pays with cards that authorize, and "slow 3-D Secure" shoppers pay with a card that
   asks for the challenge (payOrder answers REQUIRES_ACTION, their units held);
3. time passes their holds' expiry: the sweep (ExpireUnpaidOrders, run by a bus whose clock reads that moment)
   reclaims them, and the hoarder's;
4. the rest of the crowd buys, the reclaimed units with what was left;
5. the slow shoppers complete 3-D Secure: their authorizations arrive after their hold lapsed and the stock went to
   others, so each one must be cancelled, never captured (the saga's conversion finds no stock; or payOrder's
   re-read is refused OUT_OF_STOCK and Stripe's webhook brings the authorization to the saga);
6. time passes the unpaid-order expiry: the sweep ends every order still unpaid.

Checks: exactly the stock is sold (per item and summed over the shards: nothing negative, nothing left reserved,
available + reserved + shipped as stocked); no shopper whose hold was live when the card was authorized is failed
for want of stock; the late authorizations are counted apart and every one ends cancelled; every order is terminal,
a fulfilled one captured in full, any other keeping no money and no authorization; the hoarder held at most what the
code allows at once, and the crowd still bought.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from commerce import wiring
from commerce.bootstrap import bootstrap
from commerce.clock import from_iso
from commerce.commands import ExpireUnpaidOrders, SplitStock
from commerce.order_status import OrderStatus
from commerce.payments import PaymentStatus
from commerce.reservations import HOLD_LIMIT, ReservationState
from infra.local.cloud import LocalCloud
from infra.local.secrets import LOCAL_VALUES
from tests.integration.shop import PlacedOrder, Shop, intent_event
from tests.integration.stripe_cards import AUTHORIZES, DECLINES, NEEDS_3D_SECURE
from tests.proof.contention import TERMINAL, WAREHOUSES, shopper, stock_product

SALE_WAREHOUSE = WAREHOUSES[1]  # wh-central
HOARDER_EMAIL = "hoarder@example.com"
WEBHOOK_SECRET = str(LOCAL_VALUES["stripe"]["webhook_secret"])
HOARDER = 9_999  # the hoarder's shopper number: one address for all their orders


@dataclass
class FlashSaleResult:
    shoppers: int
    units: int
    shards: int
    outcomes: Counter[str] = field(default_factory=Counter)
    units_sold: int = 0
    # Among shoppers whose hold was live when their card was authorized: must be 0.
    authorized_then_failed_for_stock: int = 0
    # Slow 3-D Secure shoppers whose authorization arrived after their hold lapsed and its units were sold.
    late_authorizations: int = 0
    late_authorizations_cancelled: int = 0
    holds_reclaimed_mid_run: int = 0
    orders_spanning_shards: int = 0
    hoarder_orders: int = 0
    hoarder_held_at_once: int = 0
    hoarder_allowed: int = 0  # what the code allows one customer on one address to hold at once
    hoarder_refused: int = 0
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


@dataclass
class Buyer:
    number: int
    order: PlacedOrder | None = None
    answer: dict[str, object] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        found = self.answer.get("errors") or []
        assert isinstance(found, list)
        return [str(error["code"]) for error in found]


def run_flash_sale(
    cloud: LocalCloud,
    *,
    shoppers: int,
    units: int,
    shards: int = 0,
    quantity: int = 1,
    slow_3ds: int = 0,
    hoarder_orders: int = 0,
    seed: int = 20,
) -> FlashSaleResult:
    """`shoppers` in the crowd (quantity units each) for `units` of one SKU; `slow_3ds` of them lapse mid-run."""
    rng = random.Random(seed)
    started = time.monotonic()
    result = FlashSaleResult(shoppers=shoppers, units=units, shards=shards, hoarder_orders=hoarder_orders)
    product = stock_product(cloud, (0, units, 0))  # all in SALE_WAREHOUSE
    if shards:
        level = cloud.bus.handle(SplitStock(product, SALE_WAREHOUSE, "proof-admin", shards=shards))
        if level.shards != shards or level.available != units:
            result.violations.append(f"split over {shards} shards gave {level}")
    sale = Sale(cloud, product, quantity, result)

    hoarder = sale.hoard(hoarder_orders)
    numbers = list(range(shoppers))
    rng.shuffle(numbers)
    slow_numbers, crowd = numbers[:slow_3ds], numbers[slow_3ds:]
    # Holds lapse mid-run: the first wave meets them, the second buys what the sweep puts back on sale. With slow
    # shoppers among it, the first wave leaves them stock to hold (a slow shopper refused outright holds nothing).
    first = crowd
    if slow_3ds:
        first = crowd[: max(0, (units - (slow_3ds + len(hoarder)) * quantity) // quantity // 2)]
    elif hoarder:
        first = crowd[: len(crowd) // 2]
    second = crowd[len(first) :]
    wave = sale.buy([*((n, AUTHORIZES) for n in first), *((n, NEEDS_3D_SECURE) for n in slow_numbers)])
    crowd_buyers = [buyer for buyer in wave if buyer.number not in slow_numbers]
    slow = [buyer for buyer in wave if buyer.number in slow_numbers]
    for buyer in slow:
        if buyer.answer.get("outcome") != "REQUIRES_ACTION":
            result.violations.append(f"slow shopper {buyer.number} was not asked for 3-D Secure: {buyer.answer}")

    lapsing = [buyer.order.id for buyer in [*slow, *hoarder] if buyer.order and sale.held(buyer.order.id)]
    if lapsing:
        # Nobody else holds anything live when time jumps: the first wave's orders have ended.
        sale.settle(buyer.order for buyer in crowd_buyers if buyer.order and not buyer.errors)
        expiries = [sale.hold_expiry(order_id) for order_id in lapsing]
        sale.sweep_at(max(expiries) + timedelta(seconds=1))
        result.holds_reclaimed_mid_run = sum(sale.state(order_id) is ReservationState.LAPSED for order_id in lapsing)
        if result.holds_reclaimed_mid_run != len(lapsing):
            result.violations.append(f"{len(lapsing)} holds lapsed, {result.holds_reclaimed_mid_run} reclaimed")
    crowd_buyers += sale.buy([(n, AUTHORIZES) for n in second])

    for buyer in slow:  # 3-D Secure completes in their browsers; the page then asks payOrder again
        if buyer.order is None:
            continue
        secret = str(buyer.answer.get("clientSecret") or "")
        intent_id = secret.partition("_secret_")[0]
        sale.shop.authenticate_3ds(intent_id, secret)
        again = shopper(cloud, buyer.number).pay(buyer.order, None)
        result.outcomes[f"slow, payOrder after 3-D Secure: {_answer(again)}"] += 1
        # Stripe tells the webhook of the authorization (localstripe sends no amount_capturable_updated: signed here).
        status = sale.shop.post_webhook(
            intent_event("payment_intent.amount_capturable_updated", intent_id), WEBHOOK_SECRET
        )
        result.outcomes[f"slow, Stripe's webhook answered {status}"] += 1
    sale.settle(buyer.order for buyer in [*crowd_buyers, *slow] if buyer.order and not buyer.errors)
    sale.sweep_at(datetime.now(UTC) + timedelta(minutes=cloud.settings.unpaid_order_minutes) + HOLD_LIMIT)

    sale.check_orders(crowd_buyers, slow, hoarder)
    sale.check_stock()
    result.seconds = time.monotonic() - started
    return result


class Sale:
    def __init__(self, cloud: LocalCloud, product: str, quantity: int, result: FlashSaleResult) -> None:
        self.cloud = cloud
        self.product = product
        self.quantity = quantity
        self.result = result
        self.shop = Shop(cloud)
        self.repositories = cloud.repositories

    def buy(self, shoppers: list[tuple[int, str]]) -> list[Buyer]:
        """Each shopper places an order and pays with the card, all at once."""

        def one(number_card: tuple[int, str]) -> Buyer:
            number, card = number_card
            buyer = Buyer(number)
            client = shopper(self.cloud, number)
            try:
                buyer.order = client.place([(self.product, self.quantity)], email=f"shopper-{number}@example.com")
            except AssertionError:
                self.result.outcomes["refused at placement"] += 1
                return buyer  # availability already gone: nothing written, nothing charged
            buyer.answer = client.pay(buyer.order, card)
            self.result.outcomes[f"payOrder: {_answer(buyer.answer)}"] += 1
            return buyer

        if not shoppers:
            return []
        with ThreadPoolExecutor(max_workers=min(len(shoppers), 32)) as pool:
            return list(pool.map(one, shoppers))

    def hoard(self, orders: int) -> list[Buyer]:
        """One customer on one address: `orders` orders, each paid at once with a declining card to keep its hold."""
        if not orders:
            return []
        client = shopper(self.cloud, HOARDER)
        placed = [client.place([(self.product, self.quantity)], email=HOARDER_EMAIL) for _ in range(orders)]

        def pay(order: PlacedOrder) -> Buyer:
            return Buyer(HOARDER, order, shopper(self.cloud, HOARDER).pay(order, DECLINES))

        with ThreadPoolExecutor(max_workers=min(orders, 16)) as pool:
            hoarded = list(pool.map(pay, placed))
        for buyer in hoarded:
            self.result.outcomes[f"hoarder: {_answer(buyer.answer)}"] += 1
        self.result.hoarder_held_at_once = sum(
            buyer.order is not None and self.held(buyer.order.id) for buyer in hoarded
        )
        self.result.hoarder_refused = sum(bool(buyer.errors) for buyer in hoarded)
        self.result.hoarder_allowed = hoarder_allowed(orders)
        if self.result.hoarder_held_at_once > self.result.hoarder_allowed:
            self.result.violations.append(
                f"the hoarder holds {self.result.hoarder_held_at_once} orders' stock at once; "
                f"the code allows {self.result.hoarder_allowed}"
            )
        if any(buyer.answer.get("outcome") == "AUTHORIZED" for buyer in hoarded):
            self.result.violations.append("a declining card was authorized")
        return hoarded

    def held(self, order_id: str) -> bool:
        return self.state(order_id) is ReservationState.HELD

    def state(self, order_id: str) -> ReservationState | None:
        reservation = self.repositories.reservations.get(order_id)
        return reservation.state if reservation else None

    def hold_expiry(self, order_id: str) -> datetime:
        reservation = self.repositories.reservations.get(order_id)
        assert reservation is not None and reservation.expires_at is not None, f"{order_id} holds nothing"
        return from_iso(reservation.expires_at)

    def sweep_at(self, moment: datetime) -> None:
        """The sweep (the expiry schedule's command) as it runs at `moment`: lapsed holds reclaimed, unpaid expired."""
        bootstrap(clock=lambda: moment).handle(ExpireUnpaidOrders())

    def settle(self, orders: Iterable[PlacedOrder]) -> None:
        for order in orders:
            self.shop.wait_until(order, *TERMINAL, timeout=120)
        self.cloud.wait_idle()

    def check_orders(self, crowd: list[Buyer], slow: list[Buyer], hoarder: list[Buyer]) -> None:
        result = self.result
        gateway = self.cloud.bus.dependencies.build(wiring.gateway)
        slow_ids = {buyer.order.id for buyer in slow if buyer.order}
        fulfilled_units = 0
        for buyer in [*crowd, *slow, *hoarder]:
            if buyer.order is None:
                continue
            stored = self.repositories.orders.get(buyer.order.id)
            assert stored is not None
            kind = "slow" if stored.id in slow_ids else "hoarder" if buyer.number == HOARDER else "crowd"
            result.outcomes[f"{kind} order {stored.status.value}"] += 1
            if stored.status not in TERMINAL:
                result.violations.append(f"{stored.id} ({kind}) never ended: {stored.status.value}")
                continue
            intent = gateway.retrieve(stored.payment.intent_id) if stored.payment.intent_id else None
            received = intent.amount_received - intent.amount_refunded if intent else 0
            if stored.status is OrderStatus.FULFILLED:
                fulfilled_units += sum(line.quantity for line in stored.lines)
                if intent is None or intent.status is not PaymentStatus.SUCCEEDED or received != stored.total.amount:
                    result.violations.append(f"{stored.id} fulfilled but its payment is {intent}")
                if self._spans_shards(stored.id):
                    result.orders_spanning_shards += 1
            elif received or (intent is not None and intent.status is PaymentStatus.REQUIRES_CAPTURE):
                result.violations.append(f"{stored.id} {stored.status.value} but keeps {received} / {intent}")
            failed_for_stock = stored.payment.authorized and "OutOfStock" in (stored.failure_reason or "")
            if stored.id in slow_ids:
                if stored.payment.authorized or (intent is not None and intent.amount_capturable):
                    result.late_authorizations += 1
                    cancelled = intent is not None and intent.status is PaymentStatus.CANCELED and not received
                    result.late_authorizations_cancelled += cancelled
                    if not cancelled or stored.status is OrderStatus.FULFILLED:
                        result.violations.append(f"late authorization of {stored.id} not cancelled: {intent}")
                else:
                    result.violations.append(f"slow shopper's {stored.id} never authorized after 3-D Secure")
            elif failed_for_stock:
                result.authorized_then_failed_for_stock += 1
                result.violations.append(f"{stored.id}: authorized with a live hold, then failed for want of stock")
        result.units_sold = fulfilled_units

    def check_stock(self) -> None:
        result = self.result
        (level,) = [
            level
            for level in self.repositories.inventory.levels(self.product)
            if level.available or level.reserved or level.shipped or level.warehouse_id == SALE_WAREHOUSE
        ]
        items = level.items or ()
        for item in items:
            if min(item.available, item.reserved, item.shipped) < 0 or item.reserved:
                result.violations.append(f"{self.product} item {item.shard or 'base'}: {item}")
        if level.shards != result.shards or (result.shards and len(items) != result.shards + 1):
            result.violations.append(f"{result.shards} shards made, {level.shards} found ({len(items)} items)")
        sums = (level.available, level.reserved, level.shipped)
        if items and sums != tuple(sum(getattr(i, f) for i in items) for f in ("available", "reserved", "shipped")):
            result.violations.append(f"{self.product}: the level {sums} is not the sum of its items")
        if level.available + level.reserved + level.shipped != result.units or min(sums) < 0 or level.reserved:
            result.violations.append(f"{self.product}: {level} but {result.units} were stocked")
        if level.shipped != result.units_sold:
            result.violations.append(f"{result.units_sold} units in fulfilled orders but {level.shipped} shipped")
        if level.shipped != result.units:
            result.violations.append(f"sold {level.shipped} of {result.units}: stock left unsold while shoppers failed")

    def _spans_shards(self, order_id: str) -> bool:
        reservation = self.repositories.reservations.get(order_id)
        return reservation is not None and len({line.shard for line in reservation.lines}) > 1


def hoarder_allowed(orders: int) -> int:
    """How many live holds the code lets one customer on one address keep: no cap yet, so every order's."""
    return orders


def _answer(answer: dict[str, object]) -> str:
    errors = answer.get("errors") or []
    assert isinstance(errors, list)
    return ", ".join(str(error["code"]) for error in errors) or str(answer.get("outcome"))
