"""payOrder while the stack's Stripe write budget is spent: PAYMENTS_BUSY with the wait, the hold kept, nothing sent
to Stripe; the same payOrder once the budget has room authorizes."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import pytest

from commerce.payment_budget import WINDOW_MS
from commerce.repositories.payment_budget import KEY_PREFIX
from commerce.reservations import ReservationState
from infra.local.cloud import LocalCloud
from tests.integration.conftest import StockedProduct
from tests.integration.shop import Shop
from tests.integration.stripe_cards import AUTHORIZES

PAY = """
mutation Pay($id: ID!, $token: String!, $card: String) {
  payOrder(orderId: $id, accessToken: $token, paymentMethodId: $card) {
    outcome retryAfterMs errors { field code message } order { id status heldUntil payment { status } }
  }
}"""


@contextmanager
def spent_budget(cloud: LocalCloud, seconds: float) -> Iterator[None]:
    """Every window of the next `seconds` counted full, as if other functions had spent them."""
    client = boto3.client("dynamodb")
    table = cloud.settings.tables.idempotency
    first = math.floor(time.time() * 1000) // WINDOW_MS
    keys = [f"{KEY_PREFIX}{window}" for window in range(first, first + math.ceil(seconds * 1000 / WINDOW_MS))]
    for key in keys:
        client.put_item(TableName=table, Item={"key": {"S": key}, "writes": {"N": "1000"}})
    try:
        yield
    finally:
        for key in keys:
            client.delete_item(TableName=table, Key={"key": {"S": key}})


@pytest.fixture(scope="module")
def shop(local_cloud: LocalCloud) -> Shop:
    return Shop(local_cloud)


def test_pay_order_answers_payments_busy_keeps_the_hold_and_authorizes_once_the_budget_has_room(
    local_cloud: LocalCloud, shop: Shop, stocked_product: StockedProduct
) -> None:
    product = stocked_product("payments-busy", {"wh-east": 2})
    order = shop.place([(product, 1)])
    card = shop.card(AUTHORIZES)

    with spent_budget(local_cloud, seconds=10):
        busy = shop.graphql(PAY, {"id": order.id, "token": order.token, "card": card})["payOrder"]

    assert [error["code"] for error in busy["errors"]] == ["PAYMENTS_BUSY"]
    assert 0 < busy["retryAfterMs"] <= WINDOW_MS
    stored = local_cloud.repositories.orders.get(order.id)
    assert stored is not None and stored.held_until is not None and stored.payment.intent_id is None
    reservation = local_cloud.repositories.reservations.get(order.id)
    assert reservation is not None and reservation.state is ReservationState.HELD

    paid = shop.graphql(PAY, {"id": order.id, "token": order.token, "card": card})["payOrder"]
    assert (paid["errors"], paid["outcome"], paid["retryAfterMs"]) == ([], "AUTHORIZED", None)
