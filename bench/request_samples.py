"""What single requests of the web app cost, metered on their own: the order page's status poll, and a storefront
page (products, first 20) for scale. The poll joins the per-order cost (bench/spa.py says how many); the page view
is shown beside it, since how many views an order takes is the shop's conversion rate, not the system's doing.
"""

from __future__ import annotations

from collections.abc import Callable

from bench.meter import Meter
from bench.order_usage import per_unit
from bench.usage_model import OrderUsage
from infra.local.cloud import LocalCloud
from tests.integration.shop import PlacedOrder, Shop

PRODUCTS_PAGE = """
query Storefront($first: Int!) {
  products(first: $first) {
    edges { node { id name category price { amount currency } imageUrl availability { available state } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def sample(cloud: LocalCloud, meter: Meter, request: Callable[[], object], times: int) -> OrderUsage:
    meter.start()
    for _ in range(times):
        request()
    cloud.wait_idle()
    return per_unit(meter.stop(), times)


def poll_usage(cloud: LocalCloud, meter: Meter, order: PlacedOrder, times: int) -> OrderUsage:
    """One `orderUpdates` poll of a fulfilled order from its first event on: the largest answer a poll can get."""
    shop = Shop(cloud)
    first_event = cloud.repositories.events.list(order.id)[0].id
    return sample(cloud, meter, lambda: shop.updates(order, after=first_event), times)


def page_view_usage(cloud: LocalCloud, meter: Meter, times: int) -> OrderUsage:
    shop = Shop(cloud)
    return sample(cloud, meter, lambda: shop.graphql(PRODUCTS_PAGE, {"first": 20}), times)
