"""Orders end to end on the local system: C shoppers place and pay N orders as the web app does, and every order
runs on to FULFILLED (payOrder → PaymentAuthorized on the bus → the saga), Stripe's webhook arriving meanwhile as
production gets it (bench/stripe_webhooks.py).

Shoppers do not wait for their orders: each places, pays and opens the order page, then starts the next one, so the
pipeline is as full as C shoppers can make it. One at a time instead, each order finishes (and Stripe's webhook for
it is handled) before the next is placed: nothing queues behind anything, the closest this one process comes to Lambda
functions that each have a CPU of their own, so that is how durations for the cost model are measured.

One order goes through every function first, unmetered: each function's first call imports its handler and builds
its clients (about 3 s in all here, the cold-start table's subject), which would otherwise be spread over the measured
orders as if every order paid a share, and would stretch the first invocations whose durations price Lambda.

Throughput is orders fulfilled per second from the first placement to the last fulfilment, and latency is payment
(the AUTHORIZED status) to SHIPPED, both from the orders' own timelines (server clocks, millisecond resolution). The
SPA's status polls are modelled afterwards (bench/spa.py), not sent, so the figures are those of the pipeline itself.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench.catalog import stock_products
from bench.executions import Execution, executions_of
from bench.meter import Meter, Usage
from bench.order_watch import OrderTimes, OrderWatch, unmetered_session
from bench.sampler import Samples, StackSampler
from bench.stripe_webhooks import StripeWebhooks
from commerce.order_status import OrderStatus
from infra.local.cloud import LocalCloud
from tests.integration.shop import PlacedOrder, Shop
from tests.integration.stripe_cards import AUTHORIZES

# What the order page asks for when it opens (frontend/src/features/orders: the detail query).
ORDER_PAGE = """
query OrderPage($id: ID!, $token: String!) {
  order(id: $id, accessToken: $token) {
    id status total { amount currency } lines { productId quantity }
    shipments { carrier trackingNumber } timeline { id type message at }
  }
}"""


@dataclass
class PipelineRun:
    orders: int
    shoppers: int
    placed: list[PlacedOrder]
    times: list[OrderTimes]
    usage: Usage
    executions: list[Execution]
    samples: Samples | None
    refused_webhooks: list[str]

    @property
    def fulfilled(self) -> list[OrderTimes]:
        return [t for t in self.times if t.status is OrderStatus.FULFILLED and t.finished_at and t.shipped_at]

    @property
    def seconds(self) -> float:
        ends = [t.finished_at for t in self.times if t.finished_at]
        return (max(ends) - min(t.placed_at for t in self.times)).total_seconds() if ends else 0.0

    @property
    def orders_per_second(self) -> float:
        return len(self.fulfilled) / self.seconds if self.seconds else 0.0

    def payment_to(self, milestone: str) -> list[float]:
        """Seconds from payment to "shipped" or "finished", per fulfilled order."""
        return [
            (getattr(t, f"{milestone}_at") - t.authorized_at).total_seconds()
            for t in self.fulfilled
            if t.authorized_at is not None
        ]


def run_pipeline(
    cloud: LocalCloud,
    meter: Meter,
    *,
    orders: int,
    shoppers: int,
    seed: int = 7,
    profile: bool = False,
    one_at_a_time: bool = False,
) -> PipelineRun:
    rng = random.Random(seed)  # noqa: S311 - the same baskets in every run, not secrecy
    products = stock_products(cloud.repositories, count=6, units_per_warehouse=orders * 10)
    baskets = [
        [(product, rng.randint(1, 2)) for product in rng.sample(products, rng.randint(1, 3))] for _ in range(orders)
    ]
    watch = OrderWatch(cloud.settings)
    webhooks = StripeWebhooks(cloud)
    local = threading.local()

    def shop_once(basket: list[tuple[str, int]]) -> PlacedOrder:
        if not hasattr(local, "shop"):
            local.shop = Shop(cloud)
        shop: Shop = local.shop
        order = shop.place(basket, email=f"shopper-{threading.get_ident() % 1000}@example.com")
        paid = shop.pay(order, AUTHORIZES)
        assert paid["outcome"] == "AUTHORIZED", paid
        webhooks.authorized(watch.intent_of(order.id))
        shop.graphql(ORDER_PAGE, {"id": order.id, "token": order.token})
        if one_at_a_time:
            watch.wait_until_finished([order.id], timeout_s=60)
            webhooks.wait()
            cloud.wait_idle()
        return order

    warm_up = shop_once([(products[0], 1)])
    watch.wait_until_finished([warm_up.id], timeout_s=60)
    webhooks.wait()
    cloud.wait_idle()

    meter.start()
    sampler = StackSampler().start() if profile else None
    with ThreadPoolExecutor(max_workers=1 if one_at_a_time else shoppers, thread_name_prefix="shopper") as pool:
        placed = list(pool.map(shop_once, baskets))
    ids = [order.id for order in placed]
    watch.wait_until_finished(ids, timeout_s=60 + orders)
    webhooks.wait()
    cloud.wait_idle()
    samples = sampler.stop() if sampler else None
    usage = meter.stop()
    sfn = unmetered_session().client("stepfunctions")
    return PipelineRun(
        orders=orders,
        shoppers=shoppers,
        placed=placed,
        times=[watch.times(order_id) for order_id in ids],
        usage=usage,
        executions=executions_of(sfn, cloud.state_machine_arn, ids),
        samples=samples,
        refused_webhooks=webhooks.refused,
    )
