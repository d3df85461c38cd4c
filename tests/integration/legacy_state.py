"""A `.local/state` written by an older version of the product, kept to prove that newer code still reads it.

`python -m tests.integration.legacy_state make <folder>` runs the local system as `make dev` does, leaves orders in
the statuses the public API reaches (fulfilled, declined, unpaid, 3-D Secure pending, failed and compensated,
cancelled before payment, one whose cancellation came too late), stops it (which saves the snapshot) and writes
`manifest.json` beside the state: each order's id, access token and status, so a test of a later version can look
them up. The folder committed under tests/fixtures/ was made this way by the version named in its manifest.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx2

from infra.local.secrets import LOCAL_ADMIN_PASSWORD, LOCAL_ADMIN_USERNAME
from tests.integration.running_system import ROOT, RunningSystem, running_local_system
from tests.integration.stripe_cards import AUTHORIZES, DECLINES, NEEDS_3D_SECURE, payment_method

FIXTURE = ROOT / "tests" / "fixtures" / "state-before-holds"
# Nothing may expire or be re-driven while a later version reads the old state: the snapshot's orders are old.
FROZEN_SCHEDULES = {"UNPAID_ORDER_MINUTES": str(60 * 24 * 365 * 100), "STUCK_ORDER_MINUTES": str(60 * 24 * 365 * 100)}

PRODUCTS = "query { products(first: 50) { edges { node { id sku availability { available } } } } }"
PLACE = """
mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) { accessToken errors { code message } order { id status } }
}"""
PAY = """
mutation Pay($id: ID!, $token: String!, $card: String) {
  payOrder(orderId: $id, accessToken: $token, paymentMethodId: $card) { outcome errors { code message } }
}"""
LOGIN = """
mutation Login($u: String!, $p: String!) { adminLogin(username: $u, password: $p) { token errors { message } } }"""
CANCEL = """
mutation Cancel($id: ID!) {
  cancelOrder(id: $id, reason: "legacy state: cancelled") { errors { code } order { status } }
}"""
ADMIN_ORDER = "query Order($id: ID!) { adminOrder(id: $id) { status } }"
LEVELS = "query Levels($id: ID!) { inventory(productId: $id) { levels { warehouseId available version } } }"
ADJUST = """
mutation Adjust($input: AdjustStockInput!) { adjustStock(input: $input) { errors { code message } } }"""


class Driver:
    def __init__(self, system: RunningSystem) -> None:
        self.system = system
        self.http = httpx2.Client(base_url=system.base_url, timeout=60)
        self.admin_token = ""

    def graphql(self, query: str, variables: dict[str, Any] | None = None, *, admin: bool = False) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.admin_token}"} if admin else {}
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        body: dict[str, Any] = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    def log_in(self) -> None:
        answer = self.graphql(LOGIN, {"u": LOCAL_ADMIN_USERNAME, "p": LOCAL_ADMIN_PASSWORD})["adminLogin"]
        self.admin_token = answer["token"]

    def place(self, product_id: str, quantity: int = 1) -> dict[str, str]:
        address = {"name": "Ada Lovelace", "line1": "1 St James's Square", "city": "London"}
        address |= {"postalCode": "SW1Y 4JH", "country": "GB"}
        order_input = {
            "idempotencyKey": f"legacy-{secrets.token_hex(6)}",
            "email": "legacy@example.com",
            "lines": [{"productId": product_id, "quantity": quantity}],
            "shippingAddress": address,
        }
        answer = self.graphql(PLACE, {"input": order_input})["placeOrder"]
        assert answer["errors"] == [], answer
        return {"id": answer["order"]["id"], "token": answer["accessToken"]}

    def pay(self, order: dict[str, str], card: str) -> str:
        method = payment_method(self.system.stripe_api_base, card)
        answer = self.graphql(PAY, {"id": order["id"], "token": order["token"], "card": method})["payOrder"]
        outcome: str = answer["outcome"]
        return outcome

    def empty(self, product_id: str) -> None:
        for level in self.graphql(LEVELS, {"id": product_id}, admin=True)["inventory"]["levels"]:
            if level["available"]:
                change = {"productId": product_id, "warehouseId": level["warehouseId"]}
                change |= {"expectedVersion": level["version"], "quantity": 0, "note": "legacy state"}
                answer = self.graphql(ADJUST, {"input": change}, admin=True)["adjustStock"]
                assert answer["errors"] == [], answer

    def status(self, order_id: str) -> str:
        status: str = self.graphql(ADMIN_ORDER, {"id": order_id}, admin=True)["adminOrder"]["status"]
        return status

    def wait_for(self, order_id: str, *statuses: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while (status := self.status(order_id)) not in statuses:
            assert time.monotonic() < deadline, f"{order_id} stayed {status}"
            time.sleep(0.3)
        return status


def make(folder: Path) -> None:
    state = folder / "state"
    with running_local_system(FROZEN_SCHEDULES, ("--state-dir", str(state), "--fresh")) as system:
        driver = Driver(system)
        driver.log_in()
        product = next(
            edge["node"]
            for edge in driver.graphql(PRODUCTS)["products"]["edges"]
            if edge["node"]["availability"]["available"] >= 10
        )
        orders: dict[str, dict[str, str]] = {}
        orders["fulfilled"] = driver.place(product["id"], 2)
        driver.pay(orders["fulfilled"], AUTHORIZES)
        orders["cancel_too_late"] = driver.place(product["id"])
        driver.pay(orders["cancel_too_late"], AUTHORIZES)
        driver.wait_for(orders["cancel_too_late"]["id"], "CAPTURED", "SHIPPED", "FULFILLED")
        orders["declined"] = driver.place(product["id"])
        driver.pay(orders["declined"], DECLINES)
        orders["unpaid"] = driver.place(product["id"])
        orders["cancelled_unpaid"] = driver.place(product["id"])
        # Placed while in stock, emptied before payment: the saga's reservation fails and compensates.
        scarce = next(
            edge["node"]
            for edge in driver.graphql(PRODUCTS)["products"]["edges"]
            if edge["node"]["id"] != product["id"] and edge["node"]["availability"]["available"] >= 1
        )
        orders["failed"] = driver.place(scarce["id"])
        driver.empty(scarce["id"])
        driver.pay(orders["failed"], AUTHORIZES)
        driver.wait_for(orders["failed"]["id"], "FAILED")
        orders["needs_action"] = driver.place(product["id"])
        driver.pay(orders["needs_action"], NEEDS_3D_SECURE)
        driver.wait_for(orders["fulfilled"]["id"], "FULFILLED")
        cancel = driver.graphql(CANCEL, {"id": orders["cancel_too_late"]["id"]}, admin=True)["cancelOrder"]
        driver.graphql(CANCEL, {"id": orders["cancelled_unpaid"]["id"]}, admin=True)
        for order in orders.values():
            order["status"] = driver.status(order["id"])
        product_after = driver.graphql(PRODUCTS)["products"]["edges"]
        available = next(
            edge["node"]["availability"]["available"] for edge in product_after if edge["node"]["id"] == product["id"]
        )
    commit = subprocess.run(
        ["/usr/bin/git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    manifest = {
        "made_by": commit,
        "product": {"id": product["id"], "sku": product["sku"], "available": available},
        "cancel_answer": cancel,
        "orders": orders,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["make"])
    parser.add_argument("folder", type=Path, nargs="?", default=FIXTURE)
    make(parser.parse_args().folder)
