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

An unplanned rush (`throttle`): the stock table's partitions limited to that many write units a second, as DynamoDB
limits each to ~1,000 (infra/local/moto_throttling.py): the crowd's holds on the unsplit item are cancelled with
ThrottlingError until a payOrder splits it (commerce/hot_stock.py); STOCK_BUSY answers are tried again as the
storefront does. The item must have split itself exactly once (the stock audit trail's entries by AUTO_SPLIT_BY).

Checks: exactly the stock is sold (per item and summed over the shards: nothing negative, nothing left reserved,
available + reserved + shipped as stocked); no shopper whose hold was live when the card was authorized is failed
for want of stock; the late authorizations are counted apart and every one ends cancelled; every order is terminal,
a fulfilled one captured in full, any other keeping no money and no authorization; the hoarder held exactly what the
caps allow at once (its other orders refused HOLD_LIMIT_REACHED before the card), and the crowd still bought.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from commerce.bootstrap import bootstrap
from commerce.clock import from_iso
from commerce.commands import ExpireUnpaidOrders, SplitStock
from commerce.hot_stock import AUTO_SPLIT_BY
from commerce.reservations import HOLD_LIMIT, ReservationState
from commerce.settings import Settings
from infra.local.cloud import LocalCloud
from infra.local.secrets import LOCAL_VALUES
from tests.integration.shop import PlacedOrder, Shop, intent_event
from tests.integration.stripe_cards import AUTHORIZES, DECLINES, NEEDS_3D_SECURE
from tests.proof.contention import TERMINAL, pay_patiently, shopper, stock_product
from tests.proof.flash_sale_books import (
    HOARDER,
    SALE_WAREHOUSE,
    Buyer,
    FlashSaleResult,
    check_orders,
    check_stock,
)

HOARDER_EMAIL = "hoarder@example.com"
# The stock items' partitions only: locally one order's own partitions take ~10 units in their busiest second (its
# saga's steps in quick succession), as near a crowd-scaled limit as the hot item, while on AWS they take ~1% of it.
THROTTLED_TABLES = ("inventory",)
SHARD_MARK = "#"  # in a shard item's partition key, `<product>#<shard>` (commerce/stock_shards.py item_key)
WEBHOOK_SECRET = str(LOCAL_VALUES["stripe"]["webhook_secret"])


def run_flash_sale(
    cloud: LocalCloud,
    *,
    shoppers: int,
    units: int,
    shards: int = 0,
    quantity: int = 1,
    slow_3ds: int = 0,
    hoarder_orders: int = 0,
    throttle: int = 0,
    seed: int = 20,
) -> FlashSaleResult:
    """`shoppers` in the crowd (quantity units each) for `units` of one SKU; `slow_3ds` of them lapse mid-run. With
    `throttle`, every DynamoDB partition takes that many write units a second, no more (an unplanned rush)."""
    rng = random.Random(seed)
    started = time.monotonic()
    result = FlashSaleResult(
        shoppers=shoppers, units=units, shards=shards, hoarder_orders=hoarder_orders, throttle=throttle
    )
    product = stock_product(cloud, (0, units, 0))  # all in SALE_WAREHOUSE
    if shards:
        level = cloud.bus.handle(SplitStock(product, SALE_WAREHOUSE, "proof-admin", shards=shards))
        if level.shards != shards or level.available != units:
            result.violations.append(f"split over {shards} shards gave {level}")
    sale = Sale(cloud, product, quantity, result)
    with cloud.partitions_throttled(throttle, tables=THROTTLED_TABLES) as partitions:  # 0: off
        crowd_buyers, slow, hoarder = _rush(
            sale, rng, shoppers=shoppers, units=units, slow_3ds=slow_3ds, hoarder_orders=hoarder_orders
        )
        result.throttled_transactions = partitions.refused
        result.throttled_on_shards = sum(n for key, n in partitions.refused_at.items() if SHARD_MARK in key)
        result.peak_partition_units = partitions.peaks
    result.automatic_splits = automatic_splits(cloud, product)
    result.stock_busy_answers = result.outcomes["payOrder answered STOCK_BUSY, tried again"]
    if throttle and not shards and result.automatic_splits != 1:
        result.violations.append(f"the rush on the unsplit item split it {result.automatic_splits} times, not once")
    check_orders(cloud, result, crowd_buyers, slow, hoarder)
    check_stock(cloud, product, result)
    result.seconds = time.monotonic() - started
    return result


def _rush(
    sale: Sale, rng: random.Random, *, shoppers: int, units: int, slow_3ds: int, hoarder_orders: int
) -> tuple[list[Buyer], list[Buyer], list[Buyer]]:
    """The phases of the sale; the crowd, the slow shoppers and the hoarder's orders."""
    cloud, result, quantity = sale.cloud, sale.result, sale.quantity
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
        if buyer.order is None or buyer.answer.get("outcome") != "REQUIRES_ACTION":
            continue
        secret = str(buyer.answer.get("clientSecret") or "")
        intent_id = secret.partition("_secret_")[0]
        sale.shop.authenticate_3ds(intent_id, secret)
        again = pay_patiently(shopper(cloud, buyer.number), buyer.order, None, result.outcomes)
        result.outcomes[f"slow, payOrder after 3-D Secure: {_answer(again)}"] += 1
        # Stripe tells the webhook of the authorization (localstripe sends no amount_capturable_updated: signed here).
        status = sale.shop.post_webhook(
            intent_event("payment_intent.amount_capturable_updated", intent_id), WEBHOOK_SECRET
        )
        result.outcomes[f"slow, Stripe's webhook answered {status}"] += 1
    sale.settle(buyer.order for buyer in [*crowd_buyers, *slow] if buyer.order and not buyer.errors)
    sale.sweep_at(datetime.now(UTC) + timedelta(minutes=cloud.settings.unpaid_order_minutes) + HOLD_LIMIT)
    return crowd_buyers, slow, hoarder


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
            buyer.answer = pay_patiently(client, buyer.order, card, self.result.outcomes)
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
            return Buyer(
                HOARDER, order, pay_patiently(shopper(self.cloud, HOARDER), order, DECLINES, self.result.outcomes)
            )

        with ThreadPoolExecutor(max_workers=min(orders, 16)) as pool:
            hoarded = list(pool.map(pay, placed))
        for buyer in hoarded:
            self.result.outcomes[f"hoarder: {_answer(buyer.answer)}"] += 1
        self.result.hoarder_held_at_once = sum(
            buyer.order is not None and self.held(buyer.order.id) for buyer in hoarded
        )
        self.result.hoarder_refused = sum("HOLD_LIMIT_REACHED" in buyer.errors for buyer in hoarded)
        self.result.hoarder_allowed = hoarder_allowed(self.cloud.settings, orders)
        # The sale has stock for every order the hoarder may hold: the caps, not the stock, must be what refuses.
        if self.result.hoarder_held_at_once != self.result.hoarder_allowed:
            self.result.violations.append(
                f"the hoarder holds {self.result.hoarder_held_at_once} orders' stock at once; "
                f"the caps allow {self.result.hoarder_allowed}"
            )
        if self.result.hoarder_refused != orders - self.result.hoarder_allowed:
            self.result.violations.append(
                f"{self.result.hoarder_refused} of the hoarder's {orders} orders were refused HOLD_LIMIT_REACHED; "
                f"{orders - self.result.hoarder_allowed} should have been"
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


def automatic_splits(cloud: LocalCloud, product: str) -> int:
    """The splits the product made by itself, as the stock audit trail records them."""
    history = cloud.repositories.stock_ledger.history(product, limit=100, cursor=None)
    return sum(adjustment.by == AUTO_SPLIT_BY for adjustment in history.items)


def hoarder_allowed(settings: Settings, orders: int) -> int:
    """How many live holds one customer on one address may keep at once (commerce/hold_limits.py): the caps per
    customer email and per source address (0 there: no cap per address, as in the local cloud)."""
    caps = [orders, settings.holds_per_customer]
    if settings.holds_per_source:
        caps.append(settings.holds_per_source)
    return min(caps)


def _answer(answer: dict[str, object]) -> str:
    errors = answer.get("errors") or []
    assert isinstance(errors, list)
    return ", ".join(str(error["code"]) for error in errors) or str(answer.get("outcome"))
