"""What one hot product can sell on AWS, and what a flash sale needs: stock shards, Lambda concurrency, Stripe calls.

Stock: a product's units in a warehouse are one DynamoDB item, or k shard items with partition keys of their own
(commerce/stock_shards.py). A partition serves at most 1,000 write units a second (docs.aws.amazon.com/amazondynamodb/
latest/developerguide/bp-partition-key-design.html); a write inside a transaction costs two units per started KB of the
item ("Managing complex workflows with DynamoDB transactions", capacity management). Every hold writes one item (the
shard it takes from) in its TransactWriteItems, and every hold ends with exactly one more transaction on the same
item: shipped (AllocateShipment), released (a cancellation) or reclaimed (it lapsed). The conversion after
authorization writes only the reservation record. So an item takes 1,000 / (2 x 2) = 250 holds a second, and a sale
sells at most that many orders a second per item, whether or not every hold pays.

Stripe: https://docs.stripe.com/rate-limits. Live mode allows about 100 operations a second per account; the page
has said "100 read operations and 100 write operations" and, in its newer wording, 100 requests in all with a default
of 25 a second per endpoint. We assume the first (writes and reads limited apart), and show the stricter reading
beside it. An order costs 3 writes (create the intent, confirm it, capture it) and 3 reads (the gateway re-reads the
intent before confirming and before capturing; the webhook re-fetches it).

Lambda: concurrency is arrival rate x duration (Little's law). Durations on AWS are assumptions stated here, not
measured (the local figures run on moto and localstripe): payOrder is dominated by Stripe's confirmation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench.dynamodb_units import TRANSACTION_FACTOR, write_units
from commerce.payment_budget import new_orders_per_second
from commerce.repositories.holds_index import HOLD_PARTITIONS

PARTITION_WRITE_UNITS_PER_S = 1000
ITEM_WRITES_PER_HOLD = 2  # the hold, then its end: shipped, released or reclaimed
RESERVATION_RECORD_BYTES = 400  # the record's size as the cost section measures it: under 1 KB
RECORD_WRITES_PER_ORDER = 3  # hold (in the transaction), conversion (alone), shipment (in the transaction)
RECORD_WRITES_IN_TRANSACTIONS = 2

STRIPE_LIVE_WRITES_PER_S = 100
STRIPE_LIVE_READS_PER_S = 100
STRIPE_PER_ENDPOINT_PER_S = 25  # the newer wording's default per endpoint
STRIPE_WRITES_PER_ORDER = 3  # create intent, confirm, capture
STRIPE_READS_PER_ORDER = 3  # retrieve before confirm, before capture, the webhook's re-fetch
STRIPE_RETRIEVES_PER_ORDER = 3  # all three reads are GET /v1/payment_intents/{id}: one endpoint
DEFAULT_STRIPE_WRITE_BUDGET = 80  # STRIPE_WRITES_PER_SECOND's default (commerce/payment_budget.py)

# Assumed durations on AWS, seconds: payOrder waits for Stripe's confirmation (an authorization round trip to the
# card network, typically well under a second; 1 s is the planning figure), the saga's five steps for the capture
# (a Stripe round trip) and four DynamoDB-only steps.
PAY_ORDER_SECONDS = 1.0
PLACE_ORDER_SECONDS = 0.1
SAGA_SECONDS = 1.0
LAMBDA_DEFAULT_CONCURRENCY = 1000  # per account and region, raisable (Lambda quotas)

# Every hold enters the reservations table's sparse holds index and leaves it when it ends, and a keys-only entry
# costs one write unit: one partition's 1,000 WCU/s takes ~500 holds a second. The index's partition key has
# HOLD_PARTITIONS values, a hold's chosen by its order id (commerce/repositories/holds_index.py): ~8,000 holds a
# second shop-wide, however the stock is sharded.
HOLDS_INDEX_PARTITIONS = HOLD_PARTITIONS
HOLDS_INDEX_HOLDS_PER_S = HOLDS_INDEX_PARTITIONS * PARTITION_WRITE_UNITS_PER_S // 2

# Random shard choice spreads holds unevenly, and shards that sold out push their share onto the others: plan for
# half of each shard's ceiling.
SHARD_UTILISATION = 0.5


def item_units_per_write(item_bytes: int) -> int:
    return write_units(item_bytes) * TRANSACTION_FACTOR


def holds_per_s_per_item(item_bytes: int) -> float:
    """Holds (and so orders) a second one stock item takes before its partition throttles."""
    return PARTITION_WRITE_UNITS_PER_S / (item_units_per_write(item_bytes) * ITEM_WRITES_PER_HOLD)


def orders_per_s(shards: int, item_bytes: int) -> float:
    """Orders a second for one product in one warehouse with its stock on `shards` items (0: not split, one item)."""
    return max(1, shards) * holds_per_s_per_item(item_bytes)


def shards_needed(orders: float, item_bytes: int, utilisation: float = SHARD_UTILISATION) -> int:
    """Shard items for `orders` a second, each planned at `utilisation` of its ceiling; 1 means no split is needed."""
    return max(1, math.ceil(orders / (holds_per_s_per_item(item_bytes) * utilisation)))


def stripe_orders_per_s(writes_per_s: float, writes_per_order: int = STRIPE_WRITES_PER_ORDER) -> float:
    return writes_per_s / writes_per_order


@dataclass(frozen=True)
class FlashSale:
    units: int = 10_000
    seconds: int = 60
    units_per_order: int = 1
    peak_factor: float = 3.0

    @property
    def orders(self) -> int:
        return math.ceil(self.units / self.units_per_order)

    @property
    def sustained_orders_per_s(self) -> float:
        return self.orders / self.seconds

    @property
    def peak_orders_per_s(self) -> float:
        return self.sustained_orders_per_s * self.peak_factor


@dataclass(frozen=True)
class SalePlan:
    sale: FlashSale
    item_bytes: int
    shards: int
    shard_orders_per_s: float  # the ceiling with `shards` items
    table_write_units_per_s: float  # the stock items and the reservation records, at the peak
    api_concurrency: int
    saga_concurrency: int
    stripe_writes_per_s_needed: float
    stripe_orders_per_s: float  # through one account at Stripe's write limit, nothing queued
    stripe_orders_per_s_strict: float  # the newer wording: 100 requests in all, 25 a second per endpoint
    budget_orders_per_s: float  # at the product's own write budget
    seconds_to_pay_all: float  # every order of the sale through the budget

    @property
    def lambda_concurrency(self) -> int:
        return self.api_concurrency + self.saga_concurrency


def plan(
    sale: FlashSale,
    item_bytes: int,
    *,
    pay_order_seconds: float = PAY_ORDER_SECONDS,
    budget_writes_per_s: int = DEFAULT_STRIPE_WRITE_BUDGET,
) -> SalePlan:
    peak = sale.peak_orders_per_s
    shards = shards_needed(peak, item_bytes)
    record_units = write_units(RESERVATION_RECORD_BYTES) * (
        RECORD_WRITES_IN_TRANSACTIONS * TRANSACTION_FACTOR + RECORD_WRITES_PER_ORDER - RECORD_WRITES_IN_TRANSACTIONS
    )
    per_order_units = item_units_per_write(item_bytes) * ITEM_WRITES_PER_HOLD + record_units
    strict = min(
        (STRIPE_LIVE_WRITES_PER_S) / (STRIPE_WRITES_PER_ORDER + STRIPE_READS_PER_ORDER),
        STRIPE_PER_ENDPOINT_PER_S / STRIPE_RETRIEVES_PER_ORDER,
    )
    # New payments take 2/3 of each window (captures come first): the rate a flood is admitted at.
    budget_orders = new_orders_per_second(budget_writes_per_s)
    return SalePlan(
        sale=sale,
        item_bytes=item_bytes,
        shards=shards,
        shard_orders_per_s=orders_per_s(shards, item_bytes),
        table_write_units_per_s=peak * per_order_units,
        api_concurrency=math.ceil(peak * (PLACE_ORDER_SECONDS + pay_order_seconds)),
        saga_concurrency=math.ceil(peak * SAGA_SECONDS),
        stripe_writes_per_s_needed=sale.sustained_orders_per_s * STRIPE_WRITES_PER_ORDER,
        stripe_orders_per_s=stripe_orders_per_s(STRIPE_LIVE_WRITES_PER_S),
        stripe_orders_per_s_strict=strict,
        budget_orders_per_s=budget_orders,
        seconds_to_pay_all=sale.orders / budget_orders,
    )
