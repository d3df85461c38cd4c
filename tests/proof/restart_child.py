"""One life of the local system for the restart proof, in a process of its own (tests/proof/restart.py runs two).

A second local cloud cannot run beside the test session's: moto's backends, the Lambda hook and the environment
are the process's. And only a new process shows what a restart keeps: nothing of the first one's memory is left.

    before: a fresh cloud on the state folder; orders placed and paid, sagas paused at every step and left
            running; stopped in the middle of them. Prints the orders as JSON.
    after:  a cloud restarted on that folder, its schedules firing (re-drive and expiry cut-offs at zero);
            waits until every order is terminal and prints what it checked as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from commerce import wiring
from commerce.order_status import OrderStatus
from commerce.payments import PaymentStatus
from infra.local.cloud import LocalCloud, start_local_cloud
from infra.local.persistence import from_dynamodb_json
from infra.local.state_dir import Snapshot, StateDir
from infra.local.tables import physical_name
from tests.integration.shop import PlacedOrder, Shop
from tests.integration.stripe_cards import AUTHORIZES
from tests.proof.contention import TERMINAL, WAREHOUSES, stock_product

# What each order meets before the stop: the function its saga waits in (None: runs freely), and the status the
# order must have reached before we stop.
PLAN: dict[str, tuple[str | None, OrderStatus | None]] = {
    "held at ReserveInventory": ("reserve-inventory", OrderStatus.AUTHORIZED),
    "held at CapturePayment": ("capture-payment", OrderStatus.RESERVED),
    "held at AllocateShipment": ("allocate-shipment", OrderStatus.CAPTURED),
    "held at NotifyCustomer": ("notify-customer", OrderStatus.SHIPPED),
    "held at MarkFulfilled": ("mark-fulfilled", OrderStatus.SHIPPED),
    "running": (None, None),
    "unpaid": (None, None),
}
SCARCE = "out of stock, compensation held"


def before(cloud: LocalCloud, orders: int) -> dict[str, Any]:
    shop = Shop(cloud)
    units = (orders, orders, orders)
    product = stock_product(cloud, units)
    scarce = stock_product(cloud, (1, 0, 0))
    planned: list[tuple[str, PlacedOrder]] = []
    kinds = list(PLAN)
    for index in range(orders):
        kind = kinds[index % len(kinds)]
        order = shop.place([(product, 1)], email=f"restart-{index}@example.com")
        function, _ = PLAN[kind]
        if function is not None:
            cloud.runtime.faults.hold(cloud.function_name(function), order.id)
        if kind != "unpaid":
            shop.pay(order, AUTHORIZES)
        planned.append((kind, order))
    # Two orders for one unit. payOrder holds it, so the second shopper would be refused before the card: instead
    # the first one's hold lapses (reclaimed) before its saga converts it and the second one holds the unit; the
    # first then fails to reserve and waits for its compensation.
    pair = [shop.place([(scarce, 1)], email="restart-scarce@example.com") for _ in range(2)]
    reserve = cloud.function_name("reserve-inventory")
    cloud.runtime.faults.hold(reserve, pair[0].id)
    for order in pair:
        cloud.runtime.faults.hold(cloud.function_name("compensation"), order.id)
    shop.pay(pair[0], AUTHORIZES)
    assert cloud.repositories.reservations.reclaim(pair[0].id, datetime.now(UTC) + timedelta(hours=1))
    shop.pay(pair[1], AUTHORIZES)
    cloud.runtime.faults.release(pair[0].id, reserve)
    planned += [(SCARCE, order) for order in pair]

    for kind, order in planned:
        expected = PLAN.get(kind, (None, None))[1]
        if expected is not None:
            shop.wait_until(order, expected, timeout=60)
    _wait_for_a_failed_reservation(cloud, [order.id for order in pair])
    return {
        "orders": [{"kind": kind, "id": o.id, "token": o.token, "total": o.total} for kind, o in planned],
        "stock": {product: units, scarce: (1, 0, 0)},
    }


def _wait_for_a_failed_reservation(cloud: LocalCloud, order_ids: list[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    events = cloud.repositories.events
    while time.monotonic() < deadline:
        if any(e.type == "STEP_FAILED" and e.step == "ReserveInventory" for o in order_ids for e in events.list(o)):
            return
        time.sleep(0.1)
    raise AssertionError(f"neither of {order_ids} failed to reserve within {timeout} s")


def after(cloud: LocalCloud, manifest: dict[str, Any], timeout: float) -> dict[str, Any]:
    repositories = cloud.repositories
    ids = [order["id"] for order in manifest["orders"]]
    snapshot = cloud.state.latest() if cloud.state else None
    assert snapshot is not None, "the first life saved nothing"
    saved, restored = _saved_items(snapshot), _table_items(cloud)
    at_stop = Counter(_status(cloud, order_id).value for order_id in ids)
    started = time.monotonic()
    cloud.run_schedules(every=1.0)
    shop = Shop(cloud)
    for order_id in ids:
        shop.wait_until(
            PlacedOrder(order_id, "", 0), *TERMINAL, timeout=max(1.0, timeout - (time.monotonic() - started))
        )
    settled_in = time.monotonic() - started
    cloud.scheduler.stop()
    cloud.wait_idle(60)

    violations = [
        f"{table}: {len(saved[table] - restored[table])} items saved were not restored, "
        f"{len(restored[table] - saved[table])} restored were not saved"
        for table in saved
        if saved[table] != restored[table]
    ]
    for product, units in manifest["stock"].items():
        initial = dict(zip(WAREHOUSES, units, strict=True))
        for level in repositories.inventory.levels(product):
            total = level.available + level.reserved + level.shipped
            if total != initial[level.warehouse_id] or level.reserved or min(level.available, level.shipped) < 0:
                violations.append(
                    f"{product}@{level.warehouse_id}: {level} (started with {initial[level.warehouse_id]})"
                )
    outcomes: Counter[str] = Counter()
    for order in manifest["orders"]:
        outcomes[_status(cloud, order["id"]).value] += 1
        violations += _money_checks(cloud, order["id"], order["total"])
    return {
        "statuses_at_stop": dict(at_stop),
        "outcomes": dict(outcomes),
        "restored_items": sum(len(items) for items in restored.values()),
        "settled_seconds": round(settled_in, 1),
        "violations": violations,
    }


def _status(cloud: LocalCloud, order_id: str) -> OrderStatus:
    order = cloud.repositories.orders.get(order_id)
    assert order is not None, f"{order_id} was lost in the restart"
    return order.status


def _money_checks(cloud: LocalCloud, order_id: str, total: int) -> list[str]:
    order = cloud.repositories.orders.get(order_id)
    assert order is not None
    captures = sum(1 for e in cloud.repositories.events.list(order_id, limit=1000) if e.type == "PAYMENT_CAPTURED")
    if order.payment.intent_id is None:
        return [] if captures == 0 else [f"{order_id} captured without an intent"]
    intent = cloud.bus.dependencies.build(wiring.gateway).retrieve(order.payment.intent_id)
    if order.status is OrderStatus.FULFILLED:
        if (intent.status, intent.amount_received, intent.amount_refunded, captures) != (
            PaymentStatus.SUCCEEDED,
            total,
            0,
            1,
        ):
            return [f"{order_id} fulfilled: {intent.status}, received {intent.amount_received}, {captures} captures"]
        return []
    money_kept = intent.amount_received - intent.amount_refunded
    if money_kept or intent.status is PaymentStatus.REQUIRES_CAPTURE:
        return [f"{order_id} {order.status.value} but Stripe holds {intent.status} {money_kept}"]
    return []


def _saved_items(snapshot: Snapshot) -> dict[str, set[str]]:
    document = json.loads(snapshot.dynamodb_file.read_text())
    return {
        table: {_canonical(from_dynamodb_json(item)) for item in items} for table, items in document["tables"].items()
    }


def _table_items(cloud: LocalCloud) -> dict[str, set[str]]:
    """Every item as the DynamoDB API answers a Scan now (typed attribute values)."""
    client = boto3.client("dynamodb")
    return {
        table.name: {
            _canonical(dict(item))
            for page in client.get_paginator("scan").paginate(TableName=physical_name(cloud.prefix, table))
            for item in page["Items"]
        }
        for table in cloud.deployment.tables
    }


def _canonical(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True, default=repr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("phase", choices=["before", "after"])
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--orders", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    state = StateDir(Path(args.state_dir))
    manifest_file = Path(args.state_dir) / "proof-manifest.json"
    if args.phase == "after":
        # The re-drive and expiry cut-offs at zero: what stopped moving is moved on at the next tick, not in minutes.
        os.environ |= {"STUCK_ORDER_MINUTES": "0", "UNPAID_ORDER_MINUTES": "0"}
    cloud = start_local_cloud(app_env="test", state=state)
    try:
        if args.phase == "before":
            manifest = before(cloud, args.orders)
            manifest_file.write_text(json.dumps(manifest))
            result: dict[str, Any] = {"placed": len(manifest["orders"])}
        else:
            manifest = json.loads(manifest_file.read_text())
            result = after(cloud, manifest, args.timeout)
    finally:
        cloud.stop()  # `before`: stopped while sagas run and wait; the snapshot is taken here
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
