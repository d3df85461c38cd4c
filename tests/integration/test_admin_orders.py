"""The admin's order list and order page, answered from the orders table's indexes on the local cloud."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import pytest

from commerce.order_status import OrderStatus
from tests.integration.admin import Admin
from tests.integration.shop import PlacedOrder
from tests.integration.stripe_cards import AUTHORIZES, DECLINES

S = OrderStatus

ORDERS = """
query Orders($filter: AdminOrderFilter, $first: Int!, $after: String) {
  adminOrders(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id email status units total { amount } createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}"""

ORDER = """
query Order($id: ID!) {
  adminOrder(id: $id) {
    id status email paymentIntentId cancellable
    lines { productId sku quantity unitPrice { amount } }
    payment { status authorized { amount } captured { amount } refunded { amount } }
    shipments { carrier trackingNumber warehouseId }
    timeline { type step attempt status message detail }
  }
}"""


@dataclass
class Customer:
    email: str
    fulfilled: PlacedOrder
    declined: PlacedOrder
    waiting: PlacedOrder


@pytest.fixture(scope="module")
def customer(admin: Admin) -> Customer:
    """Three orders of one customer, oldest first: fulfilled, declined, awaiting payment."""
    email = f"dash-{secrets.token_hex(4)}@example.com"
    shop = admin.shop
    fulfilled = shop.place([("p-mug", 2)], email=email)
    shop.pay(fulfilled, AUTHORIZES)
    shop.wait_until(fulfilled, S.FULFILLED)
    declined = shop.place([("p-headlamp", 1)], email=email)
    shop.pay(declined, DECLINES)
    waiting = shop.place([("p-mug", 1), ("p-headlamp", 1)], email=email)
    shop.cloud.wait_idle()
    return Customer(email, fulfilled, declined, waiting)


def listing(admin: Admin, first: int = 20, **filter: Any) -> list[dict[str, Any]]:
    """Every node, page after page."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = admin.data(ORDERS, {"filter": filter, "first": first, "after": after})["adminOrders"]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def test_a_customers_orders_come_newest_first_with_their_status(admin: Admin, customer: Customer) -> None:
    nodes = listing(admin, first=2, email=customer.email.upper())
    assert [(n["id"], n["status"], n["units"]) for n in nodes] == [
        (customer.waiting.id, "PENDING_PAYMENT", 2),
        (customer.declined.id, "PAYMENT_FAILED", 1),
        (customer.fulfilled.id, "FULFILLED", 2),
    ]


def test_customer_status_and_time_filters_combine(admin: Admin, customer: Customer) -> None:
    email, declined = customer.email, customer.declined.id
    assert [n["id"] for n in listing(admin, email=email, status="FULFILLED")] == [customer.fulfilled.id]
    created = {n["id"]: n["createdAt"] for n in listing(admin, email=email)}
    window = listing(admin, email=email, createdFrom=created[declined], createdTo=created[declined])
    assert [n["id"] for n in window] == [declined]


def test_a_status_lists_only_orders_in_that_status_newest_first(admin: Admin, customer: Customer) -> None:
    nodes = listing(admin, first=50, status="PAYMENT_FAILED")
    assert {n["status"] for n in nodes} == {"PAYMENT_FAILED"} and customer.declined.id in {n["id"] for n in nodes}
    stamps = [n["createdAt"] for n in nodes]
    assert stamps == sorted(stamps, reverse=True)


def test_all_statuses_merge_newest_first_across_pages_without_repeats(admin: Admin, customer: Customer) -> None:
    since = listing(admin, email=customer.email)[-1]["createdAt"]  # the customer's first order
    nodes = listing(admin, first=2, createdFrom=since)
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids))
    assert {customer.fulfilled.id, customer.declined.id, customer.waiting.id} <= set(ids)
    assert {n["status"] for n in nodes} >= {"FULFILLED", "PAYMENT_FAILED", "PENDING_PAYMENT"}
    stamps = [n["createdAt"] for n in nodes]
    assert stamps == sorted(stamps, reverse=True)


def test_a_cursor_from_another_filter_or_a_bad_instant_is_a_bad_request(admin: Admin, customer: Customer) -> None:
    cursor = admin.data(ORDERS, {"filter": {}, "first": 1})["adminOrders"]["pageInfo"]["endCursor"]
    body = admin.send(ORDERS, {"filter": {"status": "FULFILLED"}, "first": 1, "after": cursor})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = admin.send(ORDERS, {"filter": {"createdFrom": "last tuesday"}, "first": 1})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = admin.send(ORDERS, {"filter": {}, "first": 500})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_an_order_shows_lines_payment_shipments_and_every_saga_step(admin: Admin, customer: Customer) -> None:
    fulfilled = customer.fulfilled
    order = admin.data(ORDER, {"id": fulfilled.id})["adminOrder"]
    assert order["status"] == "FULFILLED" and order["cancellable"] is False
    assert order["paymentIntentId"].startswith("pi_")
    assert [(line["productId"], line["quantity"]) for line in order["lines"]] == [("p-mug", 2)]
    payment = order["payment"]
    assert payment["authorized"]["amount"] == payment["captured"]["amount"] == fulfilled.total
    assert payment["refunded"]["amount"] == 0
    assert order["shipments"] and all(s["trackingNumber"] for s in order["shipments"])
    steps = [(e["step"], e["attempt"]) for e in order["timeline"] if e["type"] == "STEP_SUCCEEDED"]
    assert steps == [
        ("ReserveInventory", 1),
        ("CapturePayment", 1),
        ("AllocateShipment", 1),
        ("NotifyCustomer", 1),
        ("MarkFulfilled", 1),
    ]


def test_a_failed_step_shows_its_attempts_errors_and_the_compensation(admin: Admin) -> None:
    class PermanentStepError(Exception):
        pass

    shop = admin.shop
    shop.cloud.runtime.faults.inject(
        shop.cloud.function_name("allocate-shipment"), lambda: PermanentStepError("no van")
    )
    try:
        order = shop.place([("p-mug", 1)], email="failing@example.com")
        shop.pay(order, AUTHORIZES)
        shop.wait_until(order, S.FAILED)
    finally:
        shop.cloud.runtime.faults.clear()
    shop.cloud.wait_idle()
    shown = admin.data(ORDER, {"id": order.id})["adminOrder"]
    timeline = shown["timeline"]
    kinds = [e["type"] for e in timeline]
    assert kinds.index("COMPENSATION_STARTED") < kinds.index("PAYMENT_REFUNDED") < kinds.index("FAILED")
    assert shown["payment"]["refunded"]["amount"] == order.total and shown["cancellable"] is False


def test_an_unknown_order_is_null(admin: Admin) -> None:
    assert admin.data(ORDER, {"id": "ord_does_not_exist"})["adminOrder"] is None
