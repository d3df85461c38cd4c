"""HoldSlotRepository: each slot claimed by one order at a time through a conditional write; expired slots are free
again by the caller's clock (DynamoDB's TTL deletes late); a burst of claims never holds more than the cap."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from commerce.clock import to_iso
from commerce.hold_limits import HoldKey, HoldKind, HoldLimitReachedError
from tests.contract.conftest import Stores

TABLES = {"idempotency"}
TTL = timedelta(minutes=10)
EMAIL = HoldKey(HoldKind.CUSTOMER, "ada@example.com", 2)
ADDRESS = HoldKey(HoldKind.SOURCE, "203.0.113.9", 3)


def claim(stores: Stores, order_id: str, *keys: HoldKey) -> list[str]:
    now = stores.clock()
    return stores.hold_slots.claim(order_id, keys or (EMAIL,), now + TTL, now)


def live(stores: Stores, key: HoldKey = EMAIL) -> list[str]:
    return sorted(slot.holder for slot in stores.hold_slots.live(key, stores.clock()))


def test_each_order_takes_one_slot_until_the_cap(stores: Stores) -> None:
    claim(stores, "o1")
    claim(stores, "o2")

    with pytest.raises(HoldLimitReachedError) as refused:
        claim(stores, "o3")

    assert (refused.value.kind, refused.value.cap) == (HoldKind.CUSTOMER, 2)
    assert refused.value.free_at == to_iso(stores.clock() + TTL)
    assert live(stores) == ["o1", "o2"]


def test_claiming_again_renews_the_orders_own_slot(stores: Stores) -> None:
    first = claim(stores, "o1")
    claim(stores, "o2")
    stores.clock.advance(timedelta(minutes=5))

    assert claim(stores, "o1") == first
    stores.clock.advance(timedelta(minutes=6))
    assert live(stores) == ["o1"]


def test_an_expired_slot_is_free_by_the_clock_before_any_ttl_deletes_it(stores: Stores) -> None:
    claim(stores, "o1")
    claim(stores, "o2")
    stores.clock.advance(TTL)

    claim(stores, "o3")

    assert live(stores) == ["o3"]


def test_settle_moves_the_expiry_of_the_orders_slots(stores: Stores) -> None:
    names = claim(stores, "o1", EMAIL, ADDRESS)
    stores.hold_slots.settle("o1", names, stores.clock() + timedelta(minutes=3))
    stores.clock.advance(timedelta(minutes=3))

    assert live(stores) == [] and live(stores, ADDRESS) == []


def test_release_frees_every_slot_of_the_order_and_no_other(stores: Stores) -> None:
    claim(stores, "o1", EMAIL, ADDRESS)
    claim(stores, "o2", EMAIL, ADDRESS)

    assert stores.hold_slots.release("o1") == 2
    assert stores.hold_slots.release("o1") == 0
    assert live(stores) == ["o2"] and live(stores, ADDRESS) == ["o2"]


def test_a_refusal_on_one_key_gives_back_what_the_claim_took_on_the_others(stores: Stores) -> None:
    narrow = HoldKey(HoldKind.SOURCE, "198.51.100.1", 1)
    claim(stores, "o1", narrow)

    with pytest.raises(HoldLimitReachedError):
        claim(stores, "o2", EMAIL, narrow)

    assert live(stores) == []


def test_a_burst_of_claims_never_holds_more_than_the_cap(stores: Stores) -> None:
    start = threading.Barrier(8)

    def one(order_id: str) -> bool:
        start.wait()
        try:
            claim(stores, order_id, ADDRESS)
        except HoldLimitReachedError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        granted = list(pool.map(one, [f"o{index}" for index in range(8)]))

    assert granted.count(True) == ADDRESS.cap
    assert len(live(stores, ADDRESS)) == ADDRESS.cap
