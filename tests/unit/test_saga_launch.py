from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from commerce.repositories.memory import InMemoryIdempotencyRepository
from commerce.services.saga_launch import SagaLauncher
from commerce.workflows import RecordingSagaStarter

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class UnavailableStarter(RecordingSagaStarter):
    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def start(self, order_id: str, saga_input: dict[str, Any]) -> str:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("states.us-east-1.amazonaws.com unreachable")
        return super().start(order_id, saga_input)


def launcher(starter: RecordingSagaStarter) -> SagaLauncher:
    return SagaLauncher(claims=InMemoryIdempotencyRepository(lambda: NOW), starter=starter, clock=lambda: NOW)


def test_launching_twice_for_one_order_starts_one_saga() -> None:
    starter = RecordingSagaStarter()
    sagas = launcher(starter)

    assert sagas.launch("ord_1") is True
    assert sagas.launch("ord_1") is False
    assert sagas.launch("ord_2") is True

    assert starter.started == [("ord_1", {"order_id": "ord_1"}), ("ord_2", {"order_id": "ord_2"})]


def test_a_start_that_failed_gives_its_claim_back_so_the_next_delivery_starts_the_saga() -> None:
    starter = UnavailableStarter(failures=1)
    sagas = launcher(starter)

    with pytest.raises(ConnectionError):
        sagas.launch("ord_1")
    assert starter.starts_of("ord_1") == 0

    assert sagas.launch("ord_1") is True
    assert starter.starts_of("ord_1") == 1


def test_relaunching_runs_the_saga_again_whatever_was_claimed() -> None:
    starter = RecordingSagaStarter()
    sagas = launcher(starter)
    sagas.launch("ord_1")

    sagas.relaunch("ord_1")

    assert starter.starts_of("ord_1") == 2
