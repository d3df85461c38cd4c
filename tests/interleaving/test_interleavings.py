"""Every pair of the table, every schedule up to 2 preemptions: the invariants hold (or the known race is found);
and each fixed race, put back, is found."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from commerce.order_status import OrderStatus
from commerce.services.payments import StockBusyError
from tests.interleaving.explorer import explore
from tests.interleaving.pairs import PAIRS, Operation, Pair, Scene
from tests.interleaving.reinsert_bugs import BUGS, Reinserted, explore_with
from tests.interleaving.scheduler import Schedule
from tests.interleaving.world import World

BOUND = 2


@pytest.fixture(autouse=True)
def quiet_logs() -> Iterator[None]:
    # The code under test logs every race it meets; thousands of schedules would flood a failure's report.
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


def _marked(pair: Pair) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=pair.known_bug)] if pair.known_bug else []
    return pytest.param(pair, id=pair.name, marks=marks)


@pytest.mark.parametrize("pair", [_marked(pair) for pair in PAIRS])
def test_every_schedule_of_the_pair_keeps_the_invariants(pair: Pair) -> None:
    explored = explore(pair, BOUND)

    assert explored.passed, explored.report()
    assert explored.schedules > 1


@pytest.mark.parametrize("bug", BUGS, ids=[bug.name.split(" (")[0] for bug in BUGS])
def test_a_fixed_race_put_back_is_found(bug: Reinserted) -> None:
    found = explore_with(bug, BOUND)

    assert not found.passed, f"{bug.name}: {found.schedules} schedules explored, none failed"


def test_the_explorer_plays_each_schedule_of_two_independent_operations_once() -> None:
    # Two operations of two traced calls each: C(4, 2) = 6 ways to interleave them, 2 of them without a preemption.
    def two_calls(name: str) -> Operation:
        return Operation(name, lambda world: [world.repositories.orders.get(name) for _ in range(2)])

    pair = Pair(Scene("nothing", lambda world: None), two_calls("a"), two_calls("b"))

    assert [explore(pair, bound).schedules for bound in (0, 1, 2, 3)] == [2, 4, 6, 6]


def _played(picks: list[int]) -> list[str]:
    schedule = Schedule(picks, check=lambda: None)
    traced = schedule.traced("call", lambda who: who)
    outcome = schedule.run([lambda: [traced("a") for _ in range(3)], lambda: [traced("b") for _ in range(3)]])
    return [f"{step.thread}:{step.call}" for step in outcome.steps]


def test_a_schedule_replays_the_same_calls_from_its_picks() -> None:
    played = _played([1, 0, 0, 1])

    assert played == _played([1, 0, 0, 1])
    # After the picks, the running thread goes on: b's remaining calls, then nothing is left to pick.
    assert played == ["1:call('b')", "0:call('a')", "0:call('a')", "1:call('b')", "1:call('b')", "0:call('a')"]


def test_a_payorder_whose_hold_fails_for_contention_keeps_no_hold_slot() -> None:
    world = World()
    world.order_in(OrderStatus.PENDING_PAYMENT, held_at=None)
    world.begin()
    world.contend(1)
    world.inventory_service.auto_split = None  # the split refused (as when an admin split over another count)

    with pytest.raises(StockBusyError):
        world.pay()

    assert not world.stock_held_for("ord_1")
    assert [slot.holder for slot in world.hold_slots.slots.values()] == []
