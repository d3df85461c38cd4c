"""Holds cannot be hoarded, through the GraphQL API on the local cloud: a customer at the cap of live holds is refused
a new one (HOLD_LIMIT_REACHED) before any stock is taken or Stripe is asked, while other shoppers still buy."""

from __future__ import annotations

import uuid

import pytest

from commerce.catalog import StockLevel
from commerce.hold_limits import HOLDS_PER_CUSTOMER, HOLDS_PER_SOURCE
from infra.local.cloud import LocalCloud
from tests.integration.conftest import StockedProduct
from tests.integration.shop import LambdaShop, Shop
from tests.integration.stripe_cards import AUTHORIZES, DECLINES
from tests.proof.isolated import isolated_services
from tests.unit.builders import a_product

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shop(local_cloud: LocalCloud) -> Shop:
    return Shop(local_cloud)


def test_a_hoarder_at_the_cap_is_refused_before_the_card_while_another_shopper_buys(
    shop: Shop, stocked_product: StockedProduct
) -> None:
    product = stocked_product("hoarded", {"wh-east": 10})
    hoarder = f"hoarder-{uuid.uuid4().hex[:8]}@example.com"
    for _ in range(HOLDS_PER_CUSTOMER):
        assert shop.pay(shop.place([(product, 2)], hoarder), DECLINES)["outcome"] == "DECLINED"
    # The same mailbox with a tag is the same customer.
    refused_order = shop.place([(product, 2)], hoarder.replace("@", "+again@"))

    refused = shop.pay(refused_order, DECLINES)

    assert refused["outcome"] is None
    assert [error["code"] for error in refused["errors"]] == ["HOLD_LIMIT_REACHED"]
    assert f"you already have {HOLDS_PER_CUSTOMER} orders holding stock" in refused["errors"][0]["message"]
    assert shop.cloud.repositories.reservations.get(refused_order.id) is None
    stored = shop.cloud.repositories.orders.get(refused_order.id)
    assert stored is not None and stored.payment.intent_id is None  # Stripe was never asked
    other = shop.place([(product, 2)], f"shopper-{uuid.uuid4().hex[:8]}@example.com")
    assert shop.pay(other, AUTHORIZES)["outcome"] == "AUTHORIZED"


class EdgeShop(LambdaShop):
    """On tables of their own with the production caps per address; `product` is stocked there."""

    product = ""


@pytest.fixture(scope="module")
def edge_shop(local_cloud: LocalCloud) -> EdgeShop:
    world = isolated_services(local_cloud, settings_changes={"holds_per_source": HOLDS_PER_SOURCE})
    product = a_product(f"p-edge-{uuid.uuid4().hex[:8]}", price=2500, category="edge")
    world.parts.repositories.products.add(product)
    world.parts.repositories.inventory.put(StockLevel(product.id, "wh-east", available=40))
    shop = EdgeShop(local_cloud, world.bus)
    shop.product = product.id
    return shop


def test_one_address_with_many_emails_is_refused_past_the_cap_behind_the_edge_while_another_address_buys(
    edge_shop: EdgeShop,
) -> None:
    for _ in range(HOLDS_PER_SOURCE):  # a script: a fresh mailbox per order, one address
        assert edge_shop.pay(edge_shop.place([(edge_shop.product, 1)]), DECLINES)["outcome"] == "DECLINED"
    # A header the caller writes (X-Forwarded-For) does not make it someone else: only CloudFront's does.
    edge_shop.forwarded_for = "203.0.113.99"
    refused_order = edge_shop.place([(edge_shop.product, 1)])

    refused = edge_shop.pay(refused_order, DECLINES)

    assert [error["code"] for error in refused["errors"]] == ["HOLD_LIMIT_REACHED"]
    assert f"this network already has {HOLDS_PER_SOURCE} orders holding stock" in refused["errors"][0]["message"]
    edge_shop.viewer, edge_shop.forwarded_for = "2001:db8:7::1", None
    assert edge_shop.pay(edge_shop.place([(edge_shop.product, 1)]), AUTHORIZES)["outcome"] == "AUTHORIZED"
