from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commerce.errors import IllegalTransitionError
from commerce.order_status import TERMINAL, TRANSITIONS, OrderStatus, can_transition, sources_of
from tests.unit.builders import an_order

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_every_status_has_an_entry_in_the_transition_table() -> None:
    assert set(TRANSITIONS) == set(OrderStatus)


def test_terminal_statuses_are_exactly_the_ones_with_no_way_out() -> None:
    assert {OrderStatus.FULFILLED, OrderStatus.FAILED, OrderStatus.CANCELLED, OrderStatus.EXPIRED} == TERMINAL


def test_every_non_terminal_status_can_reach_a_terminal_one() -> None:
    for start in OrderStatus:
        reachable, frontier = {start}, [start]
        while frontier:
            for target in TRANSITIONS[frontier.pop()]:
                if target not in reachable:
                    reachable.add(target)
                    frontier.append(target)
        assert reachable & TERMINAL, f"{start} can never end"


def test_a_declined_card_may_be_followed_by_another_attempt() -> None:
    assert can_transition(OrderStatus.PAYMENT_FAILED, OrderStatus.AUTHORIZED)
    assert can_transition(OrderStatus.PAYMENT_FAILED, OrderStatus.PAYMENT_FAILED)


def test_a_shipped_order_can_no_longer_be_compensated() -> None:
    assert not can_transition(OrderStatus.SHIPPED, OrderStatus.COMPENSATING)
    assert OrderStatus.SHIPPED not in sources_of(OrderStatus.COMPENSATING)


def test_an_illegal_transition_raises_a_typed_error_naming_both_statuses() -> None:
    order = an_order(status=OrderStatus.PENDING_PAYMENT)
    with pytest.raises(IllegalTransitionError) as raised:
        order.transitioned(OrderStatus.SHIPPED, NOW)
    assert (raised.value.current, raised.value.target) == ("PENDING_PAYMENT", "SHIPPED")


def test_a_legal_transition_bumps_the_version_and_the_update_time() -> None:
    order = an_order(status=OrderStatus.PENDING_PAYMENT)
    moved = order.transitioned(OrderStatus.AUTHORIZED, NOW)
    assert moved.status is OrderStatus.AUTHORIZED
    assert moved.version == order.version + 1
    assert moved.updated_at == "2026-11-24T09:30:00.000Z"
    assert order.status is OrderStatus.PENDING_PAYMENT
