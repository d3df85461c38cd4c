"""Holds cannot be hoarded, through the GraphQL API on the local cloud: a customer at the cap of live holds is refused
a new one (HOLD_LIMIT_REACHED) before any stock is taken or Stripe is asked, while other shoppers still buy."""

from __future__ import annotations

import uuid

import pytest

from commerce.hold_limits import HOLDS_PER_CUSTOMER
from infra.local.cloud import LocalCloud
from tests.integration.conftest import StockedProduct
from tests.integration.shop import Shop
from tests.integration.stripe_cards import AUTHORIZES, DECLINES

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
