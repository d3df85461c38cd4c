"""HOLD_MINUTES sets how long payOrder holds an order's stock; it must lapse before renewals stop."""

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


@pytest.mark.parametrize("minutes", ["0", "26"])
def test_a_hold_time_past_the_renewal_limit_is_refused(minutes: str) -> None:
    with pytest.raises(RuntimeError, match="HOLD_MINUTES"):
        Settings.from_env(_ENV | {"HOLD_MINUTES": minutes})


def test_the_configured_hold_time_reaches_the_inventory_service() -> None:
    settings = Settings.from_env(_ENV | {"HOLD_MINUTES": "7"})
    bus = a_bus(settings=settings)

    assert bus.dependencies.build(wiring_services.inventory_service).hold_ttl == timedelta(minutes=7)
