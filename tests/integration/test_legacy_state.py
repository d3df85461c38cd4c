"""State written by an older version (tests/fixtures/state-before-holds, made by tests/integration/legacy_state.py)
is read, and moved on, by this one: the same items a deployed table holds from before an upgrade."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.legacy_state import FIXTURE, FROZEN_SCHEDULES, PRODUCTS, Driver
from tests.integration.running_system import running_local_system
from tests.integration.stripe_cards import AUTHORIZES

MANIFEST: dict[str, Any] = json.loads((FIXTURE / "manifest.json").read_text())
ORDERS: dict[str, dict[str, str]] = MANIFEST["orders"]

TIMELINE = """
query Order($id: ID!) { adminOrder(id: $id) { status timeline { type message } payment { status } } }"""
SHOPPER = """
query Updates($id: ID!, $token: String!) {
  orderUpdates(id: $id, accessToken: $token) { status terminal events { type message } }
}"""
BY_STATUS = """
query ByStatus($status: OrderStatus!) { adminOrders(filter: {status: $status}, first: 50) { edges { node { id } } } }"""


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Driver]:
    state = tmp_path_factory.mktemp("legacy") / "state"
    shutil.copytree(FIXTURE / "state", state)
    with running_local_system(FROZEN_SCHEDULES, ("--state-dir", str(state))) as system:
        driver = Driver(system)
        driver.log_in()
        yield driver


@pytest.mark.parametrize("name", sorted(ORDERS))
def test_an_order_stored_by_the_older_version_reads_the_same_for_admins_and_shoppers(legacy: Driver, name: str) -> None:
    stored = ORDERS[name]
    admin_view = legacy.graphql(TIMELINE, {"id": stored["id"]}, admin=True)["adminOrder"]
    shopper_view = legacy.graphql(SHOPPER, {"id": stored["id"], "token": stored["token"]})["orderUpdates"]

    assert (admin_view["status"], shopper_view["status"]) == (stored["status"], stored["status"])
    assert admin_view["timeline"] and shopper_view["events"]
    listed = legacy.graphql(BY_STATUS, {"status": stored["status"]}, admin=True)["adminOrders"]["edges"]
    assert stored["id"] in {edge["node"]["id"] for edge in listed}


def test_the_older_versions_stock_is_read_as_it_was_left(legacy: Driver) -> None:
    product = MANIFEST["product"]
    edges = legacy.graphql(PRODUCTS)["products"]["edges"]
    available = next(edge["node"]["availability"]["available"] for edge in edges if edge["node"]["id"] == product["id"])

    assert available == product["available"]


@pytest.mark.parametrize("name", ["unpaid", "declined"])
def test_an_order_left_unpaid_by_the_older_version_can_be_paid_and_fulfilled(legacy: Driver, name: str) -> None:
    stored = ORDERS[name]

    assert legacy.pay(stored, AUTHORIZES) == "AUTHORIZED"
    assert legacy.wait_for(stored["id"], "FULFILLED") == "FULFILLED"


def test_the_fixture_was_made_by_an_older_version() -> None:
    # A regenerated fixture proves nothing about old data: it must stay the one made before the change.
    assert MANIFEST["made_by"].startswith("cef5e9e")
    assert Path(FIXTURE / "state" / "CURRENT").is_file()
