"""Driving the running local system like its users do: GraphQL over HTTP, Stripe.js-made tokens, signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import boto3
import httpx2
from mangum import Mangum

from commerce.bootstrap import Bus
from commerce.order_status import OrderStatus
from commerce.orders import Order
from graphql_api.app import create_app
from graphql_api.context import VIEWER_ADDRESS_HEADER
from infra.local.cloud import LocalCloud
from infra.local.stripe_server import PUBLISHABLE_KEY
from tests.integration.graphql_transport import MangumTransport
from tests.integration.stripe_cards import payment_method

PLACE = """
mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) { accessToken errors { field code message } order { id status total { amount } } }
}"""

PAY = """
mutation Pay($id: ID!, $token: String!, $card: String) {
  payOrder(orderId: $id, accessToken: $token, paymentMethodId: $card) {
    outcome clientSecret declineReason retryAfterMs errors { field code message }
    shortage { sku requested available }
    order { id status heldUntil payment { status failureReason } }
  }
}"""

UPDATES = """
query Updates($id: ID!, $token: String!, $after: String) {
  orderUpdates(id: $id, accessToken: $token, after: $after) {
    status terminal cursor failureReason
    shipments { carrier trackingNumber trackingUrl estimatedDelivery }
    payment { status authorized { amount } captured { amount } refunded { amount } }
    events { id type status step attempt message }
  }
}"""


@dataclass
class PlacedOrder:
    id: str
    token: str
    total: int


class Shop:
    def __init__(self, cloud: LocalCloud) -> None:
        self.cloud = cloud
        assert cloud.http is not None
        self.http = httpx2.Client(base_url=cloud.http.base_url, timeout=120)

    def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    def place(self, lines: Iterable[tuple[str, int]], email: str | None = None) -> PlacedOrder:
        """A new order; by default each from a customer of its own, as a crowd of shoppers is (live holds are capped
        per customer: commerce/hold_limits.py)."""
        email = email or f"saga-{secrets.token_hex(4)}@example.com"
        payload = self.graphql(
            PLACE,
            {
                "input": {
                    "idempotencyKey": f"test-{secrets.token_hex(8)}",
                    "email": email,
                    "lines": [{"productId": product_id, "quantity": quantity} for product_id, quantity in lines],
                    "shippingAddress": {
                        "name": "Grace Hopper",
                        "line1": "1 Navy Way",
                        "city": "Arlington",
                        "region": "VA",
                        "postalCode": "22202",
                        "country": "US",
                    },
                }
            },
        )["placeOrder"]
        assert payload["errors"] == [], payload
        return PlacedOrder(payload["order"]["id"], payload["accessToken"], payload["order"]["total"]["amount"])

    def card(self, number: str) -> str:
        return payment_method(self.cloud.stripe.api_base, number)

    def pay(self, order: PlacedOrder, card_number: str | None) -> dict[str, Any]:
        card = self.card(card_number) if card_number else None
        payload: dict[str, Any] = self.graphql(PAY, {"id": order.id, "token": order.token, "card": card})["payOrder"]
        return payload

    def intent_id(self, order: PlacedOrder) -> str:
        """The order's PaymentIntent, as the order records it."""
        stored = self.cloud.repositories.orders.get(order.id)
        assert stored is not None and stored.payment.intent_id is not None, f"{order.id} has no intent"
        return stored.payment.intent_id

    def updates(self, order: PlacedOrder, after: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = self.graphql(UPDATES, {"id": order.id, "token": order.token, "after": after})[
            "orderUpdates"
        ]
        return result

    def wait_until(self, order: PlacedOrder, *statuses: OrderStatus, timeout: float = 45.0) -> Order:
        deadline = time.monotonic() + timeout
        repository = self.cloud.repositories.orders
        while True:
            found = repository.get(order.id)
            assert found is not None
            if found.status in statuses:
                return found
            if time.monotonic() > deadline:
                timeline = [e.type for e in self.cloud.repositories.events.list(order.id)]
                raise AssertionError(f"{order.id} still {found.status} after {timeout}s; timeline {timeline}")
            time.sleep(0.1)

    def wait_for_saga(self, order: PlacedOrder, timeout: float = 45.0) -> str:
        """The final status (SUCCEEDED or FAILED) of the order's one saga execution."""
        deadline = time.monotonic() + timeout
        sfn = boto3.client("stepfunctions")
        while True:
            arns = self.execution_arns(order)
            if len(arns) > 1:
                raise AssertionError(f"{order.id} has {len(arns)} saga executions")
            status = sfn.describe_execution(executionArn=arns[0])["status"] if arns else "NOT_STARTED"
            if status not in ("RUNNING", "NOT_STARTED"):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"saga of {order.id} still {status} after {timeout}s")
            time.sleep(0.1)

    def execution_arns(self, order: PlacedOrder) -> list[str]:
        """The order's saga executions: named `<order id>-<suffix>` (see StepFunctionsSagaStarter)."""
        sfn = boto3.client("stepfunctions")
        pages = sfn.get_paginator("list_executions").paginate(stateMachineArn=self.cloud.state_machine_arn)
        return [
            execution["executionArn"]
            for page in pages
            for execution in page["executions"]
            if execution["name"].rsplit("-", 1)[0] == order.id
        ]

    def executions_of(self, order: PlacedOrder) -> int:
        return len(self.execution_arns(order))

    def authenticate_3ds(self, intent_id: str, client_secret: str) -> None:
        """What localstripe's fake Stripe.js confirmCardPayment does when the shopper approves the challenge."""
        response = self.http.post(
            f"{self.cloud.stripe.api_base}/v1/payment_intents/{intent_id}/_authenticate?success=true",
            content=json.dumps({"key": PUBLISHABLE_KEY, "client_secret": client_secret}),
        )
        assert response.status_code == 200, response.text

    def post_webhook(self, event: dict[str, Any], secret: str | None = None, timestamp: int | None = None) -> int:
        body = json.dumps(event).encode()
        headers = {"content-type": "application/json"}
        if secret is not None:
            headers["stripe-signature"] = stripe_signature(body, secret, timestamp or int(time.time()))
        return self.http.post("/webhooks/stripe", content=body, headers=headers).status_code


def stripe_signature(body: bytes, secret: str, timestamp: int) -> str:
    """Stripe's scheme: v1 = HMAC-SHA256(secret, "<t>.<raw body>")."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def intent_event(event_type: str, intent_id: str, event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": {"id": intent_id, "object": "payment_intent"}},
    }


class LambdaShop(Shop):
    """The shop's GraphQL calls made to the API Lambda behind CloudFront (API Gateway events through Mangum), each
    from the viewer address CloudFront reports (`viewer`), served by `bus` (e.g. on tables of their own)."""

    def __init__(self, cloud: LocalCloud, bus: Bus) -> None:
        super().__init__(cloud)
        self.transport = MangumTransport(Mangum(create_app(bus), lifespan="off"))
        self.viewer = "198.51.100.7"
        self.forwarded_for: str | None = None

    def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = {"content-type": "application/json", VIEWER_ADDRESS_HEADER: f"{self.viewer}:46532"}
        if self.forwarded_for:
            headers["x-forwarded-for"] = self.forwarded_for
        status, raw = self.transport.post(json.dumps({"query": query, "variables": variables}).encode(), headers)
        body: dict[str, Any] = json.loads(raw)
        assert status == 200 and "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data
