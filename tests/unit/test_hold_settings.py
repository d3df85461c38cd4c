"""HOLD_MINUTES sets how long payOrder holds an order's stock (it must lapse before renewals stop); the hold caps
and the automatic split are set beside it, each refused at start outside its range."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta

import pytest

from commerce import wiring_services
from commerce.settings import Settings, TableNames
from tests.unit.shop_bus import a_bus

_ENV = {TableNames.env_var(f.name): f"t-{f.name}" for f in fields(TableNames)} | {"EVENT_BUS_NAME": "orders"}


def test_holds_last_ten_minutes_unless_configured() -> None:
    assert Settings.from_env(_ENV).hold_minutes == 10
    assert Settings.from_env(_ENV | {"HOLD_MINUTES": "5"}).hold_minutes == 5


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HOLD_MINUTES", "0"),
        ("HOLD_MINUTES", "26"),  # past the renewal limit
        ("HOLDS_PER_CUSTOMER", "0"),
        ("HOLDS_PER_SOURCE", "100000"),  # each slot is an item a claim may try
        ("AUTO_SPLIT_SHARDS", "1"),
        ("AUTO_SPLIT_SHARDS", "33"),
    ],
)
def test_a_hold_setting_outside_its_range_is_refused_at_start(variable: str, value: str) -> None:
    with pytest.raises(RuntimeError, match=variable):
        Settings.from_env(_ENV | {variable: value})


def test_the_configured_hold_time_reaches_the_inventory_service() -> None:
    settings = Settings.from_env(_ENV | {"HOLD_MINUTES": "7"})
    bus = a_bus(settings=settings)

    assert bus.dependencies.build(wiring_services.inventory_service).hold_ttl == timedelta(minutes=7)


def test_the_automatic_split_is_on_by_default_and_reaches_the_inventory_service() -> None:
    default = a_bus(settings=Settings.from_env(_ENV)).dependencies.build(wiring_services.inventory_service)
    configured = Settings.from_env(_ENV | {"AUTO_SPLIT_SHARDS": "0"})
    service = a_bus(settings=configured).dependencies.build(wiring_services.inventory_service)

    assert default.auto_split is not None and default.auto_split.shards == 12
    assert service.auto_split is not None and service.auto_split.shards == 0
