"""Analytics on the local cloud: per-day counters in DynamoDB, kept by every order change of the running system."""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from commerce.admin import figures
from commerce.catalog import StockLevel
from commerce.order_status import OrderStatus
from tests.integration.admin import Admin
from tests.integration.stripe_cards import AUTHORIZES
from tests.unit.builders import a_product

ANALYTICS = """
query Analytics($from: Date!, $to: Date!) {
  analytics(from: $from, to: $to) {
    from to ordersPlaced
    ordersByStatus { status count }
    revenue { currency captured { amount } refunded { amount } gross { amount } }
    paymentToShipment { shipments averageSeconds p95Seconds }
    topProducts(limit: 50) { productId sku units }
    failures failureRate compensations compensationRate
  }
}"""


class PermanentStepError(Exception):
    pass


def analytics(admin: Admin, first: str, last: str) -> dict[str, Any]:
    found: dict[str, Any] = admin.data(ANALYTICS, {"from": first, "to": last})["analytics"]
    return found


def test_a_day_of_counters_reads_back_exactly_however_many_writers_added_to_it(admin: Admin) -> None:
    store = admin.shop.cloud.repositories.analytics
    day = f"2001-02-{secrets.randbelow(28) + 1:02d}"
    one_order = {"placed": 1, "status#FULFILLED": 1, "captured#USD": 2500, "units#p-x": 2, "shipments": 1}
    threads = [threading.Thread(target=store.add, args=(day, one_order)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.add(day, {"refunded#USD": 2500, "status#FULFILLED": -1, "status#CANCELLED": 1, "compensations": 1})
    store.add(day, {"ship_ms": 8 * 90_000, figures.SHIP_BUCKET + str(figures.bucket_of(90)): 8})
    shown = analytics(admin, day, day)
    assert shown["ordersPlaced"] == 8
    assert sorted((s["status"], s["count"]) for s in shown["ordersByStatus"]) == [("CANCELLED", 1), ("FULFILLED", 7)]
    assert shown["revenue"] == [
        {"currency": "USD", "captured": {"amount": 20000}, "refunded": {"amount": 2500}, "gross": {"amount": 17500}}
    ]
    assert shown["paymentToShipment"]["shipments"] == 8
    assert shown["paymentToShipment"]["averageSeconds"] == pytest.approx(90)
    assert 90 <= shown["paymentToShipment"]["p95Seconds"] <= 99
    assert shown["topProducts"] == [{"productId": "p-x", "sku": None, "units": 16}]
    assert (shown["compensations"], shown["compensationRate"]) == (1, pytest.approx(1 / 8))


def test_figures_follow_a_known_set_of_orders_through_the_running_system(admin: Admin) -> None:
    shop, cloud = admin.shop, admin.shop.cloud
    product = a_product(f"p-stats-{secrets.token_hex(4)}", price=2500, category="stats-tests")
    cloud.repositories.products.add(product)
    cloud.repositories.inventory.put(StockLevel(product.id, "wh-east", available=20))
    today = datetime.now(UTC).date()
    # A period around today, so that midnight passing during the test changes nothing.
    period = ((today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat())
    cloud.wait_idle()
    before = analytics(admin, *period)

    fulfilled = shop.place([(product.id, 2)], email="stats@example.com")
    shop.pay(fulfilled, AUTHORIZES)
    shop.wait_until(fulfilled, OrderStatus.FULFILLED)
    cloud.runtime.faults.inject(cloud.function_name("allocate-shipment"), lambda: PermanentStepError("no van"))
    try:
        failed = shop.place([(product.id, 1)], email="stats@example.com")
        shop.pay(failed, AUTHORIZES)
        shop.wait_until(failed, OrderStatus.FAILED)
    finally:
        cloud.runtime.faults.clear()
    unpaid = shop.place([(product.id, 3)], email="stats@example.com")
    cancel = 'mutation($id: ID!) { cancelOrder(id: $id, reason: "test") { errors { code } } }'
    assert admin.data(cancel, {"id": unpaid.id})["cancelOrder"]["errors"] == []
    cloud.wait_idle()
    after = analytics(admin, *period)

    def by_status(shown: dict[str, Any]) -> dict[str, int]:
        return {entry["status"]: entry["count"] for entry in shown["ordersByStatus"]}

    def usd(shown: dict[str, Any], kind: str) -> int:
        return sum(r[kind]["amount"] for r in shown["revenue"] if r["currency"] == "USD")

    assert after["ordersPlaced"] - before["ordersPlaced"] == 3
    moved = {status: by_status(after).get(status, 0) - by_status(before).get(status, 0) for status in by_status(after)}
    assert {status: count for status, count in moved.items() if count} == {"FULFILLED": 1, "FAILED": 1, "CANCELLED": 1}
    assert after["failures"] - before["failures"] == 1
    assert after["compensations"] - before["compensations"] == 1  # the failed one; the unpaid one needed none
    assert usd(after, "captured") - usd(before, "captured") == fulfilled.total + failed.total
    assert usd(after, "refunded") - usd(before, "refunded") == failed.total
    assert after["paymentToShipment"]["shipments"] - before["paymentToShipment"]["shipments"] == 1
    assert after["paymentToShipment"]["averageSeconds"] > 0 and after["paymentToShipment"]["p95Seconds"] > 0
    assert {"productId": product.id, "sku": product.sku, "units": 2} in after["topProducts"]


def test_a_period_backwards_or_too_long_is_a_bad_request(admin: Admin) -> None:
    for first, last in (("2026-11-24", "2026-11-23"), ("2024-01-01", "2026-01-01")):
        body = admin.send(ANALYTICS, {"from": first, "to": last})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = admin.send(ANALYTICS, {"from": "yesterday", "to": "2026-01-01"})
    assert body["errors"]
