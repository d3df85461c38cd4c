"""IdempotencyRepository: the first claim stands until it expires by the injected clock, then reads absent."""

from __future__ import annotations

from datetime import timedelta

from commerce.clock import epoch_seconds
from commerce.idempotency import IdempotencyRecord
from tests.contract.conftest import Stores

TABLES = {"idempotency"}


def a_record(stores: Stores, key: str = "key-1", *, result_id: str = "ord_1", lives: int = 60) -> IdempotencyRecord:
    return IdempotencyRecord(
        key=key, request_hash="h1", result_id=result_id, expires_at=epoch_seconds(stores.clock) + lives
    )


def test_a_claimed_key_reads_back_and_a_second_claim_is_refused(stores: Stores) -> None:
    first = a_record(stores)

    assert stores.idempotency.claim(first)
    assert not stores.idempotency.claim(a_record(stores, result_id="ord_2"))

    assert stores.idempotency.get("key-1") == first


def test_an_unknown_key_reads_absent(stores: Stores) -> None:
    assert stores.idempotency.get("never-claimed") is None


def test_a_record_reads_absent_from_its_expiry_by_the_clock_it_is_given(stores: Stores) -> None:
    stores.idempotency.claim(a_record(stores, lives=60))

    stores.clock.advance(timedelta(seconds=59))
    assert stores.idempotency.get("key-1") is not None
    stores.clock.advance(timedelta(seconds=1))
    assert stores.idempotency.get("key-1") is None


def test_an_expired_key_can_be_claimed_again_and_the_new_claim_stands(stores: Stores) -> None:
    stores.idempotency.claim(a_record(stores, lives=60))
    stores.clock.advance(timedelta(seconds=60))
    second = a_record(stores, result_id="ord_2")

    assert stores.idempotency.claim(second)
    assert not stores.idempotency.claim(a_record(stores, result_id="ord_3"))

    assert stores.idempotency.get("key-1") == second


def test_a_released_key_can_be_claimed_again(stores: Stores) -> None:
    stores.idempotency.claim(a_record(stores))

    stores.idempotency.release("key-1")

    assert stores.idempotency.get("key-1") is None
    assert stores.idempotency.claim(a_record(stores, result_id="ord_2"))


def test_releasing_a_key_nobody_claimed_changes_nothing(stores: Stores) -> None:
    stores.idempotency.release("never-claimed")

    assert stores.idempotency.get("never-claimed") is None
