"""`make smoke API=https://…`: is a deployed stack working? One order end to end, one cancelled, one forged webhook.

Run it after `pulumi up` against the stack's URL (the `url` stack output: the API, the webhook and the web app share
its origin). It goes through the public interfaces only, as a shopper, an admin and Stripe would:

1. places an order for the first product in stock, pays it with a PaymentMethod for Stripe's test card through
   `payOrder` (as the web app does), and follows it with `orderUpdates` until it is FULFILLED;
2. places and pays a second order, cancels it as an admin, and checks at Stripe that the money went back (the
   authorization cancelled, or the capture refunded in full);
3. posts an unsigned webhook and expects 400.

CI runs this same script against the local system (tests/integration/test_smoke.py), so it cannot rot.
Needs a test-mode Stripe secret key (to read the payment back) and the admin's credentials; it creates two real
orders (`smoke+…@example.com`) and moves one unit of stock out of a warehouse.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

STRIPE_API = "https://api.stripe.com"
# Stripe's test-mode PaymentMethod for a Visa that authorizes (docs.stripe.com/testing?testing-method=payment-methods):
# a server can pay with it without handling a card number. Against the local Stripe, the smoke test creates a
# PaymentMethod with the publishable key, as Stripe.js's createPaymentMethod does in the browser.
STRIPE_TEST_PAYMENT_METHOD = "pm_card_visa"
TEST_CARD = "4242424242424242"
# A cancellation loses the race with the carrier hand-off when the saga is quick: another order is tried then.
CANCEL_ATTEMPTS = 3

PRODUCTS = "{ products(first: 50) { edges { node { id name availability { available } } } } }"
PLACE = """mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) { accessToken errors { field code message } order { id status total { amount } } } }"""
PAY = """mutation($id: ID!, $token: String!, $pm: String) {
  payOrder(orderId: $id, accessToken: $token, paymentMethodId: $pm) {
    outcome declineReason errors { field code message } order { status } } }"""
UPDATES = """query($id: ID!, $token: String!) {
  orderUpdates(id: $id, accessToken: $token) { status terminal failureReason
    payment { status authorized { amount } captured { amount } refunded { amount } } } }"""
LOGIN = """mutation($u: String!, $p: String!) {
  adminLogin(username: $u, password: $p) { token errors { code message } } }"""
CANCEL = """mutation($id: ID!, $reason: String!) {
  cancelOrder(id: $id, reason: $reason) { errors { code message } order { status paymentIntentId } } }"""
ADMIN_ORDER = "query($id: ID!) { adminOrder(id: $id) { status paymentIntentId } }"


class SmokeFailedError(Exception):
    pass


@dataclass(frozen=True)
class Target:
    api: str  # the stack's URL, no trailing slash
    stripe_secret_key: str
    stripe_api_base: str
    admin_username: str
    admin_password: str
    timeout_s: float


@dataclass(frozen=True)
class Order:
    id: str
    token: str
    total: int


def http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 - the operator's own stack
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


class Smoke:
    def __init__(self, target: Target, say: Callable[[str], None] = print) -> None:
        self.target = target
        self.say = say
        self.admin_token: str | None = None

    def run(self) -> None:
        product = self.product_in_stock()
        first = self.place(product, "fulfilled")
        payment_method = self.pay(first)
        self.say(f"  order {first.id}: paid with a PaymentMethod {payment_method[:3]}…, following it")
        status = self.follow(first)
        if status != "FULFILLED":
            raise SmokeFailedError(f"order {first.id} ended {status}, not FULFILLED")
        self.say(f"ok  an order was placed, paid with Stripe's test card and fulfilled ({first.id})")

        second, intent_id = self.pay_and_cancel(product)
        self.say(f"ok  an admin cancelled a paid order ({second.id}) and Stripe {self.money_returned(intent_id)}")

        status_code, _ = http(
            f"{self.target.api}/webhooks/stripe",
            json.dumps({"id": "evt_smoke", "type": "payment_intent.succeeded"}).encode(),
            {"content-type": "application/json"},
        )
        if status_code != 400:
            raise SmokeFailedError(f"an unsigned webhook was answered {status_code}, not 400")
        self.say("ok  an unsigned webhook was refused with 400")

    # --- the shopper -------------------------------------------------------------------------------------------
    def product_in_stock(self) -> str:
        edges = self.graphql(PRODUCTS)["products"]["edges"]
        for edge in edges:
            if edge["node"]["availability"]["available"] >= 2:
                return str(edge["node"]["id"])
        raise SmokeFailedError("no product has 2 units in stock: stock one (Admin → Inventory) and run again")

    def place(self, product_id: str, purpose: str) -> Order:
        address = {
            "name": "Smoke Test",
            "line1": "1 Test Way",
            "city": "Austin",
            "postalCode": "78701",
            "country": "US",
        }
        command = {
            "idempotencyKey": str(uuid.uuid4()),
            "email": f"smoke+{purpose}@example.com",
            "lines": [{"productId": product_id, "quantity": 1}],
            "shippingAddress": address,
        }
        placed = self.graphql(PLACE, {"input": command})["placeOrder"]
        if placed["errors"]:
            raise SmokeFailedError(f"placeOrder refused: {placed['errors']}")
        return Order(placed["order"]["id"], placed["accessToken"], placed["order"]["total"]["amount"])

    def pay(self, order: Order) -> str:
        """Pay as the web app does: payOrder with a PaymentMethod. Returns the PaymentMethod's id."""
        payment_method = self.payment_method()
        paid = self.graphql(PAY, {"id": order.id, "token": order.token, "pm": payment_method})["payOrder"]
        if paid["errors"] or paid["outcome"] != "AUTHORIZED":
            raise SmokeFailedError(f"payOrder for {order.id}: {paid}")
        return payment_method

    def payment_method(self) -> str:
        """What Stripe.js's createPaymentMethod hands the browser for the test card."""
        if self.target.stripe_api_base == STRIPE_API:
            return STRIPE_TEST_PAYMENT_METHOD
        _, config = http(f"{self.target.api}/config.json")
        publishable_key = json.loads(config)["stripePublishableKey"]
        card = {"card[number]": TEST_CARD, "card[exp_month]": "12", "card[exp_year]": "2034", "card[cvc]": "123"}
        form = urllib.parse.urlencode({"key": publishable_key, "type": "card", **card}).encode()
        status, body = http(f"{self.target.stripe_api_base}/v1/payment_methods", form)
        if status != 200:
            raise SmokeFailedError(f"Stripe made no PaymentMethod ({status}): {body[:200]!r}")
        return str(json.loads(body)["id"])

    def follow(self, order: Order) -> str:
        deadline = time.monotonic() + self.target.timeout_s
        while time.monotonic() < deadline:
            updates = self.graphql(UPDATES, {"id": order.id, "token": order.token})["orderUpdates"]
            if updates["terminal"]:
                return str(updates["status"])
            time.sleep(1)
        raise SmokeFailedError(f"order {order.id} did not finish within {self.target.timeout_s:.0f} s")

    # --- the admin ---------------------------------------------------------------------------------------------
    def pay_and_cancel(self, product_id: str) -> tuple[Order, str]:
        """A paid order cancelled by an admin before it ships; returns it and its payment intent's id."""
        self.admin_headers()  # logged in first: the cancel follows the payment at once
        for attempt in range(1, CANCEL_ATTEMPTS + 1):
            order = self.place(product_id, "cancelled")
            self.pay(order)
            cancelled = self.graphql(CANCEL, {"id": order.id, "reason": "smoke test"}, admin=True)["cancelOrder"]
            if not cancelled["errors"]:
                return order, self.cancelled(order)
            if [error["code"] for error in cancelled["errors"]] != ["ORDER_NOT_CANCELLABLE"]:
                raise SmokeFailedError(f"cancelOrder {order.id} refused: {cancelled['errors']}")
            self.say(f"  order {order.id} shipped before the cancel reached it (attempt {attempt}); another one")
            self.follow(order)
        raise SmokeFailedError(f"every one of {CANCEL_ATTEMPTS} paid orders shipped before it could be cancelled")

    def cancelled(self, order: Order) -> str:
        status = self.follow(order)
        if status != "CANCELLED":
            raise SmokeFailedError(f"the cancelled order {order.id} ended {status}")
        intent_id = self.graphql(ADMIN_ORDER, {"id": order.id}, admin=True)["adminOrder"]["paymentIntentId"]
        if not intent_id:
            raise SmokeFailedError(f"order {order.id} names no payment intent")
        return str(intent_id)

    def admin_headers(self) -> dict[str, str]:
        if self.admin_token is None:
            credentials = {"u": self.target.admin_username, "p": self.target.admin_password}
            login = self.graphql(LOGIN, credentials)["adminLogin"]
            if login["errors"] or not login["token"]:
                raise SmokeFailedError(f"admin login refused: {login['errors']}")
            self.admin_token = str(login["token"])
        return {"authorization": f"Bearer {self.admin_token}"}

    # --- Stripe --------------------------------------------------------------------------------------------------
    def money_returned(self, intent_id: str) -> str:
        import stripe

        client = stripe.StripeClient(self.target.stripe_secret_key, base_addresses={"api": self.target.stripe_api_base})
        intent = client.v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]})
        if intent.status == "canceled":
            return f"cancelled the authorization of {intent.amount} {intent.currency}"
        charge = intent.latest_charge
        refunded = charge.amount_refunded if charge is not None and not isinstance(charge, str) else 0
        if intent.status == "succeeded" and refunded == intent.amount_received > 0:
            return f"refunded the capture of {refunded} {intent.currency}"
        raise SmokeFailedError(f"payment {intent_id} is {intent.status} and not returned to the shopper")

    # --- the wire --------------------------------------------------------------------------------------------------
    def graphql(self, query: str, variables: dict[str, Any] | None = None, *, admin: bool = False) -> dict[str, Any]:
        headers = {"content-type": "application/json", **(self.admin_headers() if admin else {})}
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        status, answer = http(f"{self.target.api}/graphql", body, headers)
        document = json.loads(answer) if answer.startswith(b"{") else {}
        if status != 200 or document.get("errors") or "data" not in document:
            raise SmokeFailedError(f"/graphql answered {status}: {answer[:500]!r}")
        data: dict[str, Any] = document["data"]
        return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="the stack's URL (stack output `url`), e.g. https://d1….net")
    parser.add_argument("--stripe-api-base", default=os.environ.get("STRIPE_API_BASE") or STRIPE_API)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds an order may take to finish")
    args = parser.parse_args(argv)
    secret_key, password = os.environ.get("STRIPE_SECRET_KEY", ""), os.environ.get("ADMIN_PASSWORD", "")
    if not secret_key.startswith(("sk_test_", "rk_test_")) or not password:
        parser.error("set STRIPE_SECRET_KEY (a test-mode key: sk_test_…) and ADMIN_PASSWORD (and ADMIN_USERNAME)")
    target = Target(
        api=args.api.rstrip("/"),
        stripe_secret_key=secret_key,
        stripe_api_base=args.stripe_api_base.rstrip("/"),
        admin_username=os.environ.get("ADMIN_USERNAME", "admin"),
        admin_password=password,
        timeout_s=args.timeout,
    )
    print(f"smoke test of {target.api}")
    try:
        Smoke(target).run()
    except SmokeFailedError as failed:
        print(f"FAILED  {failed}")
        return 1
    print("passed: the stack takes orders, fulfils them, cancels with refunds and refuses forged webhooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
