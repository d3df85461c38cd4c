"""Stripe's signed webhooks for the payment's whole life, on the local cloud: what the Dashboard does reaches the
order, and what the product never made is acknowledged, never a 5xx.

localstripe emits neither `charge.refunded` nor `payment_intent.canceled`: the Dashboard's action is made with the
SDK against it, and the event Stripe would send is posted here, signed with the endpoint's secret.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import stripe

from commerce import wiring_services
from commerce.order_status import OrderStatus
from commerce.orders import Order
from infra.local.cloud import LocalCloud
from infra.local.secrets import LOCAL_VALUES
from infra.local.stripe_server import SECRET_KEY
from tests.integration.conftest import StockedProduct
from tests.integration.shop import PlacedOrder, Shop, intent_event, stripe_signature
from tests.integration.stripe_cards import AUTHORIZES, DECLINES

pytestmark = pytest.mark.integration

SECRET = LOCAL_VALUES["stripe"]["webhook_secret"]


@pytest.fixture(scope="module")
def shop(local_cloud: LocalCloud) -> Iterator[Shop]:
    yield Shop(local_cloud)


@pytest.fixture
def dashboard(local_cloud: LocalCloud) -> stripe.StripeClient:
    """Someone at Stripe's Dashboard: the same account, not the product's code."""
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": local_cloud.stripe.api_base})


def post(shop: Shop, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    body = json.dumps(event).encode()
    headers = {"content-type": "application/json", "stripe-signature": stripe_signature(body, SECRET, int(time.time()))}
    response = shop.http.post("/webhooks/stripe", content=body, headers=headers)
    return response.status_code, response.json()


def charge_event(event_type: str, charge_id: str, intent_id: str | None) -> dict[str, Any]:
    return {
        "id": f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": {"id": charge_id, "object": "charge", "payment_intent": intent_id}},
    }


def eventually(shop: Shop, order: PlacedOrder, done: Callable[[Order], bool], timeout: float = 20.0) -> Order:
    deadline = time.monotonic() + timeout
    while True:
        found = shop.cloud.repositories.orders.get(order.id)
        assert found is not None
        if done(found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{order.id} never got there: {found.status} {found.payment}")
        time.sleep(0.1)


def refunds_today(shop: Shop) -> int:
    today = datetime.now(UTC).date()
    report = shop.cloud.bus.dependencies.build(wiring_services.analytics_queries).report(today, today)
    return sum(revenue.refunded for revenue in report.revenue if revenue.currency == "USD")


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(intent_event("payment_intent.amount_capturable_updated", "pi_never_made_here"), id="unknown"),
        pytest.param(intent_event("payment_intent.canceled", "pi_never_made_here"), id="unknown canceled"),
        pytest.param(charge_event("charge.refunded", "ch_legacy", None), id="a charge without an intent"),
    ],
)
def test_a_signed_event_about_an_object_never_made_here_is_acknowledged(shop: Shop, event: dict[str, Any]) -> None:
    assert post(shop, event) == (200, {"received": "unknown"})


def test_a_signed_event_about_another_integrations_intent_is_acknowledged(
    shop: Shop, dashboard: stripe.StripeClient
) -> None:
    theirs = dashboard.v1.payment_intents.create(params={"amount": 500, "currency": "usd"})
    event = intent_event("payment_intent.amount_capturable_updated", theirs.id)
    assert post(shop, event) == (200, {"received": "unknown"})


def test_refunds_made_in_the_dashboard_reach_the_orders_payment_timeline_and_analytics(
    shop: Shop, stocked_product: StockedProduct, dashboard: stripe.StripeClient
) -> None:
    order = shop.place([(stocked_product("webhook-refunds", {"wh-east": 2}), 1)])
    shop.pay(order, AUTHORIZES)
    assert shop.wait_until(order, OrderStatus.FULFILLED, OrderStatus.FAILED).status is OrderStatus.FULFILLED
    intent_id = shop.intent_id(order)
    refunds_before = refunds_today(shop)

    refund = dashboard.v1.refunds.create(params={"payment_intent": intent_id, "amount": 1000})
    partial = charge_event("charge.refunded", str(refund.charge), intent_id)
    assert post(shop, partial) == (200, {"received": "published"})
    assert post(shop, partial) == (200, {"received": "duplicate"})
    refunded = eventually(shop, order, lambda found: found.payment.refunded == 1000)
    assert refunded.payment.status == "PARTIALLY_REFUNDED" and refunded.status is OrderStatus.FULFILLED

    dashboard.v1.refunds.create(params={"payment_intent": intent_id, "amount": order.total - 1000})
    assert post(shop, charge_event("charge.refunded", str(refund.charge), intent_id))[0] == 200
    in_full = eventually(shop, order, lambda found: found.payment.refunded == order.total)
    assert in_full.payment.status == "REFUNDED"

    kinds = [event["type"] for event in shop.updates(order)["events"]]
    assert kinds.count("PAYMENT_REFUNDED") == 2
    assert refunds_today(shop) - refunds_before == order.total


def test_an_unpaid_orders_intent_cancelled_in_the_dashboard_cancels_the_order(
    shop: Shop, stocked_product: StockedProduct, dashboard: stripe.StripeClient
) -> None:
    order = shop.place([(stocked_product("webhook-cancel", {"wh-east": 1}), 1)])
    assert shop.pay(order, DECLINES)["outcome"] == "DECLINED"  # opens its intent; the order stays unpaid
    intent_id = shop.intent_id(order)

    dashboard.v1.payment_intents.cancel(intent_id)
    assert post(shop, intent_event("payment_intent.canceled", intent_id)) == (200, {"received": "published"})

    cancelled = shop.wait_until(order, OrderStatus.CANCELLED)
    assert cancelled.payment.status == "CANCELLED"
    assert "PAYMENT_CANCELLED" in [event["type"] for event in shop.updates(order)["events"]]
    refused = shop.pay(order, AUTHORIZES)
    assert [error["code"] for error in refused["errors"]] == ["PAYMENT_NOT_ALLOWED"]
