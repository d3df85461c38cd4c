"""AnalyticsRepository: per-day counters that only ever add up."""

from __future__ import annotations

from tests.contract.conftest import Stores

TABLES = {"analytics"}


def test_adds_to_a_day_are_summed_per_counter(stores: Stores) -> None:
    stores.analytics.add("2026-11-24", {"orders": 1, "revenue": 4990})
    stores.analytics.add("2026-11-24", {"orders": 1, "refunded": 990})
    stores.analytics.add("2026-11-24", {"revenue": -990})

    assert stores.analytics.days(["2026-11-24"]) == [{"orders": 2, "revenue": 4000, "refunded": 990}]


def test_days_are_read_in_the_order_asked_leaving_out_days_without_counters(stores: Stores) -> None:
    stores.analytics.add("2026-11-23", {"orders": 1})
    stores.analytics.add("2026-11-25", {"orders": 3})

    found = stores.analytics.days(["2026-11-25", "2026-11-24", "2026-11-23"])

    assert found == [{"orders": 3}, {"orders": 1}]


def test_an_add_of_no_counters_leaves_the_day_without_any(stores: Stores) -> None:
    stores.analytics.add("2026-11-24", {})

    assert stores.analytics.days(["2026-11-24"]) == []


def test_a_counter_added_to_zero_is_kept(stores: Stores) -> None:
    stores.analytics.add("2026-11-24", {"orders": 1})
    stores.analytics.add("2026-11-24", {"orders": -1})

    assert stores.analytics.days(["2026-11-24"]) == [{"orders": 0}]
