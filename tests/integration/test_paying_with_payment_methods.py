"""payOrder through the GraphQL API with PaymentMethods, as the browser pays: one intent per order, opened late."""

from __future__ import annotations

import pytest

from commerce import wiring
from commerce.payments import PaymentStatus
from commerce.reservations import ReservationState
from infra.local.cloud import LocalCloud
from tests.integration.conftest import StockedProduct
from tests.integration.shop import Shop
from tests.integration.stripe_cards import AUTHORIZES, DECLINES, NEEDS_3D_SECURE, card_token

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shop(local_cloud: LocalCloud) -> Shop:
    return Shop(local_cloud)


@pytest.fixture
def product(stocked_product: StockedProduct) -> str:
    return stocked_product("payment-methods", {"wh-east": 3})


def intent_id_of(shop: Shop, order_id: str) -> str | None:
    stored = shop.cloud.repositories.orders.get(order_id)
    assert stored is not None
    return stored.payment.intent_id


def test_placing_an_order_opens_no_payment_intent_until_it_is_paid(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])

    assert intent_id_of(shop, order.id) is None
    assert shop.pay(order, AUTHORIZES)["outcome"] == "AUTHORIZED"
    intent_id = intent_id_of(shop, order.id)
    assert intent_id is not None
    assert (
        shop.cloud.bus.dependencies.build(wiring.gateway).retrieve(intent_id).status is PaymentStatus.REQUIRES_CAPTURE
    )


@pytest.mark.parametrize("legacy", ["token", "card"])
def test_a_card_token_or_card_id_is_refused_as_a_user_error_before_stripe_is_asked(
    shop: Shop, product: str, legacy: str
) -> None:
    order = shop.place([(product, 1)])
    token = card_token(shop.cloud.stripe.api_base, AUTHORIZES)
    sent = token if legacy == "token" else "card_1NotAPaymentMethod"

    paid = shop.graphql(
        "mutation($id: ID!, $t: String!, $pm: String) { payOrder(orderId: $id, accessToken: $t, paymentMethodId: $pm)"
        " { outcome errors { field code message } } }",
        {"id": order.id, "t": order.token, "pm": sent},
    )["payOrder"]

    assert paid["outcome"] is None
    assert [(e["field"], e["code"]) for e in paid["errors"]] == [("paymentMethodId", "INVALID_PAYMENT_METHOD")]
    assert "card tokens and card ids are not" in paid["errors"][0]["message"]
    assert intent_id_of(shop, order.id) is None


def test_pay_order_holds_the_stock_and_says_until_when(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])

    declined = shop.pay(order, DECLINES)

    hold = shop.cloud.repositories.reservations.get(order.id)
    assert hold is not None and hold.state is ReservationState.HELD
    assert declined["order"]["heldUntil"] == hold.expires_at


def test_pay_order_without_the_stock_answers_out_of_stock_and_never_touches_the_card(shop: Shop, product: str) -> None:
    first = shop.place([(product, 2)])
    second = shop.place([(product, 2)])  # 3 in stock: both could be placed, only one can be held
    assert shop.pay(first, AUTHORIZES)["outcome"] == "AUTHORIZED"

    refused = shop.pay(second, AUTHORIZES)

    assert refused["outcome"] is None and refused["order"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("lines", "OUT_OF_STOCK")]
    assert refused["shortage"]["requested"] == 2 and refused["shortage"]["available"] == 1
    assert intent_id_of(shop, second.id) is None  # no intent opened: nothing was asked of Stripe


def test_another_card_after_a_decline_is_confirmed_on_the_same_intent(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])
    declined = shop.pay(order, DECLINES)
    first_intent = intent_id_of(shop, order.id)

    paid = shop.pay(order, AUTHORIZES)

    assert (declined["outcome"], declined["declineReason"]) == ("DECLINED", "Your card was declined.")
    assert paid["outcome"] == "AUTHORIZED"
    assert intent_id_of(shop, order.id) == first_intent


def test_after_3d_secure_pay_order_records_what_stripe_js_finished_without_confirming_again(
    shop: Shop, product: str
) -> None:
    order = shop.place([(product, 1)])
    challenged = shop.pay(order, NEEDS_3D_SECURE)
    assert challenged["outcome"] == "REQUIRES_ACTION"
    client_secret = challenged["clientSecret"]
    intent_id = client_secret.split("_secret_")[0]
    shop.authenticate_3ds(intent_id, client_secret)

    again = shop.pay(order, None)

    assert (again["outcome"], again["errors"]) == ("AUTHORIZED", [])


def test_a_first_pay_order_without_a_payment_method_is_a_user_error(shop: Shop, product: str) -> None:
    order = shop.place([(product, 1)])

    paid = shop.pay(order, None)

    assert [e["code"] for e in paid["errors"]] == ["INVALID_PAYMENT_METHOD"]
    assert intent_id_of(shop, order.id) is None
