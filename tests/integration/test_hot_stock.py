"""An unplanned rush on an unsplit item, through payOrder on the API Lambda: DynamoDB cancelling the hold for
contention (TransactionConflict, as AWS does for a hot item; moto never does, so the client injects it) makes the
item split itself and the order pay (commerce/hot_stock.py). With automatic splits off, the shopper is told
STOCK_BUSY: nothing held, Stripe not asked, the hold's slot freed, and the same payOrder succeeds later."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import boto3
import pytest

from commerce.catalog import StockLevel
from commerce.hold_limits import HoldLimits
from commerce.hot_stock import AUTO_SPLIT_BY
from infra.local.cloud import LocalCloud
from tests.integration.dynamodb_faults import CancellingClient, conflicting
from tests.integration.shop import LambdaShop
from tests.integration.stripe_cards import AUTHORIZES
from tests.proof.isolated import IsolatedServices, isolated_services
from tests.unit.builders import a_product

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

pytestmark = pytest.mark.integration

HOLD_SENDS = 6  # a hold's transaction and its 5 retries (DynamoReservationRepository.transient_retries)


Rush = tuple[LambdaShop, IsolatedServices, str, CancellingClient]


def a_rushed_shop(cloud: LocalCloud, *, auto_split_shards: int) -> Rush:
    """The API on tables of its own (seeded: its warehouses) whose DynamoDB client meets transaction conflicts when
    told to."""
    client = conflicting(boto3.client("dynamodb"), 0)
    changes = {"auto_split_shards": auto_split_shards}
    world = isolated_services(cloud, seeded=True, settings_changes=changes, dynamodb=cast("DynamoDBClient", client))
    product = a_product(f"p-rush-{world.prefix}", price=2500, category="rush")
    world.parts.repositories.products.add(product)
    world.parts.repositories.inventory.put(StockLevel(product.id, "wh-central", available=30))
    return LambdaShop(cloud, world.bus), world, product.id, client


def level_of(world: IsolatedServices, product: str) -> StockLevel:
    return next(lv for lv in world.parts.repositories.inventory.levels(product) if lv.warehouse_id == "wh-central")


def test_a_payorder_that_dynamodb_finds_contended_splits_the_item_and_is_authorized(local_cloud: LocalCloud) -> None:
    shop, world, product, client = a_rushed_shop(local_cloud, auto_split_shards=12)
    order = shop.place([(product, 2)])
    client.times = HOLD_SENDS  # the hold meets contention through all its retries; the split goes through

    paid = shop.pay(order, AUTHORIZES)

    assert (paid["errors"], paid["outcome"]) == ([], "AUTHORIZED")
    level = level_of(world, product)
    assert (level.shards, level.available, level.reserved) == (12, 28, 2)
    reservation = world.parts.repositories.reservations.get(order.id)
    assert reservation is not None and all(line.shard for line in reservation.lines)
    history = world.parts.repositories.stock_ledger.history(product, limit=5, cursor=None).items
    assert [(entry.kind.value, entry.by, entry.shards_after) for entry in history] == [("SPLIT", AUTO_SPLIT_BY, 12)]


def test_with_automatic_splits_off_a_contended_payorder_is_stock_busy_and_takes_nothing(
    local_cloud: LocalCloud,
) -> None:
    shop, world, product, client = a_rushed_shop(local_cloud, auto_split_shards=0)
    order = shop.place([(product, 2)])
    client.times = HOLD_SENDS

    busy = shop.pay(order, AUTHORIZES)

    assert [error["code"] for error in busy["errors"]] == ["STOCK_BUSY"]
    assert busy["outcome"] is None and busy["retryAfterMs"] == 1000
    assert "your card was not charged" in busy["errors"][0]["message"]
    level = level_of(world, product)
    assert (level.available, level.reserved, level.shards) == (30, 0, 0)
    assert world.parts.repositories.reservations.get(order.id) is None
    stored = world.parts.repositories.orders.get(order.id)
    assert stored is not None and stored.payment.intent_id is None and stored.held_until is None  # Stripe not asked
    # Its slot freed: it holds nothing, so it counts against nobody.
    keys = HoldLimits(per_customer=world.parts.settings.holds_per_customer, per_source=0).keys(stored.email, None)
    assert [world.parts.repositories.hold_slots.live(key, world.clock()) for key in keys] == [[]]

    again = shop.pay(order, AUTHORIZES)  # the rush is over

    assert (again["errors"], again["outcome"]) == ([], "AUTHORIZED")
    assert level_of(world, product).shards == 0
